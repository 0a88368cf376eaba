#!/usr/bin/env bash
# Real nginx in front of a backend, asking the real Warden daemon through `auth_request` →
# /v1/authz (the set-up docs/API.md shows): allowed requests reach the backend, denied ones get
# 403, a missing or bad token 401 with Warden's challenge, an over-the-limit client 429 with
# Retry-After — each as the client sees it through nginx. With Warden stopped, nginx answers
# 500: the gate fails closed.
# usage: nginx_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: nginx_test.sh path/to/warden}")
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx_test: nginx is missing: run scripts/bootstrap.sh (nginx-light)"; exit 1; }
TMP=$(mktemp -d)
WARDEN_PID=
cleanup() {
  [ -f "$TMP/nginx/nginx.pid" ] && kill "$(cat "$TMP/nginx/nginx.pid")" 2>/dev/null
  [ -n "$WARDEN_PID" ] && kill "$WARDEN_PID" 2>/dev/null && wait "$WARDEN_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR=
mkdir -p "$HOME" "$TMP/nginx/tmp"

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
expect_eq() { if [ "$1" = "$2" ]; then ok; else fail "$3: got '$2', want '$1'"; fi; }
expect_contains() { if [[ "$1" == *"$2"* ]]; then ok; else fail "$3: lacks '$2': ${1:0:300}"; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cat >"$TMP/policy.yaml" <<'EOF'
version: 1
rules:
  - id: api-reads
    kind: http
    match: {method: [GET, HEAD], path: "/api/**"}
    decision: allow
    context: service
  - id: api-orders-writes
    kind: http
    match: {method: POST, path: "/api/orders"}
    decision: allow
    context: service
  - id: api-admin
    kind: http
    match: {path: "/api/admin/**"}
    decision: deny
    context: service
    reason: the admin API is closed
EOF

STATE=$TMP/state
"$WARDEN" serve --socket "$TMP/warden.sock" --state-dir "$STATE" --policy "$TMP/policy.yaml" \
  --http 127.0.0.1:0 --rate-limit default=6/min >"$TMP/warden.log" 2>&1 &
WARDEN_PID=$!
WPORT=
for _ in $(seq 200); do
  WPORT=$(sed -n 's|.*HTTP API on http://127.0.0.1:\([0-9]*\).*|\1|p' "$TMP/warden.log")
  [ -n "$WPORT" ] && break
  sleep 0.05
done
[ -n "$WPORT" ] || { echo "warden did not start:"; cat "$TMP/warden.log"; exit 1; }
TOKEN=$("$WARDEN" token create --role service --name nginx-test --state-dir "$STATE" 2>/dev/null)
OTHER=$("$WARDEN" token create --role service --name other --state-dir "$STATE" 2>/dev/null)

NPORT=$(free_port)
BPORT=$(free_port)
# The snippet of docs/API.md, with this test's ports and paths.
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;

  upstream warden { server 127.0.0.1:$WPORT; keepalive 8; }
  upstream backend { server 127.0.0.1:$BPORT; }

  server {  # the protected application
    listen 127.0.0.1:$BPORT;
    location / { return 200 "backend: \$request_method \$uri\n"; }
  }

  server {  # the gateway
    listen 127.0.0.1:$NPORT;

    location /api/ {
      auth_request /_warden;
      auth_request_set \$warden_status \$upstream_status;
      auth_request_set \$warden_challenge \$upstream_http_www_authenticate;
      auth_request_set \$warden_retry \$upstream_http_retry_after;
      auth_request_set \$warden_decision \$upstream_http_warden_decision;
      add_header WWW-Authenticate \$warden_challenge always;
      add_header Warden-Decision \$warden_decision always;
      error_page 500 = @warden_refused;
      proxy_pass http://backend;
    }

    location = /_warden {
      internal;
      proxy_pass http://warden/v1/authz;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method \$request_method;
      proxy_set_header X-Original-URI \$request_uri;
    }

    # auth_request passes 401 and 403 through and turns every other status into 500: give a
    # 429 back to the client as a 429, and anything else (Warden down) stays a 500.
    location @warden_refused {
      if (\$warden_status = 429) {
        add_header Retry-After \$warden_retry always;
        return 429 '{"error":{"code":"rate-limited","message":"too many requests"}}\n';
      }
      return 500;
    }
  }
}
EOF
"$NGINX" -t -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" >"$TMP/nginx/t.log" 2>&1 || { cat "$TMP/nginx/t.log"; exit 1; }
"$NGINX" -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" -g 'daemon on;' || { echo "nginx did not start"; exit 1; }
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$NPORT/" && break; sleep 0.05; done

# through METHOD PATH [TOKEN]: a client's request through nginx; sets CODE, BODY, HEADERS
through() {
  local args=(-s --path-as-is -X "$1" -o "$TMP/body" -D "$TMP/headers" -w "%{http_code}" --max-time 10)
  [ -n "${3:-}" ] && args+=(-H "Authorization: Bearer $3")
  CODE=$(curl "${args[@]}" "http://127.0.0.1:$NPORT$2")
  BODY=$(cat "$TMP/body")
  HEADERS=$(tr -d '\r' <"$TMP/headers")
}
header() { grep -i "^$1:" <<<"$HEADERS" | head -1 | cut -d' ' -f2-; }

# allow: the backend answers
through GET /api/items/42 "$TOKEN"
expect_eq 200 "$CODE" "allowed GET reaches the backend"
expect_contains "$BODY" "backend: GET /api/items/42" "the backend's answer"
through POST /api/orders "$TOKEN"
expect_eq 200 "$CODE" "allowed POST"
# deny: 403, the backend never sees it
through DELETE /api/items/42 "$TOKEN"
expect_eq 403 "$CODE" "DELETE is denied (default for service)"
through GET /api/admin/users "$TOKEN"
expect_eq 403 "$CODE" "the admin API is denied"
through GET /api/items/../admin/users "$TOKEN"
expect_eq 403 "$CODE" "a dot-dot spelling of the admin API is denied too"
through GET /api/items/%2e%2e/admin/users "$TOKEN"
expect_eq 403 "$CODE" "an encoded dot-dot spelling of the admin API is denied too"
# 401: no token, a bad token — with Warden's challenge
through GET /api/items/1
expect_eq 401 "$CODE" "no token"
expect_contains "$(header WWW-Authenticate)" 'Bearer realm="warden"' "the challenge reaches the client"
through GET /api/items/1 "wdn_notarealtokennotarealtokennotarealtokennota"
expect_eq 401 "$CODE" "a bad token"
expect_contains "$(header WWW-Authenticate)" 'invalid_token' "invalid_token reaches the client"
# 429: the token has used its 6 requests per minute (2 GET, 1 POST, 1 DELETE, 2 admin)
through GET /api/items/43 "$TOKEN"
expect_eq 429 "$CODE" "over the limit: 429 through nginx"
retry=$(header Retry-After)
[ -n "$retry" ] && [ "$retry" -ge 1 ] && ok || fail "Retry-After reaches the client: '$retry'"
# another client is not affected
through GET /api/items/44 "$OTHER"
expect_eq 200 "$CODE" "another token keeps its own budget"

# every decision is in Warden's audit log, with the caller
out=$("$WARDEN" audit query --kind http --state-dir "$STATE" --json 2>&1)
expect_contains "$out" '"method":"DELETE"' "the denied DELETE is audited"
expect_contains "$out" '"rule":"api-admin"' "the admin denial is audited with its rule"
"$WARDEN" audit verify --state-dir "$STATE" >/dev/null 2>&1 && ok || fail "audit verify"

# Warden down: the gate fails closed
kill "$WARDEN_PID"; wait "$WARDEN_PID" 2>/dev/null; WARDEN_PID=
through GET /api/items/42 "$OTHER"
expect_eq 500 "$CODE" "Warden stopped: nginx refuses (500), never lets it through"

echo "nginx_test: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
