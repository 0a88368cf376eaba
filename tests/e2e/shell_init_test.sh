#!/usr/bin/env bash
# `warden init bash|zsh` in real interactive shells: a denied line does not run (not even its
# allowed parts), allowed lines do, the next line is checked afresh. zsh needs a terminal for
# its line editor: `script` gives it one.
# usage: shell_init_test.sh path/to/warden
set -uo pipefail

WARDEN=$(realpath "${1:?usage: shell_init_test.sh path/to/warden}")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP XDG_CONFIG_HOME= WARDEN_SOCKET=$TMP/none.sock
cd "$TMP"
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
cat >"$TMP/p.yaml" <<'YAML'
version: 1
rules:
  - id: no-touch
    kind: exec
    match: {command: touch}
    decision: deny
    reason: no touching here
YAML

# ---- bash ------------------------------------------------------------------------------------
out=$(printf '%s\n' "eval \"\$('$WARDEN' init bash --policy '$TMP/p.yaml')\"" 'echo bash-allowed-ran' \
  "echo part-of-denied-line; touch '$TMP/bash-touched'" 'echo bash-next-line-ran' | bash --norc -i 2>&1)
[[ "$out" == *bash-allowed-ran* ]] && ok || fail "bash: an allowed line did not run: $out"
[[ "$out" == *"warden: deny: no touching here"* ]] && ok || fail "bash: no denial message: $out"
[ -e "$TMP/bash-touched" ] && fail "bash: the denied command ran" || ok
# (bash echoes the lines it reads; the output of the echo would be a line of its own)
grep -qx 'part-of-denied-line' <<<"$out" && fail "bash: part of a denied line ran" || ok
[[ "$out" == *bash-next-line-ran* ]] && ok || fail "bash: the line after a denial did not run: $out"
out=$("$WARDEN" init bash)
[[ "$out" == *"trap '__warden_debug' DEBUG"* ]] && ok || fail "bash: init output"

# ---- zsh -------------------------------------------------------------------------------------
if command -v zsh >/dev/null && command -v script >/dev/null; then
  (printf '%s\n' "eval \"\$('$WARDEN' init zsh --policy '$TMP/p.yaml')\""; sleep 0.5
   printf '%s\n' 'echo zsh-allowed-ran'; sleep 0.5
   printf '%s\n' "touch '$TMP/zsh-touched'"; sleep 0.5
   printf '\003'; sleep 0.3
   printf '%s\n' 'echo zsh-next-line-ran'; sleep 0.5
   printf 'exit\n'; sleep 0.3) | timeout 20 script -q -c 'zsh -f -i' /dev/null >"$TMP/zsh.out" 2>&1
  out=$(tr -d '\r' <"$TMP/zsh.out")
  [[ "$out" == *$'\nzsh-allowed-ran'* ]] && ok || fail "zsh: an allowed line did not run: $out"
  [[ "$out" == *"warden: deny: no touching here"* ]] && ok || fail "zsh: no denial message: $out"
  [ -e "$TMP/zsh-touched" ] && fail "zsh: the denied command ran" || ok
  [[ "$out" == *$'\nzsh-next-line-ran'* ]] && ok || fail "zsh: the next line did not run: $out"
else
  echo "skip: zsh or script is missing (scripts/bootstrap.sh installs zsh)"
fi

echo "shell init e2e: $checks checks passed, $failures failed"
[ "$failures" = 0 ]
