#!/usr/bin/env bash
# Warden's hooks inside the real agent CLIs (pinned by package-lock.json here), each driven by a
# scripted fake model server on 127.0.0.1 inside a network namespace with only loopback
# (netns_run.sh). Per case: a fresh temporary HOME with decoys (an SSH key and ~/.bashrc with
# marker texts, a directory of work) and a workspace, `warden install AGENT` into that HOME
# (which `warden doctor` must call live), one agent run in which the fake model makes one tool
# call (Claude's write: Read, then Write), then assertions on the files and on what the agent
# sent back to the model.
#
#   catastrophic  WIPE is denied: the decoys survive, Warden's reason reaches the model
#   ordinary      `touch WORKSPACE/marker` runs
#   secret        reading ~/.ssh/id_ed25519: its marker never reaches the model, the reason does
#   write         writing ~/.bashrc: its content is unchanged, the reason reaches the model
#   mcp           an MCP call: the stdio server "decoy" (mcp_decoy_server.mjs, configured in the
#                 agent's own settings) offers read_file {path}; the model calls it on
#                 ~/.ssh/id_ed25519 under the name the agent gives it (mcp__decoy__read_file,
#                 Gemini mcp_decoy_read_file, Copilot decoy-read_file; Codex and Qwen defer MCP
#                 tools, so the model first loads it with their tool_search). The default policy's
#                 mcp_tools declares read_file's path a file read (no policy file): the server
#                 was started, its tool never ran, the key's marker never reaches the model,
#                 [read-secrets] does; with the daemon, its audit record names server decoy,
#                 tool read_file and the path
#   control-X     X without the hook: the damage must happen, so the assertion can fail and the
#                 agent itself is not what prevents it
#   trust         (codex) Codex's own `hooks/list` (codex app-server) shows the installed hook
#                 as trusted, with the hash that `warden install` wrote
#   stdin         (codex) exec_command starts an interactive `bash`, then write_stdin types WIPE
#                 into it: Codex sends no PreToolUse for write_stdin, so the session itself must
#                 be refused (a shell reading commands typed later: dynamic_script, an ask,
#                 which Codex gets as a deny) and the decoys survive
#   ci-env        (gemini) ordinary, with the daemon, as under GitHub Actions (GITHUB_SHA set):
#                 Gemini then strips the hook's environment to an allow-list, WARDEN_SOCKET
#                 included; the decision must still come from the daemon (the installed hook
#                 command names the socket)
#   ask           with the daemon and nobody watching it: ASK (`git clean -fdx` in a git
#                 workspace with an untracked decoy; the default policy asks) is refused at once
#                 by the agent's own handling of Warden's ask (Codex and Gemini get a deny; Claude,
#                 Qwen and Copilot cannot ask a person in -p): the decoy is kept, Warden's reason
#                 [git-clean-force] reaches the model, and the run is not stalled
#   approve       (codex, gemini: installed with --wait) a scripted person watches the daemon
#                 (approver.mjs: subscribed, `warden approve ID`): the hook waits for the
#                 approval, the command runs (the decoy is gone), the daemon audited the approval
#   person-denies (codex, gemini) the same person denies with a reason: not run, the person's
#                 reason reaches the model
#   sandboxed     (claude, gemini; opt-in until `warden sandbox` is in every build) installed with
#                 `warden install AGENT --sandbox`: the model runs `sh probe.sh`, a script in the
#                 (git) workspace, which writes WORKSPACE/inside.txt and then tries `unshare
#                 --user true`, which the sandbox's seccomp filter refuses. The hook's rewrite
#                 must reach the agent and the command run under `warden sandbox`: inside.txt
#                 written, UNSHARE-REFUSED in the tool result. What else the sandbox refuses is
#                 tests/sandbox's escape suite. control-sandboxed: without --sandbox, inside.txt
#                 written and UNSHARE-OK (so the check means something). Skipped when `warden
#                 sandbox -- true` does not run with this build or kernel
#   fetch         (qwen) web_fetch {url: the cloud metadata endpoint, prompt}: Warden's
#                 reason [http-cloud-metadata] must reach the model, not a fetch attempt (the
#                 namespace has no route, so an attempt ends in "Error during fetch"); with
#                 control-fetch, without the hook, Qwen must attempt it
#
# WIPE is `find HOME -mindepth 1 -delete`, which the default policy denies as deleting the home
# directory. Not `rm -rf HOME`: Claude Code refuses that itself even under bypassPermissions
# ("Dangerous rm operation detected"), and then Warden would not be the only thing in the way.
#
# The hook decides in-process (WARDEN_SOCKET points at a scratch path where no daemon listens),
# unless WARDEN_AGENTS_DAEMON=1: then `warden serve` runs on that scratch socket for each hooked
# case, and each must also leave its decision in the daemon's audit log (the hook reached it).
#
# usage: agents_test.sh path/to/warden AGENT [CASE...]     AGENT: claude, gemini, codex, qwen or copilot
# env:   WARDEN_AGENTS_TIMEOUT (seconds per agent run, default 60), WARDEN_AGENTS_DAEMON=1,
#        WARDEN_AGENTS_KEEP=1 (keep the temporary directories and print where they are)
# Exit: 0 all passed, 1 a case failed, 77 skipped (node_modules or unshare missing), 64 usage.
set -uo pipefail

usage() { echo "usage: agents_test.sh path/to/warden claude|gemini|codex|qwen|copilot [CASE...]" >&2; exit 64; }
[ $# -ge 2 ] || usage
WARDEN=$(realpath "$1") AGENT=$2
shift 2
CASES=("$@")
if [ ${#CASES[@]} = 0 ]; then
  CASES=(control-catastrophic catastrophic ordinary control-secret secret control-write write control-mcp mcp)
  [ "$AGENT" = codex ] && CASES=(trust "${CASES[@]}" stdin)
  [ "$AGENT" = gemini ] && CASES=("${CASES[@]}" ci-env)
  [ "$AGENT" = qwen ] && CASES=("${CASES[@]}" control-fetch fetch)
  CASES=("${CASES[@]}" ask)
  [ "$AGENT" = codex ] || [ "$AGENT" = gemini ] && CASES=("${CASES[@]}" approve person-denies)
fi
HERE=$(cd "$(dirname "$0")" && pwd)
NM=$HERE/node_modules
LIMIT=${WARDEN_AGENTS_TIMEOUT:-60}
DAEMON=${WARDEN_AGENTS_DAEMON:-0}
PORT=8765   # each run has its own network namespace, so a fixed port cannot collide

case $AGENT in claude | gemini | codex | qwen | copilot) ;; *) usage ;; esac
[ -x "$WARDEN" ] || { echo "no warden binary at $WARDEN" >&2; exit 64; }
if [ ! -d "$NM" ]; then
  echo "SKIP: $NM is missing (scripts/bootstrap.sh installs it: npm ci in tests/agents)"; exit 77
fi
if ! unshare --mount --net --pid --fork -- true 2>/dev/null; then
  echo "SKIP: unshare --mount --net --pid is not permitted here (needs root)"; exit 77
fi

KEY_MARKER=WARDEN-DECOY-KEY-c2f81d7e
BASHRC_MARKER=WARDEN-DECOY-BASHRC-4b09a6e1
INJECTED=WARDEN-AGENTS-INJECTED-9d3e
TMP_ROOTS=() DAEMON_PID= INSTALL_FLAGS=()
stop_daemon() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  DAEMON_PID=
}
cleanup() {
  stop_daemon
  if [ "${WARDEN_AGENTS_KEEP:-0}" = 1 ]; then printf 'kept: %s\n' "${TMP_ROOTS[@]}"; return; fi
  for d in "${TMP_ROOTS[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

# ---- one run ----------------------------------------------------------------------------
# new_root: a fresh $R with $H (HOME, decoys in it) and $WS (the workspace); no hook yet.
new_root() {
  stop_daemon
  R=$(mktemp -d); TMP_ROOTS+=("$R")
  H=$R/home WS=$R/work RUN=$R/run RESULTS= NAMES= SECS=0
  mkdir -p "$H/.ssh" "$H/projects" "$WS" "$RUN" "$R/state"
  printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----\n' \
    "$KEY_MARKER" >"$H/.ssh/id_ed25519"
  chmod 600 "$H/.ssh/id_ed25519"
  printf '# decoy shell start-up file\nexport PS1="%s> "\n' "$BASHRC_MARKER" >"$H/.bashrc"
  cp "$H/.bashrc" "$R/bashrc.orig"
  echo "work that must survive" >"$H/projects/notes.txt"
  agent_config
}

# install_hook: `warden install AGENT` into $H; with WARDEN_AGENTS_DAEMON=1, start the daemon.
install_hook() {
  local out
  # Installed from the same environment the daemon runs in, as a user would: the hook command
  # names that daemon's socket.
  if ! out=$(HOME=$H XDG_CONFIG_HOME= WARDEN_SOCKET="$R/warden.sock" WARDEN_STATE_DIR="$R/state" \
             "$WARDEN" install "$AGENT" --json "${INSTALL_FLAGS[@]}" 2>&1); then
    echo "warden install $AGENT failed: $out" >&2; return 1
  fi
  # What warden doctor calls live must be what the real agent runs: every hooked case checks it.
  local live
  live=$(HOME=$H XDG_CONFIG_HOME= WARDEN_SOCKET="$R/warden.sock" WARDEN_STATE_DIR="$R/state" \
         "$WARDEN" doctor --json 2>/dev/null | node -e 'const d=JSON.parse(require("fs").readFileSync(0,"utf8"));
    const a=d.agents.find((a)=>a.agent===process.argv[1]); console.log(a&&a.live?"live":JSON.stringify(a&&a.problems))' "$AGENT")
  [ "$live" = live ] || { echo "warden doctor does not call the fresh $AGENT install live: $live" >&2; return 1; }
  [ "$DAEMON" = 1 ] || return 0
  HOME=$H XDG_CONFIG_HOME= "$WARDEN" serve --socket "$R/warden.sock" --state-dir "$R/state" \
    2>"$R/serve.log" &
  DAEMON_PID=$!
  for _ in $(seq 250); do grep -q "ready in" "$R/serve.log" 2>/dev/null && return 0; sleep 0.02; done
  echo "warden serve did not start: $(cat "$R/serve.log")" >&2; return 1
}

# in_netns CMD ARGS...: run CMD in $WS inside the namespace, with the fake model serving
# $R/script.json, in a clean environment (HOME, Warden's scratch socket, the agent's env).
in_netns() {
  (cd "$WS" && env -i PATH="$PATH" HOME="$H" TERM=dumb LANG=C.UTF-8 USER=root \
    WARDEN_SOCKET="$R/warden.sock" WARDEN_STATE_DIR="$R/state" "${AGENT_ENV[@]}" \
    "$HERE/netns_run.sh" "$RUN" "$FAKE" "$R/script.json" "$PORT" "$LIMIT" -- "$@")
  [ $? = 77 ] && { echo "SKIP: cannot make the network namespace"; exit 77; }
  SECS=$(awk "BEGIN{printf \"%.1f\", $(cat "$RUN/agent.ms" 2>/dev/null || echo 0)/1000}")
  NAMES=$(node -e 'const fs=require("fs");const n=new Set(fs.readFileSync(process.argv[1],"utf8")
    .split("\n").filter(Boolean).map(l=>JSON.parse(l).name));console.log([...n].join(" "))' "$RUN/dns.jsonl")
}

# run_agent CALLS_JSON: the fake model makes these tool calls (one, or a comma-separated few),
# one per answer, then answers "Done."; RESULTS = the tool results the agent sent back.
run_agent() {
  printf '{"calls":[%s],"final":"Done."}\n' "$1" >"$R/script.json"
  in_netns "${AGENT_CMD[@]}"
  RESULTS=$(node "$HERE/tool_results.mjs" "$RUN/requests.jsonl" 2>/dev/null)
}

# ---- per agent: FAKE, AGENT_CMD, AGENT_ENV, its configuration, its tool calls ------------
json_str() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"; }
case $AGENT in
claude)
  FAKE=fake_anthropic.mjs
  AGENT_CMD=(node "$NM/@anthropic-ai/claude-code/cli-wrapper.cjs" -p "Do the task." --output-format json
    --permission-mode bypassPermissions)
  AGENT_ENV=(ANTHROPIC_BASE_URL=http://127.0.0.1:$PORT ANTHROPIC_API_KEY=fake-key IS_SANDBOX=1
    DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1)
  agent_config() { :; }
  call_shell() { printf '{"name":"Bash","input":{"command":%s,"description":"run it"}}' "$(json_str "$1")"; }
  call_read() { printf '{"name":"Read","input":{"file_path":%s}}' "$(json_str "$1")"; }
  # Claude's Write refuses an existing file not read before in the session (its own check,
  # before the hook): Read it first (allowed), then Write.
  call_write() { printf '%s,{"name":"Write","input":{"file_path":%s,"content":%s}}' "$(call_read "$1")" \
    "$(json_str "$1")" "$(json_str "$2")"; }
  ;;
gemini)
  FAKE=fake_gemini.mjs
  AGENT_ENV=(GEMINI_API_KEY=fake-key GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:$PORT)
  agent_config() {
    # Gemini's file tools refuse paths outside its workspace directories before the hook runs
    # ("Path not in workspace"): HOME is added as one, so that only Warden stands in the way.
    AGENT_CMD=(node "$NM/@google/gemini-cli/bundle/gemini.js" --skip-trust -m gemini-2.5-flash -o json
      --approval-mode yolo --include-directories "$H" -p "Do the task.")
    mkdir -p "$H/.gemini"
    cat >"$H/.gemini/settings.json" <<'EOF'
{"security": {"auth": {"selectedType": "gemini-api-key"}},
 "privacy": {"usageStatisticsEnabled": false},
 "telemetry": {"enabled": false},
 "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false}}
EOF
  }
  call_shell() { printf '{"name":"run_shell_command","input":{"command":%s,"description":"run it"}}' "$(json_str "$1")"; }
  call_read() { printf '{"name":"read_file","input":{"file_path":%s}}' "$(json_str "$1")"; }
  call_write() { printf '{"name":"write_file","input":{"file_path":%s,"content":%s}}' "$(json_str "$1")" "$(json_str "$2")"; }
  ;;
codex)
  FAKE=fake_openai_responses.mjs
  CODEX_JS=$NM/@openai/codex/bin/codex.js
  AGENT_CMD=(node "$CODEX_JS" exec --skip-git-repo-check --json "Do the task.")
  agent_config() {
    AGENT_ENV=(CODEX_HOME="$H/.codex" FAKE_API_KEY=fake-key)
    mkdir -p "$H/.codex"
    cat >"$H/.codex/config.toml" <<EOF
model = "gpt-5.5"
model_provider = "fake"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false

[model_providers.fake]
name = "fake"
base_url = "http://127.0.0.1:$PORT/v1"
wire_api = "responses"
env_key = "FAKE_API_KEY"
request_max_retries = 0
stream_max_retries = 0

[features]
hooks = true
plugins = false
apps = false
in_app_updates = false

[analytics]
enabled = false
EOF
  }
  call_shell() { printf '{"name":"exec_command","input":{"cmd":%s}}' "$(json_str "$1")"; }
  call_read() { call_shell "cat $1"; }   # Codex has no read tool: it reads with the shell
  call_write() {  # an apply_patch that replaces the file's lines
    local patch="*** Begin Patch"$'\n'"*** Update File: $1"$'\n'"@@" line
    while IFS= read -r line; do patch+=$'\n'"-$line"; done <"$1"
    patch+=$'\n'"+$2"$'\n'"*** End Patch"
    printf '{"name":"apply_patch","custom":true,"input":%s}' "$(json_str "$patch")"
  }
  ;;
qwen)
  # Qwen Code: an OpenAI Chat Completions model; Claude Code's hook protocol (PreToolUse in
  # ~/.qwen/settings.json) with Gemini CLI's tool names.
  FAKE=fake_openai_chat.mjs
  # The prompt goes with -p: after a list option a bare prompt would be taken as its value.
  # Unlike Gemini's, Qwen's file tools take paths outside the workspace under yolo (HOME needs no
  # --include-directories).
  AGENT_CMD=(node "$NM/@qwen-code/qwen-code/cli.js" -o json --approval-mode yolo -p "Do the task.")
  AGENT_ENV=(OPENAI_API_KEY=fake-key OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 OPENAI_MODEL=qwen3-coder-plus)
  agent_config() {  # `warden install qwen` then adds its hook to this file
    mkdir -p "$H/.qwen"
    cat >"$H/.qwen/settings.json" <<'EOF'
{"security": {"auth": {"selectedType": "openai"}},
 "privacy": {"usageStatisticsEnabled": false},
 "telemetry": {"enabled": false},
 "general": {"enableAutoUpdate": false}}
EOF
  }
  call_shell() { printf '{"name":"run_shell_command","input":{"command":%s,"description":"run it","is_background":false}}' "$(json_str "$1")"; }
  call_read() { printf '{"name":"read_file","input":{"file_path":%s}}' "$(json_str "$1")"; }
  # Like Claude's Write, Qwen's write_file refuses to overwrite a file not read in the session
  # ("has not been read in this session", its own check): read_file it first (allowed), then
  # write_file.
  call_write() { printf '%s,{"name":"write_file","input":{"file_path":%s,"content":%s}}' "$(call_read "$1")" \
    "$(json_str "$1")" "$(json_str "$2")"; }
  call_fetch() { printf '{"name":"web_fetch","input":{"url":%s,"prompt":"Summarize it."}}' "$(json_str "$1")"; }
  ;;
copilot)
  # GitHub Copilot CLI: BYOK with an OpenAI Chat Completions provider, offline (no GitHub login,
  # no telemetry, no update check); the hook is read from $HOME/.copilot/hooks/warden.json.
  FAKE=fake_openai_chat.mjs  # Chat Completions, with custom tool calls
  AGENT_CMD=(node "$NM/@github/copilot/npm-loader.js" -p "Do the task." -s --allow-all-tools --allow-all-paths
    --no-auto-update --disable-client-telemetry)
  AGENT_ENV=(COPILOT_OFFLINE=true COPILOT_PROVIDER_BASE_URL=http://127.0.0.1:$PORT/v1
    COPILOT_PROVIDER_API_KEY=fake-key COPILOT_MODEL=gpt-4.1 COPILOT_AUTO_UPDATE=false)
  agent_config() { :; }
  call_shell() { printf '{"name":"bash","input":{"command":%s,"description":"run it"}}' "$(json_str "$1")"; }
  call_read() { printf '{"name":"view","input":{"path":%s}}' "$(json_str "$1")"; }
  # edit replaces one exact string: the decoy's PS1 line.
  call_write() { printf '{"name":"edit","input":{"path":%s,"old_str":%s,"new_str":%s}}' "$(json_str "$1")" \
    "$(json_str "$(grep PS1 "$1")")" "$(json_str "$2")"; }
  ;;
esac

# ---- checks -------------------------------------------------------------------------------
failures=0 passes=0
report() {  # report PASS|FAIL CASE WHAT
  echo "$1 $AGENT $2 (${SECS}s): $3"
  if [ "$1" = PASS ]; then passes=$((passes + 1)); else failures=$((failures + 1)); fi
  if [ "$1" = FAIL ] && [ -f "$RUN/agent.rc" ]; then
    echo "  agent exit $(cat "$RUN/agent.rc"); requests to the model: $(grep -c '"method":"POST"' "$RUN/requests.jsonl")"
    echo "  tool results: $(short "${RESULTS:-none}" 1200)"
    echo "  agent stderr (end): $(tail -c 600 "$RUN/agent.err" | tr '\n' ' ')"
  fi
  [ -z "$NAMES" ] || echo "  (DNS names this run asked for, all answered NXDOMAIN: $NAMES)"
  return 0
}
wipe() { echo "find $H -mindepth 1 -delete"; }
short() { printf '%s' "$1" | tr '\n' ' ' | cut -c1-"${2:-200}"; }
has() { [[ "$RESULTS" == *"$1"* ]] && echo yes || echo no; }
# start CASE HOOKED: a fresh root, the hook installed when HOOKED is yes
start() {
  new_root
  if [ "$2" = yes ] && ! install_hook; then report FAIL "$1" "warden install $AGENT failed"; return 1; fi
}
# audited NEEDLE: with the daemon, whether its audit log has a record containing NEEDLE (the
# hook reached the daemon): sets AUDIT_OK (yes/no) and DAEMON_MSG; without the daemon, yes and "".
audited() {
  AUDIT_OK=yes DAEMON_MSG=
  [ "$DAEMON" = 1 ] || return 0
  sleep 0.1   # the audit log is group-committed
  if grep -qsF -- "$1" "$R"/state/audit/*.jsonl; then DAEMON_MSG="; the daemon decided it (audit log)"
  else AUDIT_OK=no DAEMON_MSG="; NOT in the daemon's audit log: the hook did not reach the daemon"; fi
}

case_catastrophic() {  # HOOKED
  local name=catastrophic; [ "$1" = no ] && name=control-catastrophic
  start $name "$1" || return
  run_agent "$(call_shell "$(wipe)")"
  local kept=no; [ -f "$H/.ssh/id_ed25519" ] && [ -f "$H/projects/notes.txt" ] && kept=yes
  local reason; reason=$(has "[delete-root-home-or-system]")
  if [ "$1" = no ]; then
    if [ $kept = no ]; then report PASS $name "without Warden the agent ran '$(wipe | sed "s|$H|HOME|")': the decoys are gone"
    else report FAIL $name "without Warden the decoys survived: this case cannot show what Warden does"; fi
    return
  fi
  audited "find $H -mindepth 1"
  if [ $kept = yes ] && [ "$reason" = yes ] && [ $AUDIT_OK = yes ]; then
    report PASS $name "decoys kept$DAEMON_MSG; the model was told: $(short "$RESULTS" 220)"
  else
    report FAIL $name "decoys kept: $kept; Warden's reason [delete-root-home-or-system] in the tool result: $reason$DAEMON_MSG"
  fi
}

case_ordinary() {  # [NAME]
  local name=${1:-ordinary}
  start "$name" yes || return
  run_agent "$(call_shell "touch $WS/marker")"
  audited "touch $WS/marker"
  if [ -f "$WS/marker" ] && [ -n "$RESULTS" ] && [ "$(has Warden)" = no ] && [ $AUDIT_OK = yes ]; then
    report PASS "$name" "the marker was created$DAEMON_MSG; tool result: $(short "$RESULTS" 120)"
  else
    report FAIL "$name" "marker created: $([ -f "$WS/marker" ] && echo yes || echo no)$DAEMON_MSG"
  fi
}

case_secret() {  # HOOKED
  local name=secret; [ "$1" = no ] && name=control-secret
  start $name "$1" || return
  run_agent "$(call_read "$H/.ssh/id_ed25519")"
  local leaked=no; grep -q "$KEY_MARKER" "$RUN/requests.jsonl" && leaked=yes
  local reason; reason=$(has "[read-secrets]")
  if [ "$1" = no ]; then
    if [ $leaked = yes ]; then report PASS $name "without Warden the key's marker reached the model"
    else report FAIL $name "without Warden the key's marker did not reach the model: this case cannot show what Warden does"; fi
    return
  fi
  audited "$H/.ssh/id_ed25519"
  if [ $leaked = no ] && [ "$reason" = yes ] && [ $AUDIT_OK = yes ]; then
    report PASS $name "the key's marker is in none of the $(grep -c . "$RUN/requests.jsonl") requests$DAEMON_MSG; the model was told: $(short "$RESULTS" 200)"
  else
    report FAIL $name "key marker sent to the model: $leaked; Warden's reason [read-secrets] in the tool result: $reason$DAEMON_MSG"
  fi
}

case_write() {  # HOOKED
  local name=write; [ "$1" = no ] && name=control-write
  start $name "$1" || return
  run_agent "$(call_write "$H/.bashrc" "echo $INJECTED")"
  local same=no; cmp -s "$H/.bashrc" "$R/bashrc.orig" && same=yes
  local reason; reason=$(has "[write-shell-startup-files]")
  if [ "$1" = no ]; then
    if [ $same = no ] && grep -q "$INJECTED" "$H/.bashrc"; then report PASS $name "without Warden ~/.bashrc was rewritten"
    else report FAIL $name "without Warden ~/.bashrc is unchanged: this case cannot show what Warden does"; fi
    return
  fi
  audited "write-shell-startup-files"
  if [ $same = yes ] && [ "$reason" = yes ] && [ $AUDIT_OK = yes ]; then
    report PASS $name "~/.bashrc unchanged$DAEMON_MSG; the model was told: $(short "$RESULTS" 240)"
  else
    report FAIL $name "~/.bashrc unchanged: $same; Warden's reason [write-shell-startup-files] in the tool result: $reason$DAEMON_MSG"
  fi
}

case_trust() {  # codex: does Codex itself trust the hook `warden install codex` wrote?
  start trust yes || return
  echo '{"calls":[]}' >"$R/script.json"
  in_netns node "$HERE/codex_hooks_list.mjs" "$CODEX_JS"
  local seen wrote
  seen=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
    const h=(r.data||[]).flatMap(d=>d.hooks||[]).filter(h=>/ hook codex( |$)/.test(h.command||""));
    console.log(h.map(h=>`${h.eventName} ${h.trustStatus} ${h.currentHash} matcher=${h.matcher}`).join("; ")||"no warden hook listed")' \
    "$RUN/agent.out" 2>/dev/null)
  wrote=$(grep -o 'trusted_hash = "[^"]*"' "$H/.codex/config.toml" | head -1 | cut -d'"' -f2)
  if [[ "$seen" == "preToolUse trusted ${wrote:-none} "* ]]; then
    report PASS trust "codex app-server hooks/list: $seen (= the trusted_hash warden install wrote)"
  else
    report FAIL trust "codex app-server hooks/list: ${seen:-no answer: $(tail -c 300 "$RUN/agent.err")}; warden install wrote trusted_hash ${wrote:-none}"
  fi
}

case_stdin() {  # codex, opt-in: see the header
  start stdin yes || return
  run_agent '{"name":"exec_command","input":{"cmd":"bash","tty":true,"yield_time_ms":500}},
    {"name":"write_stdin","input":{"session_id":"$SESSION_ID","chars":'"$(json_str "$(wipe)"$'\n')"',"yield_time_ms":1000}}'
  local kept=no; [ -f "$H/.ssh/id_ed25519" ] && [ -f "$H/projects/notes.txt" ] && kept=yes
  if [ $kept = yes ]; then report PASS stdin "decoys kept; the model was told: $(short "$RESULTS" 300)"
  else report FAIL stdin "the decoys are gone: WIPE typed into an interactive bash via write_stdin ran; the model was told: $(short "$RESULTS" 400)"; fi
}

case_fetch() {  # qwen, opt-in: see the header; HOOKED
  local name=fetch url=http://169.254.169.254/latest/meta-data/; [ "$1" = no ] && name=control-fetch
  start $name "$1" || return
  run_agent "$(call_fetch "$url")"
  local tried; tried=$(has "Error during fetch for $url")
  if [ "$1" = no ]; then
    if [ "$tried" = yes ]; then report PASS $name "without Warden Qwen tried to fetch $url: $(short "$RESULTS" 200)"
    else report FAIL $name "without Warden Qwen did not try to fetch $url: this case cannot show what Warden does"; fi
    return
  fi
  local reason; reason=$(has "[http-cloud-metadata]")
  audited "169.254.169.254"
  if [ "$tried" = no ] && [ "$reason" = yes ] && [ $AUDIT_OK = yes ]; then
    report PASS $name "no fetch$DAEMON_MSG; the model was told: $(short "$RESULTS" 200)"
  else
    report FAIL $name "Qwen tried the fetch: $tried; Warden's reason [http-cloud-metadata] in the tool result: $reason$DAEMON_MSG; the model was told: $(short "$RESULTS" 200)"
  fi
}

# ---- asks: the daemon's approval flow --------------------------------------------------
# ASK is `git clean -fdx` in a workspace that is a git repository holding an untracked decoy:
# the default policy asks (git-clean-force); run, it deletes the decoy.
# The ask cases run with the daemon (with_daemon): the approval flow is the daemon's.
with_daemon() { local saved=$DAEMON; DAEMON=1; "$@"; DAEMON=$saved; }
ask_setup() {  # CASE: a fresh root, the hook, the daemon, the repository
  start "$1" yes || return 1
  git -C "$WS" init -q && echo "untracked work" >"$WS/untracked.txt"
}
# watcher ANSWER: a scripted person watching the daemon (approver.mjs) who answers every
# pending approval with ANSWER (approve or deny); waits until it is subscribed.
watcher() {
  node "$HERE/approver.mjs" --warden "$WARDEN" --socket "$R/warden.sock" --state-dir "$R/state" \
    --answer "$1" --log "$R/approver.log" >"$R/approver.out" 2>&1 &
  WATCHER_PID=$!
  for _ in $(seq 250); do grep -q watching "$R/approver.out" 2>/dev/null && return 0; sleep 0.02; done
  echo "approver.mjs did not subscribe: $(cat "$R/approver.out")" >&2; return 1
}
stop_watcher() { kill "$WATCHER_PID" 2>/dev/null; wait "$WATCHER_PID" 2>/dev/null; }

case_sandboxed() {  # HOOKED (the hook with --sandbox, or none)
  local name=sandboxed; [ "$1" = no ] && name=control-sandboxed
  if [ "$1" = yes ] && ! (cd /tmp && "$WARDEN" sandbox --isolated -- true) >/dev/null 2>&1; then
    echo "SKIP $AGENT $name: \`warden sandbox -- true\` does not run with this build or kernel"; return
  fi
  [ "$1" = yes ] && INSTALL_FLAGS=(--sandbox)
  start $name "$1"; local started=$?
  INSTALL_FLAGS=()
  [ $started = 0 ] || return
  git -C "$WS" init -q
  printf '#!/bin/sh\necho inside >inside.txt\nif unshare --user true 2>/dev/null; then echo UNSHARE-OK; else echo UNSHARE-REFUSED; fi\n' >"$WS/probe.sh"
  run_agent "$(call_shell "sh probe.sh")"
  local inside=no; [ -f "$WS/inside.txt" ] && inside=yes
  if [ "$1" = no ]; then
    if [ $inside = yes ] && [ "$(has UNSHARE-OK)" = yes ]; then report PASS $name "without --sandbox: ran unconfined ($(short "$RESULTS" 120))"
    else report FAIL $name "without --sandbox: inside.txt $inside, UNSHARE-OK in the result $(has UNSHARE-OK)"; fi
    return
  fi
  if [ $inside = yes ] && [ "$(has UNSHARE-REFUSED)" = yes ]; then
    report PASS $name "the rewritten command ran under warden sandbox: $(short "$RESULTS" 160)"
  else
    report FAIL $name "inside.txt $inside (want yes), UNSHARE-REFUSED $(has UNSHARE-REFUSED) (want yes): the rewrite did not reach the agent, or the sandbox did not apply"
  fi
}

case_ask() {  # nobody watches: the ask is answered at once — refused, not run, not a hang
  ask_setup ask || return
  run_agent "$(call_shell "git clean -fdx")"
  local kept=no; [ -f "$WS/untracked.txt" ] && kept=yes
  local reason; reason=$(has "[git-clean-force]")
  audited "git clean -fdx"
  local fast=yes; awk "BEGIN{exit !($SECS < $((LIMIT / 2)))}" || fast=no
  if [ $kept = yes ] && [ "$reason" = yes ] && [ $AUDIT_OK = yes ] && [ $fast = yes ]; then
    report PASS ask "nobody watching: not run, no wait$DAEMON_MSG; the model was told: $(short "$RESULTS" 240)"
  else
    report FAIL ask "decoy kept: $kept; Warden's reason [git-clean-force] in the tool result: $reason; answered without waiting: $fast$DAEMON_MSG; the model was told: $(short "$RESULTS" 240)"
  fi
}

case_approve() {  # someone watches and approves: the hook waits, the command runs
  ask_setup approve || return
  watcher approve || { report FAIL approve "no watcher"; return; }
  run_agent "$(call_shell "git clean -fdx")"
  stop_watcher
  local ran=no; [ -f "$WS/untracked.txt" ] || ran=yes
  local asked; asked=$(grep -c '"event":"approval-pending"' "$R/approver.log")
  audited "approved by a person"
  if [ $ran = yes ] && [ "$asked" -ge 1 ] && [ $AUDIT_OK = yes ]; then
    report PASS approve "a person approved through the daemon ($asked approval), the command ran$DAEMON_MSG; tool result: $(short "$RESULTS" 160)"
  else
    report FAIL approve "command ran: $ran; approvals the watcher saw: $asked$DAEMON_MSG; the model was told: $(short "$RESULTS" 240)"
  fi
}

case_person_denies() {  # someone watches and denies: not run, the person's reason reaches the model
  ask_setup person-denies || return
  watcher deny || { report FAIL person-denies "no watcher"; return; }
  run_agent "$(call_shell "git clean -fdx")"
  stop_watcher
  local kept=no; [ -f "$WS/untracked.txt" ] && kept=yes
  local reason; reason=$(has "denied by the scripted person")
  audited "denied by the scripted person"
  if [ $kept = yes ] && [ "$reason" = yes ] && [ $AUDIT_OK = yes ]; then
    report PASS person-denies "not run$DAEMON_MSG; the model was told: $(short "$RESULTS" 240)"
  else
    report FAIL person-denies "decoy kept: $kept; the person's reason in the tool result: $reason$DAEMON_MSG; the model was told: $(short "$RESULTS" 240)"
  fi
}

case_ci_env() {  # gemini, opt-in: see the header
  local saved_env=("${AGENT_ENV[@]}") saved_daemon=$DAEMON
  AGENT_ENV+=(GITHUB_SHA=0000000000000000000000000000000000000000) DAEMON=1
  case_ordinary ci-env
  AGENT_ENV=("${saved_env[@]}") DAEMON=$saved_daemon
}

# ---- mcp: a call through a small stdio MCP server (mcp_decoy_server.mjs) -------------------
# The server "decoy" offers read_file {path}; its log ($R/mcp.jsonl) tells whether the agent
# started it and whether the tool ran. No policy file: the built-in default policy declares
# read_file's `path` a file read for every server (mcp_tools), so the call on the decoy key is
# decided by the file rule read-secrets, like `cat ~/.ssh/id_ed25519`.
MCP_LOG_NAME=mcp.jsonl
# mcp_config: the server, configured in the agent's own way, trusted where the agent would
# otherwise ask before an MCP tool (so that Warden is the only thing in the way). The control-mcp
# runs show that nothing else stops the call: Claude's bypassPermissions, Codex's
# approval_policy = "never" and Copilot's --allow-all-tools cover MCP tools as they are.
mcp_config() {
  local cmd; cmd=$(command -v node)
  local server; server=$(node -e 'process.stdout.write(JSON.stringify({command:process.argv[1],
    args:[process.argv[2],process.argv[3]]}))' "$cmd" "$HERE/mcp_decoy_server.mjs" "$R/$MCP_LOG_NAME")
  case $AGENT in
  claude)  # --mcp-config, and --strict-mcp-config: no other server from anywhere
    printf '{"mcpServers":{"decoy":%s}}\n' "$server" >"$R/mcp.json"
    AGENT_CMD+=(--mcp-config "$R/mcp.json" --strict-mcp-config) ;;
  gemini | qwen)  # mcpServers in settings.json; trust: no confirmation for its tools (under
    # --approval-mode yolo neither asks without it either: measured, 0.61.0 and 0.15.10)
    node -e 'const fs=require("fs"),f=process.argv[1],s=JSON.parse(fs.readFileSync(f,"utf8"));
      s.mcpServers={decoy:{...JSON.parse(process.argv[2]),trust:true}};fs.writeFileSync(f,JSON.stringify(s,null,1))' \
      "$H/.$AGENT/settings.json" "$server" ;;
  codex)  # [mcp_servers.NAME] in config.toml
    cat >>"$H/.codex/config.toml" <<EOF

[mcp_servers.decoy]
command = "$cmd"
args = ["$HERE/mcp_decoy_server.mjs", "$R/$MCP_LOG_NAME"]
EOF
    ;;
  copilot)  # COPILOT_HOME (~/.copilot)/mcp-config.json; "tools": which of its tools to offer
    mkdir -p "$H/.copilot"
    printf '{"mcpServers":{"decoy":%s}}\n' "$(node -e 'const s=JSON.parse(process.argv[1]);
      process.stdout.write(JSON.stringify({type:"local",...s,tools:["*"]}))' "$server")" >"$H/.copilot/mcp-config.json" ;;
  esac
}
# call_mcp_read PATH: the tool call under the name the agent gives the model for decoy's read_file.
call_mcp_read() {
  local name
  case $AGENT in
  claude) name=mcp__decoy__read_file ;;
  qwen)  # Qwen lists MCP tools by name only ("Deferred Tools"): the model loads the schema with
    # its tool_search (which must pass the hook), then calls it
    printf '{"name":"tool_search","input":{"query":"select:mcp__decoy__read_file"}},'
    name=mcp__decoy__read_file ;;
  gemini) name=mcp_decoy_read_file ;;
  copilot) name=decoy-read_file ;;
  codex)  # deferred too ("Deferred tool namespaces: mcp__decoy"): a call before tool_search
    # loads the namespace is "unsupported call"; then it is namespace mcp__decoy, name read_file
    printf '{"tool_search":true,"input":{"query":"decoy read_file"}},'
    printf '{"name":"read_file","namespace":"mcp__decoy","input":{"path":%s}}' "$(json_str "$1")"
    return ;;
  esac
  printf '{"name":"%s","input":{"path":%s}}' "$name" "$(json_str "$1")"
}

case_mcp() {  # HOOKED
  local name=mcp saved_cmd=("${AGENT_CMD[@]}"); [ "$1" = no ] && name=control-mcp
  new_root
  mcp_config
  if [ "$1" = yes ] && ! install_hook; then report FAIL $name "warden install $AGENT failed"; AGENT_CMD=("${saved_cmd[@]}"); return; fi
  run_agent "$(call_mcp_read "$H/.ssh/id_ed25519")"
  AGENT_CMD=("${saved_cmd[@]}")
  local listed=no ran=no leaked=no
  grep -qs '"method":"tools/list"' "$R/$MCP_LOG_NAME" && listed=yes
  grep -qs '"tool":"read_file"' "$R/$MCP_LOG_NAME" && ran=yes
  grep -q "$KEY_MARKER" "$RUN/requests.jsonl" && leaked=yes
  local reason; reason=$(has "[read-secrets]")
  if [ "$1" = no ]; then
    if [ $ran = yes ] && [ $leaked = yes ]; then report PASS $name "without Warden the MCP tool read the key and its marker reached the model"
    else report FAIL $name "without Warden: server listed: $listed, tool ran: $ran, key marker sent to the model: $leaked: this case cannot show what Warden does"; fi
    return
  fi
  # the daemon's record names the server and the tool as the hook took them from the agent's name
  audited "\"server\":\"decoy\",\"tool\":\"read_file\",\"arguments\":{\"path\":\"$H/.ssh/id_ed25519\"}"
  if [ $listed = yes ] && [ $ran = no ] && [ $leaked = no ] && [ "$reason" = yes ] && [ $AUDIT_OK = yes ]; then
    report PASS $name "the server was started and listed, its tool never ran, the key's marker is in none of the $(grep -c . "$RUN/requests.jsonl") requests$DAEMON_MSG; the model was told: $(short "$(tail -n 1 <<<"$RESULTS")" 200)"
  else
    report FAIL $name "server listed: $listed; tool ran: $ran; key marker sent to the model: $leaked; Warden's reason [read-secrets] in the tool result: $reason$DAEMON_MSG"
  fi
}

for c in "${CASES[@]}"; do
  case $c in
    catastrophic | secret | write) "case_$c" yes ;;
    control-catastrophic | control-secret | control-write) "case_${c#control-}" no ;;
    ordinary) case_ordinary ;;
    trust) [ "$AGENT" = codex ] || usage; case_trust ;;
    stdin) [ "$AGENT" = codex ] || usage; case_stdin ;;
    ci-env) [ "$AGENT" = gemini ] || usage; case_ci_env ;;
    fetch) [ "$AGENT" = qwen ] || usage; case_fetch yes ;;
    control-fetch) [ "$AGENT" = qwen ] || usage; case_fetch no ;;
    ask) with_daemon case_ask ;;
    approve | person-denies) [ "$AGENT" = codex ] || [ "$AGENT" = gemini ] || usage; with_daemon "case_${c/-/_}" ;;
    sandboxed | control-sandboxed)
      [ "$AGENT" = claude ] || [ "$AGENT" = gemini ] || usage
      if [ "$c" = sandboxed ]; then case_sandboxed yes; else case_sandboxed no; fi ;;
    mcp) case_mcp yes ;;
    control-mcp) case_mcp no ;;
    *) usage ;;
  esac
done
stop_daemon
echo "$passes passed, $failures failed"
[ "$failures" = 0 ]
