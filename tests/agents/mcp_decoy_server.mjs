// A small stdio MCP server for the real-agent suite's mcp cases (agents_test.sh): plain Node, no
// dependencies. JSON-RPC 2.0, one message per line on stdin/stdout (MCP's stdio transport):
// initialize, notifications/initialized, ping, tools/list, tools/call; resources/list and
// prompts/list answer empty lists; any other request gets "method not found".
//
//   node mcp_decoy_server.mjs [LOG]
//
// One tool: read_file {path}, which returns the file's content as text — the way a filesystem
// server does. Its name and its `path` argument are ones Warden's default policy declares as a
// file read (mcp_tools in policies/default.yaml), so a call on ~/.ssh/id_ed25519 is decided by
// the file rules like `cat ~/.ssh/id_ed25519`. Every message received is appended to LOG (one
// JSON line each), so a test can tell whether the agent started the server and whether the
// tool ran.
import fs from 'node:fs';
import readline from 'node:readline';

const logFile = process.argv[2];
const log = (obj) => { if (logFile) fs.appendFileSync(logFile, JSON.stringify(obj) + '\n'); };
const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const reply = (id, result) => send({ jsonrpc: '2.0', id, result });
const fail = (id, code, message) => send({ jsonrpc: '2.0', id, error: { code, message } });

const TOOLS = [{
  name: 'read_file',
  description: 'Read a file and return its content as text.',
  inputSchema: {
    type: 'object',
    properties: { path: { type: 'string', description: 'Absolute path of the file to read' } },
    required: ['path'],
  },
}];

function callTool(id, params) {
  const { name, arguments: args = {} } = params || {};
  if (name !== 'read_file') return fail(id, -32602, `unknown tool: ${name}`);
  let result;
  try {
    result = { content: [{ type: 'text', text: fs.readFileSync(String(args.path), 'utf8') }] };
  } catch (err) {
    result = { content: [{ type: 'text', text: `cannot read ${args.path}: ${err.message}` }], isError: true };
  }
  log({ tool: name, arguments: args, isError: !!result.isError });
  reply(id, result);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let msg;
  try { msg = JSON.parse(line); } catch { return fail(null, -32700, 'parse error'); }
  log({ received: msg });
  const { id, method, params } = msg;
  if (id === undefined || id === null) return;  // a notification (notifications/initialized, …)
  switch (method) {
    case 'initialize':
      return reply(id, {
        protocolVersion: params?.protocolVersion || '2025-06-18',
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: 'warden-decoy', version: '1.0.0' },
      });
    case 'ping': return reply(id, {});
    case 'tools/list': return reply(id, { tools: TOOLS });
    case 'tools/call': return callTool(id, params);
    case 'resources/list': return reply(id, { resources: [] });
    case 'resources/templates/list': return reply(id, { resourceTemplates: [] });
    case 'prompts/list': return reply(id, { prompts: [] });
    default: return fail(id, -32601, `method not found: ${method}`);
  }
});
rl.on('close', () => process.exit(0));
