#!/usr/bin/env bash
# Checks the deployment files on a machine with no Docker engine and no cluster:
#   1. hadolint lints the Dockerfile;
#   2. yamllint lints k8s/ (rules in k8s/.yamllint.yaml);
#   3. the Dockerfile's install runs as written: the build stage's COPY sources go into a scratch
#      context (each admitted by .dockerignore), its `pip install` line runs there into a fresh
#      venv, and that venv's `exprun` serves health on loopback (plaintext, then TLS with client
#      certificates, probed in plaintext on its --health-listen port as the kubelet does) and
#      exits 0 on SIGTERM;
#   4. every overlay builds with kustomize and validates with kubernetes-validate --strict
#      against the oldest and the newest Kubernetes we support;
#   5. the rendered overlays keep what the comments in k8s/ promise (probes on the health port,
#      which the NetworkPolicy admits, grace period,
#      security context, one replica on the embedded store) and set only settings that the
#      installed `exprun serve --help` lists, and docs/operations.md lists all of those.
# The tools are pinned (requirements/deploy-tools.txt; kustomize below) and installed into
# build/deploy-tools, reused while their pins are unchanged; kustomize compiles in the
# background meanwhile. Needs python3 (3.11, as in the image), go, and PyPI and the Go module
# proxy. Exits non-zero if any check failed; every check runs regardless.
set -euo pipefail

cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONUNBUFFERED=1

KUSTOMIZE_VERSION=v5.8.1 # builds with Go >= 1.24
# Oldest: the base's lifecycle.preStop.sleep (on by default from 1.30). Newest: the newest the
# pinned kubernetes-validate has schemas for; it validates offline from the schemas in its wheel.
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
OVERLAYS=(local vertex)
TOOLS=build/deploy-tools
VENV=$TOOLS/venv
REQUIREMENTS=requirements/deploy-tools.txt

start=$SECONDS
scratch=$(mktemp -d)
image_venv=$scratch/opt-exprun
server_pid=""
kustomize_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
  if [[ -n $kustomize_pid ]]; then kill "$kustomize_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# shellcheck source=scripts/check_steps.sh
source scripts/check_steps.sh

# --- tools -----------------------------------------------------------------------------------

install_python_tools() {
  if cmp -s "$REQUIREMENTS" "$VENV/.requirements" 2>/dev/null; then
    echo "python tools: up to date in $VENV"
    return
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --no-deps --only-binary=:all: -r "$REQUIREMENTS"
  "$VENV/bin/pip" check
  cp "$REQUIREMENTS" "$VENV/.requirements"
}

install_kustomize() {
  local bin=$TOOLS/bin/kustomize
  if [[ -x $bin && $("$bin" version 2>/dev/null) == "$KUSTOMIZE_VERSION" ]]; then
    echo "kustomize: $KUSTOMIZE_VERSION up to date in $TOOLS/bin"
    return
  fi
  mkdir -p "$TOOLS/bin"
  GOBIN="$PWD/$TOOLS/bin" GOFLAGS=-buildvcs=false \
    go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
}

echo "==> tools into $TOOLS (kustomize $KUSTOMIZE_VERSION builds in the background)"
install_kustomize >"$scratch/kustomize-install.log" 2>&1 &
kustomize_pid=$!
install_python_tools
echo "hadolint $("$VENV/bin/hadolint" --version | awk '{print $NF}')," \
  "yamllint $("$VENV/bin/yamllint" --version | awk '{print $NF}')," \
  "kubernetes-validate $("$VENV/bin/kubernetes-validate" --version)"

# --- 1. Dockerfile ---------------------------------------------------------------------------

check "hadolint Dockerfile" "$VENV/bin/hadolint" Dockerfile || true

# --- 2. YAML ---------------------------------------------------------------------------------

check "yamllint -s k8s" "$VENV/bin/yamllint" -s -c k8s/.yamllint.yaml k8s || true

# --- 3. The Dockerfile's install -------------------------------------------------------------

# The build stage without Docker: copy each COPY source of the build stage into a scratch
# context, then run the RUN line's `pip install` there, word for word.
dockerfile_install() {
  local context=$scratch/context copies line src dest
  mkdir -p "$context"
  copies=$(awk '/^FROM /{stage++} stage == 1 && /^COPY / && !/--from/' Dockerfile)
  [[ -n $copies ]] || { echo "no COPY in the Dockerfile's build stage"; return 1; }
  while read -r _ line; do
    read -r -a words <<<"$line"
    dest=${words[-1]}
    for src in "${words[@]:0:${#words[@]}-1}"; do
      if ! grep -qxF "!$src" .dockerignore; then
        echo ".dockerignore does not admit COPY source $src"
        return 1
      fi
      if [[ $dest == */ ]]; then mkdir -p "$context/$dest"; else mkdir -p "$(dirname "$context/$dest")"; fi
      cp -a "$src" "$context/$dest"
      echo "COPY $src $dest"
    done
  done <<<"$copies"
  # What .dockerignore leaves out inside the admitted trees.
  find "$context" \( -name __pycache__ -o -name '*.egg-info' -o -name build -o -name '*.py[cod]' \) \
    -prune -exec rm -rf {} +

  local install
  install=$(sed -n 's|^RUN .*/opt/exprun/bin/pip install \(.*\)$|\1|p' Dockerfile)
  if [[ -z $install || $(wc -l <<<"$install") -ne 1 ]]; then
    echo "expected exactly one 'RUN ... /opt/exprun/bin/pip install ...' line in the Dockerfile"
    return 1
  fi
  local python_version
  python_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  [[ $python_version == 3.11 ]] || echo "note: python3 is $python_version here; the image runs 3.11"
  python3 -m venv "$image_venv"
  echo "pip install $install"
  # The Dockerfile's words, split by the shell as Docker's RUN does.
  (cd "$context" && eval "\"$image_venv/bin/pip\" install --quiet $install")
  "$image_venv/bin/pip" check
  "$image_venv/bin/pip" list --format=freeze | grep -iE '^(exprun|exprun-client|google-cloud-aiplatform)==' \
    || { echo "the server, the client or the vertex extra is missing"; return 1; }
  if "$image_venv/bin/pip" list --format=freeze | grep -iE '^(pytest|mypy|ruff|hypothesis|grpcio-tools)=='; then
    echo "dev dependencies were installed"
    return 1
  fi
}

serve_help() {
  "$image_venv/bin/exprun" serve --help >"$scratch/serve-help.txt"
  head -n 3 "$scratch/serve-help.txt"
  # The vertex store's imports resolve with the installed extra.
  "$image_venv/bin/python" -c 'import exprun.server.stores.vertex.store'
  echo "exprun.server.stores.vertex.store imports"
}

free_port() {
  "$image_venv/bin/python" -c \
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server ARGS...: the installed server on a free loopback port ($port), clean environment.
start_server() {
  port=$(free_port)
  env -i PATH=/usr/bin:/bin HOME="$scratch" PYTHONUNBUFFERED=1 \
    "$image_venv/bin/exprun" serve --listen "127.0.0.1:$port" --data-dir "$scratch/data" \
    --shutdown-grace 5 "$@" >"$scratch/serve.log" 2>&1 &
  server_pid=$!
}

# stop_server RC: SIGTERM, expect exit 0 within 10 s; prints the log if anything failed.
stop_server() {
  local rc=$1 waited=0
  if [[ $rc -eq 0 ]]; then
    kill -TERM "$server_pid"
    while kill -0 "$server_pid" 2>/dev/null && [[ $waited -lt 20 ]]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "the server did not exit within 10 s of SIGTERM"
      rc=1
    else
      wait "$server_pid" || rc=$?
      if [[ $rc -eq 0 ]]; then echo "SIGTERM: exited 0"; else echo "SIGTERM: exited $rc"; fi
    fi
  fi
  kill "$server_pid" 2>/dev/null || true
  server_pid=""
  if [[ $rc -ne 0 ]]; then
    echo "server log:"
    cat "$scratch/serve.log"
  fi
  return "$rc"
}

# check_health PORT: "" and readiness SERVING in plaintext on 127.0.0.1:PORT within 30 s.
check_health() {
  "$image_venv/bin/python" - "$1" <<'PY'
import sys, time
import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

target = f"127.0.0.1:{sys.argv[1]}"
deadline = time.monotonic() + 30
with grpc.insecure_channel(target) as channel:
    stub = health_pb2_grpc.HealthStub(channel)
    for service in ("", "readiness"):
        while True:
            try:
                status = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=2).status
            except grpc.RpcError:
                status = None
            if status == health_pb2.HealthCheckResponse.SERVING:
                print(f"health {service!r}: SERVING on {target}")
                break
            if time.monotonic() > deadline:
                sys.exit(f"health {service!r} not SERVING within 30 s (last: {status})")
            time.sleep(0.2)
PY
}

# Plaintext, on the API port and on the health-only port.
serve_plaintext() {
  local health_port rc=0
  health_port=$(free_port)
  start_server --health-listen "127.0.0.1:$health_port"
  check_health "$port" || rc=$?
  if [[ $rc -eq 0 ]]; then check_health "$health_port" || rc=$?; fi
  stop_server "$rc"
}

# TLS with client certificates, as the vertex overlay can run it, probed as the kubelet does:
# plaintext, on the health-only port. A scratch CA signs the server's certificate.
serve_tls() {
  local tls=$scratch/tls
  mkdir -p "$tls"
  "$image_venv/bin/python" - "$tls" <<'PY'
import datetime, pathlib, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out = pathlib.Path(sys.argv[1])
now = datetime.datetime.now(datetime.UTC)

def certificate(subject, key, issuer, issuer_key, ca, sans=()):
    builder = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())

ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
ca = certificate("check-deploy CA", ca_key, "check-deploy CA", ca_key, True)
leaf = certificate("exprun", key, "check-deploy CA", ca_key, False, ["exprun.exprun.svc", "exprun"])
pem = serialization.Encoding.PEM
(out / "ca.crt").write_bytes(ca.public_bytes(pem))
(out / "tls.crt").write_bytes(leaf.public_bytes(pem))
(out / "tls.key").write_bytes(
    key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
)
PY
  local health_port rc=0
  health_port=$(free_port)
  start_server --tls-cert "$tls/tls.crt" --tls-key "$tls/tls.key" --tls-client-ca "$tls/ca.crt" \
    --health-listen "127.0.0.1:$health_port"
  check_health "$health_port" || rc=$?
  stop_server "$rc"
}

echo
echo "==> the Dockerfile's install"
check "Dockerfile build stage: COPY sources, then its 'pip install' into a fresh venv" dockerfile_install || true
if [[ -x $image_venv/bin/exprun ]]; then
  check "installed: exprun serve --help; the vertex store imports" serve_help || true
  check "installed: exprun serve answers health (\"\", readiness) in plaintext, exits 0 on SIGTERM" \
    serve_plaintext || true
  if grep -q -- '--tls-cert' "$scratch/serve-help.txt"; then
    check "installed: exprun serve with TLS and client certificates answers plaintext health on --health-listen" \
      serve_tls || true
  else
    echo "exprun serve has no --tls-cert: the TLS probe check is skipped"
  fi
fi

# --- 4. Manifests ----------------------------------------------------------------------------

echo
echo "==> manifests"
kustomize_rc=0
wait "$kustomize_pid" || kustomize_rc=$?
kustomize_pid=""
if [[ $kustomize_rc -ne 0 ]]; then
  cat "$scratch/kustomize-install.log"
  echo "FAILED: go install sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  exit 1
fi
echo "kustomize $("$TOOLS/bin/kustomize" version)"

# validate_overlay NAME: kustomize build, then kubernetes-validate --strict for each version. A
# resource with no schema (a misspelt kind or apiVersion) is only a WARN to the tool: fail on it.
validate_overlay() {
  local overlay=$1 out=$scratch/$1.yaml report=$scratch/$1.validate rc=0 versions=()
  "$TOOLS/bin/kustomize" build "k8s/overlays/$overlay" >"$out"
  for v in "${KUBERNETES_VERSIONS[@]}"; do versions+=(-k "$v"); done
  "$VENV/bin/kubernetes-validate" --strict "${versions[@]}" "$out" >"$report" || rc=$?
  sed "s|$scratch/||" "$report"
  if grep -qE '^(WARN|ERROR|FATAL)' "$report"; then rc=1; fi
  return "$rc"
}

for overlay in "${OVERLAYS[@]}"; do
  check "kustomize build k8s/overlays/$overlay | kubernetes-validate --strict -k ${KUBERNETES_VERSIONS[*]}" \
    validate_overlay "$overlay" || true
done

# --- 5. What the manifests promise -----------------------------------------------------------

manifest_rules() {
  local help=$scratch/serve-help.txt files=()
  [[ -s $help ]] || help=""
  for overlay in "${OVERLAYS[@]}"; do
    [[ -s $scratch/$overlay.yaml ]] && files+=("$scratch/$overlay.yaml")
  done
  "$VENV/bin/python" - "$help" "${files[@]}" <<'PY'
import os, re, sys
import yaml

help_path, paths = sys.argv[1], sys.argv[2:]
known = set(re.findall(r"EXPRUN_[A-Z0-9_]+", open(help_path).read())) if help_path else None
problems = []

for path in paths:
    overlay = os.path.basename(path).removesuffix(".yaml")
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)

    def bad(message):
        problems.append(f"{overlay}: {message}")

    (deployment,) = by_kind["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = [c for c in pod["containers"] if c["name"] == "exprun"]
    config = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        (cm,) = [c for c in by_kind.get("ConfigMap", []) if c["metadata"]["name"] == name]
        config.update(cm["data"])
    config.update({e["name"]: e.get("value") for e in container.get("env", [])})

    # Settings: only variables the installed server knows.
    names = {k for k in config if k.startswith("EXPRUN_")}
    if known is None:
        bad("exprun serve --help was not available: settings not checked")
    else:
        for unknown in sorted(names - known):
            bad(f"{unknown} is not a setting of `exprun serve` (see --help)")

    # Probes: native gRPC on the plaintext health-only port (EXPRUN_HEALTH_LISTEN), which
    # answers even when the API port serves TLS (the kubelet's gRPC probes are plaintext only)
    # and however loaded it is; the container declares it and the NetworkPolicy admits it.
    tls = bool(config.get("EXPRUN_TLS_CERT"))
    health_listen = config.get("EXPRUN_HEALTH_LISTEN") or ""
    health_port = int(health_listen.rpartition(":")[2]) if health_listen else None
    if health_port is None:
        bad("EXPRUN_HEALTH_LISTEN is not set: the probes need the plaintext health-only port")
    entries = {"startupProbe": "", "livenessProbe": "", "readinessProbe": "readiness"}
    for probe, entry in entries.items():
        spec = container.get(probe, {})
        grpc = spec.get("grpc")
        if not grpc or set(spec) & {"exec", "httpGet", "tcpSocket"} or grpc.get("port") != health_port:
            bad(f"{probe} is not only a gRPC probe on the health port {health_port}: {spec}")
        elif grpc.get("service", "") != entry:
            bad(f"{probe} checks health entry {grpc.get('service', '')!r}, not {entry!r}")
    named = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    if health_port is not None and health_port not in named.values():
        bad(f"the container does not declare the health port {health_port}")
    admitted = {
        named.get(p.get("port"), p.get("port"))
        for policy in by_kind.get("NetworkPolicy", [])
        for rule in policy["spec"].get("ingress", [])
        if not rule.get("from")  # from anywhere: the kubelet's node address has no selector
        for p in rule.get("ports", [])
    }
    if health_port is not None and health_port not in admitted:
        bad(f"no NetworkPolicy ingress rule admits the kubelet to the health port {health_port}")

    # Termination: preStop pause + shutdown grace + 10 s for the final flush fit in the period.
    pause = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
    grace = float(config.get("EXPRUN_SHUTDOWN_GRACE") or 10)
    period = pod.get("terminationGracePeriodSeconds", 30)
    if period < pause + grace + 10:
        bad(f"terminationGracePeriodSeconds {period} < preStop {pause} + shutdown grace {grace} + 10")

    # Security context.
    psc, csc = pod.get("securityContext", {}), container.get("securityContext", {})
    for key, want in (("runAsNonRoot", True), ("runAsUser", 65532), ("runAsGroup", 65532)):
        if csc.get(key, psc.get(key)) != want:
            bad(f"securityContext.{key} is not {want}")
    for key, want in (("readOnlyRootFilesystem", True), ("allowPrivilegeEscalation", False)):
        if csc.get(key) is not want:
            bad(f"container securityContext.{key} is not {want}")
    if csc.get("capabilities", {}).get("drop") != ["ALL"]:
        bad("capabilities do not drop ALL")
    if csc.get("seccompProfile", psc.get("seccompProfile", {})).get("type") != "RuntimeDefault":
        bad("seccompProfile is not RuntimeDefault")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    data_dir = config.get("EXPRUN_DATA_DIR", "/var/lib/exprun")
    for mount in ("/tmp", data_dir):
        if mount not in mounts:
            bad(f"{mount} is not a mounted volume (the root filesystem is read-only)")
    for setting in ("EXPRUN_TLS_CERT", "EXPRUN_TLS_KEY", "EXPRUN_TLS_CLIENT_CA", "EXPRUN_AUTH_TOKENS_FILE",
                    "EXPRUN_AUTH_POLICY", "EXPRUN_PAGE_TOKEN_KEY_FILE"):
        file = config.get(setting)
        if file and not any(file.startswith(m.rstrip("/") + "/") for m in mounts):
            bad(f"{setting}={file} is on no mounted volume")
    for kind in ("requests", "limits"):
        if set(container.get("resources", {}).get(kind, {})) != {"cpu", "memory"}:
            bad(f"resources.{kind} do not set cpu and memory")

    # Service: gRPC over h2c on 50051; the other resources of the base.
    ports = [p for s in by_kind.get("Service", []) for p in s["spec"]["ports"]]
    if not any(p["port"] == 50051 and p.get("appProtocol") == "kubernetes.io/h2c" for p in ports):
        bad("no Service port 50051 with appProtocol kubernetes.io/h2c")
    for kind in ("ServiceAccount", "PodDisruptionBudget", "NetworkPolicy"):
        if kind not in by_kind:
            bad(f"no {kind}")

    # The embedded store is one SQLite writer: one pod, Recreate, no autoscaler, a real volume.
    store = config.get("EXPRUN_STORE", "embedded")
    hpas = by_kind.get("HorizontalPodAutoscaler", [])
    if store == "embedded":
        if deployment["spec"].get("replicas") != 1:
            bad("embedded store with replicas != 1")
        if deployment["spec"].get("strategy", {}).get("type") != "Recreate":
            bad("embedded store without strategy Recreate")
        if any(h["spec"]["maxReplicas"] > 1 for h in hpas):
            bad("embedded store with an autoscaler above one replica")
        if "persistentVolumeClaim" not in volumes.get(mounts.get(data_dir), {}):
            bad("embedded store's data dir is not a PersistentVolumeClaim")
    else:
        if not hpas or hpas[0]["spec"].get("minReplicas", 1) < 2:
            bad(f"{store} store without an autoscaler of 2+ replicas")
        if "replicas" in deployment["spec"]:
            bad("replicas set beside an autoscaler (every apply would reset it)")
    print(f"{overlay}: store {store}, TLS {'on' if tls else 'off'}, {len(docs)} resources;"
          f" settings {', '.join(sorted(names))}")

for problem in problems:
    print("problem:", problem)
sys.exit(1 if problems else 0)
PY
}

check "rendered overlays keep the rules of k8s/ comments; settings known to exprun serve --help" \
  manifest_rules || true

# docs/operations.md lists every setting (its table is generated from `exprun serve --help`).
docs_settings() {
  local help=$scratch/serve-help.txt missing=() var
  [[ -s $help ]] || { echo "exprun serve --help was not available"; return 1; }
  while read -r var; do
    grep -qF "\`$var\`" docs/operations.md || missing+=("$var")
  done < <(grep -oE 'EXPRUN_[A-Z0-9_]+' "$help" | sort -u)
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "docs/operations.md (Configure) does not list: ${missing[*]}"
    return 1
  fi
  echo "docs/operations.md lists all $(grep -oE 'EXPRUN_[A-Z0-9_]+' "$help" | sort -u | wc -l) settings"
}

check "docs/operations.md lists every setting of exprun serve --help" docs_settings || true

# --- summary ---------------------------------------------------------------------------------

check_summary check_deploy "deployment checks"
