#!/usr/bin/env bash
# What the kernel sandbox costs (issue #16, "Numbers"), against bubblewrap and Anthropic's
# sandbox-runtime (srt) with the same rule set, in the same hyperfine run:
#   /bin/true                                     the floor: spawning a process on this host
#   warden exec --no-daemon -- /bin/true          the policy decision, unconfined (enabled: false)
#   warden exec --no-daemon --sandbox -- …        the same, confined: the sandbox's own cost is
#                                                 the difference between these two
#   warden sandbox -- /bin/true                   the sandbox without the analyzer
#   bwrap … -- /bin/true                          bubblewrap with the equivalent configuration
#   srt --settings srt-settings.json /bin/true    srt 0.0.83 (pinned by package-lock.json)
# then the counters that do not drift with the neighbours (syscalls: strace -c -f; page faults:
# perf stat), and a `make -j2` build of a generated 40-file C project outside vs inside
# `warden sandbox`.
#
# The rule set (policy.yaml = srt-settings.json = bwrap_args below): writes only beneath the
# workspace, /tmp, /dev/shm, ~/.cache, ~/.npm; read-only inside them: .warden, .git/hooks,
# .git/config, .claude of the workspace; unreadable: ~/.ssh, ~/.aws, ~/.config/gh and Warden's
# state directory (with its socket); no network; no new Unix sockets (srt's seccomp default and
# Warden's unix_sockets: off; bubblewrap has no filter here). Every sandbox is first checked to
# really confine (a decoy secret unreadable, a write outside refused, a protected file
# read-only, the workspace and a cache writable), so that the rows compare like with like.
#
# The scratch HOME and workspace live under /var/tmp, not /tmp: /tmp is a writable root, and a
# HOME beneath it would be writable too.
#
# usage: bench/sandbox/run.sh [--runs N] [--build-runs N] [--out DIR] [WARDEN]
# Writes DIR (default bench/results/<UTC time>-sandbox/): spawn.json, build.json, strace-*.txt,
# faults.txt, summary.md. Needs hyperfine, bwrap, socat, rg, strace, perf (or /usr/bin/time),
# python3, make, cc (scripts/bootstrap.sh) and node/npm for srt (installed here with `npm ci`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RUNS=300 BUILD_RUNS=15 OUT= WARDEN=$root/build/warden
ARGS="$*"
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --build-runs) BUILD_RUNS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -*) echo "unknown option $1 (--runs N, --build-runs N, --out DIR)" >&2; exit 64 ;;
    *) WARDEN=$1; shift ;;
  esac
done
WARDEN=$(realpath "$WARDEN")
[ -x "$WARDEN" ] || { echo "bench: $WARDEN is missing: run 'make build' first" >&2; exit 1; }
for c in hyperfine bwrap socat rg strace python3 make cc node npm git; do
  command -v $c >/dev/null || { echo "bench: $c is missing: run scripts/bootstrap.sh" >&2; exit 1; }
done
OUT=${OUT:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)-sandbox}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

# srt from the lockfile; install scripts are not needed (its seccomp helper is prebuilt).
stamp=$here/node_modules/.warden-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$here/package-lock.json"; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null 2>&1)
  cp "$here/package-lock.json" "$stamp"
fi
SRT=$here/node_modules/.bin/srt

# ---- the scratch HOME, workspace and decoys ------------------------------------------------
S=$(mktemp -d /var/tmp/warden-sandbox-bench.XXXXXX)
trap 'rm -rf "$S"' EXIT
H=$S/home W=$S/home/project
STATE=$H/.local/state/warden
mkdir -p "$H/.ssh" "$H/.aws" "$H/.config/gh" "$H/.cache" "$H/.npm" "$STATE" "$W/.warden" "$W/.claude" "$W/src"
echo "decoy-private-key" >"$H/.ssh/id_ed25519"
echo "[default] aws_secret_access_key = decoy" >"$H/.aws/credentials"
echo "github.com: {oauth_token: decoy}" >"$H/.config/gh/hosts.yml"
echo "decoy-state" >"$STATE/secret"
echo "# decoy" >"$W/.warden/policy.yaml"
echo '{}' >"$W/.claude/settings.json"
echo "README" >"$W/README.md"
git -C "$W" init -q
export HOME=$H TMPDIR=/tmp WARDEN_STATE_DIR=$STATE
unset XDG_RUNTIME_DIR XDG_CONFIG_HOME WARDEN_SOCKET WARDEN_PROFILE WARDEN_SANDBOX
cd "$W"

# Warden: only this policy decides (no built-in profile, no user or repository layer).
WPOL=(--profile none --isolated --policy "$here/policy.yaml")
# bubblewrap, the same rule set: the root read-only, the writable roots bound read-write,
# the protected paths bound read-only over them, each denied directory covered by an empty
# read-only tmpfs, no network, dies with its parent. No seccomp filter, no PID namespace.
bwrap_args=(--ro-bind / / --dev-bind /dev /dev
  --bind "$W" "$W" --bind /tmp /tmp --bind "$H/.cache" "$H/.cache" --bind "$H/.npm" "$H/.npm")
for p in .warden .git/hooks .git/config .claude; do bwrap_args+=(--ro-bind "$W/$p" "$W/$p"); done
for d in "$H/.ssh" "$H/.aws" "$H/.config/gh" "$STATE"; do bwrap_args+=(--tmpfs "$d" --remount-ro "$d"); done
bwrap_args+=(--unshare-net --die-with-parent)

# ---- is Warden's sandbox there yet? -------------------------------------------------------
have_sandbox=0
if "$WARDEN" sandbox "${WPOL[@]}" -- /bin/true >/dev/null 2>&1; then have_sandbox=1; fi
if [ $have_sandbox = 0 ]; then
  # The built warden has no sandbox: measure what can be measured (the policy without its
  # sandbox: section), and leave the Warden sandbox rows out.
  echo "bench: $WARDEN has no working 'warden sandbox': the Warden sandbox rows are skipped" >&2
  python3 - "$here/policy.yaml" "$S/policy-nosandbox.yaml" <<'EOF'
import re, sys
s = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.sub(r"(?ms)^sandbox:\n(?:[ #].*\n|\n)*", "", s))
EOF
  WPOL=(--profile none --isolated --policy "$S/policy-nosandbox.yaml")
fi

# ---- each sandbox must really confine, the same way ----------------------------------------
probe='cat ~/.ssh/id_ed25519 2>/dev/null && echo LEAK:ssh
cat "$WARDEN_STATE_DIR/secret" 2>/dev/null && echo LEAK:state
echo x 2>/dev/null >~/outside && echo LEAK:home-write
echo x 2>/dev/null >>.git/config && echo LEAK:git-config
echo x 2>/dev/null >.warden/x && echo LEAK:warden-dir
echo x >ws-probe || echo FAIL:workspace
echo x >~/.cache/probe || echo FAIL:cache
echo x >/tmp/warden-sandbox-probe.$$ && rm -f /tmp/warden-sandbox-probe.$$ || echo FAIL:tmp
exit 0'
check() {  # check NAME PREFIX… : runs the probe under PREFIX; any LEAK or FAIL stops the bench
  local name=$1; shift
  local out; out=$("$@" sh -c "$probe" 2>&1) || true
  rm -f ws-probe "$H/.cache/probe" "$H/outside"
  if grep -qE 'LEAK|FAIL' <<<"$out"; then echo "bench: $name does not confine as the rule set says: $out" >&2; exit 1; fi
  echo "- $name: decoy secrets and Warden's state unreadable; home, .git/config, .warden read-only; workspace, ~/.cache, /tmp writable"
}
{
  echo "# The kernel sandbox: what it costs (issue #16) — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) (a shared virtual machine: read the differences and ratios, not the absolute times)"
  echo "- kernel: $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME"); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- warden: $("$WARDEN" --version 2>&1 | head -1), sha256 $(sha256sum "$WARDEN" | cut -c1-12), modified $(date -u -r "$WARDEN" +%Y-%m-%dT%H:%M:%SZ), repository at commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); sandbox: $([ $have_sandbox = 1 ] && echo yes || echo 'NOT AVAILABLE (rows skipped)')"
  echo "- bwrap $(bwrap --version | cut -d' ' -f2); srt $("$SRT" --version) on node $(node --version); hyperfine $(hyperfine --version | cut -d' ' -f2)"
  echo "- command: bench/sandbox/run.sh $ARGS"
  echo
  echo "## The rule set is enforced by each"
} >"$OUT/summary.md"
{
  [ $have_sandbox = 1 ] && check "warden sandbox" "$WARDEN" sandbox "${WPOL[@]}" --
  [ $have_sandbox = 1 ] && check "warden exec --sandbox" "$WARDEN" exec --no-daemon --sandbox "${WPOL[@]}" --
  check bwrap bwrap "${bwrap_args[@]}" --
  check srt "$SRT" --settings "$here/srt-settings.json" --
} | tee -a "$OUT/summary.md"

show() {  # show -n NAME CMD …: hyperfine's arguments as a reader can retype them
  local i a=("$@") c
  for ((i = 0; i < ${#a[@]}; i += 3)); do
    c=${a[i + 2]//$S/\$S}; c=${c//$root\//}
    printf "    -n '%s' '%s'%s\n" "${a[i + 1]}" "$c" "$([ $((i + 3)) -lt ${#a[@]} ] && echo ' \')"
  done
}
# ---- 1. spawn: one hyperfine run, every command --------------------------------------------
cmds=(-n /bin/true /bin/true
  -n "warden exec" "$WARDEN exec --no-daemon ${WPOL[*]} -- /bin/true")
if [ $have_sandbox = 1 ]; then
  cmds+=(-n "warden exec --sandbox" "$WARDEN exec --no-daemon --sandbox ${WPOL[*]} -- /bin/true"
    -n "warden sandbox" "$WARDEN sandbox ${WPOL[*]} -- /bin/true")
fi
cmds+=(-n bwrap "bwrap ${bwrap_args[*]} -- /bin/true"
  -n srt "$SRT --settings $here/srt-settings.json /bin/true")
{
  echo
  echo "## Spawning /bin/true (hyperfine -N, $RUNS runs each, cwd = the workspace)"
  echo '```'
  echo "\$ hyperfine -N --warmup 20 --runs $RUNS --export-json spawn.json \\"
  show "${cmds[@]}"
  echo '```'
  echo "(\$S: the scratch directory; HOME=\$S/home, workspace \$S/home/project, TMPDIR=/tmp, WARDEN_STATE_DIR=\$S/home/.local/state/warden)"
  echo
} >>"$OUT/summary.md"
hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$OUT/spawn.json" "${cmds[@]}" >"$OUT/spawn.txt" 2>&1 ||
  { cat "$OUT/spawn.txt" >&2; exit 1; }
python3 "$here/report.py" spawn "$OUT/spawn.json" | tee -a "$OUT/summary.md"

# ---- 2. counters that do not drift: syscalls and page faults -------------------------------
{
  echo
  echo "## Syscalls (strace -c -f, whole process tree), page faults and CPU time (perf stat -e task-clock,minor-faults,major-faults -r 50: means, children included)"
  echo
} >>"$OUT/summary.md"
traces=()
trace() {  # trace NAME CMD… : strace -c -f of one run
  strace -c -f -o "$OUT/strace-$1.txt" "${@:2}" >/dev/null 2>&1 || true
  traces+=("$OUT/strace-$1.txt")
}
trace "warden-exec" "$WARDEN" exec --no-daemon "${WPOL[@]}" -- /bin/true
if [ $have_sandbox = 1 ]; then
  trace "warden-exec-sandbox" "$WARDEN" exec --no-daemon --sandbox "${WPOL[@]}" -- /bin/true
  trace "warden-sandbox" "$WARDEN" sandbox "${WPOL[@]}" -- /bin/true
fi
trace "true" /bin/true
trace "bwrap" bwrap "${bwrap_args[@]}" -- /bin/true
trace "srt" "$SRT" --settings "$here/srt-settings.json" /bin/true
python3 "$here/report.py" strace "${traces[@]}" | tee -a "$OUT/summary.md"
faults() {  # faults NAME CMD… : minor/major page faults of the whole tree, mean of 50 runs
  local minor major cpu f=$OUT/perf-${1//[^a-z-]/_}.txt
  if perf stat -x, -e task-clock,minor-faults,major-faults -r 50 -o "$f" "${@:2}" >/dev/null 2>&1; then
    cpu=$(awk -F, '/task-clock/ {printf "%.3f", $1}' "$f")
    minor=$(awk -F, '/minor-faults/ {print $1}' "$f")
    major=$(awk -F, '/major-faults/ {print $1}' "$f")
  else  # /usr/bin/time: one run, this process and the children it waited for
    minor=$(/usr/bin/time -f %R "${@:2}" 2>&1 >/dev/null | tail -1) major=? cpu=?
  fi
  echo "| $1 | $minor | $major | $cpu |"
}
{
  echo
  echo "| process tree | minor page faults | major | CPU time (task-clock), ms |"
  echo "|---|---|---|---|"
  faults "/bin/true" /bin/true
  faults "warden exec" "$WARDEN" exec --no-daemon "${WPOL[@]}" -- /bin/true
  if [ $have_sandbox = 1 ]; then
    faults "warden exec --sandbox" "$WARDEN" exec --no-daemon --sandbox "${WPOL[@]}" -- /bin/true
    faults "warden sandbox" "$WARDEN" sandbox "${WPOL[@]}" -- /bin/true
  fi
  faults "bwrap" bwrap "${bwrap_args[@]}" -- /bin/true
  faults "srt" "$SRT" --settings "$here/srt-settings.json" /bin/true
} | tee -a "$OUT/summary.md"

# ---- 2b. the same spawns interleaved (bench/hooks/spawn_timer.py: each round runs every command
# once, rotating the order, so that all see the same neighbours); srt left out (0.3 s a run).
if [ $have_sandbox = 1 ]; then
  {
    echo
    echo "## The same spawns, interleaved ($RUNS rounds, bench/hooks/spawn_timer.py; median, p99 and minimum of the wall time)"
    echo
  } >>"$OUT/summary.md"
  # Run as root (as CI does), the sandbox also makes a pids cgroup (RLIMIT_NPROC does not bind
  # root); a developer's agent runs as a user, in a user namespace and without the cgroup. The
  # same pair as uid 65534, with a scratch HOME and workspace of its own, shows that cost.
  # as_user.c drops to the uid in front of both commands of the pair (setpriv and env cost ~15 ms
  # a run here, and as much noise) and gives it a HOME and state directory of its own.
  as_user=()
  if [ "$(id -u)" = 0 ] && cc -O2 -static -o "$S/as_user" "$here/as_user.c" 2>/dev/null; then
    U=$S/user
    mkdir -p "$U/home/project" && git -C "$U/home/project" init -q && chown -R 65534:65534 "$U"
    chmod 711 "$S"  # mktemp made it 0700: the user must be able to pass through to its own HOME
    run_as=("$S/as_user" 65534 "$U/home" "$U/home/project")
    "${run_as[@]}" "$WARDEN" exec --no-daemon --sandbox "${WPOL[@]}" -- /bin/true ||
      { echo "bench: warden exec --sandbox does not run as uid 65534 here: the user rows are left out" >&2; run_as=(); }
    [ ${#run_as[@]} = 0 ] || as_user=("warden exec (uid 65534)" /dev/null -- "${run_as[@]}" "$WARDEN" exec --no-daemon "${WPOL[@]}" -- /bin/true ';;'
      "warden exec --sandbox (uid 65534)" /dev/null -- "${run_as[@]}" "$WARDEN" exec --no-daemon --sandbox "${WPOL[@]}" -- /bin/true ';;')
  fi
  python3 "$root/bench/hooks/spawn_timer.py" --runs "$RUNS" --warmup 20 \
    /bin/true /dev/null -- /bin/true ';;' \
    "warden exec" /dev/null -- "$WARDEN" exec --no-daemon "${WPOL[@]}" -- /bin/true ';;' \
    "warden exec --sandbox" /dev/null -- "$WARDEN" exec --no-daemon --sandbox "${WPOL[@]}" -- /bin/true ';;' \
    "warden sandbox" /dev/null -- "$WARDEN" sandbox "${WPOL[@]}" -- /bin/true ';;' \
    "${as_user[@]}" \
    bwrap /dev/null -- "$(command -v bwrap)" "${bwrap_args[@]}" -- /bin/true >"$OUT/interleaved.json"
  python3 - "$OUT/interleaved.json" <<'EOF' | tee -a "$OUT/summary.md"
import json, sys
o = json.load(open(sys.argv[1]))["commands"]
b = o["/bin/true"]; e = o["warden exec"]
print("| command | median ms | p99 ms | min ms | added over /bin/true: median / min, ms | over `warden exec` (as the same user): median / min, ms |")
print("|---|---|---|---|---|---|")
for k, x in o.items():
    ref = o["warden exec (uid 65534)"] if k.endswith("(uid 65534)") else e  # each against its own unconfined run
    over = f"{x['median_ms'] - ref['median_ms']:+.3f} / {x['min_ms'] - ref['min_ms']:+.3f}" if k.startswith("warden") else ""
    print(f"| `{k}` | {x['median_ms']:.2f} | {x['p99_ms']:.2f} | {x['min_ms']:.2f} | "
          f"{x['median_ms'] - b['median_ms']:+.3f} / {x['min_ms'] - b['min_ms']:+.3f} | {over} |")
print()
for k, x in o.items():
    if x["exit_codes"] != [0]:
        print(f"- **`{k}` exited with {x['exit_codes']}: its row measures a failure, not a run**")
s = o["warden exec --sandbox"]["median_ms"] - e["median_ms"]
print(f"- sandbox cost as root (interleaved, median): **{s:.3f} ms** (target ≤ 0.3 ms: {'met' if s <= 0.3 else 'NOT met'})")
if "warden exec (uid 65534)" in o:
    u = o["warden exec --sandbox (uid 65534)"]["median_ms"] - o["warden exec (uid 65534)"]["median_ms"]
    print(f"- sandbox cost as a user, uid 65534 (interleaved, median): **{u:.3f} ms** (target ≤ 0.3 ms: {'met' if u <= 0.3 else 'NOT met'})")
EOF
fi

# ---- 3. make -j2 of a small C project, outside vs inside -----------------------------------
P=$W/cproj
mkdir -p "$P"
for i in $(seq 1 40); do
  cat >"$P/m$i.c" <<EOF
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
struct rec$i { int id; double v[8]; char name[32]; };
static int cmp$i(const void *a, const void *b) {
  const struct rec$i *x = a, *y = b; return (x->v[0] > y->v[0]) - (x->v[0] < y->v[0]);
}
double work$i(int n) {
  struct rec$i *r = calloc((size_t)n, sizeof *r); double s = 0;
  for (int k = 0; k < n; k++) { r[k].id = k; for (int j = 0; j < 8; j++) r[k].v[j] = (k * 31 + j * $i) % 97;
    snprintf(r[k].name, sizeof r[k].name, "rec-%d-%d", $i, k); }
  qsort(r, (size_t)n, sizeof *r, cmp$i);
  for (int k = 0; k < n; k++) s += r[k].v[k % 8] + (double)strlen(r[k].name);
  free(r); return s;
}
EOF
done
{
  echo '#include <stdio.h>'
  for i in $(seq 1 40); do echo "double work$i(int n);"; done
  echo 'int main(void) { double s = 0;'
  for i in $(seq 1 40); do echo "  s += work$i(1000);"; done
  echo '  printf("%f\n", s); return 0; }'
} >"$P/main.c"
cat >"$P/Makefile" <<'EOF'
CFLAGS ?= -O2 -g -Wall
SRCS := $(wildcard *.c)
OBJS := $(SRCS:.c=.o)
app: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c
	$(CC) $(CFLAGS) -c -o $@ $<
clean:
	rm -f app $(OBJS)
.PHONY: clean
EOF
if [ $have_sandbox = 1 ]; then
  # The build must work, and the binary run, inside the sandbox before it is timed.
  "$WARDEN" sandbox "${WPOL[@]}" -- make -s -j2 -C "$P" >/dev/null && "$WARDEN" sandbox "${WPOL[@]}" -- "$P/app" >/dev/null ||
    { echo "bench: make -j2 fails inside warden sandbox" >&2; exit 1; }
  make -s -C "$P" clean
  build_cmds=(-n "make -j2 (outside)" "make -s -j2 -C $P"
    -n "warden sandbox -- make -j2" "$WARDEN sandbox ${WPOL[*]} -- make -s -j2 -C $P"
    -n "make -j2 (outside, again)" "make -s -j2 -C $P")
else
  build_cmds=(-n "make -j2 (outside)" "make -s -j2 -C $P" -n "bwrap -- make -j2" "bwrap ${bwrap_args[*]} -- make -s -j2 -C $P")
fi
{
  echo
  echo "## make -j2, 41 C files (generated), outside vs inside (hyperfine, $BUILD_RUNS runs each, --prepare 'make clean')"
  echo '```'
  echo "\$ hyperfine -N --warmup 1 --runs $BUILD_RUNS --prepare 'make -s -C \$S/home/project/cproj clean' --export-json build.json \\"
  show "${build_cmds[@]}"
  echo '```'
  echo "(the outside build runs first and last, so that a drift of the host shows as a difference between the two)"
  echo
} >>"$OUT/summary.md"
hyperfine -N --warmup 1 --runs "$BUILD_RUNS" --prepare "make -s -C $P clean" --export-json "$OUT/build.json" \
  "${build_cmds[@]}" >"$OUT/build.txt" 2>&1 || { cat "$OUT/build.txt" >&2; exit 1; }
python3 "$here/report.py" build "$OUT/build.json" | tee -a "$OUT/summary.md"
if [ $have_sandbox = 1 ]; then
  # The same two builds interleaved: each round cleans, then builds outside and inside in an order
  # that alternates, so that a build of a neighbour on this shared machine hits both alike.
  {
    echo
    echo "Interleaved ($BUILD_RUNS rounds; each round: make clean, one build, make clean, the other; the order alternates):"
    echo
  } >>"$OUT/summary.md"
  python3 - "$BUILD_RUNS" "$P" "$WARDEN" "${WPOL[@]}" <<'EOF' | tee -a "$OUT/summary.md"
import os, statistics, subprocess, sys, time
rounds, proj, warden, wpol = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
make = ["make", "-s", "-j2", "-C", proj]
cmds = {"outside": make, "warden sandbox": [warden, "sandbox", *wpol, "--", *make]}
wall = {k: [] for k in cmds}; cpu = {k: [] for k in cmds}
for r in range(rounds):
    for k in (list(cmds) if r % 2 == 0 else list(cmds)[::-1]):
        subprocess.run(["make", "-s", "-C", proj, "clean"], check=True)
        t0 = time.perf_counter(); pid = os.posix_spawnp(cmds[k][0], cmds[k], os.environ)
        _, st, ru = os.wait4(pid, 0); t1 = time.perf_counter()
        assert os.waitstatus_to_exitcode(st) == 0, k
        wall[k].append(t1 - t0); cpu[k].append(ru.ru_utime + ru.ru_stime)
print("| build | median wall s | min wall s | median user + sys s |")
print("|---|---|---|---|")
for k in cmds:
    print(f"| {k} | {statistics.median(wall[k]):.3f} | {min(wall[k]):.3f} | {statistics.median(cpu[k]):.3f} |")
o, i = "outside", "warden sandbox"
print()
print(f"- inside vs outside: median wall {100 * (statistics.median(wall[i]) / statistics.median(wall[o]) - 1):+.2f} %, "
      f"min wall {100 * (min(wall[i]) / min(wall[o]) - 1):+.2f} %, "
      f"median user+sys {100 * (statistics.median(cpu[i]) / statistics.median(cpu[o]) - 1):+.2f} %")
EOF
fi
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.md"
echo
echo "bench: results in $OUT (summary.md)"
