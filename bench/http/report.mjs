// Renders one bench/http/run.sh run (its runs.jsonl) as Markdown tables and an SVG chart
// (hand-written SVG, no libraries; Node's standard library only).
//
//   node bench/http/report.mjs RESULTS_DIR [--doc docs/PERFORMANCE.md]… [--svg docs/http-overhead.svg]
//
// Always: appends the tables to RESULTS_DIR/summary.md and writes RESULTS_DIR/report.md and
// RESULTS_DIR/http-overhead.svg. --doc replaces the part of that file between the markers
//   <!-- bench/http/report.mjs: begin --> … <!-- bench/http/report.mjs: end -->
// with the same tables (the prose around them is written by hand; the template of fill_performance.mjs
// carries a copy of the section, so run.sh --update-docs passes both files); --svg writes the chart there.
// Medians over the rounds; every ratio is computed within a round, then its median is taken.
import fs from 'fs';
import path from 'path';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir || !fs.existsSync(`${dir}/runs.jsonl`)) {
  console.error('usage: node bench/http/report.mjs RESULTS_DIR [--doc FILE] [--svg FILE]');
  process.exit(64);
}
const opt = (name) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : undefined;
};
const runs = fs.readFileSync(`${dir}/runs.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const stamp = path.basename(path.resolve(dir));

const median = (xs) => {
  const v = xs.filter((x) => x !== undefined && x !== null && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '—');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const ms = (x) => (Number.isFinite(x) ? (x >= 10000 ? (x / 1000).toFixed(0) : x >= 1000 ? (x / 1000).toFixed(1) : (x / 1000).toFixed(2)) : '—');
const us = (x) => (Number.isFinite(x) ? (x >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(1)) : '—');
const yes = (ok) => (ok ? 'yes' : '**no**');

// ---- throughput --------------------------------------------------------------------------
const what = {
  nginx: 'nginx `return 200` (same request bytes)',
  healthz: 'Warden `GET /healthz`: no stages, no decision — the transport floor',
  none: '`/v1/check`, no stages (`--stage-off all`)',
  'none-noaudit': '`/v1/check`, no stages, `--no-audit`',
  authn: '`/v1/check`, authn alone',
  ratelimit: '`/v1/check`, ratelimit alone',
  validate: '`/v1/check`, validate alone',
  authz: '`/v1/check`, authz alone',
  audit: '`/v1/check`, audit alone',
  full: '`/v1/check`, **full stack** (authn → ratelimit → validate → authz → audit)',
  'full-noaudit': '`/v1/check`, full stack, `--no-audit`',
  'full-authz': '`GET /v1/authz` (nginx auth_request), full stack',
  'full-exec': '`/v1/check` exec `git status` (shell analysis), full stack',
};
const tp = runs.filter((r) => r.kind === 'throughput' && r.wrk);
const rps = (r) => (r.wrk.requests / r.wrk.duration_us) * 1e6;
const rounds = [...new Set(tp.map((r) => r.round))].sort((a, b) => a - b);
const configs = [...new Set(tp.map((r) => r.config))];
const byRound = (cfg, round) => tp.find((r) => r.config === cfg && r.round === round);
const ratioTo = (cfg, base) => median(rounds.map((rd) => {
  const a = byRound(cfg, rd), b = byRound(base, rd);
  return a && b ? rps(a) / rps(b) : undefined;
}));
const cpuUs = (r) => ((r.server_cpu_ticks / r.clk_tck) * 1e6) / r.wrk.requests;
const busy = (r) => r.server_cpu_ticks / r.clk_tck / (r.wrk.duration_us / 1e6);
// Per core: how many requests each would serve with its whole core, i.e. 1 / CPU time per
// request; the ratio does not depend on whether the load generator could saturate the server.
const cpuRatioTo = (cfg, base) => median(rounds.map((rd) => {
  const a = byRound(cfg, rd), b = byRound(base, rd);
  return a && b ? cpuUs(b) / cpuUs(a) : undefined;
}));
const wrkErrors = (r) => Object.values(r.wrk.errors).reduce((s, x) => s + x, 0);
const tpRows = configs.map((cfg) => {
  const rs = tp.filter((r) => r.config === cfg);
  const v = rs.map(rps);
  return {
    cfg,
    median: median(v), min: Math.min(...v), max: Math.max(...v),
    xNginx: ratioTo(cfg, 'nginx'), xNone: ratioTo(cfg, 'none'),
    cpu: median(rs.map((r) => (r.server_cpu_ticks / r.clk_tck) * 1e6 / r.wrk.requests)),
    cpuUser: median(rs.map((r) => (r.server_user_ticks / r.clk_tck) * 1e6 / r.wrk.requests)),
    cpuSys: median(rs.map((r) => (r.server_sys_ticks / r.clk_tck) * 1e6 / r.wrk.requests)),
    audit: median(rs.map((r) => r.audit_bytes / r.wrk.requests)),
    errors: rs.reduce((s, r) => s + wrkErrors(r), 0),
    p99: median(rs.map((r) => r.wrk.latency_us.p99)),
    busy: median(rs.map((r) => r.runnable_mean)),
    core: median(rs.map(busy)),
    cpuXNginx: cpuRatioTo(cfg, 'nginx'), cpuXNone: cpuRatioTo(cfg, 'none'),
    n: rs.length,
  };
});
const row = (cfg) => tpRows.find((r) => r.cfg === cfg);
const isWarden = (cfg) => cfg !== 'nginx';
const decisionRow = (cfg) => !['nginx', 'healthz'].includes(cfg);
let tpTable = [
  '| config | req/s (median; min–max) | × nginx | × no stages | server core busy | server CPU µs/req: user + kernel | per core: × nginx | per core: × no stages | audit B/req | errors | runnable |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...tpRows.map((r) => `| ${what[r.cfg] || r.cfg} | ${fmtInt(r.median)} (${fmtInt(r.min)}–${fmtInt(r.max)}) | ${f2(r.xNginx)} | ${decisionRow(r.cfg) ? f2(r.xNone) : '—'} | ${Math.round(r.core * 100)} % | ${f1(r.cpu)}: ${f1(r.cpuUser)} + ${f1(r.cpuSys)} | ${f2(r.cpuXNginx)} | ${decisionRow(r.cfg) ? f2(r.cpuXNone) : '—'} | ${isWarden(r.cfg) ? fmtInt(r.audit) : '—'} | ${r.errors} | ${f1(r.busy)} |`),
].join('\n');

// ---- fixed rate --------------------------------------------------------------------------
const fr = runs.filter((r) => r.kind === 'fixed');
const rates = [...new Set(fr.map((r) => r.rate))].sort((a, b) => a - b);
const frRows = [];
for (const rate of rates) {
  for (const cfg of ['nginx', 'full', 'full-badtoken']) {
    const rs = fr.filter((r) => r.rate === rate && r.config === cfg).map((r) => r.load);
    if (!rs.length) continue;
    const m = (f) => median(rs.map(f));
    frRows.push({
      rate, cfg,
      achieved: m((o) => o.achieved_rps),
      p50: m((o) => o.latency_us.p50), p99: m((o) => o.latency_us.p99), p999: m((o) => o.latency_us.p99_9),
      max: Math.max(...rs.map((o) => o.latency_us.max)),
      sp50: m((o) => o.service_us.p50), sp99: m((o) => o.service_us.p99),
      lag99: m((o) => o.send_lag_us.p99),
      queued: m((o) => (o.queued ?? 0) / Math.max(1, o.sent)),
      errors: rs.reduce((s, o) => s + o.errors.total, 0),
      intended: rs.reduce((s, o) => s + o.intended, 0),
      completed: rs.reduce((s, o) => s + o.completed, 0),
      status: rs.reduce((acc, o) => { for (const [k, v] of Object.entries(o.status)) acc[k] = (acc[k] || 0) + v; return acc; }, {}),
      busy: median(fr.filter((r) => r.rate === rate && r.config === cfg).map((r) => r.runnable_mean)),
    });
  }
}
const frTable = [
  '| offered req/s | server | achieved req/s | p50 µs | p99 µs | p99.9 µs | max µs | from the send: p50 / p99 µs | load generator late: p99 µs / requests queued behind a late answer | errors / answers | runnable |',
  '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...frRows.map((r) => `| ${fmtInt(r.rate)} | ${{ nginx: 'nginx `return 200`', full: 'Warden, full stack', 'full-badtoken': 'Warden, full stack, unknown token' }[r.cfg]} | ${fmtInt(r.achieved)} | ${us(r.p50)} | ${us(r.p99)} | ${us(r.p999)} | ${us(r.max)} | ${us(r.sp50)} / ${us(r.sp99)} | ${us(r.lag99)} / ${f1(r.queued * 100)} % | ${r.errors} / ${fmtInt(r.completed)}${r.intended ? ` (intended: ${Object.entries(r.status).filter(([k]) => k >= 400).map(([k, v]) => `${fmtInt(v)}× ${k}`).join(', ')})` : ''} | ${f1(r.busy)} |`),
].join('\n');

// ---- stage times -------------------------------------------------------------------------
const tm = runs.filter((r) => r.kind === 'timing');
const tmRates = [...new Set(tm.map((r) => r.rate))].sort((a, b) => a - b);
const stageNames = ['authn', 'ratelimit', 'validate', 'authz', 'audit'];
const stageP = (rate, name, p = 'p50') => median(tm.filter((r) => r.rate === rate).map((r) => r.load.server_timing_us?.[name]?.[p]));
const tmTable = tmRates.length ? [
  `| Server-Timing metric | ${tmRates.map((r) => `p50 µs at ${fmtInt(r)}/s`).join(' | ')} | ${tmRates.map((r) => `p99 µs at ${fmtInt(r)}/s`).join(' | ')} |`,
  `|---|${tmRates.map(() => '---:').join('|')}|${tmRates.map(() => '---:').join('|')}|`,
  ...stageNames.map((n) => `| ${n} | ${tmRates.map((r) => f1(stageP(r, n))).join(' | ')} | ${tmRates.map((r) => f1(stageP(r, n, 'p99'))).join(' | ')} |`),
  `| **sum of the stages** (per request, then p50) | ${tmRates.map((r) => `**${f1(stageP(r, 'stages_sum'))}**`).join(' | ')} | ${tmRates.map((r) => f1(stageP(r, 'stages_sum', 'p99'))).join(' | ')} |`,
  `| total (routing + stages + endpoint: JSON, decision, audit record) | ${tmRates.map((r) => f1(stageP(r, 'total'))).join(' | ')} | ${tmRates.map((r) => f1(stageP(r, 'total', 'p99'))).join(' | ')} |`,
].join('\n') : '_no stage-time runs in this run_';

// ---- targets ------------------------------------------------------------------------------
const full = row('full'), none = row('none');
const fr10k = frRows.find((r) => r.rate === 10000 && r.cfg === 'full');
const fr10kN = frRows.find((r) => r.rate === 10000 && r.cfg === 'nginx');
const sum1k = stageP(1000, 'stages_sum'), sum10k = stageP(10000, 'stages_sum');
const wardenErrors = tpRows.filter((r) => isWarden(r.cfg)).reduce((s, r) => s + r.errors, 0) +
  frRows.filter((r) => r.cfg.startsWith('full')).reduce((s, r) => s + r.errors, 0) +
  tm.reduce((s, r) => s + r.load.errors.total, 0);
const wardenAnswers = tp.filter((r) => isWarden(r.config)).reduce((s, r) => s + r.wrk.requests, 0) +
  frRows.filter((r) => r.cfg.startsWith('full')).reduce((s, r) => s + r.completed, 0) + tm.reduce((s, r) => s + r.load.completed, 0);
const intended = frRows.reduce((s, r) => s + r.intended, 0);
const nginxErrors = tpRows.filter((r) => !isWarden(r.cfg)).reduce((s, r) => s + r.errors, 0) +
  frRows.filter((r) => r.cfg === 'nginx').reduce((s, r) => s + r.errors, 0);
const targets = [];
if (full) {
  const ng = row('nginx');
  targets.push(`| full-stack throughput vs nginx \`return 200\`, same run | ≥ 0.7× | ${f2(full.xNginx)}× (${fmtInt(full.median)} vs ${fmtInt(ng?.median)} req/s${ng && ng.core < 0.9 ? `; nginx's core only ${Math.round(ng.core * 100)} % busy: wrk's one core is the limit there` : ''}) | ${yes(full.xNginx >= 0.7)} |`);
  targets.push(`| — the same per core (CPU time per request: ${f1(full.cpu)} µs vs nginx ${f1(ng?.cpu)} µs) | ≥ 0.7× | ${f2(full.cpuXNginx)}× | ${yes(full.cpuXNginx >= 0.7)} |`);
  if (none) {
    targets.push(`| full stack vs Warden with no stages (\`--stage-off all\`${none.audit > 0 ? '; this binary still audits every decision there' : ', which also leaves decisions unaudited'}) | ≤ 5 % lost (≥ 0.95×) | ${f2(full.xNone)}×: ${f1((1 - full.xNone) * 100)} % lost | ${yes(full.xNone >= 0.95)} |`);
    targets.push(`| — the same per core (CPU time per request: ${f1(full.cpu)} µs vs ${f1(none.cpu)} µs) | ≥ 0.95× | ${f2(full.cpuXNone)}×: ${f1((1 - full.cpuXNone) * 100)} % lost | ${yes(full.cpuXNone >= 0.95)} |`);
  }
  const fna = row('full-noaudit');
  if (fna) {
    targets.push(`| — the full stack without its audit log (\`--no-audit\`: the four other stages) vs no stages | — | ${f2(fna.xNone)}× in req/s, ${f2(fna.cpuXNone)}× per core (${f1(fna.cpu)} µs vs ${f1(none?.cpu)} µs) | — |`);
  }
}
if (Number.isFinite(sum1k)) {
  targets.push(`| summed stage time, p50 (Server-Timing) | ≤ 20 µs | ${f1(sum1k)} µs at 1k req/s, ${f1(sum10k)} µs at 10k req/s | ${Number.isFinite(sum10k) ? (sum1k <= 20 && sum10k <= 20 ? 'yes' : sum1k > 20 && sum10k > 20 ? '**no**' : `at 1k/s ${sum1k <= 20 ? 'yes' : '**no**'}, at 10k/s ${sum10k <= 20 ? 'yes' : '**no**'}`) : yes(sum1k <= 20)} |`);
}
if (fr10k) {
  targets.push(`| p99 latency at 10k req/s, full stack (from the scheduled send) | ≤ 1 ms | ${us(fr10k.p99)} µs (nginx in the same run: ${us(fr10kN?.p99)} µs; from the send ${us(fr10k.sp99)} µs) | ${yes(fr10k.p99 <= 1000)} |`);
}
targets.push(`| errors other than intended 401/403/429 | none | ${wardenErrors} in ${fmtInt(wardenAnswers)} answers from Warden${intended ? ` (besides ${fmtInt(intended)} intended refusals of an unknown token)` : ''}; nginx: ${nginxErrors} | ${yes(wardenErrors === 0)} |`);
const targetTable = ['| what | target | measured | met? |', '|---|---|---|---|', ...targets].join('\n');

// ---- SVG ------------------------------------------------------------------------------------
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const plain = (s) => s.replace(/\*\*|`/g, '');
function svgChart() {
  const W = 900, left = 330, right = 190, rowH = 24, top = 56;
  const plotW = W - left - right;
  const rawMax = Math.max(...tpRows.map((r) => r.max));
  const mag = 10 ** Math.floor(Math.log10(rawMax / 5));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((x) => rawMax / x <= 6);
  const maxV = Math.ceil(rawMax / step) * step;
  const colour = (cfg) => (cfg === 'nginx' ? '#7f7f7f' : cfg === 'healthz' || cfg.startsWith('none') ? '#4c78a8'
    : cfg.startsWith('full') ? '#e45756' : '#f58518');
  const h1 = top + tpRows.length * rowH + 40;
  let s = '';
  s += `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Warden HTTP API: throughput on one server core, wrk closed loop (run ${esc(stamp)})</text>\n`;
  s += `<text x="${W / 2}" y="40" text-anchor="middle" font-size="11" fill="#555">bar: median req/s of ${rounds.length} interleaved round(s); whisker: min–max; ratios computed within each round</text>\n`;
  for (let v = 0; v <= maxV + 1e-9; v += step) {
    const x = left + (plotW * v) / maxV;
    s += `<line x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${top + tpRows.length * rowH}" stroke="#ddd"/>\n`;
    s += `<text x="${x.toFixed(1)}" y="${top + tpRows.length * rowH + 14}" text-anchor="middle" font-size="10" fill="#555">${fmtInt(v)}</text>\n`;
  }
  s += `<text x="${left + plotW / 2}" y="${top + tpRows.length * rowH + 30}" text-anchor="middle" font-size="11" fill="#333">requests per second</text>\n`;
  tpRows.forEach((r, i) => {
    const y = top + i * rowH;
    const wv = (plotW * r.median) / maxV;
    s += `<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="11">${esc(plain(what[r.cfg] || r.cfg).replace(/ \(authn → ratelimit → validate → authz → audit\)/, ''))}</text>\n`;
    s += `<rect x="${left}" y="${y + 4}" width="${wv.toFixed(1)}" height="${rowH - 8}" fill="${colour(r.cfg)}"/>\n`;
    const x0 = left + (plotW * r.min) / maxV, x1 = left + (plotW * r.max) / maxV;
    s += `<line x1="${x0.toFixed(1)}" y1="${y + rowH / 2}" x2="${x1.toFixed(1)}" y2="${y + rowH / 2}" stroke="#222"/>\n`;
    s += `<line x1="${x0.toFixed(1)}" y1="${y + 8}" x2="${x0.toFixed(1)}" y2="${y + rowH - 8}" stroke="#222"/><line x1="${x1.toFixed(1)}" y1="${y + 8}" x2="${x1.toFixed(1)}" y2="${y + rowH - 8}" stroke="#222"/>\n`;
    const label = `${fmtInt(r.median)}  ${r.cfg === 'nginx' ? '(1.00×)' : `${f2(r.xNginx)}× nginx`}${decisionRow(r.cfg) && r.cfg !== 'none' ? `, ${f2(r.xNone)}× none` : ''}`;
    s += `<text x="${left + plotW + 6}" y="${y + 15}" font-size="11">${esc(label)}</text>\n`;
  });
  // The latency panel: p50 and p99 at each fixed rate, log scale.
  let s2 = '';
  const lat = frRows.filter((r) => r.cfg !== 'full-badtoken');
  const top2 = h1 + 40, lrows = lat.length;
  if (lrows) {
    s2 += `<text x="${W / 2}" y="${top2 - 18}" text-anchor="middle" font-size="15" font-weight="bold">Latency at a fixed offered rate (open loop, from the scheduled send)</text>\n`;
    const lo = 10, hi = Math.max(100000, ...lat.map((r) => r.p999)) * 1.2;
    const lx = (v) => left + (plotW * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
    for (let e = 1; 10 ** e <= hi; e++) {
      const x = lx(10 ** e);
      s2 += `<line x1="${x.toFixed(1)}" y1="${top2 - 4}" x2="${x.toFixed(1)}" y2="${top2 + lrows * rowH}" stroke="#ddd"/>\n`;
      s2 += `<text x="${x.toFixed(1)}" y="${top2 + lrows * rowH + 14}" text-anchor="middle" font-size="10" fill="#555">${10 ** e >= 1000 ? `${10 ** (e - 3)} ms` : `${10 ** e} µs`}</text>\n`;
    }
    const x1ms = lx(1000);
    s2 += `<line x1="${x1ms.toFixed(1)}" y1="${top2 - 6}" x2="${x1ms.toFixed(1)}" y2="${top2 + lrows * rowH}" stroke="#e45756" stroke-dasharray="4 3"/>\n`;
    s2 += `<text x="${x1ms + 4}" y="${top2 + 2}" font-size="10" fill="#e45756">target: p99 ≤ 1 ms at 10k/s</text>\n`;
    lat.forEach((r, i) => {
      const y = top2 + i * rowH;
      s2 += `<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="11">${esc(`${fmtInt(r.rate)} req/s — ${r.cfg === 'nginx' ? 'nginx return 200' : 'Warden full stack'}`)}</text>\n`;
      const c = r.cfg === 'nginx' ? '#7f7f7f' : '#e45756';
      s2 += `<rect x="${left}" y="${y + 4}" width="${(lx(r.p99) - left).toFixed(1)}" height="${rowH - 8}" fill="${c}" fill-opacity="0.35"/>\n`;
      s2 += `<rect x="${left}" y="${y + 4}" width="${(lx(r.p50) - left).toFixed(1)}" height="${rowH - 8}" fill="${c}"/>\n`;
      s2 += `<line x1="${lx(r.p999).toFixed(1)}" y1="${y + 6}" x2="${lx(r.p999).toFixed(1)}" y2="${y + rowH - 6}" stroke="#222" stroke-width="2"/>\n`;
      s2 += `<text x="${left + plotW + 6}" y="${y + 15}" font-size="11">${esc(`${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.p999)} ms`)}</text>\n`;
    });
    s2 += `<text x="${left + plotW / 2}" y="${top2 + lrows * rowH + 30}" text-anchor="middle" font-size="11" fill="#333">latency (log scale): dark bar p50, light bar p99, tick p99.9; medians of the rounds</text>\n`;
    s2 += `<text x="${left + plotW + 6}" y="${top2 - 4}" font-size="10" fill="#555">p50 / p99 / p99.9</text>\n`;
  }
  const H = lrows ? top2 + lrows * rowH + 44 : h1;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<rect width="${W}" height="${H}" fill="#fff"/>
${s}${s2}</svg>
`;
}

// ---- out --------------------------------------------------------------------------------
const resultsLink = `bench/results/${stamp}/`;
const block = `Run [\`${stamp}\`](../${resultsLink}summary.md) (machine, load and every command in its summary.md).

**Against the targets**

${targetTable}

**Throughput** (wrk, closed loop). *× nginx*, *× no stages*: req/s ratios within each round, median. *server core busy*: the server's CPU time (user + kernel, /proc/PID/stat) over the measured seconds — below ~95 % the server was not the bottleneck (the load generator or a neighbour was). *per core*: the same ratios from CPU time per request (1 ÷ µs per request: what each would serve with its whole core), which do not depend on whether wrk could saturate the server. *audit B/req*: what the audit log grew by. *runnable*: processes wanting a CPU during the measurement, sampled every 0.25 s — the server and wrk are 2 of them, more means neighbours competed.

${tpTable}

**Fixed rate** (warden_http_loadgen, open loop, latency from each request's scheduled send; errors count everything but 2xx and the intended 401/403/429; runnable as above, ours included)

${frTable}

**Stage times** (Server-Timing of every answer, full stack, \`/v1/check\` RBAC request, \`Warden-Timing: 1\`)

${tmTable}
`;
const svg = svgChart();
fs.writeFileSync(`${dir}/http-overhead.svg`, svg);
fs.writeFileSync(`${dir}/report.md`, block);
const summaryFile = `${dir}/summary.md`;
if (fs.existsSync(summaryFile) && !fs.readFileSync(summaryFile, 'utf8').includes('\n## Results\n')) {
  fs.appendFileSync(summaryFile, `\n## Results\n\n${block.replace(`(../${resultsLink}summary.md)`, '(summary.md)')}\n![chart](http-overhead.svg)\n`);
}
// --doc may be given more than once (docs/PERFORMANCE.md and bench/tools/PERFORMANCE.template.md).
const docs = args.flatMap((a, i) => (a === '--doc' && args[i + 1] ? [args[i + 1]] : []));
for (const doc of docs) {
  const begin = '<!-- bench/http/report.mjs: begin -->', end = '<!-- bench/http/report.mjs: end -->';
  const text = fs.readFileSync(doc, 'utf8');
  const a = text.indexOf(begin), b = text.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`report.mjs: ${doc} has no ${begin} … ${end} block`);
    process.exitCode = 1;
  } else {
    fs.writeFileSync(doc, `${text.slice(0, a + begin.length)}\n${block}${text.slice(b)}`);
    console.error(`report.mjs: updated ${doc}`);
  }
}
const svgOut = opt('--svg');
if (svgOut) fs.writeFileSync(svgOut, svg);
process.stdout.write(`${targetTable}\n`);
