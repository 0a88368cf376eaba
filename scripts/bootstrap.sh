#!/usr/bin/env bash
# Installs what Warden needs to build, test and benchmark, and nothing that is already there.
# Idempotent: run it as often as you like. Debian 12; run as root (or with sudo available).
#   scripts/bootstrap.sh           build + test dependencies
#   WARDEN_BOOTSTRAP_QUIET=1 ...   less output
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
quiet=${WARDEN_BOOTSTRAP_QUIET:-0}
say() { [ "$quiet" = 1 ] || echo "bootstrap: $*"; }

packages=(
  # toolchain
  g++ cmake ninja-build make pkg-config git
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  # libraries (docs/DEPENDENCIES.md)
  libtree-sitter-dev libre2-dev libyaml-dev libboost1.81-dev libboost-json1.81-dev
  libcli11-dev libfmt-dev libsodium-dev libncurses-dev libsqlite3-dev libssl-dev prometheus-cpp-dev zlib1g-dev
  # the kernel sandbox (issue #16): libseccomp for its filter, bubblewrap for its tests
  libseccomp-dev bubblewrap
  # shared state of several `warden serve` instances (issue #17): hiredis for the client, and
  # redis-server for the tests (they start their own on a private loopback port)
  libhiredis-dev redis-server
  # deploy/ checked without a cluster: the manifests parsed (tests/deploy/deploy_test.sh)
  python3-yaml
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev hyperfine zsh tmux nginx-light wrk curl openssl
  # bench/sandbox/run.sh only: what srt (@anthropic-ai/sandbox-runtime) needs besides bubblewrap
  # on Linux (~6 MB together); srt itself is installed by that script from its own lockfile
  socat ripgrep
)

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then sudo_cmd=(sudo); else
    echo "bootstrap: not root and no sudo: install these yourself: ${packages[*]}" >&2; exit 1
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js + npm fetch the pinned grammar sources. Any Node >= 18 will do (Debian's is 18).
if ! command -v node >/dev/null; then missing+=(nodejs); fi
if ! command -v npm >/dev/null; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all present"
fi

# The tree-sitter-bash grammar, pinned by third_party/grammars/package-lock.json. Only its C
# sources are used, so install scripts (a native Node binding) are skipped.
grammars=$here/third_party/grammars
stamp=$grammars/node_modules/.warden-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$grammars/package-lock.json"; then
  say "npm ci (tree-sitter-bash grammar)"
  (cd "$grammars" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$grammars/package-lock.json" "$stamp"
else
  say "grammar sources: up to date"
fi

# Real MCP peers for tests/e2e/mcp_test.sh (the TypeScript SDK, the reference filesystem and
# everything servers), pinned by tests/mcp/package-lock.json. They need Node.js >= 20; on an
# older Node they are not installed and that test skips. No install scripts are needed.
mcp=$here/tests/mcp
stamp=$mcp/node_modules/.warden-lock-stamp
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "MCP test peers: skipped (Node.js $node_major < 20; tests/e2e/mcp_test.sh will skip)"
elif [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$mcp/package-lock.json"; then
  say "npm ci (MCP test peers)"
  if [ "$quiet" = 1 ]; then exec 3>/dev/null; else exec 3>&1; fi
  (cd "$mcp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&3)
  exec 3>&-
  cp "$mcp/package-lock.json" "$stamp"
else
  say "MCP test peers: up to date"
fi

# The real agent CLIs for tests/agents/agents_test.sh (Claude Code, Gemini CLI, Codex CLI, Qwen
# Code), pinned by tests/agents/package-lock.json (~810 MB). No install scripts: the native binaries come in the
# platform packages (the suite runs Claude Code's cli-wrapper.cjs). Gemini CLI needs Node.js >= 20.
agents=$here/tests/agents
stamp=$agents/node_modules/.warden-lock-stamp
if [ "$node_major" -lt 20 ]; then
  say "agent CLIs: skipped (Node.js $node_major < 20; tests/agents will skip)"
elif [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$agents/package-lock.json"; then
  say "npm ci (agent CLIs for tests/agents)"
  if [ "$quiet" = 1 ]; then exec 3>/dev/null; else exec 3>&1; fi
  (cd "$agents" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&3)
  exec 3>&-
  cp "$agents/package-lock.json" "$stamp"
else
  say "agent CLIs: up to date"
fi
