# Two commands on a fresh clone: `make run` and `make test`. Nothing but Python is needed:
# the first target creates .venv and installs the project and its tools into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PORT ?= 5000

.PHONY: install translations db run test browser test-sqlite test-postgres lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues (.mo) are build products, not committed.
translations: install
	$(BIN)/pybabel compile -d translations -D messages 2>&1 | grep -v "^compiling" || true
	@test -f translations/ru/LC_MESSAGES/messages.mo

db: install translations
	$(BIN)/kb db upgrade
	$(BIN)/kb seed
	$(BIN)/kb search reindex

run: db
	$(BIN)/kb run --port $(PORT)

# The suite on SQLite, then on PostgreSQL when one answers (KB_TEST_DATABASE_URL, or the
# local default). Set KB_TEST_DATABASE_URL to force PostgreSQL.
test: install translations browser test-sqlite test-postgres

# Browser tests drive the system Chromium; install Debian's package when it is missing
# and we may (root with apt-get). Otherwise those tests are skipped, and say why.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "installing Debian's chromium for the browser tests" && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	echo "no Chromium: the browser tests will be skipped"

test-sqlite: install translations
	env -u KB_TEST_DATABASE_URL $(BIN)/pytest

test-postgres: install translations
	@url="$${KB_TEST_DATABASE_URL:-$(PG_URL)}"; \
	if [ -n "$$KB_TEST_DATABASE_URL" ] || $(BIN)/python -m kb.dbcheck "$$url"; then \
		echo "== PostgreSQL: $$url"; KB_TEST_DATABASE_URL="$$url" $(BIN)/pytest; \
	else echo "== PostgreSQL does not answer at $$url: skipped"; fi

lint: install
	$(BIN)/ruff check kb tests bench
	$(BIN)/ruff format --check kb tests bench

# Refresh the catalogues after changing user-facing strings: then translate what is new.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --project kb .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache
