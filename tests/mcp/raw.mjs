#!/usr/bin/env node
// A raw line-level peer for the tests, for what an SDK client will not send (oversize or
// malformed lines): starts CMD, writes the lines read from our stdin to its stdin one by one,
// and copies every line CMD writes to its stdout to ours, verbatim.
//
//   printf '%s\n' LINE… | node raw.mjs [--timeout MS] -- CMD ARGS…
//
// After a line that is a JSON-RPC request (it has "method" and "id"), or that is not JSON at all,
// it waits for the next response line (one with "id" and no "method", whatever its id) before
// sending the next line; after anything else (a notification) it goes straight on. At the end it
// closes CMD's stdin and waits for CMD to exit (SIGTERM after 5 s). CMD's stderr is ours.
// Exit status: 0 when every awaited response came, 1 when one did not within the timeout (3 s
// by default) or CMD ended early, 2 on bad usage.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const argv = process.argv.slice(2);
const dashes = argv.indexOf("--");
if (dashes < 0 || dashes + 1 >= argv.length) {
  process.stderr.write("usage: printf '%s\\n' LINE… | node raw.mjs [--timeout MS] -- CMD ARGS…\n");
  process.exit(2);
}
let timeoutMs = 3000;
const mine = argv.slice(0, dashes);
if (mine[0] === "--timeout") timeoutMs = Number(mine[1]);
const [command, ...args] = argv.slice(dashes + 1);

let input = "";
for await (const chunk of process.stdin) input += chunk;
const lines = input.split("\n").filter((l) => l.trim() !== "");

const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
let exited = false;
const exitedPromise = new Promise((resolve) => child.on("close", () => { exited = true; resolve(); }));
child.on("error", (e) => {
  process.stderr.write(`raw.mjs: cannot start ${command}: ${e.message}\n`);
  process.exit(1);
});
child.stdin.on("error", () => {});  // EPIPE when CMD is gone: reported below as "ended early"

let waiting = null;  // resolve() of the wait for the next response
const out = createInterface({ input: child.stdout, crlfDelay: Infinity });
out.on("line", (line) => {
  process.stdout.write(line + "\n");
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (msg && typeof msg === "object" && "id" in msg && !("method" in msg) && waiting) {
    const w = waiting;
    waiting = null;
    w(true);
  }
});

function awaitsResponse(line) {
  try {
    const msg = JSON.parse(line);
    return !(msg && typeof msg === "object" && !Array.isArray(msg) && "method" in msg && !("id" in msg));
  } catch {
    return true;  // not JSON: the peer should answer with an error
  }
}

let ok = true;
for (const [i, line] of lines.entries()) {
  if (exited) {
    process.stderr.write(`raw.mjs: ${command} ended before line ${i + 1} was sent\n`);
    ok = false;
    break;
  }
  const answered = awaitsResponse(line)
    ? new Promise((resolve) => {
        waiting = resolve;
        setTimeout(() => resolve(false), timeoutMs);
      })
    : Promise.resolve(true);
  child.stdin.write(line + "\n");
  if (!(await answered)) {
    waiting = null;
    process.stderr.write(`raw.mjs: no response to line ${i + 1} (${line.length} bytes) within ${timeoutMs} ms\n`);
    ok = false;
  }
}

child.stdin.end();
const killer = setTimeout(() => child.kill("SIGTERM"), 5000);
await exitedPromise;
clearTimeout(killer);
process.exit(ok ? 0 : 1);
