// Writes N audit records shaped as the writer writes them (hash fields filled but not a valid
// chain) into DIR/audit/audit-000001.jsonl, for the monitor's frame-time benchmark.
//   node bench/tools/gen_audit.mjs DIR N
import fs from 'node:fs';
const [dir, nText] = process.argv.slice(2);
const n = Number(nText);
if (!dir || !(n > 0)) { console.error('usage: node gen_audit.mjs DIR N'); process.exit(64); }
fs.mkdirSync(`${dir}/audit`, { recursive: true, mode: 0o700 });
const fd = fs.openSync(`${dir}/audit/audit-000001.jsonl`, 'w', 0o600);
const cmds = ['git status', 'rm -rf /', 'npm test', 'git push --force origin main', 'cat ~/.ssh/id_rsa', 'make -j4'];
const dec = ['allow', 'deny', 'allow', 'ask', 'ask', 'allow'];
const rules = [null, 'delete-root-home-or-system', null, 'git-force-push-protected', 'secret-read', null];
const h = '0'.repeat(64);
let buf = [];
for (let i = 1; i <= n; i++) {
  const k = i % cmds.length;
  const ts = new Date(1795000000000 + i * 10).toISOString().replace('Z', '000Z');
  buf.push(JSON.stringify({ seq: i, ts, decision_id: `bench-${i}`, kind: 'exec', context: 'ai', decision: dec[k],
    rule: rules[k], latency_ns: 15000, policy_revision: 'bench', subject: null, reason: `reason ${k}`,
    request: { kind: 'exec', context: 'ai', command: `${cmds[k]} #${i}`, cwd: '/home/dev/project' },
    facts: [{ type: 'command', name: cmds[k].split(' ')[0], decision: dec[k], rule: rules[k] }], prev_hash: h, hash: h }));
  if (buf.length === 10000) { fs.writeSync(fd, buf.join('\n') + '\n'); buf = []; }
}
if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
fs.closeSync(fd);
