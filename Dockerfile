# exprun server image: one image serves both stores (embedded SQLite and Vertex AI).
#
#   docker build -t exprun:0.1.0 \
#     --build-arg SOURCE_URL=https://example.com/your/exprun --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run --rm -p 50051:50051 -v exprun-data:/var/lib/exprun exprun:0.1.0
#
# Two stages: `build` makes a venv in /opt/exprun with the server, the generated client code and
# the runtime dependencies (the `vertex` extra included, no `dev` extra), then prunes it; the final
# stage is the same slim glibc Python with only that venv copied in, run by a numeric non-root
# user. CI builds and runs this image on every run without Docker (scripts/check_image.sh, with
# buildah), and scripts/check_deploy.sh runs the `pip install` line in a temp venv: keep the
# install on one RUN line.

# One tag for both stages: the venv's interpreter is a symlink to the base image's python3.11.
# Production builds can pin the digest too (python:3.11-slim-bookworm@sha256:...).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
WORKDIR /src
RUN python -m venv /opt/exprun
# Only what the two packages are built from (.dockerignore admits no more): the root pyproject
# names README.md as the readme, so setuptools needs it.
COPY pyproject.toml README.md ./
COPY clients/python ./clients/python
COPY service ./service
# exprun-client first on the line, so the server's `exprun-client` dependency resolves to this
# source and not to an index. The pip cache lives in a BuildKit cache mount, not in a layer.
RUN --mount=type=cache,target=/root/.cache/pip /opt/exprun/bin/pip install ./clients/python '.[vertex]'

# Prune what the server never imports, by an explicit list (scripts/check_image.sh proves it safe:
# the Vertex interop runs from the built image). The `vertex` extra brings google-cloud-aiplatform,
# whose high-level SDK (google.cloud.aiplatform, vertexai, agentplatform, vertex_ray) and v1beta1 GAPIC
# clients the vertex store does not use: it imports the google.cloud.aiplatform_v1 clients and
# types (stores/vertex/clients.py), google.api_core, google.auth and google.cloud.storage (model
# staging on gs://). The distributions below are needed only by that SDK (BigQuery, Resource
# Manager, the Gen AI SDK and its pydantic/httpx/websockets stack). Then numpy's test suites, and
# pip and setuptools last: the final stage installs nothing. About 380 MB down to under 200 MB.
# hadolint ignore=DL3059
RUN /opt/exprun/bin/pip uninstall --yes --quiet \
      google-genai google-cloud-bigquery google-cloud-resource-manager \
      pydantic pydantic-core typing-inspection annotated-types docstring-parser \
      httpx httpcore h11 anyio sniffio websockets tenacity distro python-dateutil six \
 && site=$(/opt/exprun/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))') \
 && rm -rf "$site/google/cloud/aiplatform" "$site/google/cloud/aiplatform_v1beta1" \
      "$site/vertexai" "$site/agentplatform" "$site/vertex_ray" \
      /opt/exprun/bin/tb-gcp-uploader \
 && find "$site/numpy" -depth -type d -name tests -exec rm -rf {} + \
 && /opt/exprun/bin/pip uninstall --yes --quiet pip setuptools

FROM ${PYTHON_IMAGE}
ARG SOURCE_URL=""
ARG REVISION=""
LABEL org.opencontainers.image.title="exprun" \
      org.opencontainers.image.description="exprun: the Vertex AI Experiments ExperimentRun API over gRPC, for every language" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.revision="${REVISION}"

# 65532 is the conventional "nonroot" uid/gid (distroless); the k8s manifests run as it. A
# passwd entry gives the process a name and a HOME; the data dir is the only writable path.
RUN groupadd --system --gid 65532 exprun \
 && useradd --system --uid 65532 --gid 65532 --home-dir /var/lib/exprun --no-create-home \
      --shell /usr/sbin/nologin exprun \
 && install -d -o 65532 -g 65532 -m 0750 /var/lib/exprun

# Root-owned and so read-only for the server: the code cannot be changed by the process.
COPY --from=build /opt/exprun /opt/exprun

# Listen on every interface (a container's loopback is unreachable from outside it). pip compiled
# the bytecode at install; PYTHONDONTWRITEBYTECODE stops attempts to write more, which a
# read-only root filesystem would refuse anyway.
ENV PATH=/opt/exprun/bin:$PATH \
    HOME=/var/lib/exprun \
    EXPRUN_LISTEN=0.0.0.0:50051 \
    EXPRUN_DATA_DIR=/var/lib/exprun \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

USER 65532:65532
WORKDIR /var/lib/exprun
VOLUME ["/var/lib/exprun"]
EXPOSE 50051
# Exec form: the server is PID 1 and gets SIGTERM itself (readiness NOT_SERVING, then drain).
# No HEALTHCHECK: Kubernetes probes the gRPC health service (k8s/base/deployment.yaml).
ENTRYPOINT ["/opt/exprun/bin/exprun"]
CMD ["serve"]
