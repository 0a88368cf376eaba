// Generates a policy of N exec rules, the way people write them: a command (one of ~1000
// names), a subcommand or flags, operands by path glob; every tenth with an RE2 regex instead.
// The same shape as BM_PolicyLoad/exec in bench/micro/engine_bench.cc.
// usage: node bench/tools/gen_policy.mjs exec N > policy.yaml
const [kind, nText] = process.argv.slice(2);
const n = Number(nText);
if (kind !== 'exec' || !Number.isInteger(n) || n < 0) {
  console.error('usage: node gen_policy.mjs exec N');
  process.exit(64);
}
const out = ['version: 1\nrules:\n'];
for (let i = 0; i < n; i++) {
  out.push(`  - id: rule-${i}\n    kind: exec\n    match:\n      command: tool${i % 997}\n`);
  if (i % 3 === 0) out.push(`      subcommand: sub${i % 13}\n`);
  if (i % 3 === 1) out.push('      flags: ["-f", "--force"]\n');
  if (i % 10 === 0) out.push(`      line: {regex: "--token=[a-z0-9]{${8 + (i % 5)}}"}\n`);
  else out.push(`      args: {any: {path: "/srv/data${i % 50}/**"}}\n`);
  out.push(`    decision: ${i % 2 ? 'deny' : 'ask'}\n    reason: generated rule ${i}\n`);
}
process.stdout.write(out.join(''));
