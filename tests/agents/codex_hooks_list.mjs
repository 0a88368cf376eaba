// Asks Codex itself which hooks it sees and whether it trusts them: starts `codex app-server`
// (JSON-RPC over stdio, no model needed), sends initialize, initialized and hooks/list for the
// current directory, and prints the hooks/list result as one line of JSON. Run it with the same
// HOME / CODEX_HOME as the agent run. Exit 1 when no answer came within 20 s.
//   node codex_hooks_list.mjs path/to/@openai/codex/bin/codex.js
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const codex = process.argv[2];
if (!codex) { console.error('usage: codex_hooks_list.mjs path/to/codex.js'); process.exit(64); }
const child = spawn(process.execPath, [codex, 'app-server'], { stdio: ['pipe', 'pipe', 'inherit'] });
const send = (obj) => child.stdin.write(JSON.stringify(obj) + '\n');
const timer = setTimeout(() => { console.error('codex_hooks_list: no answer'); child.kill(); process.exit(1); }, 20000);

readline.createInterface({ input: child.stdout }).on('line', (line) => {
  let msg; try { msg = JSON.parse(line); } catch { return; }
  if (msg.id === 1) {
    send({ method: 'initialized' });
    send({ id: 2, method: 'hooks/list', params: { cwds: [process.cwd()] } });
  } else if (msg.id === 2) {
    console.log(JSON.stringify(msg.result ?? msg));
    clearTimeout(timer); child.kill(); process.exit(msg.result ? 0 : 1);
  }
});
send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'warden-agents-test', version: '0' } } });
