#!/usr/bin/env bash
# The everyday suite (issue #16 §4): real work passes inside the sandbox the escape suite attacks
# (the same layer over the built-in profile: network off, the same protected and unreadable
# paths): a C project built with `make -j2` and tested, git commits on a new branch (through the
# read-only .git/hooks, whose pre-commit hook must still run), `npm ci --offline` from local
# files, `pip install --target` of a local package, compilers writing to $TMPDIR (and to /tmp
# when TMPDIR is unset), once through `warden exec --sandbox` too. All in a temporary HOME and
# workspace made in the current directory (ctest: the build tree), nothing from the network.
# Prints one line per case (ok / FAIL); exits 1 if any failed, 77 when the kernel has no Landlock.
# usage: everyday_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: everyday_test.sh path/to/warden}")
HERE=$(cd "$(dirname "$0")" && pwd)
BASE=$(realpath "${WARDEN_SANDBOX_TEST_DIR:-$PWD}")
ROOT=$(realpath "$(mktemp -d "$BASE/sandbox-everyday.XXXXXX")")
cleanup() { chmod -R u+rwX "$ROOT" 2>/dev/null; rm -rf "$ROOT"; }
trap cleanup EXIT

export HOME=$ROOT/home
export XDG_CONFIG_HOME=$HOME/.config XDG_RUNTIME_DIR=$HOME/.run
export WARDEN_STATE_DIR=$HOME/.local/state/warden WARDEN_SOCKET=$HOME/.run/warden/warden.sock
export TMPDIR=$ROOT/tmp
export PATH=/usr/local/bin:/usr/bin:/bin  # the runner's own tool dirs (say under /root) are not the test's
unset WARDEN_CONTEXT WARDEN_PROFILE WARDEN_FAIL_OPEN WARDEN_SANDBOX
export WARDEN_APPROVAL_WAIT=0 GIT_CONFIG_NOSYSTEM=1
export npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore
WORK=$HOME/project
POLICY=$ROOT/policies/sandbox.yaml
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
mkdir -p "$TMPDIR" "$ROOT/policies" "$HOME/.ssh" "$HOME/.aws" "$HOME/.cache" "$HOME/.npm" "$XDG_CONFIG_HOME/warden" \
         "$WARDEN_STATE_DIR" "$XDG_RUNTIME_DIR/warden"
echo 'DECOY-KEY' >"$HOME/.ssh/id_ed25519"
printf '[user]\n\tname = Everyday\n\temail = everyday@example.invalid\n[init]\n\tdefaultBranch = main\n' >"$HOME/.gitconfig"

cat >"$POLICY" <<'EOF'
version: 1
# The escape suite's layer (tests/sandbox/escape_test.sh) without its tiny process limit.
sandbox:
  ai:
    enabled: true
    network: off
    unix_sockets: on
    deny_read: ["~/.ssh", "~/.aws"]
    protected: ["$WORKSPACE/.warden", "$WORKSPACE/.git/hooks", "$WORKSPACE/.git/config", "$WORKSPACE/.claude"]
    unsupported: refuse
EOF

# The workspace: a git repository with a pre-commit hook (read-only inside) and the fixtures.
git init -q "$WORK"
mkdir -p "$WORK/.warden" "$WORK/.claude"
echo 'version: 1' >"$WORK/.warden/policy.yaml"
echo '{}' >"$WORK/.claude/settings.json"
printf '#!/bin/sh\necho "pre-commit hook ran" >&2\n' >"$WORK/.git/hooks/pre-commit"
chmod 755 "$WORK/.git/hooks/pre-commit"
cp -r "$HERE/fixtures/cproject" "$WORK/cproject"
printf 'build/\n*.o\nnode_modules/\nvendor/\n__pycache__/\n' >"$WORK/.gitignore"
printf '#include <stdio.h>\nint main(void) { puts("compiled in the sandbox"); return 0; }\n' >"$WORK/hello.c"

# npm: an app depending on a local directory and on a local tarball (npm pack), with a lock
# file made here, outside the sandbox, offline; the tarball's postinstall runs at `npm ci`.
APP=$WORK/app
mkdir -p "$APP/deps/leftpad" "$ROOT/strpad"
echo '{"name":"leftpad-local","version":"1.0.0","main":"index.js"}' >"$APP/deps/leftpad/package.json"
echo 'module.exports = (s, n, c = " ") => String(s).padStart(n, c);' >"$APP/deps/leftpad/index.js"
cat >"$ROOT/strpad/package.json" <<'EOF'
{"name":"strpad-local","version":"1.0.0","main":"index.js",
 "scripts":{"postinstall":"node -e \"require('fs').writeFileSync('postinstall-ran','yes')\""}}
EOF
echo 'module.exports = (s, n) => String(s).padEnd(n, ".");' >"$ROOT/strpad/index.js"
cat >"$APP/package.json" <<'EOF'
{"name":"everyday-app","version":"1.0.0","private":true,
 "dependencies":{"leftpad-local":"file:deps/leftpad","strpad-local":"file:deps/strpad-local-1.0.0.tgz"},
 "scripts":{"test":"node -e \"const l=require('leftpad-local'),r=require('strpad-local'); if (l('7',3,'0')!=='007'||r('a',3)!=='a..') process.exit(1)\""}}
EOF
have_npm=
if command -v npm >/dev/null && command -v node >/dev/null; then
  if (cd "$ROOT/strpad" && npm pack --silent --pack-destination "$APP/deps" >/dev/null 2>"$ROOT/npm-setup.log") &&
     (cd "$APP" && npm install --offline --ignore-scripts >>"$ROOT/npm-setup.log" 2>&1) && [ -f "$APP/package-lock.json" ]; then
    have_npm=1
  else
    echo "FAIL - setup: npm could not make the lock file offline: $(tail -3 "$ROOT/npm-setup.log")"
  fi
fi

# pip: a pure-Python package as a source tree (built with setuptools, when there is one) and as
# a wheel made by hand here (a zip with its metadata), so nothing is fetched.
PKG=$WORK/pypkg
mkdir -p "$PKG/src/greet" "$WORK/dist"
cat >"$PKG/pyproject.toml" <<'EOF'
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "greet-local"
version = "1.0.0"

[tool.setuptools.packages.find]
where = ["src"]
EOF
echo 'def hello(name): return f"hello {name}"' >"$PKG/src/greet/__init__.py"
"$PY" - "$WORK/dist" <<'EOF'
import base64, hashlib, sys, zipfile
files = {"shout/__init__.py": b"def shout(s):\n    return s.upper() + '!'\n",
         "shout_local-1.0.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: shout-local\nVersion: 1.0.0\n",
         "shout_local-1.0.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
record = "".join(f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}\n"
                 for n, d in files.items()) + "shout_local-1.0.0.dist-info/RECORD,,\n"
with zipfile.ZipFile(sys.argv[1] + "/shout_local-1.0.0-py3-none-any.whl", "w") as z:
    for n, d in files.items():
        z.writestr(n, d)
    z.writestr("shout_local-1.0.0.dist-info/RECORD", record)
EOF
have_pip=; "$PY" -m pip --version >/dev/null 2>&1 && have_pip=1
have_setuptools=; "$PY" -c 'import setuptools, wheel' 2>/dev/null && have_setuptools=1

git -C "$WORK" add -A && git -C "$WORK" commit -q -m 'everyday workspace' 2>/dev/null

failures=0 passes=0
SBX=("$WARDEN" sandbox --isolated --policy "$POLICY" --context ai --)
EXEC=("$WARDEN" exec --sandbox --no-daemon --isolated --policy "$POLICY" --context ai --)

# Preflight: the sandbox must apply here at all.
out=$(cd "$WORK" && "${SBX[@]}" /bin/true 2>&1); rc=$?
if [ "$rc" != 0 ]; then
  if grep -qi 'landlock' <<<"$out" && grep -qiE 'not (supported|available)|missing|disabled' <<<"$out"; then
    echo "skipped: this kernel cannot confine: $out"; exit 77
  fi
  echo "FAIL - preflight: warden sandbox -- /bin/true exits $rc: $out"; exit 1
fi

# works NAME [--exec] SCRIPT: bash -c SCRIPT, confined, from the workspace, must exit 0.
works() {
  local name=$1 runner=("${SBX[@]}") out rc start ms
  shift
  [ "$1" = --exec ] && { runner=("${EXEC[@]}"); name="$name [warden exec --sandbox]"; shift; }
  start=$(date +%s%N)
  out=$(cd "$WORK" && timeout -k 5 240 "${runner[@]}" bash -c "set -e; $1" 2>&1 </dev/null); rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ "$rc" = 0 ]; then
    echo "ok - $name (${ms} ms)"; passes=$((passes + 1))
  else
    echo "FAIL - $name: exit $rc"; sed 's/^/  # /' <<<"$out" | tail -12; failures=$((failures + 1))
  fi
}

works "make -j2 and make test of a C project" 'cd cproject && make -j2 && make test && test -x build/wc-stats'
works "make clean, then make -j2 test again" --exec 'make -C cproject clean >/dev/null && make -C cproject -j2 test'
works "cc -o \$TMPDIR/x, gcc's temporaries in \$TMPDIR" '
  cc -v -o "$TMPDIR/hello" hello.c 2>"$TMPDIR/cc.log"
  grep -q "$TMPDIR/cc" "$TMPDIR/cc.log" || { echo "gcc did not use \$TMPDIR for its temporaries"; exit 1; }
  "$TMPDIR/hello" | grep -q "compiled in the sandbox"'
works "cc with TMPDIR unset (temporaries in /tmp), -save-temps in the workspace" '
  env -u TMPDIR cc -o hello-notmp hello.c && ./hello-notmp >/dev/null
  mkdir -p st && cc -save-temps=obj -o st/hello hello.c && test -f st/hello.s'
works "git commit on a new branch (the pre-commit hook runs read-only)" '
  git switch -q -c feature/sandboxed
  echo "a change made inside the sandbox" >>cproject/README
  git add cproject/README
  git commit -q -m "commit made inside the sandbox" 2>hook.log
  grep -q "pre-commit hook ran" hook.log
  test "$(git rev-parse --abbrev-ref HEAD)" = feature/sandboxed
  git log -1 --format=%s | grep -q "inside the sandbox"
  git switch -q main && git merge -q --no-edit feature/sandboxed && git branch -q -d feature/sandboxed'
works "git init, commit in a new repository inside the workspace" '
  git init -q nested && cd nested && echo hi >f && git add f && git commit -q -m first && git tag v1 && git log --oneline | grep -q first'
if [ -n "$have_npm" ]; then
  works "npm ci --offline from local files (a directory, a tarball with a postinstall)" '
    cd app && rm -rf node_modules && npm ci --offline && npm test --silent
    test "$(cat node_modules/strpad-local/postinstall-ran)" = yes'
else
  echo "FAIL - npm ci: npm or node is missing, or the lock file could not be made"; failures=$((failures + 1))
fi
if [ -n "$have_pip" ]; then
  works "pip install --target ./vendor of a hand-made wheel, no index" '
    "'"$PY"'" -m pip install -q --no-index --target ./vendor dist/shout_local-1.0.0-py3-none-any.whl
    PYTHONPATH=vendor "'"$PY"'" -c "import shout; assert shout.shout(\"hi\") == \"HI!\""'
  if [ -n "$have_setuptools" ]; then
    works "pip install --target ./vendor of a local source tree (setuptools, no build isolation)" '
      "'"$PY"'" -m pip install -q --no-index --no-build-isolation --target ./vendor ./pypkg
      PYTHONPATH=vendor "'"$PY"'" -c "import greet; assert greet.hello(\"x\") == \"hello x\""'
  fi
else
  echo "FAIL - pip install: $PY has no pip"; failures=$((failures + 1))
fi
works "python writes __pycache__ and a venv in the workspace" '
  "'"$PY"'" -m venv --without-pip .venv && .venv/bin/python -c "import sys; print(sys.prefix)" | grep -q "/.venv"
  "'"$PY"'" -m compileall -q pypkg/src'

# Nothing was written where it should not be: the workspace's protected files as they were.
[ "$(cat "$WORK/.warden/policy.yaml")" = 'version: 1' ] && [ -x "$WORK/.git/hooks/pre-commit" ] &&
  echo "ok - the protected files are as they were" || { echo "FAIL - a protected file changed"; failures=$((failures + 1)); }

echo "everyday suite: $passes ok, $failures failed"
[ "$failures" = 0 ]
