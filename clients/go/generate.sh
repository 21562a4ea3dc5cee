#!/usr/bin/env bash
# Regenerates clients/go/exprunv1 from protos/exprun with buf and two local plugins installed from
# the Go module proxy at pinned versions into clients/go/.bin (git-ignored). Deterministic: the
# same protos, buf (pinned in package-lock.json) and plugin versions give the same bytes.
# Run from anywhere: `bash clients/go/generate.sh`.
set -euo pipefail

# Keep protoc-gen-go at the google.golang.org/protobuf version go.mod requires.
PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bin="$root/clients/go/.bin"

# install NAME MODULE_PATH VERSION: `go install`s the plugin unless .bin already has that version.
install() {
  local name="$1" module="$2" version="$3"
  if [[ -x "$bin/$name" ]] && [[ "$("$bin/$name" --version 2>/dev/null)" == *"${version#v}" ]]; then
    return
  fi
  echo "installing $name $version into clients/go/.bin"
  GOBIN="$bin" go install "$module@$version"
}
install protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go "$PROTOC_GEN_GO_VERSION"
install protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION"

# buf is pinned in the root package-lock.json; never let npx fetch a package called "buf".
if [[ ! -x node_modules/.bin/buf ]]; then
  make node_modules/.installed
fi
# The google/api protos our protos import (build/googleapis, made from the venv's wheel).
if [[ ! -f build/googleapis/google/api/field_behavior.proto ]]; then
  make install googleapis
fi

rm -f clients/go/exprunv1/*.pb.go
npx --no-install buf generate --template clients/go/buf.gen.yaml --path protos/exprun
