// A scripted fake of the Gemini API for Gemini CLI (see fake_common.mjs for the command line and
// the script). POST /v1beta/models/MODEL:streamGenerateContent?alt=sse (or :generateContent): a
// request that offers tools and carries k functionResponse parts gets the script's call k as a
// functionCall part, else the final text. :countTokens answers a count.
import { serve, nextStep, sse, json } from './fake_common.mjs';

function countToolResults(body) {
  let n = 0;
  for (const c of body?.contents || []) {
    n += (c.parts || []).filter((p) => p.functionResponse).length;
  }
  return n;
}

serve(({ req, res, url, body, script }) => {
  const m = url.pathname.match(/^\/v1(?:beta|alpha)?\/models\/([^:]+):(\w+)$/);
  if (req.method !== 'POST' || !m) {
    json(res, 404, { error: { code: 404, message: 'fake: no such route', status: 'NOT_FOUND' } });
    return;
  }
  const [, model, method] = m;
  if (method === 'countTokens') { json(res, 200, { totalTokens: 100 }); return; }
  const offersTools = (body?.tools || []).some((t) => (t.functionDeclarations || []).length > 0);
  const step = offersTools ? nextStep(script, countToolResults(body)) : { final: 'OK' };
  const part = step.call
    ? { functionCall: { name: step.call.name, args: step.call.input } }
    : { text: step.final };
  const answer = {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110 },
    modelVersion: model,
  };
  if (method === 'streamGenerateContent') sse(res, [[null, answer]]);
  else if (method === 'generateContent') json(res, 200, answer);
  else json(res, 404, { error: { code: 404, message: `fake: no method ${method}`, status: 'NOT_FOUND' } });
});
