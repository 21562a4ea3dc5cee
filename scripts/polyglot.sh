#!/usr/bin/env bash
# The polyglot interop check (clients/scenario/SCENARIO.md): one exprun server, the same scenario
# run by every client, then Python reads back through the API what each one wrote.
# Usage: scripts/polyglot.sh [LANG...]   (default: python go java typescript)
set -euo pipefail
cd "$(dirname "$0")/.."

languages=("$@")
[[ ${#languages[@]} -gt 0 ]] || languages=(python go java typescript)

data=$(mktemp -d)
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export EXPRUN_TARGET="127.0.0.1:$port"
.venv/bin/exprun serve --listen "$EXPRUN_TARGET" --data-dir "$data" >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT

# Bounded wait for readiness (30 s).
.venv/bin/python - <<'PY'
import os, time, grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
deadline = time.monotonic() + 30
with grpc.insecure_channel(os.environ["EXPRUN_TARGET"]) as channel:
    stub = health_pb2_grpc.HealthStub(channel)
    while True:
        try:
            if stub.Check(health_pb2.HealthCheckRequest(service="readiness"), timeout=1).status == 1:
                break
        except grpc.RpcError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("exprun server not ready after 30 s")
        time.sleep(0.1)
PY

for lang in "${languages[@]}"; do
  echo "--> scenario $lang"
  case "$lang" in
    python) .venv/bin/python clients/scenario/scenario.py ;;
    *) bash "clients/$lang/ci.sh" ;;
  esac
done
echo "--> check ${languages[*]}"
.venv/bin/python clients/scenario/check.py "${languages[@]}"
