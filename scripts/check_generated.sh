#!/usr/bin/env bash
# Fails when the committed generated code differs from what scripts/generate.py makes from
# protos/ now, so generated code can never drift from its source. Regenerates in place: after a
# failure the working tree holds the fresh code, ready to review and commit.
#
# Usage: scripts/check_generated.sh [python]   (default: .venv/bin/python)
set -euo pipefail

cd "$(dirname "$0")/.."
python="${1:-.venv/bin/python}"
generated=(clients/python/exprun/v1 service/exprun/server/tensorboard_proto clients/go clients/java clients/typescript)

"$python" scripts/generate.py

# --porcelain also lists new files that were generated but never committed.
changes="$(git status --porcelain --untracked-files=all -- "${generated[@]}")"
if [[ -n "$changes" ]]; then
  echo "Generated code is stale: run 'make generate' and commit the result." >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- "${generated[@]}" >&2
  exit 1
fi
echo "generated code is up to date"
