#!/usr/bin/env bash
# Regenerates src/gen (committed) from protos/ with ts-proto for @grpc/grpc-js.
#
# Deterministic: buf and protoc-gen-ts_proto are the versions pinned in package-lock.json
# (node_modules/.bin, installed by `npm ci`), run as `local:` plugins; nothing is fetched.
# Runs from anywhere; needs build/googleapis (made by `make install googleapis` if missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [[ ! -x "$here/node_modules/.bin/buf" || ! -x "$here/node_modules/.bin/protoc-gen-ts_proto" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts)
fi
# The buf workspace (buf.yaml) includes the google/api and google/rpc protos copied from the
# googleapis-common-protos wheel.
if [[ ! -f build/googleapis/google/rpc/status.proto ]]; then
  make install googleapis
fi

# Equivalent to `npx buf generate --template clients/typescript/buf.gen.yaml` from the root,
# with the pinned buf of this package.
"$here/node_modules/.bin/buf" generate --template clients/typescript/buf.gen.yaml

# ts-proto also emits every file the protos import, including the google/api annotations and
# descriptor.proto behind them. The generated code never imports those (they only carry
# options), so they are dropped with duration.proto, which only they import; tsc fails if that
# ever changes.
rm -rf "$here/src/gen/google/api" "$here/src/gen/google/protobuf/descriptor.ts" "$here/src/gen/google/protobuf/duration.ts"
