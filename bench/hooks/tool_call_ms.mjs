// The time of the agent's one tool call as the fake model server saw it, from its request log
// (requests.jsonl, a `time` per request in ms): from the request that was answered with the tool
// call (the last POST before the first one carrying NEEDLE) to the request that brought the
// tool's result back (the first POST whose body contains NEEDLE, e.g. "/marker"). It holds the
// agent's handling of the call — the hook's spawn and answer included — the tool itself, and the
// fake's own answer and the next request's assembly; not the agent's start-up or exit.
//   node tool_call_ms.mjs requests.jsonl NEEDLE      prints the milliseconds, or "NA"
import fs from 'node:fs';

const [log, needle] = process.argv.slice(2);
const posts = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  .filter((r) => r.method === 'POST' && r.time);
const i = posts.findIndex((r) => JSON.stringify(r.body ?? '').includes(needle));
console.log(i > 0 ? Date.parse(posts[i].time) - Date.parse(posts[i - 1].time) : 'NA');
