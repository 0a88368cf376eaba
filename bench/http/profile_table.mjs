// The table of bench/http/profile.sh: instructions per request by part, from the
// callgrind_annotate outputs (inclusive.CONFIG.txt, self.CONFIG.txt) and load-CONFIG.json
// (the request count) in DIR.
//
//   node bench/http/profile_table.mjs DIR CONFIG…
import fs from 'fs';

const [dir, ...configs] = process.argv.slice(2);
// [key, label, regex on the function name (after "file:") | function of the other rows, indent]
const rows = [
  ['all', 'all threads, user space', /^PROGRAM TOTALS$/, 0],
  ['writer', 'audit writer thread (audit::Writer::Run)', /^warden::audit::Writer::Run\(\)/, 1],
  ['io', 'I/O thread (asio scheduler::run)', /^boost::asio::detail::scheduler::run\(/, 1],
  ['parse', 'Beast: parse the request (basic_parser::put)', /^boost::beast::http::basic_parser<true>::put\(/, 2],
  ['respond', 'Beast: build, serialize and send the answer (Session::Respond)', /Session<boost::beast::basic_stream<.*>::Respond\(/, 2],
  ['handle', 'HttpApi::Handle: routing, stages, endpoint', /^warden::server::HttpApi::Handle\(/, 2],
  ['transport', 'rest of the I/O thread: asio/Beast read path, timers, executors, session', (v) => v.io - v.parse - v.respond - v.handle, 2],
  ['chain', 'stages: Chain::Run', /^warden::security::Chain::Run\(/, 3],
  ['authn', 'authn', /^warden::security::AuthnStage::Run\(/, 4],
  ['dv', 'PRAGMA data_version (TokenStore::DataVersion; at most once per ms)', /^warden::security::TokenStore::DataVersion\(/, 5],
  ['hash', 'the token hash (crypto_generichash)', /^crypto_generichash$/, 5],
  ['ratelimit', 'ratelimit', /^warden::security::RateLimitStage::Run\(/, 4],
  ['rlcheck', 'RateLimiter::Check itself (the rest: the RateLimit-* header strings)', /^warden::security::RateLimiter::Check\(/, 5],
  ['validate', 'validate (JSON parse + schema)', /^warden::security::ValidateStage::Run\(/, 4],
  ['schema', 'the schema (security::Validate)', /^warden::security::Validate\(/, 5],
  ['authz', 'authz', /^warden::security::AuthzStage::Run\(/, 4],
  ['finish', 'stages: Chain::Finish (audit stage)', /^warden::security::Chain::Finish\(/, 3],
  ['jsonparse', 'JSON parse of the body (ParseJsonBody: in validate when it runs, else in the endpoint)', /^warden::security::ParseJsonBody\(/, 3],
  ['check', 'endpoint: HttpApi::Check (/v1/check)', /^warden::server::HttpApi::Check\(/, 3],
  ['authzep', 'endpoint: HttpApi::Authz (/v1/authz)', /^warden::server::HttpApi::Authz\(/, 3],
  ['reqparse', 'request JSON → policy::Request (ParseRequestValue)', /^warden::policy::ParseRequestValue\(/, 4],
  ['decide', 'decide and record (DecideAndRecord)', /^warden::server::Daemon::Impl::DecideAndRecord\(/, 4],
  ['eval', 'policy evaluation (policy::Evaluate)', /^warden::policy::Evaluate\(/, 5],
  ['outcome', 'decision → JSON (OutcomeJson)', /^warden::policy::OutcomeJson\(/, 5],
  ['audit', 'audit record (Daemon::Impl::Audit)', /^warden::server::Daemon::Impl::Audit\(/, 5],
  ['summary', 'RequestSummary', /^warden::server::\(anonymous namespace\)::RequestSummary\(/, 6],
  ['redact', 'RedactJson', /^warden::server::\(anonymous namespace\)::RedactJson\(boost::json::value&\)$/, 6],
  ['append', 'audit::Writer::Append (serialize, hash chain, queue)', /^warden::audit::Writer::Append\(/, 6],
  ['serialize', 'answer → body (json::serialize in Json())', /^warden::server::\(anonymous namespace\)::Json\(/, 4],
];
const selfRows = [['alloc', 'malloc + free (self cost, all callers)',
  /^(malloc|free|_int_malloc|_int_free|malloc_consolidate|cfree|operator new\(unsigned long\)|operator delete\(void\*\)|operator delete\(void\*, unsigned long\))$/, 0]];

const parse = (file) => {
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$/);
    if (!m) continue;
    const n = Number(m[1].replace(/,/g, ''));
    let fn = m[2];
    if (fn !== 'PROGRAM TOTALS') {
      const c = fn.indexOf(':');
      if (c < 0) continue;
      fn = fn.slice(c + 1).replace(/ \[[^\]]*\]$/, '');
    }
    out.push([n, fn]);
  }
  return out;
};

const per = {};
for (const cfg of configs) {
  const load = JSON.parse(fs.readFileSync(`${dir}/load-${cfg}.json`, 'utf8'));
  const n = load.completed;
  const inc = parse(`${dir}/inclusive.${cfg}.txt`), self = parse(`${dir}/self.${cfg}.txt`);
  const v = { n };
  for (const [key, , what] of rows) {
    if (typeof what === 'function') continue;
    const hit = inc.find(([, f]) => what.test(f));
    v[key] = hit ? hit[0] / n : 0;
  }
  for (const [key, , what] of rows) if (typeof what === 'function') v[key] = v.io > 0 ? what(v) : 0;
  for (const [key, , re] of selfRows) v[key] = self.filter(([, f]) => re.test(f)).reduce((s, [x]) => s + x, 0) / n;
  per[cfg] = v;
}
const fmt = (x) => (Number.isFinite(x) && x > 0.5 ? Math.round(x).toLocaleString('en') : '—');
console.log(`Instructions per request (callgrind; user space only — the kernel's TCP work is not counted; ${configs.map((c) => `${c}: ${per[c].n}`).join(', ')} requests at a fixed low rate). Inclusive: an indented row is part of the row above it.\n`);
console.log(`| part | ${configs.join(' | ')} |`);
console.log(`|---|${configs.map(() => '---:').join('|')}|`);
for (const [key, label, , ind] of [...rows, ...selfRows]) {
  if (configs.every((c) => !(per[c][key] > 0.5))) continue;
  console.log(`| ${'&nbsp;&nbsp;'.repeat(ind)}${label} | ${configs.map((c) => fmt(per[c][key])).join(' | ')} |`);
}
