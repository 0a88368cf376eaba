// A scripted fake of the Anthropic Messages API for Claude Code (see fake_common.mjs for the
// command line and the script). POST /v1/messages (stream or not): a request that offers tools
// and carries k tool_result blocks gets the script's call k as a tool_use block, else the final
// text. HEAD / and anything else answer 200 / 404 without a model.
import { serve, nextStep, sse, json } from './fake_common.mjs';

function countToolResults(body) {
  let n = 0;
  for (const m of body?.messages || []) {
    if (Array.isArray(m.content)) n += m.content.filter((b) => b.type === 'tool_result').length;
  }
  return n;
}

serve(({ req, res, url, body, script }) => {
  if (req.method === 'HEAD' || (req.method === 'GET' && url.pathname === '/')) {
    res.writeHead(200); res.end(); return;
  }
  if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens') {
    json(res, 200, { input_tokens: 100 }); return;
  }
  if (!(req.method === 'POST' && url.pathname === '/v1/messages')) {
    json(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'fake: no such route' } });
    return;
  }
  const offersTools = Array.isArray(body?.tools) && body.tools.length > 0;
  const step = offersTools ? nextStep(script, countToolResults(body)) : { final: 'OK' };
  const id = `msg_fake_${Date.now()}`;
  const model = body?.model || 'claude-fake';
  const usage = { input_tokens: 100, output_tokens: 10 };
  const block = step.call
    ? { type: 'tool_use', id: `toolu_fake_${step.index}_${Date.now()}`, name: step.call.name, input: step.call.input }
    : { type: 'text', text: step.final };
  const stopReason = step.call ? 'tool_use' : 'end_turn';
  if (!body?.stream) {
    json(res, 200, { id, type: 'message', role: 'assistant', model, content: [block],
      stop_reason: stopReason, stop_sequence: null, usage });
    return;
  }
  const start = step.call ? { ...block, input: {} } : { type: 'text', text: '' };
  const delta = step.call
    ? { type: 'input_json_delta', partial_json: JSON.stringify(step.call.input) }
    : { type: 'text_delta', text: step.final };
  sse(res, [
    ['message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant',
      model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: start }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: 10 } }],
    ['message_stop', { type: 'message_stop' }],
  ]);
});
