# motcua — one-stop administrative procedures for health administrations.
# `make run` and `make test` are the two commands; each installs what it needs first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
CHROMIUM := /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser run test test-unit test-service test-e2e test-browser lint format typecheck lock clean synth deploy

install: $(STAMP)

$(STAMP): requirements/lock.txt services/shared/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pip<26.3'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e services/shared
	touch $(STAMP)

browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@test -x $(CHROMIUM)

run: install
	$(BIN)/python -m infra.web
	$(BIN)/python -m infra.local

test: install browser lint typecheck
	$(BIN)/python -m pytest -n 2

test-unit: install
	$(BIN)/python -m pytest tests/unit

test-service: install
	$(BIN)/python -m pytest tests/service

test-e2e: install
	$(BIN)/python -m pytest tests/e2e

test-browser: install browser
	$(BIN)/python -m pytest tests/browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Everything pyproject.toml [tool.mypy] lists, then each service's app.py in a run of its own
# (four modules named `app` cannot share one run; the cache makes these runs take a second).
typecheck: install
	$(BIN)/mypy
	for service in intake payment delivery notify; do $(BIN)/mypy services/$$service/app.py || exit 1; done

# Re-resolve the pins from requirements/dev.in into a throwaway environment.
lock:
	rm -rf /tmp/motcua-lock && $(PYTHON) -m venv /tmp/motcua-lock
	/tmp/motcua-lock/bin/pip install --quiet 'pip<26.3' && /tmp/motcua-lock/bin/pip install --quiet -r requirements/dev.in
	( echo '# Pinned, resolved set of every dependency (runtime + dev). Regenerate: make lock'; \
	  /tmp/motcua-lock/bin/pip freeze ) > requirements/lock.txt

# AWS deployment (infra/cdk, README "Deploying to AWS"). synth is offline, with dummy credentials.
STAGE ?= dev
synth: install
	$(BIN)/python -m infra.cdk

# Needs real AWS credentials, Node.js (npx) and what README lists as prerequisites.
deploy: install
	MOTCUA_DEPLOY_STAGE=$(STAGE) $(BIN)/python -m infra.cdk
	cd infra/cdk && npx --yes aws-cdk@2 deploy --app cdk.out motcua-$(STAGE) \
	  --require-approval broadening --outputs-file cdk.out/outputs-$(STAGE).json

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache

# Dead-letter queues (README "Architecture"): `make redrive QUEUE=notify` lists what the notify
# DLQ of the running local stack holds and why; IDS="<message id> ..." (or IDS=all) moves those
# back to the queue once the cause is fixed. On AWS: python -m infra.ops dlq ... --aws.
.PHONY: redrive
redrive: install
	@test -n "$(QUEUE)" || { echo 'usage: make redrive QUEUE=intake|payment|delivery|notify [IDS="<message id> ..."|IDS=all]'; exit 2; }
	$(BIN)/python -m infra.ops dlq $(if $(IDS),redrive,list) --queue $(QUEUE) \
	  $(if $(filter all,$(IDS)),--all,$(addprefix --message-id ,$(IDS)))

# Stream records given up on (README "Architecture"): `make replay SERVICE=intake` lists where
# they are in the table's stream; IDS="<message id> ..." (or IDS=all) hands them to the service's
# stream function again. On AWS: python -m infra.ops streams ... --aws.
.PHONY: replay
replay: install
	@test -n "$(SERVICE)" || { echo 'usage: make replay SERVICE=intake|payment|delivery|notify [IDS="<message id> ..."|IDS=all]'; exit 2; }
	$(BIN)/python -m infra.ops streams $(if $(IDS),replay,list) --service $(SERVICE) \
	  $(if $(filter all,$(IDS)),--all,$(addprefix --message-id ,$(IDS)))

# Figures, not tests (README "Benchmarks"): cold start, requests and cost per dossier, throughput
# and latency on the local stack; writes bench/results.json and prints a table (a few minutes).
.PHONY: bench
bench: install synth
	$(BIN)/python -m bench
