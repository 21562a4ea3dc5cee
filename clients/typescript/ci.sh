#!/usr/bin/env bash
# CI of the TypeScript client (@exprun/client), runnable from the repository root as
# `bash clients/typescript/ci.sh`: install (npm ci, pinned by package-lock.json), check that
# generate.sh changes nothing, build with tsc, run the unit tests with Node's test runner, then,
# against $EXPRUN_TARGET (a server scripts/polyglot.sh started; default 127.0.0.1:50051), the
# live tests, the consumer project of the README (consumer-test.sh) and the interop scenario.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
rel="${here#"$root"/}"
started=$SECONDS
timings=()

# step NAME COMMAND...: runs COMMAND under a header and records its time; stops at a failure.
step() {
  local name="$1" start=$SECONDS
  shift
  printf '\n==> typescript %s: %s\n' "$name" "$*"
  "$@"
  timings+=("$(printf '%-10s %4ss' "$name" "$((SECONDS - start))")")
}

generated_is_fresh() {
  bash "$rel/generate.sh"
  local changes
  changes="$(git status --porcelain -- "$rel")"
  if [[ -n "$changes" ]]; then
    echo "generate.sh changed files under $rel (regenerate and commit them):"
    echo "$changes"
    git --no-pager diff --stat -- "$rel"
    return 1
  fi
}

step install npm ci --prefix "$rel" --no-audit --no-fund --ignore-scripts
step generate generated_is_fresh
step build "$rel/node_modules/.bin/tsc" -p "$rel/tsconfig.json"
# The compiled tests; Node's runner prints its closing summary (# tests, # pass, # fail).
step test node --test "$rel"/dist/test/*.test.js
export EXPRUN_TARGET="${EXPRUN_TARGET:-127.0.0.1:50051}"
step live node --test "$rel"/dist/test/live/*.test.js
step consumer bash "$rel/consumer-test.sh"
step scenario env EXPRUN_TARGET="${EXPRUN_TARGET:-127.0.0.1:50051}" node "$rel/dist/src/scenario.js"

printf '\n==> typescript ci: ok in %ss\n' "$((SECONDS - started))"
printf '  %s\n' "${timings[@]}"
