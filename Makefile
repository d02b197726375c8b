# Panel Service. `make run` and `make test` work on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Test workers: the machines we run on have two cores.
WORKERS ?= 2

.PHONY: install run test test-sqlite test-postgres lint bench bench-large bench-documents bench-messaging clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo's mail goes to a sink inside the service (read it at /demo/mail), never to a relay.
# Slack stays off unless PANEL_SLACK_TOKEN and PANEL_SLACK_CHANNEL are set.
DEMO_SMTP_PORT ?= 8025
DEMO_SECURE_DOMAINS ?= police.example,gov.example,nhs.example,justice.example
DEMO_MAIL_ENV = PANEL_DEMO_MAIL_SINK=1 PANEL_SMTP_HOST=127.0.0.1 PANEL_SMTP_PORT=$(DEMO_SMTP_PORT) \
	PANEL_SMTP_SECURITY=none PANEL_SMTP_ALLOW_PLAINTEXT=1 PANEL_SECURE_DOMAINS=$(DEMO_SECURE_DOMAINS) \
	PANEL_PUBLIC_URL=http://127.0.0.1:$${PANEL_PORT:-8000}

run: install
	$(VENV)/bin/panel-service migrate
	$(VENV)/bin/panel-service load-demo
	@echo "Panel Service: http://$${PANEL_HOST:-127.0.0.1}:$${PANEL_PORT:-8000} (API under /api, OpenAPI at /schema/openapi.json)"
	@echo "Demo mail (everything the demo sends, caught on this machine): http://$${PANEL_HOST:-127.0.0.1}:$${PANEL_PORT:-8000}/demo/mail"
	$(DEMO_MAIL_ENV) $(VENV)/bin/panel-service serve

test: install test-sqlite test-postgres

test-sqlite: install
	@echo "== test suite on SQLite =="
	PANEL_TEST_DATABASE=sqlite $(PY) -m pytest -n $(WORKERS) tests

test-postgres: install
	@if [ -n "$$PANEL_TEST_POSTGRES_URL" ]; then \
		echo "== test suite on PostgreSQL =="; \
		PANEL_TEST_DATABASE=postgres $(PY) -m pytest -n $(WORKERS) tests; \
	elif [ "$$PANEL_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PANEL_REQUIRE_POSTGRES=1 but PANEL_TEST_POSTGRES_URL is not set"; exit 1; \
	else \
		echo "== PostgreSQL run SKIPPED: set PANEL_TEST_POSTGRES_URL (e.g." \
		"postgresql://postgres@127.0.0.1:5432/postgres) to run the suite on PostgreSQL too =="; \
	fi

lint: install
	$(VENV)/bin/ruff check panel_service tests benchmarks
	$(VENV)/bin/ruff format --check panel_service tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint Dockerfile

bench: install
	$(PY) benchmarks/agenda_throughput.py

bench-large: install
	$(PY) benchmarks/large_data_latency.py

bench-documents: install
	$(PY) benchmarks/documents.py

bench-messaging: install
	$(PY) benchmarks/messaging.py

clean:
	rm -rf $(VENV) var
