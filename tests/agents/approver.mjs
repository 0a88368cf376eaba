// A person at `warden monitor`, scripted: subscribes to the daemon's events on its Unix socket
// (which makes the daemon count a watcher, so hooks installed with --wait wait for an answer),
// and answers every pending approval with `warden approve ID` or `warden deny ID`. Logs each
// event line it gets to --log. Plain Node, no dependencies.
//
//   node approver.mjs --warden BIN --socket SOCK --state-dir DIR --answer approve|deny --log FILE
// Prints "watching" on stdout once subscribed.
import net from 'node:net';
import fs from 'node:fs';
import { execFile } from 'node:child_process';

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!opts.warden || !opts.socket || !opts['state-dir'] || !opts.log || !['approve', 'deny'].includes(opts.answer)) {
  console.error('usage: approver.mjs --warden BIN --socket SOCK --state-dir DIR --answer approve|deny --log FILE');
  process.exit(64);
}

const conn = net.createConnection(opts.socket, () => conn.write('{"op":"subscribe","id":"s"}\n'));
let buffered = '';
conn.on('data', (chunk) => {
  buffered += chunk.toString('utf8');
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    fs.appendFileSync(opts.log, line + '\n');
    let m;
    try { m = JSON.parse(line); } catch { continue; }
    if (m.id === 's' && m.ok) console.log('watching');
    if (m.event !== 'approval-pending') continue;
    const args = [opts.answer, m.approval_id, '--socket', opts.socket, '--state-dir', opts['state-dir']];
    if (opts.answer === 'deny') args.push('--reason', 'denied by the scripted person');
    execFile(opts.warden, args, (err, stdout, stderr) => {
      fs.appendFileSync(opts.log, JSON.stringify({ answered: m.approval_id, answer: opts.answer, err: err ? String(err) : null, stderr }) + '\n');
    });
  }
});
conn.on('error', (e) => { console.error(`approver: ${e.message}`); process.exit(1); });
conn.on('close', () => process.exit(0));
