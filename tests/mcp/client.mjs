#!/usr/bin/env node
// A real MCP client for the tests: the official TypeScript SDK's Client over StdioClientTransport,
// which starts CMD (a server, or `warden mcp … -- SERVER…`) and speaks newline-delimited JSON-RPC
// to it on stdin/stdout. The server's stderr passes through to ours.
//
//   node client.mjs [--timeout MS] list -- CMD ARGS…
//       prints the tools/list result as one line of JSON: {"tools":[…]}
//   node client.mjs [--timeout MS] call TOOL 'ARGS_JSON' -- CMD ARGS…
//       prints {"ok":true,"result":{…}} (a tool-level isError:true result is ok:true too), or
//       {"ok":false,"code":N,"message":"…","data":…} when the request got a JSON-RPC error
//   node client.mjs [--timeout MS] run 'STEPS_JSON' -- CMD ARGS…
//       several steps in one session, one line of JSON each, e.g.
//       '[{"op":"list"},{"op":"call","tool":"echo","args":{"text":"hi"}}]'
//       list steps print {"ok":true,"result":{"tools":[…]}} (or the error form above)
//
// The server's environment is ours (the SDK's default would pass only HOME, PATH and a few more).
// Exit status: 0 when every request got an answer (a result or a JSON-RPC error), 2 on bad
// usage, 1 on a transport failure (the command could not be started, the connection closed, a
// request got no answer within the timeout: 20 s by default) with a message on stderr.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";

const USAGE = `usage: node client.mjs [--timeout MS] list -- CMD ARGS…
       node client.mjs [--timeout MS] call TOOL 'ARGS_JSON' -- CMD ARGS…
       node client.mjs [--timeout MS] run 'STEPS_JSON' -- CMD ARGS…`;

function usage(why) {
  process.stderr.write(`client.mjs: ${why}\n${USAGE}\n`);
  process.exit(2);
}

let transport;
let childPid = null;  // kept apart: the SDK forgets the process when it starts closing
function transportFailure(why) {
  process.stderr.write(`client.mjs: transport failure: ${why}\n`);
  try {
    if (childPid) process.kill(childPid, "SIGTERM");  // leave nothing behind
  } catch {
    // already gone
  }
  process.exit(1);
}

// ---- arguments ------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const dashes = argv.indexOf("--");
if (dashes < 0) usage("missing `-- CMD ARGS…`");
const mine = argv.slice(0, dashes);
const [command, ...commandArgs] = argv.slice(dashes + 1);
if (!command) usage("missing CMD after --");

let timeoutMs = Number(process.env.MCP_CLIENT_TIMEOUT_MS || 20000);
while (mine[0] === "--timeout") {
  timeoutMs = Number(mine[1]);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) usage(`bad --timeout '${mine[1]}'`);
  mine.splice(0, 2);
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    usage(`${what} is not JSON: ${e.message}`);
  }
}

let steps;
let single = false;  // list/call print the bare answer; run prints one line per step
switch (mine[0]) {
  case "list":
    if (mine.length !== 1) usage("list takes no arguments");
    steps = [{ op: "list" }];
    single = true;
    break;
  case "call":
    if (mine.length < 2 || mine.length > 3) usage("call takes TOOL and optionally ARGS_JSON");
    steps = [{ op: "call", tool: mine[1], args: mine.length === 3 ? parseJson(mine[2], "ARGS_JSON") : {} }];
    single = true;
    break;
  case "run":
    if (mine.length !== 2) usage("run takes one STEPS_JSON argument");
    steps = parseJson(mine[1], "STEPS_JSON");
    if (!Array.isArray(steps)) usage("STEPS_JSON must be an array");
    break;
  default:
    usage(mine[0] ? `unknown subcommand '${mine[0]}'` : "missing subcommand");
}
for (const s of steps) {
  if (!s || (s.op !== "list" && s.op !== "call") || (s.op === "call" && typeof s.tool !== "string")) {
    usage(`bad step ${JSON.stringify(s)}: want {"op":"list"} or {"op":"call","tool":…,"args":{…}}`);
  }
}

// ---- the session ----------------------------------------------------------------------------
// A watchdog for what the per-request timeout does not cover (start-up, close).
const watchdog = setTimeout(() => transportFailure(`no progress within ${timeoutMs} ms overall`),
                            timeoutMs * (steps.length + 2));
watchdog.unref();

transport = new StdioClientTransport({
  command,
  args: commandArgs,
  env: Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)),
  stderr: "inherit",
});
const startTransport = transport.start.bind(transport);
transport.start = async () => {
  await startTransport();
  childPid = transport.pid;
};
const client = new Client({ name: "warden-mcp-test-client", version: "1.0.0" }, { capabilities: {} });
const requestOptions = { timeout: timeoutMs };

// The SDK turns a JSON-RPC error answer into McpError(code, "MCP error CODE: MESSAGE", data).
// Local failures come as McpError too: a timeout is RequestTimeout (-32001, the same number as
// Warden's "denied by policy", so it is told apart by its data.timeout) and a closed connection
// is ConnectionClosed (-32000); both are transport failures here, not answers.
function answerOf(e) {
  if (e instanceof McpError) {
    if (e.code === ErrorCode.RequestTimeout && e.data && typeof e.data === "object" &&
        ("timeout" in e.data || "maxTotalTimeout" in e.data)) {
      transportFailure(`no answer within ${timeoutMs} ms`);
    }
    if (e.code === ErrorCode.ConnectionClosed && /^MCP error -32000: (Connection closed|Request was cancelled)$/.test(e.message)) {
      transportFailure("the connection closed before the answer");
    }
    const out = { ok: false, code: e.code, message: e.message.replace(/^MCP error -?\d+: /, "") };
    if (e.data !== undefined) out.data = e.data;
    return out;
  }
  transportFailure(e && e.stack ? e.stack : String(e));
}

try {
  await client.connect(transport, requestOptions);
} catch (e) {
  if (e instanceof McpError) {
    const a = answerOf(e);
    transportFailure(`initialize was refused: ${a.code} ${a.message}`);
  }
  transportFailure(`could not start or initialize '${command}': ${e && e.message ? e.message : e}`);
}

for (const s of steps) {
  let answer;
  try {
    const result = s.op === "list"
      ? await client.listTools(undefined, requestOptions)
      : await client.callTool({ name: s.tool, arguments: s.args ?? {} }, undefined, requestOptions);
    answer = single && s.op === "list" ? result : { ok: true, result };
  } catch (e) {
    answer = answerOf(e);
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}

await client.close();
process.exit(0);
