#!/usr/bin/env bash
# Builds the real image from the Dockerfile and runs it, on a machine with no Docker engine and no
# image registry:
#   1. buildah and debootstrap from apt (when missing);
#   2. the base: Debian bookworm with python3 made by debootstrap from the mirror apt already uses
#      (read from /etc/apt/sources*), in place of python:3.11-slim-bookworm, which needs a
#      registry. Built once and reused while its inputs are the same (`buildah rmi` to rebuild);
#   3. the Dockerfile, unchanged, with buildah (`--isolation chroot`, no daemon). pip in the build
#      reaches the package index the way this machine's pip does: the host's pip configuration and
#      PIP_* network settings, and its CA bundle, are mounted into the build's RUN steps only;
#   4. sizes: the image layer by layer, the venv and its largest packages (budget below);
#   5. the container (`buildah run --isolation chroot`, its ENTRYPOINT as its USER, on a loopback
#      port, a host directory as its data volume) on the embedded store: cold start to SERVING,
#      health and readiness, the Python interop scenario (clients/scenario), SIGTERM drains and
#      exits 0; then a restart on the same data directory, where the scenario's data is still
#      read back intact, and SIGTERM again;
#   6. the container with the vertex overlay's settings (k8s/base and k8s/overlays/vertex
#      config.env: TLS, static tokens, JWKS, policy, each file mounted where the overlay mounts
#      it) against the Vertex fake (`python -m tests.fakes.vertex`, from the host venv on
#      loopback): the kubelet's probes on the plaintext health-only port, the scenario over TLS with a
#      JWT, the read-back with a static token, SIGTERM exits 0. This is what proves the
#      Dockerfile's prune safe: the vertex store runs from the pruned venv.
# The clients run from the host's .venv (make install). Needs root (apt, debootstrap, buildah).
# Exits non-zero if any check failed.
set -euo pipefail

cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONUNBUFFERED=1

SUITE=bookworm # the Debian release of python:3.11-slim-bookworm: Python 3.11
BASE_PACKAGES=python3,python3-venv,python-is-python3,ca-certificates
IMAGE=localhost/exprun:check
VENV_BUDGET_MB=200 # the venv in /opt/exprun (about 380 MB before the Dockerfile's prune)
PROJECT=polyglot-ci # the scenario's project and location (clients/scenario)
LOCATION=us-central1
PY=.venv/bin/python

start=$SECONDS
scratch=$(mktemp -d)
ctr=""
server_pid=""
fake_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n $fake_pid ]]; then kill "$fake_pid" 2>/dev/null || true; fi
  if [[ -n $ctr ]]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# shellcheck source=scripts/check_steps.sh
source scripts/check_steps.sh
summary() { check_summary check_image "image checks"; }

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- 1. tools --------------------------------------------------------------------------------

install_tools() {
  if [[ $EUID -ne 0 ]]; then
    echo "needs root: apt-get, debootstrap, and buildah's storage and chroot isolation"
    return 1
  fi
  if command -v buildah >/dev/null && command -v debootstrap >/dev/null; then
    echo "buildah and debootstrap: installed"
  else
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah debootstrap # with fuse-overlayfs, gnupg, the keyring
  fi
  buildah --version
  echo "debootstrap $(dpkg-query -W -f '${Version}' debootstrap)"
}

# --- 2. the base -----------------------------------------------------------------------------

# The first `deb` source for $SUITE's main component in apt's own configuration.
debian_mirror() {
  python3 - "$SUITE" <<'PY'
import glob, os, re, sys

suite = sys.argv[1]

def entries():
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.isfile(path):
            for line in open(path):
                words = re.sub(r"\[[^]]*\]", " ", line.split("#", 1)[0]).split()
                if len(words) >= 4 and words[0] == "deb":
                    yield words[1], words[2:3], words[3:]
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in re.split(r"\n\s*\n", open(path).read()):
            fields = {}
            for line in stanza.splitlines():
                if ":" in line and not line.startswith(("#", " ", "\t")):
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.split()
            if "deb" in fields.get("types", []) and fields.get("enabled", ["yes"]) != ["no"]:
                for uri in fields.get("uris", []):
                    yield uri, fields.get("suites", []), fields.get("components", [])

for uri, suites, components in entries():
    if suite in suites and "main" in components:
        print(uri)
        sys.exit(0)
sys.exit(f"no 'deb' source for {suite} main in /etc/apt/sources.list or sources.list.d")
PY
}

make_base() {
  local mirror key rootfs=$scratch/rootfs context=$scratch/base
  mirror=$(debian_mirror)
  key=$(printf '%s %s %s' "$SUITE" "$BASE_PACKAGES" "$mirror" | sha256sum | cut -c1-12)
  base=localhost/exprun-base:$SUITE-$key
  if buildah inspect --type image "$base" >/dev/null 2>&1; then
    echo "base $base: reused (its suite, packages and mirror are unchanged)"
    return
  fi
  local t0=$SECONDS
  echo "debootstrap --variant=minbase --include=$BASE_PACKAGES $SUITE (mirror from apt's sources)"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$rootfs" "$mirror" \
    >"$scratch/debootstrap.log" 2>&1 || {
    tail -n 30 "$scratch/debootstrap.log"
    return 1
  }
  echo "debootstrap: $((SECONDS - t0)) s"
  # As Debian's own images: no package lists or downloaded packages.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*
  mkdir -p "$context"
  tar -C "$rootfs" -cf "$context/rootfs.tar" . || return 1
  rm -rf "$rootfs"
  printf '%s\n' 'FROM scratch' 'ADD rootfs.tar /' 'ENV LANG=C.UTF-8' 'CMD ["python3"]' >"$context/Containerfile"
  buildah build --quiet --isolation chroot -t "$base" "$context" >/dev/null || return 1
  rm -rf "$context"
  echo "base $base: built in $((SECONDS - t0)) s"
}

# --- 3. the image ----------------------------------------------------------------------------

# pip.conf for the build: the host's pip configuration files merged, then its PIP_* network
# settings; prints the files it names (CA bundles, client certificates) for mounting.
pip_config() {
  python3 - "$scratch/pip.conf" <<'PY'
import configparser, os, sys

config = configparser.RawConfigParser()
files = ["/etc/xdg/pip/pip.conf", "/etc/pip.conf", os.path.expanduser("~/.pip/pip.conf"),
         os.path.expanduser("~/.config/pip/pip.conf"), os.environ.get("PIP_CONFIG_FILE", "")]
config.read([f for f in files if f and os.path.isfile(f)])
if not config.has_section("global"):
    config.add_section("global")
for key in ("index-url", "extra-index-url", "trusted-host", "cert", "client-cert", "proxy", "timeout",
            "retries"):
    value = os.environ.get("PIP_" + key.upper().replace("-", "_"))
    if value:
        config.set("global", key, value)
with open(sys.argv[1], "w") as out:
    config.write(out)
for section in config.sections():
    for key in ("cert", "client-cert"):
        path = config.get(section, key, fallback="")
        if path and os.path.isfile(path):
            print(path)
PY
}

build_image() {
  local mounts=() bundle=/etc/ssl/certs/ca-certificates.crt file
  [[ -f $bundle ]] && mounts+=(-v "$bundle:$bundle:ro")
  while read -r file; do
    [[ -n $file && $file != "$bundle" ]] && mounts+=(-v "$file:$file:ro")
  done < <(pip_config)
  mounts+=(-v "$scratch/pip.conf:/etc/pip.conf:ro")
  local t0=$SECONDS
  echo "buildah build --isolation chroot --layers --build-arg PYTHON_IMAGE=$base -t $IMAGE ."
  buildah build --isolation chroot --pull=false --layers "${mounts[@]}" \
    --build-arg PYTHON_IMAGE="$base" --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || true)" \
    -t "$IMAGE" . >"$scratch/build.log" 2>&1 || {
    tail -n 40 "$scratch/build.log"
    return 1
  }
  grep -E '^\[[0-9]/[0-9]\] STEP|Using cache' "$scratch/build.log" | grep -B1 'Using cache' | grep STEP |
    sed 's/^/cached: /' || true
  echo "image $IMAGE: built in $((SECONDS - t0)) s"
}

# --- 4. sizes --------------------------------------------------------------------------------

image_config() {
  buildah inspect --type image "$IMAGE" | python3 -c '
import json, sys
config = json.load(sys.stdin)["OCIv1"]["config"]
print(config.get("User", ""))
print(json.dumps(config.get("Entrypoint") or []))'
}

sizes() {
  local root driver mnt site venv_mb
  root=$(buildah info --format '{{.store.GraphRoot}}')
  driver=$(buildah info --format '{{.store.GraphDriverName}}')
  buildah inspect --type image "$IMAGE" >"$scratch/image.json"
  buildah inspect --type image "$base" >"$scratch/base.json"
  python3 - "$scratch/image.json" "$root/$driver-layers/layers.json" "$scratch/base.json" <<'PY'
import json, sys

image = json.load(open(sys.argv[1]))["OCIv1"]
base = set(json.load(open(sys.argv[3]))["OCIv1"]["rootfs"]["diff_ids"])
layers = {layer.get("diff-digest"): layer.get("diff-size", 0) for layer in json.load(open(sys.argv[2]))}
steps = [h.get("created_by", "") for h in image.get("history", []) if not h.get("empty_layer")]
total = 0
print(f"{'MB':>8}  layer (created by)")
for digest, step in zip(image["rootfs"]["diff_ids"], steps):
    size = layers.get(digest, 0)
    total += size
    step = "the base" if digest in base else " ".join(step.replace("/bin/sh -c ", "").split())
    print(f"{size / 1e6:8.1f}  {step[:100]}")
print(f"{total / 1e6:8.1f}  image in all")
PY
  mnt=$(buildah mount "$ctr")
  site=$(find "$mnt/opt/exprun/lib" -maxdepth 2 -name site-packages)
  venv_mb=$(du -sm "$mnt/opt/exprun" | cut -f1)
  echo "venv /opt/exprun: $venv_mb MB (budget $VENV_BUDGET_MB MB); largest in site-packages (MB):"
  # One du per level: du counts a directory it has already seen as part of its parent once.
  (cd "$site" && for level in '*' 'google/*' 'google/cloud/*'; do du -sm -- $level; done) |
    sort -rn | head -n 15 | sed 's/^/  /'

  buildah umount "$ctr" >/dev/null
  for tool in pip setuptools; do
    if [[ -e $site/$tool ]]; then
      echo "$tool is in the final image"
      return 1
    fi
  done
  if [[ $venv_mb -gt $VENV_BUDGET_MB ]]; then
    echo "the venv is over its budget: $venv_mb MB > $VENV_BUDGET_MB MB (see the Dockerfile's prune)"
    return 1
  fi
}

# --- 5./6. the container ---------------------------------------------------------------------

# start_server LOG RUN-OPTIONS... -- SERVE-ARGS...: the image's entrypoint, `serve`, as its user.
start_server() {
  local log=$1 opts=()
  shift
  while [[ $1 != -- ]]; do
    opts+=("$1")
    shift
  done
  shift
  t_launch=$(date +%s.%N)
  buildah run --isolation chroot --user "$image_user" "${opts[@]}" "$ctr" -- \
    "${entrypoint[@]}" serve "$@" >"$log" 2>&1 &
  server_pid=$!
}

# wait_serving TARGET [CA]: health "" and readiness SERVING within 60 s; prints the time from
# `buildah run` to SERVING (the container's cold start).
wait_serving() {
  "$PY" - "$1" "${2:-}" "$t_launch" "$server_pid" <<'PY'
import os, sys, time
import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

target, ca, launched, pid = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
# Reconnect at once: gRPC's default backoff (1 s, growing) would be counted as start-up time.
options = [("grpc.initial_reconnect_backoff_ms", 20), ("grpc.min_reconnect_backoff_ms", 20),
           ("grpc.max_reconnect_backoff_ms", 50)]
if ca:
    channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(open(ca, "rb").read()), options)
else:
    channel = grpc.insecure_channel(target, options)
stub = health_pb2_grpc.HealthStub(channel)
deadline = time.monotonic() + 60
for service in ("", "readiness"):
    while True:
        try:
            status = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=2).status
        except grpc.RpcError:
            status = None
        if status == health_pb2.HealthCheckResponse.SERVING:
            break
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("the container exited before it was SERVING")
        if time.monotonic() > deadline:
            sys.exit(f"health {service!r} not SERVING within 60 s (last: {status})")
        time.sleep(0.02)
    if service == "":
        serving = time.time()
print(f"health '' and 'readiness': SERVING on {target}")


def started(pid: int) -> float:
    """When the process was exec'd: /proc's start time (10 ms ticks since boot) on this clock."""
    ticks = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19])
    since_boot = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
    return since_boot + ticks / os.sysconf("SC_CLK_TCK")


children = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            parent = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry))
server = pid
while children.get(server):
    server = children[server][0]
fields = open(f"/proc/{server}/stat").read().rsplit(")", 1)[1].split()
cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
print(f"cold start: buildah run to health SERVING {serving - launched:.2f} s; the server process"
      f" (exec'd {started(server) - launched:.2f} s after buildah run) to SERVING"
      f" {serving - started(server):.2f} s (target 1.5 s), {cpu:.2f} s of CPU")
PY
}

# stop_server LOG: SIGTERM to the server process inside the container (buildah run does not
# forward signals; with chroot isolation it is a process on this host), then exit 0 within 30 s.
stop_server() {
  local log=$1 pid=$server_pid child uid rc=0 waited=0
  while child=$(pgrep -P "$pid" | head -n 1) && [[ -n $child ]]; do pid=$child; done
  uid=$(stat -c %u "/proc/$pid")
  if [[ $uid != "${image_user%%:*}" ]]; then
    echo "the container's process $pid runs as uid $uid, not the image's user $image_user"
    rc=1
  fi
  kill -TERM "$pid"
  while kill -0 "$server_pid" 2>/dev/null && [[ $waited -lt 60 ]]; do
    sleep 0.5
    waited=$((waited + 1))
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "the container did not exit within 30 s of SIGTERM"
    kill -KILL "$server_pid" 2>/dev/null || true
    rc=1
  fi
  local exit_rc=0
  wait "$server_pid" || exit_rc=$?
  server_pid=""
  if [[ $exit_rc -eq 0 ]]; then echo "SIGTERM: drained, exited 0"; else echo "SIGTERM: exited $exit_rc"; fi
  [[ $exit_rc -eq 0 ]] || rc=1
  if [[ $rc -ne 0 ]]; then
    echo "server log:"
    tail -n 40 "$log"
  fi
  return "$rc"
}

# fail_server LOG MESSAGE: the server log after a failed check, then the container stopped.
fail_server() {
  echo "$2; server log:"
  tail -n 40 "$1"
  if [[ -n $server_pid ]]; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  return 1
}

embedded() {
  local data=$scratch/data port log=$scratch/embedded.log
  mkdir -p "$data"
  chown "$image_user" "$data"
  port=$(free_port)
  export EXPRUN_TARGET=127.0.0.1:$port
  echo "first start, data volume $data at /var/lib/exprun"
  start_server "$log" -v "$data:/var/lib/exprun" -- --listen "$EXPRUN_TARGET"
  wait_serving "$EXPRUN_TARGET" || { fail_server "$log" "not serving"; return 1; }
  "$PY" clients/scenario/scenario.py || { fail_server "$log" "the scenario failed"; return 1; }
  "$PY" clients/scenario/check.py python || { fail_server "$log" "the check failed"; return 1; }
  stop_server "$log" || return 1

  echo "restart on the same data directory"
  start_server "$log.2" -v "$data:/var/lib/exprun" -- --listen "$EXPRUN_TARGET"
  wait_serving "$EXPRUN_TARGET" || { fail_server "$log.2" "not serving after the restart"; return 1; }
  "$PY" clients/scenario/check.py python || { fail_server "$log.2" "the data did not survive"; return 1; }
  stop_server "$log.2"
}

# The vertex overlay's secrets and files, made for this run: a CA and the server's certificate
# (for 127.0.0.1, so the clients verify it), a JWKS with the key that signs the scenario's JWT,
# a static token, and the overlay's policy for this project.
vertex_files() {
  local dir=$1 issuer=$2
  mkdir -p "$dir/tls" "$dir/auth" "$dir/policy" "$dir/page-token"
  head -c 48 /dev/urandom | base64 >"$dir/page-token/key" # the exprun-page-token Secret
  sed "s/PROJECT_ID/$PROJECT/g" k8s/overlays/vertex/policy.json >"$dir/policy/policy.json"
  "$PY" - "$dir" "$issuer" "$PROJECT" <<'PY' || return 1
import datetime, hashlib, ipaddress, json, pathlib, secrets, sys
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out, issuer, project = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
now = datetime.datetime.now(datetime.UTC)

def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

ca_key, key, signer = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
ca = (x509.CertificateBuilder().subject_name(name("check-image CA")).issuer_name(name("check-image CA"))
      .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
      .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
      .sign(ca_key, hashes.SHA256()))
leaf = (x509.CertificateBuilder().subject_name(name("exprun")).issuer_name(name("check-image CA"))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("exprun")]), critical=False)
        .sign(ca_key, hashes.SHA256()))
pem = serialization.Encoding.PEM
(out / "tls/ca.crt").write_bytes(ca.public_bytes(pem))
(out / "tls/tls.crt").write_bytes(leaf.public_bytes(pem))
(out / "tls/tls.key").write_bytes(
    key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(signer.public_key()))
jwk.update(kid="check-image", alg="ES256", use="sig")
(out / "auth/jwks.json").write_text(json.dumps({"keys": [jwk]}))
token = secrets.token_urlsafe(32)
(out / "auth/tokens.json").write_text(json.dumps({"tokens": [
    {"sha256": hashlib.sha256(token.encode()).hexdigest(), "principal": "ci-check", "projects": [project]}]}))
(out / "token").write_text(token)
# A pod of the ml-training namespace, which the overlay's policy lets into PROJECT_ID.
claims = {"iss": issuer, "aud": "exprun", "sub": "system:serviceaccount:ml-training:trainer",
          "iat": int(now.timestamp()), "exp": int(now.timestamp()) + 3600}
(out / "jwt").write_text(jwt.encode(claims, signer, algorithm="ES256", headers={"kid": "check-image"}))
PY
  chown -R "$image_user" "$dir"
  chmod -R go-rwx "$dir/tls" "$dir/auth" "$dir/page-token"
}

# The overlay's environment (k8s/base/config.env, then k8s/overlays/vertex/config.env) with its
# placeholders filled in; the settings that name things unreachable here point at local ones.
vertex_env() {
  local listen=$1 fake=$2 tensorboard=$3 health=$4
  cat k8s/base/config.env k8s/overlays/vertex/config.env | grep -E '^[A-Z_]+=' |
    sed -e "s/PROJECT_ID/$PROJECT/g" -e "s/LOCATION/$LOCATION/g" -e "s/CLUSTER_NAME/check/g" \
      -e "s/TENSORBOARD_ID/$tensorboard/g" |
    grep -vE '^OTEL_EXPORTER_OTLP_ENDPOINT=' | # no collector here
    sed -e "s|^EXPRUN_LISTEN=.*|EXPRUN_LISTEN=$listen|" \
      -e "s|^EXPRUN_HEALTH_LISTEN=.*|EXPRUN_HEALTH_LISTEN=$health|" \
      -e "s|^EXPRUN_AUTH_JWKS=.*|EXPRUN_AUTH_JWKS=/etc/exprun/auth/jwks.json|" \
      -e "s|^EXPRUN_MODEL_STAGING_URI=.*|EXPRUN_MODEL_STAGING_URI=/var/lib/exprun/models|"
  echo "EXPRUN_VERTEX_ENDPOINT=$fake"
  echo "EXPRUN_VERTEX_PLAINTEXT=true"
}

# The last value of each variable, in first-seen order (the overlay's file merges over the base's).
last_wins() {
  awk -F= '!($1 in value) { order[n++] = $1 } { value[$1] = $0 } END { for (i = 0; i < n; i++) print value[order[i]] }'
}

vertex() {
  local dir=$scratch/vertex data=$scratch/vertex-data port log=$scratch/vertex.log fake tensorboard=tb-check
  local issuer=https://container.googleapis.com/v1/projects/$PROJECT/locations/$LOCATION/clusters/check
  mkdir -p "$data"
  chown "$image_user" "$data"
  "$PY" -m tests.fakes.vertex --project "$PROJECT=123456789" \
    --tensorboard "$PROJECT/$LOCATION/$tensorboard" --pipeline-job "$PROJECT/$LOCATION/pipeline-python" \
    >"$scratch/fake.log" 2>&1 &
  fake_pid=$!
  local waited=0
  until fake=$(sed -n 's/^vertex fake serving on //p' "$scratch/fake.log") && [[ -n $fake ]]; do
    if [[ $waited -gt 300 ]] || ! kill -0 "$fake_pid" 2>/dev/null; then
      cat "$scratch/fake.log"
      echo "the Vertex fake did not start"
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "Vertex fake on $fake (host venv)"
  vertex_files "$dir" "$issuer" || return 1
  port=$(free_port)
  export EXPRUN_TARGET=127.0.0.1:$port
  local env_opts=() line mounts=()
  local health=127.0.0.1:$(free_port)
  vertex_env "$EXPRUN_TARGET" "$fake" "$tensorboard" "$health" | last_wins >"$scratch/vertex.env"
  sed 's/^/  /' "$scratch/vertex.env"
  while read -r line; do env_opts+=(-e "$line"); done <"$scratch/vertex.env"
  for volume in tls auth policy page-token; do mounts+=(-v "$dir/$volume:/etc/exprun/$volume:ro"); done
  mounts+=(-v "$data:/var/lib/exprun")
  start_server "$log" "${env_opts[@]}" "${mounts[@]}" --
  wait_serving "$EXPRUN_TARGET" "$dir/tls/ca.crt" || { fail_server "$log" "not serving"; return 1; }

  # The kubelet's gRPC probes: plaintext, on the health-only port, while the API port is TLS.
  "$PY" - "$health" <<'PY' || { fail_server "$log" "the plaintext health port failed"; return 1; }
import sys
import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

with grpc.insecure_channel(sys.argv[1]) as channel:
    for service in ("", "readiness"):
        status = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=10).status
        if status != health_pb2.HealthCheckResponse.SERVING:
            sys.exit(f"health {service!r} on the health port: {status}")
print("plaintext health port: SERVING")
PY

  "$PY" - "$dir" <<'PY' || { fail_server "$log" "the scenario over TLS failed"; return 1; }
import pathlib, sys
import grpc

sys.path.insert(0, "clients/scenario")
import check  # noqa: E402
import scenario  # noqa: E402
from exprun import client  # noqa: E402
from exprun.client import ExperimentRun, errors  # noqa: E402

secrets = pathlib.Path(sys.argv[1])
credentials = grpc.ssl_channel_credentials((secrets / "tls/ca.crt").read_bytes())
client.init(credentials=credentials, project="polyglot-ci")
try:
    ExperimentRun.get("scenario-python", experiment="polyglot-python")
    sys.exit("a call without a token was let in")
except errors.Unauthenticated:
    print("no token: refused, UNAUTHENTICATED")
# The scenario as a pod of ml-training (a JWT the JWKS verifies, let in by the policy) ...
client.init(token=(secrets / "jwt").read_text())
scenario.main()
# ... read back as the static token's principal.
client.init(token=(secrets / "token").read_text())
check.main(["python"])
PY
  stop_server "$log"
}

# --- main ------------------------------------------------------------------------------------

echo "==> tools"
check "buildah and debootstrap from apt" install_tools || { summary; exit 1; }
echo
echo "==> the base"
check "base image: debootstrap $SUITE ($BASE_PACKAGES)" make_base || { summary; exit 1; }
echo
echo "==> the image"
check "buildah build the Dockerfile (PYTHON_IMAGE=the base)" build_image || { summary; exit 1; }
{
  read -r image_user
  read -r entrypoint_json
} < <(image_config)
mapfile -t entrypoint < <(python3 -c 'import json, sys; print(*json.loads(sys.argv[1]), sep="\n")' "$entrypoint_json")
echo "image user $image_user, entrypoint ${entrypoint[*]}"
if [[ -z $image_user || ${image_user%%:*} == 0 || $image_user == root* ]]; then
  echo "the image runs as root"
  failed+=("image user")
fi
ctr=$(buildah from --pull=false --name "exprun-check-$$" "$IMAGE")
check "sizes: the image layer by layer, the venv within $VENV_BUDGET_MB MB, no pip or setuptools" sizes || true
echo
echo "==> the container"
check "embedded store: cold start, health, scenario, SIGTERM; restart on the same data, SIGTERM" \
  embedded || true
check "vertex overlay settings (TLS, tokens, JWKS, policy) against the Vertex fake" vertex || true

summary
