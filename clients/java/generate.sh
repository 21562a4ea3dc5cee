#!/usr/bin/env bash
# Regenerates clients/java/src/generated/java from protos/exprun/v1/*.proto.
#
# protoc and protoc-gen-grpc-java are the pinned Maven Central artifacts (versions in pom.xml,
# fetched into target/protoc by the `generate` profile), so every machine produces the same bytes.
# The imported google/api and google/protobuf protos come from the protobuf-java and
# proto-google-common-protos jars the client is compiled against; only our own package is
# generated (the Google classes ship in those jars).
#
# Usage: bash clients/java/generate.sh   (from anywhere)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/src/generated/java"
protoc_dir="$here/target/protoc"

# From this directory, so Maven picks up .mvn/jvm.config.
# Debian's Maven 3.8 prints stray colour resets even in batch mode; they are stripped.
(cd "$here" && mvn -q -B -Pgenerate initialize 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
chmod +x "$protoc_dir/bin/protoc" "$protoc_dir/bin/protoc-gen-grpc-java"

rm -rf "$out"
mkdir -p "$out"
cd "$root/protos"
# Sorted file list: the same command line, and so the same output, everywhere.
mapfile -t protos < <(find exprun -name '*.proto' | LC_ALL=C sort)
"$protoc_dir/bin/protoc" \
  --proto_path=. \
  --proto_path="$protoc_dir/include" \
  --plugin=protoc-gen-grpc-java="$protoc_dir/bin/protoc-gen-grpc-java" \
  --java_out="$out" \
  --grpc-java_out="$out" \
  "${protos[@]}"
echo "generated $(find "$out" -name '*.java' | wc -l) Java files from ${#protos[@]} protos into ${out#"$root"/}"
