// Prints the tool results an agent sent back to the fake model, from a fake server's request
// log (requests.jsonl): those of the last request that carries any (it holds the whole
// conversation), one JSON line each: {"error": bool|null, "text": "..."}. Knows the four wire
// shapes: Anthropic tool_result blocks, Gemini functionResponse parts, OpenAI Responses
// function_call_output / custom_tool_call_output items, OpenAI Chat Completions messages with
// role "tool".
//   node tool_results.mjs requests.jsonl
import fs from 'node:fs';

const text = (v) => (typeof v === 'string' ? v
  : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : x?.text ?? JSON.stringify(x))).join('\n')
  : JSON.stringify(v));

function results(body) {
  const out = [];
  for (const m of body?.messages || []) {
    if (m.role === 'tool') { out.push({ error: null, text: text(m.content) }); continue; }  // OpenAI Chat
    for (const b of Array.isArray(m.content) ? m.content : []) {                           // Anthropic
      if (b.type === 'tool_result') out.push({ error: b.is_error ?? false, text: text(b.content) });
    }
  }
  for (const c of body?.contents || []) {            // Gemini
    for (const p of c.parts || []) {
      if (p.functionResponse) {
        const r = p.functionResponse.response;
        out.push({ error: r && 'error' in r, text: text(r) });
      }
    }
  }
  for (const i of Array.isArray(body?.input) ? body.input : []) {  // OpenAI Responses
    if (i.type === 'function_call_output' || i.type === 'custom_tool_call_output') {
      const o = typeof i.output === 'object' && i.output && !Array.isArray(i.output) ? i.output.content ?? i.output : i.output;
      out.push({ error: null, text: text(o) });
    }
  }
  return out;
}

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
let last = [];
for (const line of lines) {
  let r; try { r = JSON.parse(line); } catch { continue; }
  const found = results(r.body);
  if (found.length) last = found;
}
for (const r of last) console.log(JSON.stringify(r));
