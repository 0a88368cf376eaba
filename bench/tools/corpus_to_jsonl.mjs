// Turns command corpora (expect<TAB>command lines) into `warden bench` request lines.
// usage: node bench/tools/corpus_to_jsonl.mjs [--max-bytes N] FILE.tsv… > commands.jsonl
// Comments and blank lines are skipped; a line starting with TAB continues the command before
// it (as in tests/corpus_test.cc). Commands longer than --max-bytes (default 200, the size the
// latency target is stated for) and repeats are left out. cwd/workspace/home are left out on
// purpose: `warden bench --cwd/--workspace/--home` set them.
import fs from 'fs';

const args = process.argv.slice(2);
let maxBytes = 200;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max-bytes') maxBytes = Number(args[++i]);
  else files.push(args[i]);
}
if (files.length === 0) {
  console.error('usage: node corpus_to_jsonl.mjs [--max-bytes N] FILE.tsv…');
  process.exit(64);
}
const commands = [];
for (const f of files) {
  for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('\t')) {
      if (commands.length) commands[commands.length - 1] += '\n' + line.slice(1);
      continue;
    }
    const tab = line.indexOf('\t');
    if (tab >= 0) commands.push(line.slice(tab + 1));
  }
}
const seen = new Set();
for (const command of commands) {
  if (Buffer.byteLength(command) > maxBytes || seen.has(command)) continue;
  seen.add(command);
  process.stdout.write(JSON.stringify({ kind: 'exec', command, context: 'ai' }) + '\n');
}
