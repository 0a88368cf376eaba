#!/usr/bin/env bash
# End-to-end tests of the warden binary as a person runs it: exit codes, JSON shapes, --help,
# requests from files and stdin, layered policies from real user and repository files, limits.
# usage: cli_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: cli_test.sh path/to/warden}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_CONFIG_HOME=
mkdir -p "$HOME"
PLACE=(--cwd /home/dev/project --workspace /home/dev/project --home /home/dev)

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

# expect_exit CODE -- ARGS…: run warden, compare the exit status.
expect_exit() {
  local want=$1; shift; shift
  local out rc
  out=$("$WARDEN" "$@" 2>&1) && rc=0 || rc=$?
  if [ "$rc" != "$want" ]; then fail "exit $rc, want $want: warden $* → $out"; else ok; fi
  LAST=$out
}
expect_contains() {  # expect_contains TEXT NEEDLE LABEL
  if [[ "$1" == *"$2"* ]]; then ok; else fail "$3: output lacks '$2': $1"; fi
}
json_field() {  # json_field JSON FIELD → value (python3 is on every Debian)
  python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(v[sys.argv[2]] if sys.argv[2] in v else "<missing>")' "$1" "$2"
}

# ---- exit codes ----------------------------------------------------------------------------
expect_exit 0 -- check --isolated "${PLACE[@]}" -- 'ls -la'
expect_exit 1 -- check --isolated "${PLACE[@]}" -- 'rm -rf /'
expect_exit 2 -- check --isolated "${PLACE[@]}" -- 'git push --force origin main'
expect_exit 64 -- check --isolated
expect_contains "$LAST" "nothing to check" "no command"
expect_exit 64 -- check --isolated --no-such-flag -- ls
expect_exit 64 -- check --isolated --context robot -- ls
expect_exit 64 -- check --isolated --request '{"kind":"exec","comand":"ls"}'
expect_contains "$LAST" "unknown field 'comand'" "bad request field"
expect_exit 64 -- check --isolated --request '{"kind":"exec","command":"ls"'
expect_contains "$LAST" "malformed JSON at byte" "malformed request"
expect_exit 64 -- nosuchcommand
printf 'version: 1\nrules:\n  - {id: a, kind: exec, match: {comand: rm}, decision: deny}\n' > "$TMP/bad.yaml"
expect_exit 78 -- check --isolated --policy "$TMP/bad.yaml" -- ls
expect_contains "$LAST" "bad.yaml:3:" "policy error position"
expect_contains "$LAST" "error[unknown-key]" "policy error code"
expect_contains "$LAST" "did you mean 'command'" "policy error hint"

# ---- JSON output -----------------------------------------------------------------------------
out=$("$WARDEN" check --isolated "${PLACE[@]}" --json -- 'cd / && rm -rf *')
[ "$(json_field "$out" decision)" = deny ] && ok || fail "json decision: $out"
[ "$(json_field "$out" rule)" = delete-root-home-or-system ] && ok || fail "json rule: $out"
[ "$(json_field "$out" reason)" != "<missing>" ] && ok || fail "json reason"
python3 - "$out" <<'EOF' && ok || fail "json facts: $out"
import json, sys
o = json.loads(sys.argv[1])
facts = o["facts"]
assert any(f["type"] == "command" and f["name"] == "rm" for f in facts)
assert any(f["type"] == "file" and f["op"] == "delete" and f["path"] == "/*" and f["recursive"] for f in facts)
assert all("decision" in f and "rule" in f for f in facts)
assert "policy_revision" in o and "latency_ns" in o
EOF
out=$("$WARDEN" check --isolated "${PLACE[@]}" --json -- 'ls')
[ "$(json_field "$out" rule)" = None ] && ok || fail "allow by default has rule null: $out"

# ---- every way to give a request ----------------------------------------------------------------
expect_exit 2 -- check --isolated --file read "$HOME/.ssh/id_rsa"
expect_exit 1 -- check --isolated --file write /etc/passwd
expect_exit 0 -- check --isolated --file read "$TMP/x.txt"
echo '{"kind":"exec","command":"rm -rf /"}' > "$TMP/req.json"
expect_exit 1 -- check --isolated --request "@$TMP/req.json"
out=$(echo '{"kind":"exec","argv":["sudo","bash","-c","rm -rf /"]}' | "$WARDEN" check --isolated --request -) && rc=0 || rc=$?
[ "$rc" = 1 ] && ok || fail "request from stdin: $rc $out"
expect_exit 1 -- check --isolated --argv -- sudo bash -c 'rm -rf /'
expect_exit 0 -- check --isolated -- '[ -f Makefile ] && make'
# A NUL byte can only arrive through JSON: it is a parse-error fact, never an allow.
expect_exit 2 -- check --isolated --request '{"kind":"exec","command":"echo a\u0000b"}'
expect_exit 1 -- check --isolated --request '{"kind":"exec","command":"rm -rf /\u0000 harmless"}'
# URL fetches: --url (and --method), or an http request as JSON.
expect_exit 1 -- check --isolated --url http://169.254.169.254/latest/meta-data/
expect_contains "$LAST" "http-cloud-metadata" "--url names the rule"
expect_exit 1 -- check --isolated --request '{"kind":"http","url":"http://[fd00:ec2::254]/latest/"}'
expect_exit 2 -- check --isolated --url http://localhost:8080/admin --method POST
expect_exit 0 -- check --isolated --url https://example.com/docs
expect_exit 64 -- check --isolated --url ftp://example.com/
expect_contains "$LAST" "--url must be an http or https URL" "bad --url names the flag"
expect_exit 64 -- check --isolated --url https://example.com/ --method get
expect_contains "$LAST" "--method must be uppercase" "bad --method"
expect_exit 64 -- check --isolated --method POST -- ls
expect_exit 64 -- check --isolated --url https://example.com/ --file read x
expect_exit 64 -- check --isolated --request '{"kind":"http","url":"https://a/","path":"/b"}'
expect_contains "$LAST" "either 'url' or 'path'" "http request JSON errors name the field"
out=$("$WARDEN" check --isolated --json --url 'HTTP://0x7f.1:8080//a/../b?token=x') && rc=0 || rc=$?
python3 - "$out" <<'EOF2' && ok || fail "http facts in --json: $rc $out"
import json, sys
o = json.loads(sys.argv[1])
assert o["kind"] == "http" and o["decision"] == "ask" and o["rule"] == "http-private-network"
f = o["facts"][0]
assert f["type"] == "http" and f["method"] == "GET" and f["host"] == "127.0.0.1" and f["port"] == 8080
assert f["url"] == "http://127.0.0.1:8080/b?token=x" and f["path"] == "/b"
assert "token" not in o["reason"]
EOF2
expect_exit 2 -- explain --isolated --url http://192.168.1.1/
expect_contains "$LAST" "GET http://192.168.1.1/" "explain shows the http target"
expect_contains "$LAST" "✓ http-private-network" "explain marks the matching http rule"
# 100 KB command: decided, not crashed.
big="echo $(head -c 100000 /dev/zero | tr '\0' 'a'); rm -rf /"
expect_exit 1 -- check --isolated "${PLACE[@]}" -- "$big"
expect_exit 0 -- check --isolated "${PLACE[@]}" -- ''
expect_contains "$LAST" "empty" "empty command"

# ---- --help everywhere, with examples ------------------------------------------------------------
for cmd in "" check explain "policy check" "policy test" bench; do
  # shellcheck disable=SC2086
  out=$("$WARDEN" $cmd --help 2>&1) && rc=0 || rc=$?
  [ "$rc" = 0 ] && ok || fail "warden $cmd --help exit $rc"
  expect_contains "$out" "Examples" "warden $cmd --help"
done
expect_contains "$("$WARDEN" --help)" "Exit codes" "top-level help lists exit codes"
expect_exit 0 -- version
expect_contains "$LAST" "warden " "version"

# ---- explain --------------------------------------------------------------------------------------
expect_exit 1 -- explain --isolated "${PLACE[@]}" -- 'sudo env rm -rf ~/'
expect_contains "$LAST" "command: rm -rf /home/dev/ (via sudo, env)" "explain shows unwrapped command"
expect_contains "$LAST" "✓ delete-root-home-or-system" "explain marks the matching rule"
expect_contains "$LAST" "✗" "explain shows rules that did not match"
out=$("$WARDEN" explain --isolated "${PLACE[@]}" --json -- 'rm -rf /')
python3 -c 'import json,sys; o=json.loads(sys.argv[1]); assert o["trace"] and all("matched" in t for t in o["trace"])' "$out" \
  && ok || fail "explain --json trace"
# --json is valid UTF-8 whatever the command line holds ($'\uD800' is a lone surrogate), and
# U+2028/U+2029 are escaped.
utf8_cmd=$(cat <<'CMD'
echo $'\uD800' $'\u2028' $'\xff'
CMD
)
"$WARDEN" explain --isolated "${PLACE[@]}" --json -- "$utf8_cmd" > "$TMP/utf8.json" || true
python3 - "$TMP/utf8.json" <<'EOF' && ok || fail "--json is not valid UTF-8: $(head -c 300 "$TMP/utf8.json")"
import json, sys
text = open(sys.argv[1], 'rb').read().decode('utf-8')  # raises on any malformed byte
json.loads(text)
assert '\u2028' not in text and '\\u2028' in text, text[:300]
EOF

# ---- policy check / test -----------------------------------------------------------------------
expect_exit 0 -- policy check "$ROOT/policies/strict.yaml"
expect_contains "$LAST" "ok:" "policy check ok"
expect_exit 78 -- policy check "$TMP/bad.yaml"
out=$("$WARDEN" policy check --json "$TMP/bad.yaml") || true
python3 -c 'import json,sys; o=json.loads(sys.argv[1]); d=o["diagnostics"][0]; assert not o["ok"] and d["code"]=="unknown-key" and d["line"]==3' "$out" \
  && ok || fail "policy check --json: $out"
cat > "$TMP/tests.yaml" <<'EOF'
version: 1
rules:
  - {id: no-make, kind: exec, match: {command: make}, decision: deny, reason: no make here}
tests:
  - {name: make denied, request: {kind: exec, command: "make all"}, expect: deny, rule: no-make}
  - {name: ls allowed, request: {kind: exec, command: ls}, expect: allow, rule: null}
  - {name: wrong on purpose, request: {kind: exec, command: ls}, expect: deny}
EOF
expect_exit 1 -- policy test "$TMP/tests.yaml"
expect_contains "$LAST" "2 passed, 1 failed" "policy test summary"
expect_contains "$LAST" "wrong on purpose" "policy test names the failure"
head -n 6 "$TMP/tests.yaml" > "$TMP/tests-ok.yaml"
expect_exit 0 -- policy test "$TMP/tests-ok.yaml"
expect_contains "$LAST" "2 passed, 0 failed" "policy test all pass"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '#' > "$TMP/huge.yaml"
expect_exit 78 -- policy check "$TMP/huge.yaml"
expect_contains "$LAST" "file-too-large" "16 MiB limit"
head -c 4096 /dev/urandom > "$TMP/junk.yaml"
expect_exit 78 -- policy check "$TMP/junk.yaml"
expect_exit 78 -- policy check "$TMP/does-not-exist.yaml"
expect_contains "$LAST" "io-error" "missing policy file"
# A FIFO where a policy file is expected: refused at once (never opened blocking), in every
# in-process client; a hang would end in timeout's 124.
mkfifo "$TMP/fifo.yaml"
out=$(timeout 10 "$WARDEN" policy check "$TMP/fifo.yaml" 2>&1); rc=$?
[ "$rc" = 78 ] && ok || fail "policy check of a FIFO: exit $rc, want 78: $out"
expect_contains "$out" "is a FIFO, not a regular file" "policy check names the FIFO"
out=$(timeout 10 "$WARDEN" check --isolated --policy "$TMP/fifo.yaml" "${PLACE[@]}" -- ls 2>&1); rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] && ok || fail "check --policy FIFO: exit $rc (0 is an allow, 124 a hang): $out"
out=$(echo '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"/tmp"}' |
      timeout 10 "$WARDEN" hook claude --isolated --policy "$TMP/fifo.yaml" 2>&1); rc=$?
[ "$rc" = 2 ] && [[ "$out" == *deny* ]] && ok || fail "hook --policy FIFO: exit $rc, want 2 and a deny: $out"

# ---- layering: user file, repository file, --policy, final, defaults ---------------------------
mkdir -p "$HOME/.config/warden" "$TMP/repo/.warden" "$TMP/repo/sub/dir"
cat > "$HOME/.config/warden/policy.yaml" <<'EOF'
version: 1
rules:
  - {id: user-no-make, kind: exec, match: {command: make}, decision: deny, reason: from the user file}
EOF
cat > "$TMP/repo/.warden/policy.yaml" <<'EOF'
version: 1
rules:
  - {id: repo-ask-npm, kind: exec, match: {command: npm}, decision: ask, reason: from the repository file}
EOF
cd "$TMP/repo/sub/dir"
expect_exit 1 -- check -- 'make'
expect_contains "$LAST" "from the user file" "user layer"
expect_exit 2 -- check -- 'npm test'
expect_contains "$LAST" "from the repository file" "repository layer found upward"
expect_exit 0 -- check --isolated -- 'make'
printf 'version: 1\nrules:\n  - {id: cli-ask-ls, kind: exec, match: {command: ls}, decision: ask}\n' > "$TMP/cli.yaml"
expect_exit 2 -- check --policy "$TMP/cli.yaml" -- 'ls'
# A repository file cannot replace a final rule of the default policy…
cat > "$TMP/repo/.warden/policy.yaml" <<'EOF'
version: 1
rules:
  - {id: delete-root-home-or-system, kind: file, match: {op: delete}, decision: allow}
EOF
expect_exit 78 -- check -- 'rm -rf /'
expect_contains "$LAST" "final-override" "final rules hold"
# …nor out-prioritize one…
cat > "$TMP/repo/.warden/policy.yaml" <<'EOF'
version: 1
rules:
  - {id: please, kind: file, match: {op: delete}, decision: allow, priority: 1000}
EOF
expect_exit 1 -- check -- 'rm -rf /'
# …nor loosen a default.
printf 'version: 1\ndefaults: {ai: ask}\n' > "$HOME/.config/warden/policy.yaml"
printf 'version: 1\ndefaults: {ai: allow}\n' > "$TMP/repo/.warden/policy.yaml"
expect_exit 2 -- check -- 'true'
expect_contains "$LAST" "ignored-setting" "repository cannot loosen defaults"
cd "$ROOT"
rm -rf "$HOME/.config/warden"

# ---- profiles ------------------------------------------------------------------------------------
expect_exit 0 -- check --isolated --profile strict "${PLACE[@]}" -- 'git status'
expect_exit 2 -- check --isolated --profile strict "${PLACE[@]}" -- 'terraform plan'
expect_exit 2 -- check --isolated --profile strict "${PLACE[@]}" -- 'cat /etc/hosts'
expect_exit 0 -- check --isolated --profile none -- 'rm -rf /'
WARDEN_PROFILE=strict "$WARDEN" check --isolated "${PLACE[@]}" -- 'terraform plan' >/dev/null && rc=0 || rc=$?
[ "$rc" = 2 ] && ok || fail "WARDEN_PROFILE"

# ---- symlinks are followed when they exist -------------------------------------------------------
mkdir -p "$TMP/ws" "$HOME/.ssh" && echo secret > "$HOME/.ssh/id_rsa"
ln -s "$HOME/.ssh/id_rsa" "$TMP/ws/notes.txt"
out=$("$WARDEN" check --isolated --cwd "$TMP/ws" --workspace "$TMP/ws" --json -- 'cat notes.txt') || true
[ "$(json_field "$out" decision)" = ask ] && ok || fail "read through a symlink: $out"
expect_exit 2 -- check --isolated --cwd "$TMP/ws" --file read "$TMP/ws/notes.txt"

# ---- bench: exactly the documented keys ------------------------------------------------------------
printf '%s\n' '{"kind":"exec","command":"ls"}' '{"kind":"exec","command":"rm -rf /"}' \
  '{"kind":"exec","command":"git push -f origin main"}' > "$TMP/reqs.jsonl"
out=$("$WARDEN" bench --isolated --requests "$TMP/reqs.jsonl" --iterations 3 --json)
python3 - "$out" <<'EOF' && ok || fail "bench keys: $out"
import json, sys
o = json.loads(sys.argv[1])
assert sorted(o) == sorted(["decisions", "allowed", "denied", "asked", "ns_per_decision_p50",
                            "ns_per_decision_p99", "decisions_per_second"]), o
assert (o["decisions"], o["allowed"], o["denied"], o["asked"]) == (3, 1, 1, 1), o
EOF
echo '{"kind":"exec"}' >> "$TMP/reqs.jsonl"
expect_exit 64 -- bench --isolated --requests "$TMP/reqs.jsonl"
expect_contains "$LAST" "reqs.jsonl:4:" "bench names the bad line"

# ---- the peers workload loads and evaluates as-is --------------------------------------------------
if [ -f "$ROOT/../shared/bench/peers/gen-rbac.mjs" ] && command -v node >/dev/null; then
  node "$ROOT/../shared/bench/peers/gen-rbac.mjs" "$TMP/rbac" --requests 2000 >/dev/null
  expect_exit 0 -- policy check --profile none "$TMP/rbac/warden-policy.yaml"
  out=$("$WARDEN" bench --isolated --profile none --policy "$TMP/rbac/warden-policy.yaml" \
        --requests "$TMP/rbac/requests.jsonl" --json)
  python3 -c 'import json,sys; o=json.loads(sys.argv[1]); assert o["decisions"]==2000 and o["allowed"]+o["denied"]==2000 and o["asked"]==0' "$out" \
    && ok || fail "peers workload: $out"
else
  fail "../shared/bench/peers or node missing"
fi

echo "$checks checks passed, $failures failed"
[ "$failures" = 0 ]
