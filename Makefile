# Two commands on a fresh clone: `make run` and `make test`. Nothing but Python is needed:
# the first target creates .venv and installs the project and its tools into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PORT ?= 5000

.PHONY: install install-runtime serve nginx vendor lock upgrade-check translations db run test browser test-sqlite test-postgres lint messages clean

# Every machine installs the same versions: requirements/dev.txt is the lock (hashes
# included) of pyproject.toml's ranges plus the dev tools; the project itself goes in
# editable, without resolving anything again. `make lock` rewrites the lock files.
LOCK := requirements/dev.txt
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# A production host needs only the runtime lock (no test or lint tools); a checkout that
# ran `make install` already has the same versions, so this is then quick.
RUNTIME_STAMP := $(VENV)/.runtime-stamp
$(RUNTIME_STAMP): pyproject.toml requirements/runtime.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/runtime.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(RUNTIME_STAMP)
install-runtime: $(RUNTIME_STAMP)

# Front-end libraries (Leaflet, its clustering plugin, topojson-client, Natural Earth's
# borders from world-atlas) and axe-core for the browser tests, from the npm registry at
# the versions and SHA-512s in tools/vendor.py. The copies are committed, so a fresh clone
# needs no npm: install/run/test fetch them only when one is missing; `make vendor`
# fetches them all again (after changing a version there).
VENDORED := static/vendor/leaflet/leaflet.js static/vendor/leaflet.markercluster/leaflet.markercluster.js \
	static/vendor/topojson-client/topojson-client.min.js static/vendor/world-atlas/countries-50m.json \
	tests/vendor/axe-core/axe.min.js
install: $(STAMP) $(VENDORED)

$(VENDORED):
	$(PYTHON) tools/vendor.py
vendor:
	$(PYTHON) tools/vendor.py

# Re-resolve the locks after changing a range in pyproject.toml (versions already locked
# are kept where they still fit; UPGRADE=1 takes the newest allowed). runtime.txt is
# what production installs; dev.txt adds the test and lint tools on the same versions.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes $(if $(UPGRADE),--upgrade)
lock: install
	$(UV_COMPILE) pyproject.toml requirements/build.in -o requirements/runtime.txt
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra dev -c requirements/runtime.txt -o requirements/dev.txt

# An upgrade is a decision: install the newest versions pyproject.toml allows into a
# throwaway venv and run the suite there (run it weekly); then `make lock UPGRADE=1`.
UPGRADE_VENV ?= /tmp/kb-upgrade-check
upgrade-check:
	rm -rf $(UPGRADE_VENV)
	$(PYTHON) -m venv $(UPGRADE_VENV)
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade -e '.[dev]'
	$(UPGRADE_VENV)/bin/python -m pip freeze --exclude-editable | diff requirements/dev.txt - | grep '^>' || true
	$(UPGRADE_VENV)/bin/pybabel compile -d translations -D messages >/dev/null
	env -u KB_TEST_DATABASE_URL KB_UPGRADE_CHECK=1 $(UPGRADE_VENV)/bin/pytest -p no:cacheprovider

# Compiled catalogues (.mo) are build products, not committed.
translations: install
	$(BIN)/pybabel compile -d translations -D messages 2>&1 | grep -v "^compiling" || true
	@test -f translations/ru/LC_MESSAGES/messages.mo

# The site's address in links (KB_BASE_URL, required outside debug and tests): on this
# machine, make run's port unless the environment names another.
db run: export KB_BASE_URL ?= http://127.0.0.1:$(PORT)
db: install translations
	$(BIN)/kb db upgrade
	$(BIN)/kb seed
	$(BIN)/kb search reindex

# The development server with `kb worker` beside it (the worker delivers the e-mails and
# keeps the search index in step; requests only queue work for it). Ctrl-C stops both:
# the terminal's SIGINT reaches both, and the trap stops the worker however the server ends.
run: db
	@trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/kb worker & worker=$$!; \
	$(BIN)/kb run --port $(PORT)

# The production profile on one host (see README "Production"): refuses to start without
# KB_SECRET_KEY, KB_BASE_URL and KB_DATABASE_URL; migrates, then runs gunicorn
# (gunicorn.conf.py: two workers per CPU, KB_WEB_WORKERS overrides) and `kb worker`
# together until SIGTERM/Ctrl-C, which stops both.
serve: install-runtime
	@$(BIN)/pybabel -q compile -d translations -D messages
	$(BIN)/python -m kb.serve

# The suite on SQLite and on PostgreSQL when one answers (KB_TEST_DATABASE_URL, or the
# local default). Set KB_TEST_DATABASE_URL to force PostgreSQL.
# The two passes run side by side (TEST_JOBS=2): each is one Python process, so on CI's
# two CPUs both take about as long as the longer one alone (the suite shares nothing
# between runs: free ports, its own temporary folders, PostgreSQL schemas named by process).
# Each pass's output is printed whole when it ends. TEST_JOBS=1: one after the other, live.
TEST_JOBS ?= 2
test: install translations browser nginx
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target test-sqlite test-postgres

# Browser tests drive the system Chromium; install Debian's package when it is missing
# and we may (root with apt-get). Otherwise those tests are skipped, and say why.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "installing Debian's chromium for the browser tests" && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	echo "no Chromium: the browser tests will be skipped"

# tests/test_deploy.py runs deploy/nginx-kb.conf in a real nginx: Debian's nginx-light
# when missing and we may (root with apt-get); otherwise that test is skipped, saying so.
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "installing Debian's nginx-light for the deploy/ tests" && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light) >/dev/null 2>&1; } || \
	echo "no nginx: the deploy/ nginx tests will be skipped"

# Each pass keeps its own pytest cache (last failures), as both run at once.
test-sqlite: install translations
	env -u KB_TEST_DATABASE_URL $(BIN)/pytest -o cache_dir=.pytest_cache/sqlite

test-postgres: install translations
	@url="$${KB_TEST_DATABASE_URL:-$(PG_URL)}"; \
	if [ -n "$$KB_TEST_DATABASE_URL" ] || $(BIN)/python -m kb.dbcheck "$$url"; then \
		echo "== PostgreSQL: $$url"; KB_TEST_DATABASE_URL="$$url" $(BIN)/pytest -o cache_dir=.pytest_cache/postgres; \
	else echo "== PostgreSQL does not answer at $$url: skipped"; fi

lint: install
	$(BIN)/ruff check kb tests bench tools
	$(BIN)/ruff format --check kb tests bench tools

# Refresh the catalogues after changing user-facing strings: then translate what is new.
# The .po files are wrapped at 100 columns (as they were first written), so a refresh
# changes only the entries that changed.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --width 100 --project kb .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --width 100

clean:
	rm -rf $(VENV) instance .pytest_cache
