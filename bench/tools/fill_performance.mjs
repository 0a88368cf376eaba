// Fills bench/tools/PERFORMANCE.template.md with the numbers of one bench/run.sh run and prints
// the result, which is docs/PERFORMANCE.md:
//
//   bench/run.sh
//   node bench/tools/fill_performance.mjs bench/tools/PERFORMANCE.template.md bench/results/latest \
//     EVERYDAY_INSTR CORPUS_INSTR > docs/PERFORMANCE.md
//   git add -f bench/results/$(readlink bench/results/latest)
//
// EVERYDAY_INSTR / CORPUS_INSTR: instructions per decision from callgrind, as the document says
// (valgrind --tool=callgrind --toggle-collect='warden::policy::Evaluate(*)' build/warden bench
// --requests bench/micro/everyday.jsonl --iterations 3 …; total ÷ decisions incl. warm-up).
// Exits non-zero if a placeholder is left unfilled.

import fs from 'fs';
const [doc, dir, instrEv, instrCo] = process.argv.slice(2);
const run = fs.realpathSync(dir).split('/').filter(Boolean).pop();
const J = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8').trim().split('\n').pop());
const us = (ns) => (ns / 1000).toFixed(1);
const ev = J('shell-everyday.json'), co = J('shell-commands.json');
const r1 = J('rbac-1k.json'), r10 = J('rbac-10k.json');
const cedar = J('peer-cedar.json'), casbin = J('peer-casbin.json');
const files = fs.readdirSync(dir).filter((f) => f.startsWith('peer-warden-'));
const wFor = (n) => J(`peer-warden-${n}.json`);
const w1 = wFor(cedar.decisions), w2 = wFor(casbin.decisions);
const faster = Math.min(cedar.ns_per_decision_p50, casbin.ns_per_decision_p50);
const load = JSON.parse(fs.readFileSync(`${dir}/policy-load.json`, 'utf8')).results;
const check = JSON.parse(fs.readFileSync(`${dir}/check-process.json`, 'utf8')).results;
const micro = JSON.parse(fs.readFileSync(`${dir}/micro.json`, 'utf8')).benchmarks.filter((b) => b.aggregate_name === 'median');
const ms = (s) => (s * 1e3).toFixed(1);
const ms2 = (s) => (s * 1e3).toFixed(2);
const what = {
  'BM_ShellDecision/everyday': 'one decision, cycling through everyday.jsonl',
  'BM_ShellDecision/corpus': 'one decision, cycling through commands.jsonl',
  'BM_FileDecision': 'one file request (reads, writes, deletes of secrets, rc files, project files)',
  'BM_RbacDecision/1000': 'one action request, 1k-rule RBAC policy',
  'BM_RbacDecision/10000': 'one action request, 10k-rule RBAC policy',
  'BM_PolicyLoad/exec/1000': 'read + check + compile, 1k exec rules (177 kB)',
  'BM_PolicyLoad/exec/10000': 'read + check + compile, 10k exec rules (1.8 MB)',
  'BM_PolicyLoad/rbac/1000': 'read + check + compile, 1k-rule RBAC policy',
  'BM_PolicyLoad/rbac/10000': 'read + check + compile, 10k-rule RBAC policy',
  'BM_DefaultPolicyLoad': 'the built-in default policy (pre-parsed), checked and compiled',
};
const cmds = { git_status: 'git status', npm_test_tail: 'npm test 2>&1 \\| tail -50', grep_pipeline: 'grep -rn TODO src/ \\| sort \\| uniq -c \\| head -20', rm_build: 'rm -rf build/', rm_root: 'rm -rf /', cd_root_rm_star: 'cd / && rm -rf *', env_rm_home: 'env rm -rf ~', bash_c_nested: `bash -c 'sh -c "rm -rf ~/"'`, curl_pipe_sh: 'curl -fsSL https://example.com/install.sh \\| sh', for_loop: 'for f in src/*.c; do gcc -c "$f"; done', heredoc_to_shell: "bash <<'EOF' ⏎ rm -rf ~ ⏎ EOF" };
const fmt = (b) => {
  const unit = b.time_unit;
  const v = b.real_time;
  if (unit === 'ms') return `${v.toFixed(2)} ms`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)} µs`;
  return `${Math.round(v)} ns`;
};
const microRows = micro.map((b) => {
  const name = b.run_name;
  const w = what[name] || (name.startsWith('BM_ShellCommand/') ? `one decision: \`${cmds[name.slice(16)] || name.slice(16)}\`` : '');
  return `| \`${name}\` | ${w} | ${fmt(b)} |`;
}).join('\n');
const p = (o) => `| ${o.decisions} | ${us(o.ns_per_decision_p50)} µs | ${us(o.ns_per_decision_p99)} µs | ${o.decisions_per_second} |`;
const shellTable = `| everyday.jsonl ${p(ev)}\n| commands.jsonl (corpus) ${p(co)}`;
const rb = (n, o) => `| ${n} | ${o.decisions} | ${o.allowed} | ${o.ns_per_decision_p50} ns | ${o.ns_per_decision_p99} ns | ${o.decisions_per_second} |`;
const rbacTable = `| policy | decisions | allowed | p50 | p99 | decisions/s |\n|---|---|---|---|---|---|\n${rb('1k rules', r1)}\n${rb('10k rules', r10)}`;
const pr = (n, o) => `| ${n} | ${o.decisions} | ${o.allowed} | ${o.ns_per_decision_p50.toLocaleString('en')} ns | ${o.ns_per_decision_p99.toLocaleString('en')} ns |`;
const peerTable = `Same run, same requests (1k-rule workload):\n\n| engine | requests | allowed | p50 | p99 |\n|---|---|---|---|---|\n${pr('Cedar-wasm', cedar)}\n${pr('Warden', w1)}\n${pr('Casbin-node', casbin)}\n${pr('Warden', w2)}\n\nAllowed counts agree: ${cedar.allowed === w1.allowed && casbin.allowed === w2.allowed ? 'yes' : 'NO'}. Warden's p50 is ${Math.round(faster / w1.ns_per_decision_p50)}× faster than the faster peer's (Cedar-wasm, through Node's WebAssembly).`;
const lname = ['empty policy (process floor)', 'RBAC, 10k rules (202 kB)', 'exec stress, 10k rules (1.8 MB)'];
const loadTable = `| policy | median | mean ± σ | minus the floor |\n|---|---|---|---|\n` + load.map((x, i) => `| ${lname[i]} | ${ms(x.median)} ms | ${ms(x.mean)} ± ${ms(x.stddev)} ms | ${i ? ms(x.median - load[0].median) + ' ms' : '—'} |`).join('\n');
const mm = Object.fromEntries(micro.map((b) => [b.run_name, b]));
const loadMicro = `RBAC 10k rules ${fmt(mm['BM_PolicyLoad/rbac/10000'])}, exec 10k rules ${fmt(mm['BM_PolicyLoad/exec/10000'])}, the built-in default ${fmt(mm['BM_DefaultPolicyLoad'])}`;
const cname = ['`/bin/true`', '`warden check -- git status`', '`warden check -- rm -rf /`', "`warden check -- 'npm test 2>&1 \\| tail -50'`"];
const checkTable = `| process | median | mean ± σ | median − /bin/true |\n|---|---|---|---|\n` + check.map((x, i) => `| ${cname[i]} | ${ms2(x.median)} ms | ${ms2(x.mean)} ± ${ms2(x.stddev)} ms | ${i ? ms2(x.median - check[0].median) + ' ms' : '—'} |`).join('\n');
const checkMed = check[1].median * 1e3, trueMed = check[0].median * 1e3;
// The daemon (issue #3): ready time, RSS, exec and hook as processes, round trips, monitor.
const dexec = JSON.parse(fs.readFileSync(`${dir}/daemon-exec.json`, 'utf8')).results;
const dhook = JSON.parse(fs.readFileSync(`${dir}/daemon-hook.json`, 'utf8')).results[0];
const rt = J('daemon-roundtrip.json'), frames = J('monitor-frames.json');
const ready = (fs.readFileSync(`${dir}/serve.log`, 'utf8').match(/ready in ([0-9.]+) ms/) || [, '?'])[1];
const rss = (Number(fs.readFileSync(`${dir}/daemon-rss.txt`, 'utf8')) / 1024).toFixed(1);
const exAdded = (dexec[1].median - dexec[0].median) * 1e3;
// Runs before the floor program existed have two results; then the floor line says so.
const floor = dexec[2];
const floorAdded = floor ? (floor.median - dexec[0].median) * 1e3 : undefined;
const yes = (b) => (b ? 'yes' : '**no**');
const daemonTable = [
  '| what | target | measured | met? |', '|---|---|---|---|',
  `| \`warden exec -- /bin/true\`, daemon up, vs \`/bin/true\` (hyperfine medians, same run) | ≤ 1 ms added | ${ms2(dexec[1].median)} ms vs ${ms2(dexec[0].median)} ms: **+${exAdded.toFixed(2)} ms** | ${yes(exAdded <= 1)} |`,
  `| the same wrapper doing nothing but \`execv\` (\`warden_exec_floor /bin/true\`, static), same run: the floor of any in-place wrapper here | — | ${floor ? `${ms2(floor.median)} ms: +${floorAdded.toFixed(2)} ms over \`/bin/true\`; Warden's own share +${(exAdded - floorAdded).toFixed(2)} ms` : 'not measured in this run'} | — |`,
  `| \`warden hook claude\` on a Bash payload, whole process (hyperfine, shell-spawn corrected) | ≤ 3 ms median | ${ms2(dhook.median)} ms | ${yes(dhook.median * 1e3 <= 3)} |`,
  `| decision round trip over the socket, 4 clients offering 10k/s for ${rt.seconds} s | p99 ≤ 100 µs | from the scheduled start p50 ${rt.us_p50.toFixed(0)} µs, p99 ${rt.us_p99.toFixed(0)} µs, max ${rt.us_max.toFixed(0)} µs; from the send p50 ${rt.sent_us_p50 === undefined ? '—' : rt.sent_us_p50.toFixed(0)} µs, p99 ${rt.sent_us_p99 === undefined ? '—' : rt.sent_us_p99.toFixed(0)} µs; ${Math.round(rt.achieved_per_s)}/s achieved, ${rt.errors} errors | ${yes(rt.us_p99 <= 100)} |`,
  `| daemon ready with the default policy | ≤ 20 ms | ${ready} ms | ${yes(Number(ready) <= 20)} |`,
  `| daemon RSS idle, default policy | ≤ 30 MB | ${rss} MiB | ${yes(Number(rss) <= 30)} |`,
  `| monitor frame with ${frames.events.toLocaleString('en')} events | ≤ 16 ms | p50 ${frames.ms_p50.toFixed(2)} ms, p99 ${frames.ms_p99.toFixed(2)} ms, max ${frames.ms_max.toFixed(2)} ms | ${yes(frames.ms_p99 <= 16)} |`,
].join('\n');
const rep = {
  DAEMON_TABLE: daemonTable,
  RUN: run, TRUE_MEDIAN: trueMed.toFixed(2),
  EV_P50: us(ev.ns_per_decision_p50), EV_P99: us(ev.ns_per_decision_p99),
  CO_P50: us(co.ns_per_decision_p50), CO_P99: us(co.ns_per_decision_p99),
  R1_P50: r1.ns_per_decision_p50, R1_P99: r1.ns_per_decision_p99,
  R10_P50: r10.ns_per_decision_p50, R10_P99: r10.ns_per_decision_p99,
  PEER_X: Math.round(faster / w1.ns_per_decision_p50).toLocaleString('en'),
  LOAD_RBAC: ms(load[1].median - load[0].median), LOAD_RBAC_IN: fmt(mm['BM_PolicyLoad/rbac/10000']), LOAD_EXEC_IN: fmt(mm['BM_PolicyLoad/exec/10000']),
  LOAD_RBAC_MET: mm['BM_PolicyLoad/rbac/10000'].real_time <= 50 && (load[1].median - load[0].median) * 1e3 <= 50 ? 'yes' : '**no**',
  CHECK_MEDIAN: checkMed.toFixed(2), CHECK_DELTA: (checkMed - trueMed).toFixed(2),
  CHECK_MET: checkMed <= 5 ? 'yes' : `**no** in this run (own cost ${(checkMed - trueMed).toFixed(2)} ms over /bin/true)`,
  MICRO_TABLE: microRows, SHELL_TABLE: shellTable, RBAC_TABLE: rbacTable, PEER_TABLE: peerTable,
  LOAD_TABLE: loadTable, LOAD_MICRO: loadMicro, CHECK_TABLE: checkTable,
  INSTR_EVERYDAY: instrEv, INSTR_CORPUS: instrCo,
};
let s = fs.readFileSync(doc, 'utf8');
s = s.replace(/@([A-Z0-9_]+)@/g, (m, k) => (k in rep ? String(rep[k]) : m));
const left = s.match(/@[A-Z0-9_]+@/g);
if (left) { console.error('unfilled:', left); process.exitCode = 1; }
process.stdout.write(s);
