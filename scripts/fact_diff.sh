#!/usr/bin/env bash
# Compares what two warden binaries find in the same commands: the decision, the rule and every
# fact (`warden check --json`, built-in default profile, the corpora's evaluation setting). A
# refactoring of the analyzer that is meant to change nothing must print nothing.
#
#   scripts/fact_diff.sh OLD_WARDEN NEW_WARDEN [CORPUS.tsv|FILE…]
#
# With no corpus arguments it reads ../shared/corpora/commands.tsv, tests/corpora/*.tsv and the
# shell fuzzers' seed files. Exit status 1 when any command differs.
set -euo pipefail
old=$1 new=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
  inputs=("$root/../shared/corpora/commands.tsv" "$root"/tests/corpora/*.tsv
          "$root"/tests/fuzz/corpus/shell_fuzzer/* "$root"/tests/fuzz/corpus/parser_diff_fuzzer/*)
fi

# Every input as one command per record, NUL-separated: TSV corpora give their commands
# (continuation lines joined with newlines), other files are one command each.
commands() {
  local f
  for f in "${inputs[@]}"; do
    if [[ $f == *.tsv ]]; then
      awk -F'\t' 'BEGIN { cur = "" }
        /^#/ || /^$/ { next }
        /^\t/ { cur = cur "\n" substr($0, 2); next }
        { if (cur != "") printf "%s%c", cur, 0; cur = substr($0, index($0, "\t") + 1) }
        END { if (cur != "") printf "%s%c", cur, 0 }' "$f"
    else
      cat "$f"
      printf '\0'
    fi
  done
}

check() {
  HOME=/home/dev "$1" check --json --isolated --profile default --cwd /home/dev/project \
    --workspace /home/dev/project --home /home/dev -- "$2" 2>/dev/null | sed -E 's/"(policy_revision|latency_ns)":"?[^",}]*"?//g' || true
}

differ=0 total=0
while IFS= read -r -d '' cmd; do
  total=$((total + 1))
  a=$(check "$old" "$cmd") b=$(check "$new" "$cmd")
  if [ "$a" != "$b" ]; then
    differ=$((differ + 1))
    printf '=== %q\n--- old\n%s\n+++ new\n%s\n' "$cmd" "$a" "$b"
  fi
done < <(commands)
echo "fact_diff: $differ of $total commands differ" >&2
[ "$differ" -eq 0 ]
