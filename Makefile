# exprun developer tasks. `make serve` runs the server locally; `make test` runs the tests.
# Every target installs what it needs first: a venv in .venv, buf from npm in node_modules.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The install is redone only when a pyproject.toml changed since the last one.
INSTALLED := $(VENV)/.installed
BUF := node_modules/.bin/buf
# The ref buf-breaking compares against: `make buf-breaking AGAINST=origin/main`.
AGAINST ?= HEAD~1

.PHONY: install serve test generate lint buf-lint buf-breaking check-generated googleapis polyglot ci clean

# Create .venv and install the client and the server (editable) with the dev tools.
install: $(INSTALLED)

$(INSTALLED): pyproject.toml clients/python/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e clients/python -e ".[dev]"
	touch $@

# Run the server with default settings (embedded store, local data).
serve: install
	$(BIN)/exprun serve

# Run the test suite.
test: install
	$(BIN)/pytest

# Regenerate clients/python/exprun/v1 from protos/.
generate: install
	$(BIN)/python scripts/generate.py

# Lint, check formatting and type-check the Python code.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Install buf (pinned in package-lock.json) into node_modules; its optional postinstall is not needed.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Copy the google/api and google/rpc protos from the installed wheel into build/googleapis.
googleapis: build/googleapis/.copied

build/googleapis/.copied: $(INSTALLED)
	scripts/googleapis_protos.sh $(BIN)/python
	touch $@

# Lint the protos with buf (rules in buf.yaml).
buf-lint: node_modules/.installed googleapis
	$(BUF) lint

# Fail on a breaking change to the protos since $(AGAINST) (default: the previous commit).
buf-breaking: node_modules/.installed googleapis
	scripts/buf_breaking.sh $(AGAINST)

# Fail if the committed generated code differs from what protos/ generates now.
check-generated: install
	scripts/check_generated.sh $(BIN)/python

# Run the interop scenario in every language against one server, then check what each wrote.
polyglot: install node_modules/.installed googleapis
	scripts/polyglot.sh

# Everything CI runs, in order, with a fresh install: the same script as CI.
ci:
	bash .ci/run

# Remove what the targets above installed or built.
clean:
	rm -rf $(VENV) node_modules build
