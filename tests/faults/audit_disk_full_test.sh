#!/usr/bin/env bash
# Fault: the audit directory's disk fills up, then space returns (issue #15's table, row 4).
# Promise: while nothing can be written every decision is refused (never an allow that is not on
# disk), `warden status` shows the outage, and once space returns the daemon serves allows again
# within 1 s, by itself — no restart — with the chain intact and an outage record on it.
# The disk is a 4 MiB tmpfs in a private user + mount namespace (unshare -Urm): nothing outside
# the test's temporary directory is touched.
# usage: audit_disk_full_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: audit_disk_full_test.sh path/to/warden}")
if ! unshare -Urm true 2>/dev/null; then
  echo "SKIP: unprivileged user namespaces are not available"
  exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/inside.sh" <<'EOF'
set -uo pipefail
WARDEN=$1 TMP=$2 MODE=$3
export MODE
mkdir -p "$TMP/home" "$TMP/state" "$TMP/run"
mount -t tmpfs -o size=4m,mode=0700 tmpfs "$TMP/state" || { echo "FAIL: cannot mount a tmpfs"; exit 1; }
export HOME=$TMP/home XDG_CONFIG_HOME= XDG_RUNTIME_DIR= WARDEN_STATE_DIR=$TMP/state WARDEN_SOCKET=$TMP/run/warden.sock
"$WARDEN" serve --isolated --audit-sync "$MODE" 2>"$TMP/serve.log" &
pid=$!
for _ in $(seq 300); do "$WARDEN" status >/dev/null 2>&1 && break; sleep 0.02; done
python3 - "$WARDEN_SOCKET" "$TMP/state" "$WARDEN" <<'PY'
import glob, json, os, socket, subprocess, sys, time
path, state, warden = sys.argv[1:4]
failures, checks = [], 0
def check(cond, what):
    global checks
    checks += 1
    if not cond: failures.append(what)

def decide(f, i):
    f.write((json.dumps({"op": "decide", "request": {"kind": "exec", "command": "git status %d" % i,
             "cwd": "/tmp", "workspace": "/tmp", "home": "/tmp"}}) + "\n").encode()); f.flush()
    line = f.readline()
    return json.loads(line) if line else None

def connect():
    s = socket.socket(socket.AF_UNIX); s.connect(path); return s.makefile("rwb")

def on_disk():
    seen = set()
    for seg in glob.glob(state + "/audit/audit-*.jsonl"):
        for line in open(seg, errors="replace"):
            try: seen.add(json.loads(line)["decision_id"])
            except Exception: pass
    return seen

def status():
    return json.loads(subprocess.run([warden, "status", "--json"], capture_output=True, text=True).stdout)

f = connect()
allowed = []
r = decide(f, 0)
check(r and r.get("ok") and r.get("decision") == "allow", "a decision before the disk fills: %r" % r)
# Fill the disk.
with open(state + "/filler", "wb") as filler:
    try:
        while True: filler.write(b"\0" * 65536); filler.flush()
    except OSError: pass
refused = 0
for i in range(1, 400):
    if f is None: f = connect()
    r = decide(f, i)
    if r is None or not r.get("ok"):
        refused += 1
        f = None   # an error ends the connection
        continue
    allowed.append(r["decision_id"])
check(refused > 0, "nothing was refused with the disk full")
missing = [d for d in allowed if d not in on_disk()]
check(not missing, "answered allow but not on disk with the disk full: %r" % missing[:5])
st = status()["audit"]
check(st.get("healthy") is False, "status does not show the outage: %r" % st)
check(st.get("outages", 0) >= 1 and st.get("refused_in_outages", 0) >= 1, "outage not counted: %r" % st)
text = subprocess.run([warden, "status"], capture_output=True, text=True).stdout
check("OUTAGE since" in text and "every decision is denied" in text, "warden status does not say it: %s" % text)
# Space returns.
os.unlink(state + "/filler")
t0 = time.monotonic()
back = None
while time.monotonic() - t0 < 5:
    try:
        g = connect()
        r = decide(g, 1000)
        if r and r.get("ok") and r.get("decision") == "allow":
            back = time.monotonic() - t0
            break
    except OSError:
        pass
    time.sleep(0.01)
check(back is not None and back < 1.0, "allows again %s s after space returned (promise: < 1 s)" % back)
print(os.environ["MODE"] + ": disk full: %d refused, %d answered (all on disk); allows again %.3f s after space returned" %
      (refused, len(allowed), back if back is not None else -1))
st = status()["audit"]
check(st.get("healthy") is True and st.get("outage_ms", 0) > 0, "status after recovery: %r" % st)
for msg in failures: print("FAIL: " + msg)
print("checks: %d, failed: %d" % (checks, len(failures)))
sys.exit(1 if failures else 0)
PY
rc=$?
kill "$pid"; wait "$pid"
out=$("$WARDEN" audit verify --json --state-dir "$TMP/state"); vrc=$?
if [ "$vrc" != 0 ]; then echo "FAIL: verify after the outage: $out"; rc=1; fi
if ! grep -q '"decision":"outage"' "$TMP"/state/audit/audit-*.jsonl; then echo "FAIL: no outage record on the chain"; rc=1; fi
grep -q "audit log: outage" "$TMP/serve.log" || { echo "FAIL: the outage is not in the daemon's log"; rc=1; }
grep -q "audit log: writing again" "$TMP/serve.log" || { echo "FAIL: the recovery is not in the daemon's log"; rc=1; }
exit $rc
EOF
rc=0
for mode in batch always; do
  unshare -Urm bash "$TMP/inside.sh" "$WARDEN" "$TMP/$mode" "$mode" || rc=1
done
echo "audit disk-full fault: $([ $rc = 0 ] && echo passed || echo FAILED)"
exit $rc
