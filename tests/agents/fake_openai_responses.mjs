// A scripted fake of the OpenAI Responses API for Codex CLI (see fake_common.mjs for the command
// line and the script). POST /v1/responses (SSE): a request whose input carries k tool outputs
// (function_call_output / custom_tool_call_output / tool_search_output) gets the script's call
// k, else the final text. A call with "custom": true is a custom_tool_call whose input is a
// string (apply_patch); one with "tool_search": true is a tool_search_call whose arguments are
// "input" ({query}: Codex defers MCP tools, which the model loads by searching); otherwise a
// function_call whose arguments are the JSON of "input" (exec_command {cmd}), with the call's
// "namespace" when it has one (a loaded MCP tool: namespace mcp__SERVER, name TOOL).
// An input value "$SESSION_ID" becomes the number in the last tool output's "session ID N"
// (for write_stdin to a session exec_command left running).
import { serve, nextStep, sse, json } from './fake_common.mjs';

const OUTPUTS = new Set(['function_call_output', 'custom_tool_call_output', 'tool_search_output']);

serve(({ req, res, url, body, script }) => {
  if (req.method === 'GET' && url.pathname === '/v1/models') { json(res, 200, { data: [], object: 'list' }); return; }
  if (!(req.method === 'POST' && url.pathname === '/v1/responses')) {
    json(res, 404, { error: { message: 'fake: no such route', type: 'invalid_request_error' } });
    return;
  }
  const input = Array.isArray(body?.input) ? body.input : [];
  const results = input.filter((i) => OUTPUTS.has(i.type)).length;
  const offersTools = Array.isArray(body?.tools) && body.tools.length > 0;
  const step = offersTools ? nextStep(script, results) : { final: 'OK' };
  const outputs = input.filter((i) => OUTPUTS.has(i.type)).map((i) => JSON.stringify(i.output));
  const session = (outputs.at(-1) || '').match(/session ID (\d+)/);
  const fill = (v) => (v === '$SESSION_ID' && session ? Number(session[1]) : v);
  if (step.call && !step.call.custom && !step.call.tool_search) {
    step.call = { ...step.call, input: Object.fromEntries(Object.entries(step.call.input).map(([k, v]) => [k, fill(v)])) };
  }
  const id = `resp_fake_${Date.now()}`;
  let item;
  if (step.call?.tool_search) {
    item = { type: 'tool_search_call', id: `tsc_${step.index}`, status: 'completed', execution: 'client',
      call_id: `call_fake_${step.index}`, arguments: step.call.input };
  } else if (step.call?.custom) {
    item = { type: 'custom_tool_call', id: `ctc_${step.index}`, status: 'completed',
      call_id: `call_fake_${step.index}`, name: step.call.name, input: step.call.input };
  } else if (step.call) {
    item = { type: 'function_call', id: `fc_${step.index}`, status: 'completed',
      call_id: `call_fake_${step.index}`, name: step.call.name, arguments: JSON.stringify(step.call.input) };
    if (step.call.namespace) item.namespace = step.call.namespace;
  } else {
    item = { type: 'message', role: 'assistant', id: `msg_${id}`, status: 'completed',
      content: [{ type: 'output_text', text: step.final, annotations: [] }] };
  }
  sse(res, [
    ['response.created', { type: 'response.created', response: { id } }],
    ['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }],
    ['response.completed', { type: 'response.completed', response: { id, usage: {
      input_tokens: 100, input_tokens_details: { cached_tokens: 0 },
      output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 110 } } }],
  ]);
});
