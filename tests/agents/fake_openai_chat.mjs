// A scripted fake of the OpenAI Chat Completions API, for Qwen Code and for GitHub Copilot CLI's
// BYOK provider (COPILOT_PROVIDER_BASE_URL=http://127.0.0.1:PORT/v1, the default "completions"
// wire API); see fake_common.mjs for the command line and the script. POST /v1/chat/completions
// (stream or not): a request that offers tools and carries k tool results (messages with role
// "tool") gets the script's call k, else the final text. A call is one function tool call whose
// arguments are the JSON of "input", or, with "custom": true, a custom tool call whose input is
// the string "input" (Copilot's apply_patch for the gpt-5 models). Streamed as SSE: a chunk with
// delta.tool_calls (or delta.content), a chunk with finish_reason and usage, then `data: [DONE]`.
// GET /v1/models answers an empty list (Copilot makes no other request with COPILOT_OFFLINE=true).
import { serve, nextStep, sse, json } from './fake_common.mjs';

function countToolResults(body) {
  return (Array.isArray(body?.messages) ? body.messages : []).filter((m) => m?.role === 'tool').length;
}

serve(({ req, res, url, body, script }) => {
  if (req.method === 'GET' && url.pathname === '/v1/models') { json(res, 200, { object: 'list', data: [] }); return; }
  if (!(req.method === 'POST' && url.pathname === '/v1/chat/completions')) {
    json(res, 404, { error: { message: 'fake: no such route', type: 'invalid_request_error' } });
    return;
  }
  const offersTools = Array.isArray(body?.tools) && body.tools.length > 0;
  const step = offersTools ? nextStep(script, countToolResults(body)) : { final: 'OK' };
  const id = `chatcmpl_fake_${Date.now()}`;
  const model = body?.model || 'fake-model';
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 };
  const callId = step.call && `call_fake_${step.index}_${Date.now()}`;
  const toolCall = !step.call ? null
    : step.call.custom
      ? { index: 0, id: callId, type: 'custom', custom: { name: step.call.name, input: step.call.input } }
      : { index: 0, id: callId, type: 'function',
          function: { name: step.call.name, arguments: JSON.stringify(step.call.input) } };
  const finish = step.call ? 'tool_calls' : 'stop';
  if (!body?.stream) {
    const message = step.call
      ? { role: 'assistant', content: null, tool_calls: [{ ...toolCall, index: undefined }] }
      : { role: 'assistant', content: step.final };
    json(res, 200, { id, object: 'chat.completion', created, model,
      choices: [{ index: 0, message, finish_reason: finish }], usage });
    return;
  }
  const chunk = (choice, extra = {}) => ({ id, object: 'chat.completion.chunk', created, model,
    choices: [{ index: 0, ...choice }], ...extra });
  const delta = step.call
    ? { role: 'assistant', content: null, tool_calls: [toolCall] }
    : { role: 'assistant', content: step.final };
  sse(res, [
    [null, chunk({ delta, finish_reason: null })],
    [null, chunk({ delta: {}, finish_reason: finish }, { usage })],
    [null, '[DONE]'],
  ]);
});
