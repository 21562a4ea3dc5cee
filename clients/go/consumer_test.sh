#!/usr/bin/env bash
# The consumer-project test of the Go client: a new user's first run, following
# clients/go/README.md literally. In a fresh temporary directory outside the checkout it runs the
# README's setup block (without its `git clone`: this checkout is the clone), appends the
# README's `require` and `replace` lines to go.mod (its /path/to/exprun made this checkout),
# saves the README's main.go, then runs the README's commands (`go mod tidy`, `go run .`)
# twice against the server at $EXPRUN_TARGET: both runs must succeed and name different runs.
# Usage (from anywhere): bash clients/go/consumer_test.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readme="$root/clients/go/README.md"

# block NAME: the fenced block after the README's "<!-- consumer-test: NAME -->" marker.
block() {
  awk -v marker="<!-- consumer-test: $1 -->" '
    $0 == marker { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }
  ' "$readme"
}

setup="$(block setup)"
modlines="$(block 'go.mod lines')"
commands="$(block commands)"
main_go="$(block main.go)"
for part in setup modlines commands main_go; do
  [[ -n "${!part}" ]] || { echo "README.md has no consumer-test block for $part"; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/exprun-go-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "$work/" in "$root"/*) echo "the temporary project $work is inside the checkout"; exit 1 ;; esac
echo "consumer project in $work, the client at $root/clients/go, server ${EXPRUN_TARGET:-127.0.0.1:50051}"

cd "$work"
# The setup block (mkdir myproject && cd myproject, go mod init ...), minus the clone.
grep -v '^git clone ' <<<"$setup" >setup.sh
source ./setup.sh
printf '%s\n' "${modlines//\/path\/to\/exprun/$root}" >>go.mod
printf '%s\n' "$main_go" >main.go
echo "--- go.mod"
cat go.mod

# GOWORK=off: a go.work of the user's environment must not change what the README promises.
export GOWORK=off GOFLAGS=
ids=()
for attempt in 1 2; do
  echo "--- run $attempt: $(tr '\n' ';' <<<"$commands")"
  output="$(bash -euo pipefail -c "$commands" 2>&1)" || { echo "$output"; echo "run $attempt failed"; exit 1; }
  echo "$output"
  line="$(grep -E '^run baseline-[0-9]{8}-[0-9]{6}-[0-9a-f]{8}: 1000 points$' <<<"$output")" ||
    { echo "run $attempt did not print 'run baseline-...: 1000 points'"; exit 1; }
  ids+=("${line%%:*}")
done
if [[ "${ids[0]}" == "${ids[1]}" ]]; then
  echo "both runs used the same run ID: ${ids[0]}"
  exit 1
fi
echo "consumer project: ok (${ids[*]})"
