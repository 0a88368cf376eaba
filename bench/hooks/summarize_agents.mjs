// Tables of agent_hook_overhead.sh's runs.tsv: per agent and hook, the median and p99 (nearest
// rank: with 10 runs, the maximum) of the tool call's time and of the agent's wall time, and
// each hook's difference to the no-op hook — of the medians, and the median of the differences
// within a round (the two runs of a round are minutes apart at most).
//   node summarize_agents.mjs runs.tsv
import fs from 'node:fs';

const [head, ...rows] = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => l.split('\t'));
const runs = rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.max(0, Math.ceil(p * s.length) - 1)] : NaN; };
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };
const f = (x) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '—');
const sign = (x) => (Number.isFinite(x) ? (x > 0 ? '+' : '') + f(x) : '—');
const agents = [...new Set(runs.map((r) => r.agent))];
const order = ['none', 'noop', 'warden', 'daemon'];
const variants = [...new Set(runs.map((r) => r.variant))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
const good = (a, v, key) => runs.filter((r) => r.agent === a && r.variant === v && r.ok === 'yes' && r[key] !== 'NA');

console.log('| agent | hook | ok runs | tool call p50 | tool call p99 | agent wall p50 | agent wall p99 |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const a of agents) for (const v of variants) {
  const c = good(a, v, 'call_ms').map((r) => +r.call_ms), w = good(a, v, 'agent_ms').map((r) => +r.agent_ms);
  const all = runs.filter((r) => r.agent === a && r.variant === v).length;
  console.log(`| ${a} | ${v} | ${w.length}/${all} | ${f(med(c))} ms | ${f(q(c, 0.99))} ms | ${f(med(w))} ms | ${f(q(w, 0.99))} ms |`);
}
console.log();
console.log('Differences against the no-op hook, in ms (difference of the medians; in brackets the median of the same-round differences):');
console.log();
const others = variants.filter((v) => v !== 'noop');
console.log(`| agent | ${others.map((v) => `${v} − noop: tool call | ${v} − noop: agent wall`).join(' | ')} |`);
console.log(`|---|${others.map(() => '---:|---:').join('|')}|`);
for (const a of agents) {
  const cells = [];
  for (const v of others) for (const key of ['call_ms', 'agent_ms']) {
    const x = good(a, v, key), base = good(a, 'noop', key);
    const paired = x.map((r) => [r, base.find((b) => b.round === r.round)]).filter(([, b]) => b).map(([r, b]) => +r[key] - +b[key]);
    cells.push(`${sign(med(x.map((r) => +r[key])) - med(base.map((r) => +r[key])))} (${sign(med(paired))})`);
  }
  console.log(`| ${a} | ${cells.join(' | ')} |`);
}
const bad = runs.filter((r) => r.ok !== 'yes');
if (bad.length) {
  console.log();
  console.log(`Runs left out (${bad.length}):`);
  for (const r of bad) console.log(`- round ${r.round}, ${r.agent}, ${r.variant}: ${r.note}`);
}
