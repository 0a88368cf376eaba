#!/usr/bin/env bash
# End-to-end tests of `warden hook AGENT` as an agent runs it: every payload in
# tests/fixtures/hooks/<agent>/<case>.json is piped into the real binary, and its exit code and
# stdout JSON must match <case>.expect.json (the files src/clients/hook_test.cc checks too).
# Then what only the binary does: stdin limits, flags, policy layers found from the payload's
# cwd, policy errors and unknown agents — all of which must block, never exit 0 silently.
# usage: hook_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: hook_test.sh path/to/warden}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIXTURES=$ROOT/tests/fixtures/hooks
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The fixtures' home; it does not exist here, so no symlink or user policy changes a decision.
export HOME=/home/dev XDG_CONFIG_HOME=
unset WARDEN_PROFILE
cd "$TMP"

failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

# check_answer EXPECT.json EXIT STDOUT STDERR: compares one answer with an expectation file.
check_answer() {
  python3 - "$@" <<'EOF'
import json, sys
expect_path, rc, out, err = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
expect = json.load(open(expect_path))
problems = []
def contains(got, want, where=""):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            problems.append(f"{where or 'stdout'} is not an object"); return
        for k, v in want.items():
            if k not in got: problems.append(f"{where}{k} is missing")
            else: contains(got[k], v, f"{where}{k}.")
    elif got != want:
        problems.append(f"{where.rstrip('.')} is {got!r}, want {want!r}")
if rc != expect["exit_code"]:
    problems.append(f"exit {rc}, want {expect['exit_code']}")
if expect["stdout"] is None:
    if out != "": problems.append(f"stdout should be empty: {out!r}")
else:
    try:
        got = json.loads(out)
        contains(got, expect["stdout"])
        for k in expect.get("stdout_keys", []):
            if k not in got: problems.append(f"stdout lacks {k}")
    except ValueError:
        problems.append(f"stdout is not JSON: {out!r}")
if "stdout_contains" in expect and expect["stdout_contains"] not in out:
    problems.append(f"stdout lacks {expect['stdout_contains']!r}")
if "stderr_contains" in expect and expect["stderr_contains"] not in err:
    problems.append(f"stderr lacks {expect['stderr_contains']!r}: {err!r}")
for secret in expect.get("never", []):
    if secret in out or secret in err: problems.append(f"the answer repeats {secret!r}")
if expect.get("rule") and expect["decision"] in ("deny", "ask") and expect["rule"] not in out + err:
    problems.append(f"the answer does not name rule {expect['rule']}")
if problems:
    print("; ".join(problems)); sys.exit(1)
EOF
}

# run_hook AGENT FILE [FLAGS…]: pipes FILE into warden hook; sets OUT, ERR, RC.
run_hook() {
  local agent=$1 file=$2; shift 2
  OUT=$("$WARDEN" hook "$agent" "$@" < "$file" 2> "$TMP/stderr") && RC=0 || RC=$?
  ERR=$(cat "$TMP/stderr")
}

# ---- every fixture -------------------------------------------------------------------------------
for dir in "$FIXTURES"/*/; do
  agent=$(basename "$dir")
  for payload in "$dir"*.json; do
    case "$payload" in *.expect.json) continue ;; esac
    expect=${payload%.json}.expect.json
    name="$agent/$(basename "$payload" .json)"
    if [ ! -f "$expect" ]; then fail "$name: no expect file"; continue; fi
    run_hook "$agent" "$payload" --isolated
    if why=$(check_answer "$expect" "$RC" "$OUT" "$ERR"); then ok; else fail "$name: $why"; fi
  done
done

CLAUDE_LS="$FIXTURES/claude/bash_allow_git_status.json"
claude_payload() {  # claude_payload COMMAND CWD
  python3 -c 'import json,sys; print(json.dumps({"session_id":"s","transcript_path":"/t","hook_event_name":"PreToolUse",
    "tool_name":"Bash","tool_input":{"command":sys.argv[1]},"cwd":sys.argv[2]}))' "$1" "$2"
}
decision_of() {  # decision_of STDOUT → Claude's permissionDecision
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["hookSpecificOutput"]["permissionDecision"])' "$1" 2>/dev/null
}

# ---- limits: too big or empty input blocks ------------------------------------------------------
python3 -c 'import sys; sys.stdout.write("{\"pad\":\"" + "a" * (16 * 1024 * 1024 + 10) + "\"}")' > "$TMP/huge.json"
run_hook claude "$TMP/huge.json" --isolated
[ "$RC" = 2 ] && [ "$(decision_of "$OUT")" = deny ] && [[ "$ERR" == *"larger than"* ]] && ok \
  || fail "17 MiB payload: rc=$RC out=${OUT:0:200} err=$ERR"
: > "$TMP/empty.json"
for agent in claude codex gemini cursor droid; do
  run_hook "$agent" "$TMP/empty.json" --isolated
  [ "$RC" = 2 ] && [[ "$OUT" == *deny* ]] && [[ "$ERR" == *empty* ]] && ok || fail "$agent empty stdin: rc=$RC $OUT $ERR"
done

# ---- bad flag values and unknown agents block in the agent's format ------------------------------
run_hook claude "$CLAUDE_LS" --isolated --context robot
[ "$RC" = 2 ] && [ "$(decision_of "$OUT")" = deny ] && [[ "$ERR" == *"--context"* ]] && ok || fail "bad --context: $RC $OUT $ERR"
run_hook claude "$CLAUDE_LS" --isolated --profile nonesuch
[ "$RC" = 2 ] && [ "$(decision_of "$OUT")" = deny ] && [[ "$ERR" == *"unknown profile"* ]] && ok || fail "bad --profile: $RC $OUT $ERR"
printf 'version: 1\nrules:\n  - {id: a, kind: exec, match: {comand: rm}, decision: deny}\n' > "$TMP/bad.yaml"
run_hook gemini "$FIXTURES/gemini/shell_allow_git_status.json" --isolated --policy "$TMP/bad.yaml"
[ "$RC" = 2 ] && [[ "$OUT" == *'"decision":"deny"'* ]] && [[ "$ERR" == *"bad.yaml:3"* ]] && ok || fail "policy errors block: $RC $OUT $ERR"
run_hook robot "$CLAUDE_LS"
[ "$RC" = 2 ] && [[ "$ERR" == *"unknown agent"* ]] && ok || fail "unknown agent: $RC $OUT $ERR"

# ---- flags: --policy, --context, --profile ---------------------------------------------------------
cat > "$TMP/team.yaml" <<'EOF'
version: 1
rules:
  - {id: team-no-make, kind: exec, match: {command: make}, decision: deny, reason: no make for agents, context: ai}
EOF
claude_payload 'make all' /home/dev/project > "$TMP/make.json"
run_hook claude "$TMP/make.json" --isolated --policy "$TMP/team.yaml"
[ "$(decision_of "$OUT")" = deny ] && [[ "$OUT" == *"no make for agents [team-no-make]"* ]] && ok || fail "--policy: $OUT"
run_hook claude "$TMP/make.json" --isolated --policy "$TMP/team.yaml" --context human
# No rule matched and the default allows: no opinion (Claude's own permission flow goes on),
# unless the hook is told to answer an explicit allow.
[ "$RC" = 0 ] && [ -z "$OUT" ] && ok || fail "--context human: $RC $OUT"
run_hook claude "$TMP/make.json" --isolated --policy "$TMP/team.yaml" --context human --answer-default-allow
[ "$(decision_of "$OUT")" = allow ] && ok || fail "--answer-default-allow: $OUT"
claude_payload 'terraform plan' /home/dev/project > "$TMP/tf.json"
run_hook claude "$TMP/tf.json" --isolated --profile strict
[ "$(decision_of "$OUT")" = ask ] && ok || fail "--profile strict: $OUT"

# ---- the repository layer is found from the payload's cwd, not the hook's own -----------------------
mkdir -p "$TMP/repo/.git" "$TMP/repo/.warden" "$TMP/repo/src"
cat > "$TMP/repo/.warden/policy.yaml" <<'EOF'
version: 1
rules:
  - {id: repo-ask-npm, kind: exec, match: {command: npm}, decision: ask, reason: from the repository file}
EOF
claude_payload 'npm test' "$TMP/repo/src" > "$TMP/npm.json"
run_hook claude "$TMP/npm.json"
[ "$(decision_of "$OUT")" = ask ] && [[ "$OUT" == *"repo-ask-npm"* ]] && ok || fail "repository layer: $OUT $ERR"
# …and the workspace is the repository root, not the cwd: deleting build output inside it is
# fine, deleting the repository itself (the cwd's parent) is the whole workspace.
claude_payload 'rm -rf build' "$TMP/repo/src" > "$TMP/rmbuild.json"
run_hook claude "$TMP/rmbuild.json"
[ "$RC" = 0 ] && [ -z "$OUT" ] && ok || fail "delete inside the workspace: $RC $OUT $ERR"
claude_payload 'rm -rf ..' "$TMP/repo/src" > "$TMP/rmrepo.json"
run_hook claude "$TMP/rmrepo.json"
[ "$(decision_of "$OUT")" = ask ] && [[ "$OUT" == *delete-whole-workspace* ]] && ok \
  || fail "workspace found from the payload cwd: $OUT $ERR"

# ---- --sandbox: an allowed shell command comes back confined, as the agent will run it --------------
claude_payload "echo 'it'\''s' > out.txt" "$TMP" > "$TMP/sbx.json"
echo 'version: 1' > "$TMP/rel.yaml"   # relative: the rewrite names it by its absolute path
run_hook claude "$TMP/sbx.json" --isolated --sandbox --no-daemon --policy rel.yaml
rewritten=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1])["hookSpecificOutput"]
assert "permissionDecision" not in d, d; print(d["updatedInput"]["command"])' "$OUT" 2>/dev/null)
[ "$RC" = 0 ] && [[ "$rewritten" == "$WARDEN sandbox --policy $TMP/rel.yaml --isolated -- bash -c "* ]] && ok \
  || fail "--sandbox answer: rc=$RC out=$OUT err=$ERR"
# Run by bash with a stub in the binary's place, the stub gets the original command byte for byte.
mkdir -p "$TMP/stub"
printf '#!/bin/sh\nprintf "%%s\\0" "$@" > "%s/argv"\n' "$TMP" > "$TMP/stub/warden"; chmod +x "$TMP/stub/warden"
bash -c "${rewritten/#"$WARDEN"/$TMP/stub/warden}"
got=$(python3 -c 'import sys; a=open(sys.argv[1],"rb").read().split(b"\0")[:-1]; print(a[-1].decode())' "$TMP/argv" 2>/dev/null)
[ "$got" = "echo 'it'\''s' > out.txt" ] && ok || fail "--sandbox round trip: got '$got' from $rewritten"
for agent in qwen codex copilot cursor droid; do
  run_hook "$agent" "$CLAUDE_LS" --isolated --sandbox
  [ "$RC" = 2 ] && [[ "$ERR" == *"--sandbox"* ]] && ok || fail "$agent --sandbox must block: $RC $OUT $ERR"
  out=$(HOME=$TMP/home "$WARDEN" install "$agent" --sandbox 2>&1) && rc=0 || rc=$?
  [ "$rc" = 64 ] && [ ! -e "$TMP/home" ] && ok || fail "install $agent --sandbox must refuse: $rc $out"
done
out=$(HOME=$TMP/home "$WARDEN" install claude --sandbox --print 2>&1)
[[ "$out" == *"hook claude --socket"*"--sandbox"* ]] && ok || fail "install claude --sandbox --print: $out"

# ---- --help ------------------------------------------------------------------------------------------
out=$("$WARDEN" hook --help 2>&1) && rc=0 || rc=$?
[ "$rc" = 0 ] && [[ "$out" == *Examples* ]] && [[ "$out" == *"warden hook claude"* ]] && [[ "$out" == *failClosed* ]] \
  && ok || fail "hook --help: $rc $out"

echo "$checks checks passed, $failures failed"
[ "$failures" = 0 ]
