#!/usr/bin/env bash
# Copies the Google protos our API imports (google/api/*.proto, google/rpc/**/*.proto) out of the
# googleapis-common-protos wheel installed in the venv into build/googleapis/, where buf.yaml uses
# them as a local module. Only those two directories: the wheel's site-packages root also holds
# google/protobuf/*.proto (which would clash with buf's built-in well-known types) and much more.
#
# Usage: scripts/googleapis_protos.sh [python]   (default: .venv/bin/python)
set -euo pipefail

cd "$(dirname "$0")/.."
python="${1:-.venv/bin/python}"
dest="$PWD/build/googleapis"

root="$("$python" -c 'import google.api, pathlib; print(pathlib.Path(google.api.__path__[0]).parent.parent)')"

rm -rf "$dest"
mkdir -p "$dest"
(
  cd "$root"
  # Sorted so the copy is the same on every machine; -print0 is safe for any name.
  find google/api -maxdepth 1 -name '*.proto' -print0
  find google/rpc -name '*.proto' -print0
) | sort -z | (cd "$root" && xargs -0 cp --parents -t "$dest")

count="$(find "$dest" -name '*.proto' | wc -l)"
if [[ "$count" -eq 0 ]]; then
  echo "no google/api or google/rpc protos found under $root" >&2
  exit 1
fi
echo "copied $count Google protos from $root to build/googleapis"
