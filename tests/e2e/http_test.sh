#!/usr/bin/env bash
# End-to-end tests of the HTTP API (docs/API.md) on the real daemon: `warden serve --http`
# started as a process and spoken to with curl and raw sockets — every endpoint and its error
# statuses, tokens created and revoked while it runs, roles, JWTs, rate limits and bans,
# brute-forcing tokens, slow-header clients, thousands of idle connections next to active ones,
# TLS, server-sent events, approvals answered over HTTP, the audit trail, /metrics, SIGTERM.
# usage: http_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: http_test.sh path/to/warden}")
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
mkdir -p "$HOME" "$TMP/work"
cd "$TMP/work"

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
expect_eq() {  # expect_eq WANT GOT LABEL
  if [ "$1" = "$2" ]; then ok; else fail "$3: got '$2', want '$1'"; fi
}
expect_contains() {  # expect_contains TEXT NEEDLE LABEL
  if [[ "$1" == *"$2"* ]]; then ok; else fail "$3: lacks '$2': ${1:0:400}"; fi
}
expect_lacks() {
  if [[ "$1" != *"$2"* ]]; then ok; else fail "$3: contains '$2'"; fi
}
json_get() {  # json_get JSON PATH…
  python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2:]: v=v[int(k)] if isinstance(v,list) else v[k]
print(v if not isinstance(v,(dict,list)) else json.dumps(v))' "$@"
}

# start NAME ARGS…: a daemon with its own socket and state dir on an ephemeral port; sets PORT,
# PID and STATE. Waits for its "HTTP API on" line.
start() {
  local name=$1; shift
  STATE=$TMP/$name/state
  mkdir -p "$TMP/$name"
  "$WARDEN" serve --socket "$TMP/$name/sock" --state-dir "$STATE" --http 127.0.0.1:0 "$@" >"$TMP/$name/log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 200); do
    PORT=$(sed -n 's|.*HTTP API on https\{0,1\}://127.0.0.1:\([0-9]*\).*|\1|p' "$TMP/$name/log")
    [ -n "$PORT" ] && grep -q "ready in" "$TMP/$name/log" && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "daemon $name did not start:"; cat "$TMP/$name/log"; exit 1
}

# call METHOD PATH [TOKEN] [BODY] [extra curl args…]: sets CODE, BODY, HEADERS
call() {
  local method=$1 path=$2 token=${3:-} body=${4:-}; shift 4 2>/dev/null || shift $#
  local args=(-s --path-as-is -X "$method" -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' --max-time 10)
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  CODE=$(curl "${args[@]}" "$@" "${SCHEME:-http}://127.0.0.1:$PORT$path")
  BODY=$(cat "$TMP/body")
  HEADERS=$(tr -d '\r' <"$TMP/headers")
}
header() { grep -i "^$1:" <<<"$HEADERS" | head -1 | cut -d' ' -f2- ; }

POLICY=$TMP/service.yaml
cat >"$POLICY" <<'EOF'
version: 1
roles:
  reader: {allow: ["doc:read"]}
subjects:
  alice: {roles: [reader]}
rules:
  - id: api-reads
    kind: http
    match: {method: [GET, HEAD], path: "/api/**"}
    decision: allow
    context: service
  - id: api-admin
    kind: http
    match: {path: "/api/admin/**"}
    decision: deny
    context: service
    reason: the admin API is not for services
EOF

# ==== one daemon, default limits ==============================================================
cat >"$TMP/ask.yaml" <<'EOF'
version: 1
rules:
  - {id: ask-date, kind: exec, match: {command: date}, decision: ask, reason: date needs a person}
EOF
start main --policy "$POLICY" --policy "$TMP/ask.yaml"
MAIN_PID=$PID

# ---- health, readiness, routing -------------------------------------------------------------
call GET /healthz; expect_eq 200 "$CODE" "healthz"
call GET /readyz; expect_eq 200 "$CODE" "readyz after the first load"
call GET /nope; expect_eq 404 "$CODE" "unknown path"
expect_eq not-found "$(json_get "$BODY" error code)" "404 body"
call DELETE /v1/check; expect_eq 405 "$CODE" "wrong method"

# ---- authentication --------------------------------------------------------------------------
call POST /v1/check "" '{"kind":"exec","command":"ls"}'
expect_eq 401 "$CODE" "no token"
expect_contains "$(header WWW-Authenticate)" 'Bearer realm="warden"' "401 challenge"
call POST /v1/check "wdn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" '{"kind":"exec","command":"ls"}'
expect_eq 401 "$CODE" "unknown token"
expect_contains "$(header WWW-Authenticate)" 'error="invalid_token"' "invalid_token challenge"
expect_lacks "$BODY" "wdn_AAAA" "the token is never echoed"
call POST /v1/check "" '{"kind":"exec","command":"ls"}' -H 'Authorization: Basic YTpi'
expect_eq 401 "$CODE" "basic auth"

SVC=$("$WARDEN" token create --role service --name svc --state-dir "$STATE" 2>/dev/null)
expect_eq 47 "${#SVC}" "a token is wdn_ + 43 characters"
ADMIN=$("$WARDEN" token create --role admin --name ops --ttl 1h --state-dir "$STATE" --json 2>/dev/null)
ADMIN_ID=$(json_get "$ADMIN" id)
ADMIN=$(json_get "$ADMIN" token)
METRICS=$("$WARDEN" token create --role metrics --state-dir "$STATE" 2>/dev/null)
grep -qaF "$SVC" "$STATE"/warden.db* && fail "the state DB holds a secret" || ok

# ---- /v1/check: decisions of every kind --------------------------------------------------------
call POST /v1/check "$SVC" '{"kind":"exec","command":"cd / && rm -rf *","context":"ai"}'
expect_eq 200 "$CODE" "check exec"
expect_eq deny "$(json_get "$BODY" decision)" "rm -rf through cd / is denied"
call POST /v1/check "$SVC" '{"kind":"action","subject":"alice","action":"read","resource":{"type":"doc","id":"1"}}'
expect_eq allow "$(json_get "$BODY" decision)" "rbac allow"
call POST /v1/check "$SVC" '{"kind":"action","subject":"alice","action":"delete","resource":{"type":"doc","id":"1"}}'
expect_eq deny "$(json_get "$BODY" decision)" "rbac deny"
call POST /v1/check "$SVC" '{"kind":"http","method":"GET","url":"http://169.254.169.254/latest/"}'
expect_eq deny "$(json_get "$BODY" decision)" "metadata URL"
call POST /v1/check "$SVC" '{"kind":"file","op":"read","path":"/home/u/.ssh/id_rsa","context":"ai","home":"/home/u"}'
expect_eq 200 "$CODE" "check file"
call POST /v1/check/batch "$SVC" '{"requests":[{"kind":"exec","command":"ls"},{"kind":"action","subject":"alice","action":"read","resource":{"type":"doc"}}]}'
expect_eq 200 "$CODE" "batch"
expect_eq allow "$(json_get "$BODY" results 1 decision)" "batch result 2"

# ---- validation: 400 with the byte, 422 with the field, 413, 431 ------------------------------
call POST /v1/check "$SVC" '{"kind":"exec","command":"ls",}'
expect_eq 400 "$CODE" "bad JSON"
expect_contains "$BODY" "at byte" "bad JSON names the position"
call POST /v1/check "$SVC" '{"kind":"exec","context":"robot"}'
expect_eq 422 "$CODE" "bad enum"
expect_eq /context "$(json_get "$BODY" error field)" "422 names the field"
call POST /v1/check "$SVC" '{"kind":"exec","command":7}'
expect_eq 422 "$CODE" "wrong type"
call POST /v1/check/batch "$SVC" '{"requests":[{"kind":"exec","command":"ls"},{"kind":"file"}]}'
expect_eq 422 "$CODE" "batch with a bad request"
expect_eq /requests/1 "$(json_get "$BODY" error field)" "batch names the request"
head -c 70000 /dev/zero | tr '\0' 'a' >"$TMP/big"
call POST /v1/check "$SVC" "@$TMP/big"
expect_eq 413 "$CODE" "body over 64 KiB"
call GET /healthz "" "" -H "X-Filler: $(head -c 20000 /dev/zero | tr '\0' 'b')"
expect_eq 431 "$CODE" "headers over 16 KiB"

# ---- authorization: roles grant endpoints ------------------------------------------------------
call GET /v1/tokens "$SVC"; expect_eq 403 "$CODE" "service may not list tokens"
expect_contains "$BODY" "does not grant admin:tokens" "403 says which permission"
call GET /metrics "$SVC"; expect_eq 403 "$CODE" "service may not scrape"
call GET /v1/tokens "$ADMIN"; expect_eq 200 "$CODE" "admin lists tokens"
expect_contains "$BODY" '"name":"svc"' "the list has the service token"
expect_lacks "$BODY" "$SVC" "the list never holds a secret"

# ---- tokens over HTTP, and revocation that takes effect at once --------------------------------
call POST /v1/tokens "$ADMIN" '{"role":"service","name":"temp","ttl":"10m"}'
expect_eq 201 "$CODE" "token create over HTTP"
TEMP=$(json_get "$BODY" token)
call POST /v1/check "$TEMP" '{"kind":"exec","command":"ls"}'; expect_eq 200 "$CODE" "the new token works at once"
call DELETE /v1/tokens/temp "$ADMIN"; expect_eq 200 "$CODE" "revoke over HTTP"
call POST /v1/check "$TEMP" '{"kind":"exec","command":"ls"}'; expect_eq 401 "$CODE" "a revoked token is refused at once"
expect_contains "$BODY" "revoked" "401 says revoked"
EXTRA=$("$WARDEN" token create --role service --name extra --state-dir "$STATE" 2>/dev/null)
call POST /v1/check "$EXTRA" '{"kind":"exec","command":"ls"}'; expect_eq 200 "$CODE" "a token made by the CLI works at once"
"$WARDEN" token revoke extra --state-dir "$STATE" >/dev/null
sleep 0.01
call POST /v1/check "$EXTRA" '{"kind":"exec","command":"ls"}'; expect_eq 401 "$CODE" "revoked by the CLI: refused within ms"
call POST /v1/tokens "$ADMIN" '{"role":"service","ttl":"forever"}'
expect_eq 422 "$CODE" "bad ttl"; expect_eq /ttl "$(json_get "$BODY" error field)" "bad ttl field"

# ---- /v1/authz: nginx auth_request and Envoy ext_authz ----------------------------------------
call GET /v1/authz "$SVC" "" -H 'X-Original-Method: GET' -H 'X-Original-URI: /api/items/7?x=1'
expect_eq 200 "$CODE" "authz allow (nginx headers)"
expect_eq allow "$(header Warden-Decision)" "Warden-Decision header"
call GET /v1/authz "$SVC" "" -H 'X-Original-Method: GET' -H 'X-Original-URI: /api/items/../admin/users'
expect_eq 403 "$CODE" "authz: a dot-dot spelling of the admin API is denied"
call POST /v1/authz/api/items "$SVC"
expect_eq 403 "$CODE" "authz deny (Envoy path prefix; POST not allowed)"
call GET /v1/authz/api/items/1 "$SVC"
expect_eq 200 "$CODE" "authz allow (Envoy path prefix)"
call GET /v1/authz "" "" -H 'X-Original-URI: /api/x'
expect_eq 401 "$CODE" "authz without credentials"

# ---- policy, Server-Timing, metrics ------------------------------------------------------------
call GET /v1/policy "$ADMIN"; expect_eq 200 "$CODE" "policy info"
REV=$(json_get "$BODY" revision)
call POST /v1/policy/reload "$ADMIN"; expect_eq 200 "$CODE" "policy reload"
expect_eq "$REV" "$(json_get "$BODY" revision)" "reload of unchanged files keeps the revision"
call POST /v1/check "$SVC" '{"kind":"exec","command":"ls"}' -H 'Warden-Timing: 1'
expect_contains "$(header Server-Timing)" "authn;dur=" "Server-Timing on request"
expect_contains "$(header Server-Timing)" "total;dur=" "Server-Timing total"
call POST /v1/check "$SVC" '{"kind":"exec","command":"ls"}'
expect_eq "" "$(header Server-Timing)" "no Server-Timing unless asked"
expect_eq 100 "$(header RateLimit-Limit)" "RateLimit-Limit (default 100/min)"
call GET /metrics "$METRICS"; expect_eq 200 "$CODE" "metrics"
expect_contains "$(header Content-Type)" "text/plain; version=0.0.4" "Prometheus content type"
expect_contains "$BODY" 'warden_http_requests_total{endpoint="check",code="200"}' "request counter"
expect_contains "$BODY" 'warden_http_stage_duration_seconds_bucket{stage="authn",le=' "stage histogram"
expect_contains "$BODY" "# TYPE warden_http_request_duration_seconds histogram" "request histogram"
expect_contains "$BODY" "warden_audit_queue_depth" "audit queue gauge"

# ---- approvals over HTTP, and the event stream -------------------------------------------------
curl -sN --max-time 20 -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$PORT/v1/events" >"$TMP/events" &
EVENTS_PID=$!
for _ in $(seq 100); do grep -q "warden decision events" "$TMP/events" 2>/dev/null && break; sleep 0.05; done
WARDEN_SOCKET=$TMP/main/sock WARDEN_STATE_DIR=$STATE "$WARDEN" exec --wait 15 -- date >"$TMP/exec.out" 2>&1 &
EXEC_PID=$!
APPROVAL=
for _ in $(seq 100); do
  call GET /v1/approvals "$ADMIN"
  APPROVAL=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1])["approvals"]; print(a[0]["approval_id"] if a else "")' "$BODY" 2>/dev/null)
  [ -n "$APPROVAL" ] && break
  sleep 0.05
done
[ -n "$APPROVAL" ] && ok || fail "the pending approval is listed over HTTP: $BODY"
call POST "/v1/approvals/$APPROVAL" "$SVC" '{"decision":"allow"}'
expect_eq 403 "$CODE" "a service token cannot approve"
call POST "/v1/approvals/$APPROVAL" "$ADMIN" '{"decision":"allow","remember_s":60}'
expect_eq 200 "$CODE" "an admin approves over HTTP"
wait "$EXEC_PID"; rc=$?
expect_eq 0 "$rc" "the approved command ran"
call POST /v1/approvals/nope-1 "$ADMIN" '{"decision":"deny"}'
expect_eq 404 "$CODE" "unknown approval"
call POST /v1/check "$SVC" '{"kind":"exec","command":"ls"}'
sleep 0.3
kill "$EVENTS_PID" 2>/dev/null; wait "$EVENTS_PID" 2>/dev/null
events=$(cat "$TMP/events")
expect_contains "$events" '"event":"approval' "approval events in the stream"
expect_contains "$events" '"subject":"tok_' "HTTP decisions in the stream, with their subject"
call GET /v1/events "$SVC"; expect_eq 403 "$CODE" "events are for admins"

# ---- the audit trail ------------------------------------------------------------------------------
call GET "/v1/audit?kind=http&decision=deny&limit=5" "$ADMIN"
expect_eq 200 "$CODE" "audit query"
expect_contains "$BODY" '"rule":"http.authz"' "refusals are audited with the stage that refused"
call GET "/v1/audit?limit=0" "$ADMIN"; expect_eq 400 "$CODE" "bad audit query"
call GET "/v1/audit?color=red" "$ADMIN"; expect_contains "$BODY" 'unknown parameter' "unknown audit parameter"

# ---- SIGTERM: graceful, audit flushed, chain verifies ------------------------------------------
call POST /v1/check "$SVC" '{"kind":"exec","command":"echo last-one"}'
kill -TERM "$MAIN_PID"; wait "$MAIN_PID"; rc=$?
expect_eq 0 "$rc" "SIGTERM exits 0"
expect_contains "$(cat "$TMP/main/log")" "stopped" "SIGTERM logged"
out=$("$WARDEN" audit verify --state-dir "$STATE" 2>&1); rc=$?
expect_eq 0 "$rc" "audit verify after SIGTERM: $out"
out=$("$WARDEN" audit query --kind exec --state-dir "$STATE" --json 2>&1)
expect_contains "$out" "echo last-one" "the last decision before SIGTERM is on disk"

# ==== rate limits and bans ======================================================================
start limits --rate-limit default=5/min --rate-limit ban=2/1h --rate-limit auth-failure=3/min
LSVC=$("$WARDEN" token create --role service --state-dir "$STATE" 2>/dev/null)
for i in 1 2 3 4 5; do call POST /v1/check "$LSVC" '{"kind":"exec","command":"ls"}'; done
expect_eq 200 "$CODE" "5 requests within the limit"
expect_eq 0 "$(header RateLimit-Remaining)" "RateLimit-Remaining counts down"
call POST /v1/check "$LSVC" '{"kind":"exec","command":"ls"}'
expect_eq 429 "$CODE" "the 6th is limited"
retry=$(header Retry-After)
[ -n "$retry" ] && [ "$retry" -ge 1 ] && ok || fail "Retry-After on 429: '$retry'"
expect_eq rate-limited "$(json_get "$BODY" error code)" "429 code"
call POST /v1/check "$LSVC" '{"kind":"exec","command":"ls"}'
call POST /v1/check "$LSVC" '{"kind":"exec","command":"ls"}'
expect_eq banned "$(json_get "$BODY" error code)" "limited twice within the window: banned"
[ "$(header Retry-After)" -gt 3000 ] && ok || fail "a ban lasts about an hour: Retry-After $(header Retry-After)"
# Brute-forcing tokens from one address: 401s, then 429, then a ban.
codes=
for i in $(seq 12); do
  call POST /v1/check "wdn_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 43)" '{}'
  codes="$codes $CODE"
done
expect_contains "$codes" "401 401 401 429" "guessing tokens: 401 three times, then 429"
expect_eq banned "$(json_get "$BODY" error code)" "a token-guessing address gets banned"
call GET /healthz; expect_eq 200 "$CODE" "health stays reachable for a banned address"

# Limits from the policy file, changed by a reload while the daemon runs.
cat >"$TMP/limits.yaml" <<'EOF'
version: 1
rate_limits:
  default: 3/min
  ban: off
EOF
start plimits --policy "$TMP/limits.yaml"
PSVC=$("$WARDEN" token create --role service --state-dir "$STATE" 2>/dev/null)
for i in 1 2 3 4; do call POST /v1/check "$PSVC" '{"kind":"exec","command":"ls"}'; done
expect_eq 429 "$CODE" "rate_limits from the policy file: the 4th of 3/min is limited"
expect_eq 3 "$(header RateLimit-Limit)" "RateLimit-Limit from the policy file"
printf 'version: 1\nrate_limits:\n  default: 100/min\n' >"$TMP/limits.yaml"
for _ in $(seq 100); do grep -q "rate limits now default=100/min" "$TMP/plimits/log" && break; sleep 0.05; done
expect_contains "$(cat "$TMP/plimits/log")" "rate limits now default=100/min" "a reload changes the limits"
PSVC2=$("$WARDEN" token create --role service --state-dir "$STATE" 2>/dev/null)
call POST /v1/check "$PSVC2" '{"kind":"exec","command":"ls"}'
expect_eq 200 "$CODE" "after the reload"
expect_eq 100 "$(header RateLimit-Limit)" "the new limit applies"

# ==== slow clients and many idle connections ======================================================
start conns --max-connections 64 --request-timeout 1
CSVC=$("$WARDEN" token create --role service --state-dir "$STATE" 2>/dev/null)
# A client that never finishes its headers is cut off after the request timeout.
cut=$(python3 - "$PORT" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
t = time.time()
s.settimeout(10)
try:
    while True:
        time.sleep(0.2)
        s.sendall(b"a")           # trickle: each byte well inside any per-read timeout
        if time.time() - t > 8: print("not cut"); break
except (BrokenPipeError, ConnectionResetError, OSError):
    print("cut after %.1f s" % (time.time() - t))
EOF
)
expect_contains "$cut" "cut after" "a slow-header client is cut off"
secs=$(sed -n 's/cut after \([0-9]*\).*/\1/p' <<<"$cut")
[ -n "$secs" ] && [ "$secs" -le 4 ] && ok || fail "cut off near the 1 s request timeout: $cut"
# 2000 idle connections (the limit is 64) do not lock out a client with work to do.
python3 - "$PORT" "$CSVC" >"$TMP/idle.out" <<'EOF' &
import resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
idle = []
for _ in range(2000):
    try:
        idle.append(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
    except OSError:
        pass
print("opened", len(idle), flush=True)
time.sleep(6)
EOF
IDLE_PID=$!
for _ in $(seq 100); do grep -q opened "$TMP/idle.out" && break; sleep 0.05; done
good=0
for i in $(seq 20); do
  call POST /v1/check "$CSVC" '{"kind":"exec","command":"ls"}'
  [ "$CODE" = 200 ] && good=$((good + 1))
done
expect_eq 20 "$good" "active requests succeed while 2000 idle connections are opened"
status=$(WARDEN_SOCKET=$TMP/conns/sock "$WARDEN" status --json)
evicted=$(json_get "$status" http connections_evicted)
[ "$evicted" -gt 0 ] && ok || fail "idle connections were evicted at the limit: $evicted"
open=$(json_get "$status" http connections_open)
[ "$open" -le 70 ] && ok || fail "open connections stay near the limit of 64: $open"
kill "$IDLE_PID" 2>/dev/null; wait "$IDLE_PID" 2>/dev/null
# Malformed HTTP: 400 and the connection closes; the daemon keeps serving.
bad=$(printf 'GARBAGE\r\n\r\n' | curl -s --max-time 5 telnet://127.0.0.1:$PORT 2>/dev/null | head -1 | tr -d '\r')
expect_contains "$bad" "400" "malformed request line"
call GET /healthz; expect_eq 200 "$CODE" "still serving after bad input"

# ==== TLS ===========================================================================================
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1
start tls --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"
SCHEME=https call GET /healthz "" "" --cacert "$TMP/cert.pem"
expect_eq 200 "$CODE" "healthz over TLS"
TSVC=$("$WARDEN" token create --role service --state-dir "$STATE" 2>/dev/null)
SCHEME=https call POST /v1/check "$TSVC" '{"kind":"exec","command":"ls"}' --cacert "$TMP/cert.pem"
expect_eq 200 "$CODE" "check over TLS"
plain=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
[ "$plain" != 200 ] && ok || fail "plain HTTP on the TLS port is not served"
out=$("$WARDEN" serve --socket "$TMP/x.sock" --state-dir "$TMP/x" --http 127.0.0.1:0 --tls-cert "$TMP/cert.pem" 2>&1); rc=$?
expect_eq 69 "$rc" "--tls-cert without --tls-key"
expect_contains "$out" "go together" "--tls-cert alone: the error says why"

# ==== JWT ===========================================================================================
python3 - "$TMP" <<'EOF'
import base64, hmac, hashlib, json, sys, time
d = sys.argv[1]
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b'=').decode()
key = b'an HS256 secret of 32 bytes!!!!!'
open(d + "/jwks.json", "w").write(json.dumps({"keys": [{"kty": "oct", "k": b(key), "kid": "k1", "alg": "HS256"}]}))
def tok(claims):
    h = b(json.dumps({"alg": "HS256", "kid": "k1"}).encode()); p = b(json.dumps(claims).encode())
    return h + "." + p + "." + b(hmac.new(key, (h + "." + p).encode(), hashlib.sha256).digest())
now = int(time.time())
open(d + "/jwt.good", "w").write(tok({"sub": "billing", "role": "service", "iss": "https://idp", "exp": now + 600}))
open(d + "/jwt.expired", "w").write(tok({"sub": "billing", "role": "service", "iss": "https://idp", "exp": now - 600}))
open(d + "/jwt.none", "w").write(b(b'{"alg":"none"}') + "." + b(json.dumps({"sub": "x", "role": "admin", "exp": now + 600}).encode()) + ".")
EOF
start jwt --jwks "$TMP/jwks.json" --jwt-issuer https://idp
call POST /v1/check "$(cat "$TMP/jwt.good")" '{"kind":"exec","command":"ls"}'
expect_eq 200 "$CODE" "a valid JWT"
call POST /v1/check "$(cat "$TMP/jwt.expired")" '{"kind":"exec","command":"ls"}'
expect_eq 401 "$CODE" "an expired JWT"
expect_contains "$(header WWW-Authenticate)" "expired" "the challenge says expired"
call GET /v1/tokens "$(cat "$TMP/jwt.none")"
expect_eq 401 "$CODE" "alg none is refused"
out=$("$WARDEN" audit query --kind exec --state-dir "$STATE" --json 2>&1)
expect_contains "$out" '"subject":"jwt:billing"' "a JWT caller is audited by its subject"

# ==== flags ========================================================================================
out=$("$WARDEN" serve --socket "$TMP/y.sock" --state-dir "$TMP/y" --rate-limit default=1/min 2>&1); rc=$?
expect_eq 64 "$rc" "--rate-limit without --http"
out=$("$WARDEN" serve --socket "$TMP/y.sock" --state-dir "$TMP/y" --http 127.0.0.1:0 --rate-limit default=lots 2>&1); rc=$?
expect_eq 69 "$rc" "a bad --rate-limit"
expect_contains "$out" "default=lots" "a bad --rate-limit is named"
out=$("$WARDEN" serve --socket "$TMP/y.sock" --state-dir "$TMP/y" --http 999.1.1.1:80 2>&1); rc=$?
expect_contains "$out" "is not an IP address" "a bad --http address"

echo "http_test: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
