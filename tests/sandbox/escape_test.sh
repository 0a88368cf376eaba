#!/usr/bin/env bash
# The escape suite (issue #16 §4): real programs — bash, Python, Perl, Node and a compiled C
# program (escape.c) — try to get out of `warden sandbox` and `warden exec --sandbox`, against
# DECOYS ONLY: a temporary HOME with decoy secrets (.ssh, .aws), start-up files, a decoy Warden
# config/state/socket directory served by a real `warden serve`, decoy agent settings, and a
# temporary workspace that is a git repository. Every attempt must fail with a permission-style
# error, and afterwards every decoy must be unchanged (content, mode, mtime, link count, and no
# new file outside the workspace). Positive controls show the same writes succeed inside the
# workspace, so nothing passes merely because everything fails.
#
# The test tree is made in the current directory (ctest: the build tree), never under /tmp,
# /var/tmp or /dev/shm: the built-in profile makes those writable, and "outside" must not be.
# Prints one line per case (ok / FAIL / known-limit); exits 1 if any case failed, 77 (skipped)
# when the kernel has no Landlock.
# usage: escape_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: escape_test.sh path/to/warden}")
HERE=$(cd "$(dirname "$0")" && pwd)
# The tree must not lie under a writable root of the built-in profile: the build tree when it is
# not (ctest), else the first of /srv, /opt, /mnt, $HOME that is writable (a checkout under
# /tmp, as CI may make). Only a fresh mktemp directory is made there, and removed at the end.
outside_writable() { case "$1/" in /tmp/* | /var/tmp/* | /dev/shm/*) return 1 ;; esac; [ -d "$1" ] && [ -w "$1" ]; }
BASE=$(realpath "${WARDEN_SANDBOX_TEST_DIR:-$PWD}")
if ! outside_writable "$BASE"; then
  for candidate in /srv /opt /mnt "${HOME:-}"; do
    [ -n "$candidate" ] && outside_writable "$candidate" && { BASE=$(realpath "$candidate"); break; }
  done
fi
if ! outside_writable "$BASE"; then
  echo "FAIL - setup: no writable directory outside /tmp, /var/tmp and /dev/shm (set WARDEN_SANDBOX_TEST_DIR):" \
       "they are writable roots of the built-in profile, so nothing there is 'outside'"
  exit 1
fi
ROOT=$(mktemp -d "$BASE/sandbox-escape.XXXXXX")
ROOT=$(realpath "$ROOT")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  chmod -R u+rwX "$ROOT" 2>/dev/null
  rm -rf "$ROOT"
}
trap cleanup EXIT

# The decoy world. Nothing here is the machine's: HOME, config, state and socket are all inside ROOT.
export HOME=$ROOT/home
export XDG_CONFIG_HOME=$HOME/.config XDG_RUNTIME_DIR=$HOME/.run
export WARDEN_STATE_DIR=$HOME/.local/state/warden WARDEN_SOCKET=$HOME/.run/warden/warden.sock
export TMPDIR=$ROOT/tmp
export PATH=/usr/local/bin:/usr/bin:/bin  # the runner's own tool dirs (say under /root) are not the test's
unset WARDEN_CONTEXT WARDEN_PROFILE WARDEN_FAIL_OPEN WARDEN_SANDBOX
export WARDEN_APPROVAL_WAIT=0 GIT_CONFIG_NOSYSTEM=1
WORK=$HOME/project
OUT=$HOME/outside        # a directory beside the workspace that is not a writable root
SCRATCH=$ROOT/scratch    # the test's own files (logs, listener ports); not a decoy
POLICY=$ROOT/policies/sandbox.yaml
BIN=$ROOT/bin
PY=/usr/bin/python3
mkdir -p "$TMPDIR" "$SCRATCH" "$BIN" "$ROOT/policies"

cat >"$POLICY" <<'EOF'
version: 1
# The escape suite's layer over the built-in profile (lists add up): network off, the decoy
# secrets named explicitly as well. (The fork bomb's process limit is a layer of its own.)
sandbox:
  ai:
    enabled: true
    network: off
    unix_sockets: on
    deny_read: ["~/.ssh", "~/.aws"]
    protected: ["$WORKSPACE/.warden", "$WORKSPACE/.git/hooks", "$WORKSPACE/.git/config", "$WORKSPACE/.claude"]
    unsupported: refuse
EOF
cat >"$ROOT/policies/daemon.yaml" <<'EOF'
version: 1
rules:
  - id: decoy-no-telnet
    kind: exec
    match: {command: telnet}
    decision: deny
    reason: the decoy daemon's own rule
EOF

make_decoys() {  # (re)creates every decoy from scratch
  # ~/.ssh keeps the decoy ssh-agent's socket (its listener runs for the whole suite).
  [ -d "$HOME/.ssh" ] && find "$HOME/.ssh" -mindepth 1 -maxdepth 1 ! -name agent.sock -exec rm -rf {} +
  rm -rf "$HOME/.aws" "$HOME/.claude" "$OUT" "$WORK" "$XDG_CONFIG_HOME/warden"
  rm -f "$HOME/.bashrc" "$HOME/.profile" "$HOME/.bash_profile" "$ROOT/beside.txt"
  mkdir -p "$HOME/.ssh" "$HOME/.aws" "$HOME/.claude" "$OUT/sub" "$XDG_CONFIG_HOME/warden" "$WORK" \
           "$HOME/.cache" "$HOME/.npm" "$WARDEN_STATE_DIR" "$(dirname "$WARDEN_SOCKET")"
  chmod 700 "$HOME/.ssh" "$XDG_RUNTIME_DIR"
  printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nDECOY-KEY-NOT-REAL\n-----END OPENSSH PRIVATE KEY-----\n' >"$HOME/.ssh/id_ed25519"
  chmod 600 "$HOME/.ssh/id_ed25519"
  echo 'ssh-ed25519 AAAADECOY decoy@example' >"$HOME/.ssh/id_ed25519.pub"
  printf '[default]\naws_access_key_id = AKIADECOYDECOYDECOY0\naws_secret_access_key = decoy/decoy/decoy\n' >"$HOME/.aws/credentials"
  echo '# decoy .bashrc' >"$HOME/.bashrc"
  echo '# decoy .profile' >"$HOME/.profile"
  printf '[user]\n\tname = Decoy\n\temail = decoy@example.invalid\n' >"$HOME/.gitconfig"
  echo '{"hooks":{"PreToolUse":[{"hooks":[{"type":"command","command":"warden hook claude"}]}]}}' >"$HOME/.claude/settings.json"
  cat "$ROOT/policies/daemon.yaml" >"$XDG_CONFIG_HOME/warden/policy.yaml"
  echo 'existing outside file' >"$OUT/existing.txt"
  echo 'deeper outside file' >"$OUT/sub/deeper.txt"
  echo 'beside the home' >"$ROOT/beside.txt"
  git init -q -b main "$WORK"
  mkdir -p "$WORK/.warden" "$WORK/.claude" "$WORK/src"
  printf '#!/bin/sh\necho decoy pre-commit hook\n' >"$WORK/.git/hooks/pre-commit"
  chmod 755 "$WORK/.git/hooks/pre-commit"
  cp "$ROOT/policies/daemon.yaml" "$WORK/.warden/policy.yaml"
  cp "$HOME/.claude/settings.json" "$WORK/.claude/settings.json"
  echo 'int main(void) { return 0; }' >"$WORK/src/main.c"
  git -C "$WORK" add -A && git -C "$WORK" commit -q -m 'decoy workspace' >/dev/null 2>&1
  # Links an agent could have left in the workspace beforehand, pointing out of it.
  ln -s "$OUT" "$WORK/link-out"
  ln -s "$HOME/.bashrc" "$WORK/link-bashrc"
  ln -s "$HOME/.ssh/id_ed25519" "$WORK/link-key"
  ln -s "$HOME" "$WORK/link-home"
}
make_decoys

PROTECTED="$WORK/.git/hooks $WORK/.git/config $WORK/.warden $WORK/.claude"
# Every decoy's state: the whole test tree except the workspace's ordinary files, the caches and
# temp dirs (writable by design), the daemon's audit log (it writes there) and the test's files.
snapshot() {
  find "$ROOT" \( -path "$WORK" -o -path "$SCRATCH" -o -path "$TMPDIR" -o -path "$HOME/.cache" \
                  -o -path "$HOME/.npm" -o -path "$WARDEN_STATE_DIR/audit*" \) -prune -o \
       -printf '%p %y %m %s %T@ %n\n'
  # In the workspace only what is protected (the rest of .git is git's to write).
  find "$WORK" "$WORK/.git" -maxdepth 0 -printf '%p %y %m\n' 2>&1
  find $PROTECTED -printf '%p %y %m %s %T@ %n\n' 2>&1
  { find "$ROOT" \( -path "$WORK" -o -path "$SCRATCH" -o -path "$TMPDIR" -o -path "$HOME/.cache" \
                    -o -path "$HOME/.npm" -o -path "$WARDEN_STATE_DIR/audit*" \) -prune -o -type f -print0
    find $PROTECTED -type f -print0 2>/dev/null
  } | xargs -0 -r sha256sum 2>&1
}

if ! command -v cc >/dev/null; then echo "FAIL - setup: no C compiler to build escape.c"; exit 1; fi
cc -O1 -o "$BIN/escape" "$HERE/escape.c" || { echo "FAIL - setup: escape.c does not compile"; exit 1; }
ESC=$BIN/escape
HAVE_NODE=$(command -v node || true)
HAVE_PERL=$(command -v perl || true)

# The decoy daemon on the decoy socket, and a decoy process outside (its cwd a directory
# outside). Both are started again if a case gets to them, so that each case is judged alone.
start_daemon() {
  rm -f "$WARDEN_SOCKET"
  "$WARDEN" serve --isolated --policy "$ROOT/policies/daemon.yaml" >>"$SCRATCH/serve.log" 2>&1 &
  DAEMON_PID=$!
  PIDS+=("$DAEMON_PID")
  for _ in $(seq 200); do [ -S "$WARDEN_SOCKET" ] && break; sleep 0.05; done
  for _ in $(seq 50); do [ -f "$WARDEN_STATE_DIR/approver.key" ] && break; sleep 0.1; done
  [ -S "$WARDEN_SOCKET" ]
}
DECOY_CWD=$HOME/decoy-cwd
mkdir -p "$DECOY_CWD"
start_decoy_process() {
  (cd "$DECOY_CWD" && exec setsid sleep 300) &
  DECOY_PID=$!
  PIDS+=("$DECOY_PID")
}
start_daemon || { echo "FAIL - setup: the decoy daemon did not start: $(tail -3 "$SCRATCH/serve.log")"; exit 1; }

# Decoy listeners (TCP v4/v6, UDP, a decoy ssh-agent socket in ~/.ssh) and a decoy process.
"$PY" "$HERE/listeners.py" "$SCRATCH/ports" "$SCRATCH/listeners.log" "$HOME/.ssh/agent.sock" &
PIDS+=("$!")
for _ in $(seq 100); do [ -f "$SCRATCH/ports" ] && break; sleep 0.05; done
TCP4=$(awk '$1 == "tcp4" {print $2}' "$SCRATCH/ports" 2>/dev/null)
TCP6=$(awk '$1 == "tcp6" {print $2}' "$SCRATCH/ports" 2>/dev/null)
UDP4=$(awk '$1 == "udp4" {print $2}' "$SCRATCH/ports" 2>/dev/null)
[ -n "$TCP4" ] || { echo "FAIL - setup: the decoy listeners did not start"; exit 1; }
: >"$SCRATCH/listeners.log"
start_decoy_process
sleep 0.1

failures=0 passes=0 limits=0
say_ok() { echo "ok - $1"; passes=$((passes + 1)); }
say_fail() { echo "FAIL - $1"; failures=$((failures + 1)); }
# Cases marked with KNOWN_LIMIT="why" before blocked(): an escape is reported as a known limit
# of the design (documented in docs/SECURITY.md), not as a failure.
KNOWN_LIMIT=
say_escape() {
  if [ -n "$KNOWN_LIMIT" ]; then echo "known-limit - $1 ($KNOWN_LIMIT)"; limits=$((limits + 1))
  else say_fail "$1"; fi
}

SBX=("$WARDEN" sandbox --isolated --policy "$POLICY" --context ai --)
EXEC=("$WARDEN" exec --sandbox --no-daemon --isolated --policy "$POLICY" --context ai --)
DENIED='Permission denied|Operation not permitted|Read-only file system|No such file or directory|Invalid cross-device link|Device or resource busy|EACCES|EPERM|EROFS|ENOENT|EXDEV|EBUSY|ESRCH|No such process|Connection refused'

# Preflight: the sandbox must apply here at all, or the whole suite is meaningless.
out=$(cd "$WORK" && "${SBX[@]}" /bin/true 2>&1); rc=$?
if [ "$rc" != 0 ]; then
  if grep -qi 'landlock' <<<"$out" && grep -qiE 'not (supported|available)|missing|disabled' <<<"$out"; then
    echo "skipped: this kernel cannot confine: $out"; exit 77
  fi
  echo "FAIL - preflight: warden sandbox -- /bin/true exits $rc: $out"; exit 1
fi

baseline=$(snapshot)
# After each case: every decoy as it was. If not, say what changed and rebuild the decoys so
# that the next case is judged on its own.
decoys_intact() {  # decoys_intact LABEL -> 0 if unchanged
  local now
  now=$(snapshot)
  [ "$now" = "$baseline" ] && return 0
  echo "  # $1 changed the decoys:"
  diff <(echo "$baseline") <(echo "$now") | grep '^[<>]' | head -8 | sed 's/^/  #   /'
  make_decoys
  baseline=$(snapshot)
  return 1
}
others_intact() {  # the decoy processes and listeners, after a case
  local why=
  kill -0 "$DECOY_PID" 2>/dev/null || why="the decoy process outside is gone"
  [ -z "$why" ] && [ "$(awk '{print $3}' "/proc/$DECOY_PID/stat" 2>/dev/null)" = T ] && why="the decoy process outside was stopped"
  kill -0 "$DAEMON_PID" 2>/dev/null || why="${why:+$why; }the decoy daemon is gone"
  [ -s "$SCRATCH/listeners.log" ] && why="${why:+$why; }a decoy listener outside was reached: $(head -2 "$SCRATCH/listeners.log" | tr '\n' ' ')"
  : >"$SCRATCH/listeners.log"
  [ -z "$why" ] && return 0
  echo "  # $why"
  kill -9 "$DECOY_PID" 2>/dev/null
  start_decoy_process
  kill -0 "$DAEMON_PID" 2>/dev/null || start_daemon
  sleep 0.1
  return 1
}

# blocked NAME [-e REGEX] [--exec] -- CMD…: run CMD confined from the workspace; it must fail
# with an error matching REGEX (a permission-style error by default), print no "ESCAPED", and
# leave every decoy and decoy process as it was.
blocked() {
  local name=$1 re=$DENIED runner=("${SBX[@]}") out rc
  shift
  while [ "$1" != -- ]; do
    case $1 in
      -e) re=$2; shift 2 ;;
      --exec) runner=("${EXEC[@]}"); name="$name [warden exec --sandbox]"; shift ;;
      --target) export ESC_TARGET=$2; shift 2 ;;  # for escape.c's env:ESC_TARGET
    esac
  done
  shift
  out=$(cd "$WORK" && timeout -k 5 60 "${runner[@]}" "$@" 2>&1 </dev/null); rc=$?
  unset ESC_TARGET
  local intact=1 others=1
  decoys_intact "$name" || intact=0
  others_intact || others=0
  if [ "$rc" = 0 ] || [[ $out == *ESCAPED* ]]; then
    say_escape "$name: it worked (exit $rc): $(head -c 300 <<<"$out" | tr '\n' ' ')"
  elif [ "$rc" = 126 ] || [ "$rc" = 127 ] || [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    say_fail "$name: did not run as intended (exit $rc): $(head -c 300 <<<"$out" | tr '\n' ' ')"
  elif [ "$intact" = 0 ] || [ "$others" = 0 ]; then
    say_escape "$name: failed (exit $rc) but changed something outside"
  elif ! grep -qE "$re" <<<"$out"; then
    say_fail "$name: failed (exit $rc) but not with a permission error /$re/: $(head -c 300 <<<"$out" | tr '\n' ' ')"
  else
    say_ok "$name ($(grep -oE "$re" <<<"$out" | head -1))"
  fi
  KNOWN_LIMIT=
}

# hides NAME REGEX -- CMD…: CMD may succeed (a covered directory lists as empty), but nothing
# it prints and nothing it leaves in the workspace may match REGEX (the decoys' names or
# contents), and every decoy stays intact.
hides() {
  local name=$1 re=$2 out rc
  shift 3
  out=$(cd "$WORK" && timeout -k 5 60 "${SBX[@]}" "$@" 2>&1 </dev/null); rc=$?
  if grep -qE "$re" <<<"$out"; then
    say_escape "$name: revealed /$re/ (exit $rc): $(head -c 300 <<<"$out" | tr '\n' ' ')"
  elif grep -rqsE "$re" "$WORK"/stolen-* 2>/dev/null; then
    say_escape "$name: copied /$re/ into the workspace"
  elif ! decoys_intact "$name" || ! others_intact; then
    say_escape "$name: changed something outside"
  else
    say_ok "$name (nothing revealed, exit $rc)"
  fi
  rm -rf "$WORK"/stolen-*
}

# allowed NAME [--exec] -- CMD…: a positive control; CMD must succeed confined.
allowed() {
  local name=$1 runner=("${SBX[@]}") out rc
  shift
  [ "$1" = --exec ] && { runner=("${EXEC[@]}"); name="$name [warden exec --sandbox]"; shift; }
  shift
  out=$(cd "$WORK" && timeout -k 5 60 "${runner[@]}" "$@" 2>&1 </dev/null); rc=$?
  if [ "$rc" = 0 ]; then say_ok "control: $name"; else say_fail "control: $name: exit $rc: $(head -c 300 <<<"$out" | tr '\n' ' ')"; fi
  decoys_intact "control: $name" || say_fail "control: $name changed a decoy"
}

sh_q() { printf '%q' "$1"; }

# ---- positive controls: the same kinds of write inside the workspace succeed ----------------------
allowed "bash writes in the workspace" -- bash -c "echo inside >$(sh_q "$WORK/ok-bash.txt") && cat $(sh_q "$WORK/ok-bash.txt")"
allowed "python writes in the workspace" -- "$PY" -c "open('ok-py.txt','w').write('inside')"
[ -n "$HAVE_PERL" ] && allowed "perl writes in the workspace" -- perl -e 'open(my $f, ">", "ok-perl.txt") or die "$!"; print $f "inside"'
[ -n "$HAVE_NODE" ] && allowed "node writes in the workspace" -- node -e 'require("fs").writeFileSync("ok-node.txt","inside")'
allowed "C writes in the workspace" -- "$ESC" write "$WORK/ok-c.txt"
allowed "C writes in \$TMPDIR" -- "$ESC" write "$TMPDIR/ok-c.txt"
allowed "C makes a FIFO in the workspace" -- "$ESC" mknod-fifo "$WORK/ok.fifo"
allowed "a file renamed inside the workspace" -- bash -c 'echo x >a.txt && mv a.txt b.txt && mkdir -p d/e && mv b.txt d/e/'
allowed "a decoy start-up file is readable" -- cat "$HOME/.bashrc"
allowed "the workspace's own policy is readable" -- cat "$WORK/.warden/policy.yaml"
allowed "C writes in the workspace" --exec -- "$ESC" write "$WORK/ok-exec.txt"
[ -f "$WORK/ok-c.txt" ] && [ -f "$WORK/ok-exec.txt" ] && say_ok "control: the confined writes are really on disk" ||
  say_fail "control: the confined writes are not on disk"

# ---- Unix sockets: Warden's socket, a decoy ssh-agent ------------------------------------------------
blocked "python connects to Warden's socket" -- "$PY" -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('$WARDEN_SOCKET')"
blocked "C connects to Warden's socket" -- "$ESC" unix-connect "$WARDEN_SOCKET"
[ -n "$HAVE_PERL" ] && blocked "perl connects to Warden's socket" -- perl -MIO::Socket::UNIX -e "IO::Socket::UNIX->new(Peer => '$WARDEN_SOCKET') or die \"\$!\n\""
[ -n "$HAVE_NODE" ] && blocked "node connects to Warden's socket" -- node -e "require('net').connect('$WARDEN_SOCKET').on('connect',()=>{console.log('ESCAPED');process.exit(0)}).on('error',e=>{console.error(e.code, e.message);process.exit(1)})"
blocked "warden status from inside (the daemon over its socket)" -e 'no daemon|not running|No such file|Permission denied|cannot|refused' -- "$WARDEN" status
blocked "C connects to Warden's socket" --exec --target "$WARDEN_SOCKET" -- "$ESC" unix-connect env:ESC_TARGET
# The listener logs after accepting, in its own thread: give it up to 2 s.
answered() { local i; for i in $(seq 20); do [ -s "$SCRATCH/listeners.log" ] && return 0; sleep 0.1; done; return 1; }
"$ESC" unix-connect "$HOME/.ssh/agent.sock" >/dev/null && answered &&
  say_ok "control: the decoy ssh-agent socket answers outside the sandbox" ||
  say_fail "control: the decoy ssh-agent socket does not answer outside the sandbox"
: >"$SCRATCH/listeners.log"
blocked "C connects to a decoy ssh-agent socket in ~/.ssh" -- "$ESC" unix-connect "$HOME/.ssh/agent.sock"
blocked "a listening socket outside" -- "$PY" -c "import socket; socket.socket(socket.AF_UNIX).bind('$OUT/evil.sock')"

# ---- writing outside the workspace ----------------------------------------------------------------
blocked "bash > a new file outside" -- bash -c "echo evil >$(sh_q "$OUT/new.txt")"
blocked "bash >> an existing file outside" -- bash -c "echo evil >>$(sh_q "$OUT/existing.txt")"
blocked "bash >> ~/.bashrc" -- bash -c 'echo evil >>~/.bashrc'
blocked "bash > ~/.bash_profile (a new start-up file)" -- bash -c 'echo evil >~/.bash_profile'
blocked "cp into the directory beside HOME" -- cp "$WORK/src/main.c" "$ROOT/new.c"
blocked "touch a new file outside" -- touch "$OUT/touched"
blocked "mkdir outside" -- mkdir "$OUT/newdir"
blocked "rm a file outside" -- rm -f "$OUT/existing.txt"
blocked "rm -rf a directory outside" -- rm -rf "$OUT/sub"
blocked "python writes ~/.profile" -- "$PY" -c "open('$HOME/.profile','a').write('evil')"
blocked "python creates ~/.ssh/authorized_keys" -- "$PY" -c "open('$HOME/.ssh/authorized_keys','w').write('evil')"
[ -n "$HAVE_PERL" ] && blocked "perl writes outside" -- perl -e "open(my \$f, '>', '$OUT/perl.txt') or die \"\$!\n\"; print \$f 'evil'"
[ -n "$HAVE_NODE" ] && blocked "node writes outside" -- node -e "require('fs').writeFileSync('$OUT/node.txt','evil')"
blocked "C writes outside" -- "$ESC" write "$OUT/c.txt"
blocked "C appends to ~/.bashrc" -- "$ESC" write "$HOME/.bashrc"
blocked "C writes outside" --exec --target "$OUT/c-exec.txt" -- "$ESC" write env:ESC_TARGET

# ---- reading the decoy secrets and Warden's state -------------------------------------------------
blocked "cat ~/.ssh/id_ed25519" -- cat "$HOME/.ssh/id_ed25519"
hides "ls ~/.ssh" 'id_ed25519|agent\.sock|known_hosts' -- ls -a "$HOME/.ssh"
hides "cp -r ~/.aws into the workspace" 'aws_secret_access_key|credentials|DECOY' -- cp -r "$HOME/.aws" "$WORK/stolen-aws"
blocked "python reads ~/.aws/credentials" -- "$PY" -c "print(open('$HOME/.aws/credentials').read())"
[ -n "$HAVE_PERL" ] && blocked "perl reads ~/.ssh/id_ed25519" -- perl -e "open(my \$f, '<', '$HOME/.ssh/id_ed25519') or die \"\$!\n\"; print <\$f>"
[ -n "$HAVE_NODE" ] && blocked "node reads ~/.aws/credentials" -- node -e "process.stdout.write(require('fs').readFileSync('$HOME/.aws/credentials'))"
blocked "C reads ~/.ssh/id_ed25519" -- "$ESC" read "$HOME/.ssh/id_ed25519"
blocked "C reads ~/.aws/credentials" --exec --target "$HOME/.aws/credentials" -- "$ESC" read env:ESC_TARGET
blocked "cat Warden's approver key" -- cat "$WARDEN_STATE_DIR/approver.key"
hides "ls Warden's state directory" 'approver|audit|\.key|\.db' -- ls -a "$WARDEN_STATE_DIR"

# ---- editing Warden's policy, the git hooks and config, the agents' settings ----------------------
blocked "bash >> .warden/policy.yaml" -- bash -c 'echo "rules: []" >>.warden/policy.yaml'
blocked "sed -i .warden/policy.yaml" -- sed -i 's/deny/allow/' .warden/policy.yaml
blocked "rm .warden/policy.yaml" -- rm -f .warden/policy.yaml
blocked "python writes the config dir's policy.yaml" -- "$PY" -c "open('$XDG_CONFIG_HOME/warden/policy.yaml','w').write('rules: []')"
blocked "python os.replace over .git/config" -- "$PY" -c "open('cfg','w').write('[core]\n\thooksPath = /x\n'); import os; os.replace('cfg', '.git/config')"
[ -n "$HAVE_PERL" ] && blocked "perl appends to .git/hooks/pre-commit" -- perl -e 'open(my $f, ">>", ".git/hooks/pre-commit") or die "$!\n"; print $f "curl evil\n"'
blocked "bash creates .git/hooks/post-checkout" -- bash -c 'printf "#!/bin/sh\necho evil\n" >.git/hooks/post-checkout'
blocked "git config core.hooksPath" -- git config core.hooksPath /nowhere
[ -n "$HAVE_NODE" ] && blocked "node writes .git/config" -- node -e 'require("fs").appendFileSync(".git/config","[core]\n\tfsmonitor = evil\n")'
blocked "C writes .claude/settings.json" -- "$ESC" write "$WORK/.claude/settings.json"
blocked "bash writes ~/.claude/settings.json" -- bash -c 'echo "{}" >~/.claude/settings.json'
blocked "C writes .git/hooks/pre-commit" --exec --target "$WORK/.git/hooks/pre-commit" -- "$ESC" write env:ESC_TARGET
blocked "edit the test's own policy file" -- bash -c "echo 'sandbox: {}' >>$(sh_q "$POLICY")"

# ---- symlinks ------------------------------------------------------------------------------------
blocked "write through a symlink to a directory outside" -- bash -c 'echo evil >link-out/via-link.txt'
blocked "append through a symlink to ~/.bashrc" -- bash -c 'echo evil >>link-bashrc'
blocked "read through a symlink to the key" -- cat link-key
blocked "read the key through a symlink to HOME" -- cat link-home/.ssh/id_ed25519
blocked "a new symlink to ~/.aws/credentials, read" -- bash -c 'ln -s ~/.aws/credentials creds && cat creds'
blocked "a new symlink to outside, written" -- bash -c "ln -s $(sh_q "$OUT") out2 && echo evil >out2/x.txt"
blocked "python writes through a symlink outside" -- "$PY" -c "open('link-out/py-link.txt','w').write('evil')"
blocked "replace .warden with a symlink" -- bash -c 'rm -rf .warden; ln -s /nonexistent .warden'

# ---- hard links ----------------------------------------------------------------------------------
blocked "ln the ssh key into the workspace" -- ln "$HOME/.ssh/id_ed25519" "$WORK/stolen-key"
blocked "C links ~/.aws/credentials into the workspace" -- "$ESC" link "$HOME/.aws/credentials" "$WORK/stolen-creds"
blocked "ln ~/.bashrc into the workspace, then append" -- bash -c 'ln ~/.bashrc bashrc-hard && echo evil >>bashrc-hard'
blocked "ln a file outside into the workspace, then append" -- bash -c "ln $(sh_q "$OUT/existing.txt") hard-out && echo evil >>hard-out"
blocked "ln .git/hooks/pre-commit, then append" -- bash -c 'ln .git/hooks/pre-commit pc && echo evil >>pc'
blocked "ln .warden/policy.yaml, then truncate" -- bash -c 'ln .warden/policy.yaml p && : >p'
blocked "ln Warden's approver key into the workspace" -- ln "$WARDEN_STATE_DIR/approver.key" "$WORK/approver.key"

# ---- renaming a parent ---------------------------------------------------------------------------
blocked "mv .git away, make new hooks" -- bash -c 'mv .git .git-away && mkdir -p .git/hooks && printf "#!/bin/sh\necho evil\n" >.git/hooks/pre-commit'
blocked "mv .git/hooks away" -- mv .git/hooks .git/hooks-away
blocked "mv .warden away, write a new one" -- bash -c 'mv .warden .warden-away && mkdir .warden && echo "rules: []" >.warden/policy.yaml'
blocked "mv .claude away" -- mv .claude .claude-away
blocked "C renames .git" -- "$ESC" rename "$WORK/.git" "$WORK/.git2"
blocked "mv the workspace itself" -- mv "$WORK" "$HOME/project-away"
blocked "mv a directory outside" -- mv "$OUT/sub" "$OUT/sub-away"
blocked "mv ~/.ssh into the workspace" -- mv "$HOME/.ssh" "$WORK/ssh"

# ---- /proc/self/root, /proc/PID/{root,cwd} -------------------------------------------------------
blocked "write via /proc/self/root" -- bash -c "echo evil >/proc/self/root$(sh_q "$OUT/proc.txt")"
blocked "read the key via /proc/self/root" -- cat "/proc/self/root$HOME/.ssh/id_ed25519"
blocked "write .git/hooks via /proc/self/root" -- "$ESC" write "/proc/self/root$WORK/.git/hooks/pre-commit"
blocked "write via /proc/DECOY/cwd (a process outside)" -- bash -c "echo evil >/proc/$DECOY_PID/cwd/proc-cwd.txt"
blocked "read the key via /proc/DECOY/root" -- cat "/proc/$DECOY_PID/root$HOME/.ssh/id_ed25519"
blocked "connect to Warden's socket via /proc/DAEMON/root" -- "$ESC" unix-connect "/proc/$DAEMON_PID/root$WARDEN_SOCKET"
blocked "read the daemon's environment" -- cat "/proc/$DAEMON_PID/environ"

# ---- O_PATH + openat, /proc/self/fd reopen -------------------------------------------------------
blocked "O_PATH HOME + openat .ssh/id_ed25519" -- "$ESC" opath-openat "$HOME" .ssh/id_ed25519 r
blocked "O_PATH HOME + openat outside/x for writing" -- "$ESC" opath-openat "$HOME" outside/opath.txt w
blocked "O_PATH .git + openat hooks/pre-commit for writing" -- "$ESC" opath-openat "$WORK/.git" hooks/pre-commit w
blocked "O_PATH the hook, reopen /proc/self/fd/N for writing" -- "$ESC" opath-reopen "$WORK/.git/hooks/pre-commit"
blocked "O_PATH ~/.bashrc, reopen for writing" -- "$ESC" opath-reopen "$HOME/.bashrc"

# ---- .. games ------------------------------------------------------------------------------------
blocked "write ../outside/x from the workspace" -- bash -c 'echo evil >../outside/dotdot.txt'
blocked "write from .git/hooks up and out" -- bash -c 'cd .git/hooks && echo evil >../../../outside/dotdot2.txt'
blocked "C writes WORK/src/../../.bashrc" -- "$ESC" write "$WORK/src/../../.bashrc"
blocked "read WORK/../.ssh/id_ed25519" -- cat "$WORK/../.ssh/id_ed25519"
blocked "write .git/hooks/../hooks/pre-commit" -- bash -c 'echo evil >>.git/hooks/../hooks/pre-commit'

# ---- chmod, utimes, truncate ---------------------------------------------------------------------
blocked "chmod 644 the ssh key" -- chmod 644 "$HOME/.ssh/id_ed25519"
blocked "chmod 000 a file outside" -- chmod 000 "$OUT/existing.txt"
blocked "chmod -x the pre-commit hook" -- chmod 644 .git/hooks/pre-commit
blocked "C chmod the config dir's policy.yaml" -- "$ESC" chmod "$XDG_CONFIG_HOME/warden/policy.yaml" 666
blocked "C utimes ~/.bashrc" -- "$ESC" utime "$HOME/.bashrc"
blocked "touch -d a file outside" -- touch -d 2000-01-01 "$OUT/existing.txt"
blocked "truncate ~/.aws/credentials" -- truncate -s 0 "$HOME/.aws/credentials"
blocked "truncate a file outside" -- truncate -s 0 "$OUT/existing.txt"
blocked "C truncates .warden/policy.yaml" -- "$ESC" truncate "$WORK/.warden/policy.yaml"
blocked "python os.truncate the config policy" -- "$PY" -c "import os; os.truncate('$XDG_CONFIG_HOME/warden/policy.yaml', 0)"

# ---- mknod -------------------------------------------------------------------------------------------
blocked "C mknod a FIFO outside" -- "$ESC" mknod-fifo "$OUT/fifo"
blocked "mkfifo outside" -- mkfifo "$OUT/fifo2"
blocked "C mknod a char device outside" -- "$ESC" mknod-chr "$OUT/null"
blocked "C mknod a char device in the workspace" -- "$ESC" mknod-chr "$WORK/devnull"
blocked "mknod a char device in the workspace" -- mknod "$WORK/devnull2" c 1 3
blocked "C mknod a char device in \$TMPDIR" -- "$ESC" mknod-chr "$TMPDIR/devnull"

# ---- TCP/UDP when the policy says network: off -----------------------------------------------------
blocked "bash /dev/tcp to a loopback listener" -- bash -c "echo x >/dev/tcp/127.0.0.1/$TCP4"
blocked "python TCP connect to a loopback listener" -- "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $TCP4), timeout=5)"
[ -n "$HAVE_PERL" ] && blocked "perl TCP connect" -- perl -MIO::Socket::INET -e "IO::Socket::INET->new(PeerAddr => '127.0.0.1:$TCP4') or die \"\$!\n\""
[ -n "$HAVE_NODE" ] && blocked "node TCP connect" -- node -e "require('net').connect($TCP4,'127.0.0.1').on('connect',()=>{console.log('ESCAPED');process.exit(0)}).on('error',e=>{console.error(e.code, e.message);process.exit(1)})"
blocked "C TCP connect (IPv4)" -- "$ESC" tcp-connect 127.0.0.1 "$TCP4"
[ -n "$TCP6" ] && blocked "C TCP connect (IPv6)" -- "$ESC" tcp-connect ::1 "$TCP6"
blocked "C TCP connect" --exec -- "$ESC" tcp-connect 127.0.0.1 "$TCP4"
blocked "C UDP datagram to a loopback listener" -- "$ESC" udp-send 127.0.0.1 "$UDP4"
blocked "python UDP datagram" -- "$PY" -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', $UDP4))"
blocked "python raw packet socket" -- "$PY" -c "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)"
blocked "python TCP listen" -- "$PY" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()"

# ---- other processes: signals, ptrace, their memory and descriptors --------------------------------
blocked "bash kill -TERM a process outside" -- bash -c "kill -TERM $DECOY_PID"
blocked "kill -STOP a process outside" -- kill -STOP "$DECOY_PID"
blocked "kill -0 a process outside" -- kill -0 "$DECOY_PID"
blocked "python os.kill the daemon" -- "$PY" -c "import os, signal; os.kill($DAEMON_PID, signal.SIGTERM)"
[ -n "$HAVE_PERL" ] && blocked "perl kill" -- perl -e "kill('TERM', $DECOY_PID) or die \"\$!\n\""
[ -n "$HAVE_NODE" ] && blocked "node process.kill" -- node -e "process.kill($DECOY_PID, 'SIGKILL')"
blocked "C kill -9 the daemon" -- "$ESC" kill "$DAEMON_PID" 9
blocked "C kill -9 the process group outside" -- "$ESC" kill "-$DECOY_PID" 9
blocked "C ptrace attach" -- "$ESC" ptrace "$DECOY_PID"
blocked "C ptrace seize the daemon" -- "$ESC" ptrace-seize "$DAEMON_PID"
blocked "python ctypes ptrace attach" -- "$PY" -c "
import ctypes, ctypes.util, os, sys
libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)
if libc.ptrace(16, $DECOY_PID, None, None) != 0:
    e = ctypes.get_errno(); sys.exit('ptrace: ' + os.strerror(e))
print('ESCAPED')"
command -v strace >/dev/null && blocked "strace -p" -- strace -p "$DECOY_PID" -e trace=none
blocked "C process_vm_readv of a process outside" -- "$ESC" vm-read "$DECOY_PID"
blocked "C pidfd_getfd of the daemon's descriptor" -- "$ESC" pidfd-getfd "$DAEMON_PID" 3
blocked "write /proc/DECOY/mem" -- bash -c "echo x >/proc/$DECOY_PID/mem"

# ---- undoing the sandbox itself -----------------------------------------------------------------------
blocked "C umount .git/hooks" -- "$ESC" umount "$WORK/.git/hooks"
blocked "umount Warden's hidden socket dir" -e "$DENIED|must be superuser" -- umount -l "$(dirname "$WARDEN_SOCKET")"
blocked "C mount a tmpfs outside" -- "$ESC" mount "$OUT"
blocked "C unshare a user+mount namespace" -- "$ESC" unshare
blocked "unshare -rm, then umount .git/hooks" -- unshare -rm sh -c 'umount .git/hooks && echo evil >>.git/hooks/pre-commit'
blocked "C io_uring_setup (runs operations seccomp never sees)" -- "$ESC" io-uring

# ---- an inherited descriptor to a file outside ------------------------------------------------------
exec 9>>"$OUT/existing.txt"
blocked "write to an inherited descriptor of a file outside" -e 'Bad file descriptor' -- bash -c 'echo evil >&9'
exec 9>&-

# ---- a fork bomb under a small nproc ---------------------------------------------------------------
# RLIMIT_NPROC counts every process (thread) of the user on the machine, so the limit is what the user
# runs now plus 64 (a root runner keeps no capability that would lift it). Bounded twice:
# escape.c stops at 512 processes by itself, and the whole run is its own session, killed (group
# and stragglers) afterwards. The classic bash bomb only runs if that one was stopped.
NPROC=$(( $(ps -L -U "$(id -u)" -o lwp= | wc -l) + 64 ))  # threads count too
printf 'version: 1\nsandbox:\n  ai:\n    limits: {nproc: %d}\n' "$NPROC" >"$ROOT/policies/nproc.yaml"
bomb() {  # bomb SECONDS CMD…: confined, in its own session; leftovers killed
  local secs=$1 rc
  shift
  (cd "$WORK" && exec setsid timeout -s KILL "$secs" "$WARDEN" sandbox --isolated --policy "$POLICY" \
     --policy "$ROOT/policies/nproc.yaml" --context ai -- "$@" >"$SCRATCH/bomb.out" 2>&1 </dev/null) &
  local pid=$!
  wait "$pid"; rc=$?
  local sid
  for _ in 1 2 3 4 5; do
    sid=$(ps -eo pid=,sid=,cmd= | awk -v s="$pid" '$2 == s {print $1}')
    [ -z "$sid" ] && break
    kill -9 -- "-$pid" $sid 2>/dev/null
    sleep 0.2
  done
  return "$rc"
}
bomb 60 "$ESC" forkbomb 512; rc=$?
bomb_out=$(cat "$SCRATCH/bomb.out")
decoys_intact "fork bomb" >/dev/null
if [ "$rc" = 1 ] && [[ $bomb_out == *"refused: fork"* ]]; then
  say_ok "fork bomb (C, 512 at most) stopped by nproc: $NPROC: $(head -1 <<<"$bomb_out")"
  bomb 10 bash -c ':(){ :|:& };:; sleep 8'
  say_ok "the classic bash fork bomb ran 10 s under nproc and was cleaned up: $(tail -1 "$SCRATCH/bomb.out")"
else
  say_fail "fork bomb (C, 512 at most) was not stopped by nproc: $NPROC (exit $rc): $(tr '\n' ' ' <<<"$bomb_out")"
fi
others_intact || say_fail "the fork bomb disturbed the decoy processes"

# ---- afterwards -----------------------------------------------------------------------------------
"$WARDEN" status >/dev/null 2>&1 && say_ok "the decoy daemon still answers on its socket" ||
  say_fail "the decoy daemon no longer answers"
[ -S "$WARDEN_SOCKET" ] && say_ok "the decoy socket is still there" || say_fail "the decoy socket is gone"

echo "escape suite: $passes ok, $failures failed, $limits known limits"
[ "$failures" = 0 ]
