#!/usr/bin/env bash
# buf breaking (FILE rules) of the working tree's protos/ against those of a git ref, default
# HEAD~1 (the previous commit of main). `buf breaking --against '.git#ref=...'` cannot resolve
# our google/api imports, because the Google protos come from a wheel (build/googleapis) and are
# not committed; so this lays out the ref's workspace itself, in a temporary directory: the ref's
# protos/ beside the same build/googleapis and buf.yaml, and compares against that. (A single
# .binpb image would not do: the input is a two-module workspace, and buf compares module by
# module.)
#
# Usage: scripts/buf_breaking.sh [ref]   (run `make googleapis node_modules` first)
set -euo pipefail

cd "$(dirname "$0")/.."
ref="${1:-HEAD~1}"
buf=node_modules/.bin/buf

if ! git rev-parse --verify --quiet "$ref^{commit}" >/dev/null; then
  echo "buf breaking: skipped, no commit $ref (first commit, or a shallow clone)"
  exit 0
fi
if ! git cat-file -e "$ref:protos" 2>/dev/null; then
  echo "buf breaking: skipped, $ref has no protos/ directory"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git archive "$ref" protos | tar -x -C "$tmp"
mkdir -p "$tmp/build"
cp -R build/googleapis "$tmp/build/googleapis"
cp buf.yaml "$tmp/buf.yaml"

"$buf" breaking --against "$tmp"
echo "buf breaking: no breaking change against $ref ($(git rev-parse --short "$ref"))"
