// Shared plumbing of the scripted fake model servers (fake_anthropic.mjs, fake_gemini.mjs,
// fake_openai_responses.mjs, fake_openai_chat.mjs): command line, the script file, the request
// log, listening on 127.0.0.1 only. Plain Node, no dependencies.
//
//   node fake_X.mjs --script FILE --log FILE [--port N] [--port-file FILE]
//
// The script is JSON: {"calls": [{"name": TOOL, "input": {...}}, ...], "final": "text"}.
// The server answers a request that already carries k tool results with calls[k] (a tool call
// the agent is to make), and with the final text once k >= calls.length. Every request is
// appended to the log as one JSON line {method, url, body} (body parsed when it is JSON).
// Port 0 (the default) picks a free port; the port is printed on stdout and written to
// --port-file.
import http from 'node:http';
import fs from 'node:fs';

export function parseArgs(argv) {
  const opts = { port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    opts[key] = argv[++i];
  }
  if (!opts.script || !opts.log) {
    console.error('usage: --script FILE --log FILE [--port N] [--port-file FILE]');
    process.exit(64);
  }
  return opts;
}

// serve(handler): handler(ctx) answers one request; ctx = {req, res, url, body, script, log}.
export function serve(handler) {
  const opts = parseArgs(process.argv.slice(2));
  const script = JSON.parse(fs.readFileSync(opts.script, 'utf8'));
  const log = (obj) => fs.appendFileSync(opts.log, JSON.stringify(obj) + '\n');
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = raw;
      try { body = raw ? JSON.parse(raw) : null; } catch { /* keep the text */ }
      log({ time: new Date().toISOString(), method: req.method, url: req.url, body });
      const url = new URL(req.url, 'http://127.0.0.1');
      try {
        handler({ req, res, url, body, script, log });
      } catch (err) {
        log({ error: String(err && err.stack || err) });
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      }
    });
  });
  server.listen(Number(opts.port), '127.0.0.1', () => {
    const port = server.address().port;
    if (opts.portFile) fs.writeFileSync(opts.portFile, String(port));
    console.log(port);
  });
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
}

// The script's next step for a request that carries `results` tool results.
export function nextStep(script, results) {
  const calls = script.calls || (script.call ? [script.call] : []);
  if (results < calls.length) return { call: calls[results], index: results };
  return { final: script.final || 'Done.' };
}

// Writes Server-Sent Events: sse(res, [[eventName|null, dataObject], ...]); a string data is
// written as it is (Chat Completions' closing `data: [DONE]`).
export function sse(res, events) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  for (const [event, data] of events) {
    if (event) res.write(`event: ${event}\n`);
    res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
}

export function json(res, status, obj) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}
