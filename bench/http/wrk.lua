-- wrk script for bench/http/run.sh: one request, given after wrk's `--`, and one JSON line at
-- the end (prefixed "WRKJSON ") with what run.sh keeps.
--
--   wrk -t1 -c8 -d10s -s bench/http/wrk.lua http://127.0.0.1:PORT/v1/check -- POST BODY_FILE "Authorization: Bearer …" …
--
-- METHOD is GET, POST, …; BODY_FILE is a file whose bytes are the body, or "-" for none; every
-- further argument is one "Name: value" header.

init = function(args)
  if args[1] then wrk.method = args[1] end
  if args[2] and args[2] ~= "-" then
    local f = assert(io.open(args[2], "rb"))
    wrk.body = f:read("*a")
    f:close()
    wrk.headers["Content-Type"] = "application/json"
  end
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%.1f,"p90":%.1f,"p99":%.1f,"p99_9":%.1f,"max":%.1f,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
