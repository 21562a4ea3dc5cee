#!/usr/bin/env bash
# CI of the Go client, run from the repo root as `bash clients/go/ci.sh` with the server already
# serving at $EXPRUN_TARGET (default 127.0.0.1:50051): downloads the modules go.sum pins from the
# Go module proxy, checks that generate.sh reproduces the committed exprunv1 code, builds and
# vets, runs the unit tests (`go test ./...`), the interop scenario (clients/scenario/SCENARIO.md),
# the API tour (every RPC through the layer), the consumer-project test (consumer_test.sh: the
# README followed literally in a fresh project outside the checkout, its example run twice), and
# the writer benchmark at its smallest.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
started=$SECONDS

# step NAME COMMAND...: runs COMMAND under a header and prints its time.
step() {
  local name="$1" start=$SECONDS
  shift
  printf '\n==> go %s\n' "$name"
  "$@"
  printf '<== go %s: ok (%ss)\n' "$name" "$((SECONDS - start))"
}

in_module() { (cd clients/go && "$@"); }

generated_code_is_fresh() {
  bash clients/go/generate.sh
  local changes
  changes="$(git status --porcelain clients/go)"
  if [[ -n "$changes" ]]; then
    echo "clients/go differs from the commit after generate.sh (regenerate and commit it):"
    echo "$changes"
    git --no-pager diff --stat clients/go
    return 1
  fi
}

echo "$(go version); EXPRUN_TARGET=${EXPRUN_TARGET:-127.0.0.1:50051 (default)}"
step "module download" in_module go mod download
step "module verify" in_module go mod verify
step "generated code fresh" generated_code_is_fresh
step "vet and build" in_module bash -c 'go vet ./... && go build ./...'
step "unit tests" in_module go test ./...
step "scenario" in_module go run ./cmd/scenario
# Every RPC of the service through the layer, checked against the server (36/36 or it fails).
step "api tour" in_module go run ./cmd/apitour
step "consumer project" bash clients/go/consumer_test.sh
# The writer benchmark at its smallest, so that it keeps building and running (the figures of
# the README come from `go run ./cmd/writerbench` at its default 2,000,000 points).
step "writer bench smoke" in_module go run ./cmd/writerbench -points 20000
printf '\n==> go ci: all steps passed (%ss)\n' "$((SECONDS - started))"
