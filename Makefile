# The two commands a newcomer needs: `make run` and `make test`.
# Everything else (a virtualenv with pinned dependencies, the database, demo data) follows.
# The virtualenv is a developer's: the test tools and the PostgreSQL driver (the extras
# `test` and `postgresql`), so `make test` runs the PostgreSQL variants when a database is named.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The compiled catalogues: the install builds them; a catalogue changed since (a pull, an edit)
# is compiled again before the console or the tests run.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard itsm_tui/locale/*/LC_MESSAGES/*.po))

.PHONY: run test lint bench clean official-days translations

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,postgresql]'
	touch $(STAMP)

## Open the console (first run: creates a SQLite database with a year of demo data).
run: $(STAMP) $(CATALOGUES)
	$(BIN)/itsm

## Run the whole test suite (PostgreSQL too when ITSM_TEST_PG_URL is set).
test: $(STAMP) $(CATALOGUES)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Style, the layering contracts (pyproject.toml [tool.importlinter]) and the types.
lint: $(STAMP)
	$(BIN)/ruff check itsm_tui tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

## Remake China's official days table from the pinned holidays package (after upgrading it).
official-days: $(STAMP)
	$(BIN)/python -m itsm_tui.workflow.official_days

## After changing a string people read: extract them all, merge the new ones into each
## language's .po (then fill in their msgstr), and compile the .mo the console reads.
## (A new language: `pybabel init -i itsm_tui/locale/itsm.pot -d itsm_tui/locale -D itsm -l xx`.)
LOCALE := itsm_tui/locale
## The typed errors (common/errors.py and their subclasses) and Phrase take a message id as
## their first argument: extracted like _(), so `raise Invalid("… {name} …", name=n)` is marked.
ERROR_KEYWORDS := --keyword=DomainError --keyword=Invalid --keyword=NotFound \
	--keyword=Forbidden --keyword=Conflict --keyword=UnknownOperator \
	--keyword=DatabaseUnavailable --keyword=SchemaMismatch --keyword=ImportRejected \
	--keyword=Phrase
translations: $(STAMP)
	mkdir -p $(LOCALE)
	$(BIN)/pybabel extract -F babel.cfg -o $(LOCALE)/itsm.pot --project=itsm-tui \
		--version=0.1.0 --no-wrap --sort-by-file --add-comments=TRANSLATORS: $(ERROR_KEYWORDS) itsm_tui
	test -f $(LOCALE)/zh_CN/LC_MESSAGES/itsm.po || $(BIN)/pybabel init -i $(LOCALE)/itsm.pot \
		-d $(LOCALE) -D itsm -l zh_CN --no-wrap
	$(BIN)/pybabel update -i $(LOCALE)/itsm.pot -d $(LOCALE) -D itsm --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE) -D itsm --statistics

bench: $(STAMP)
	$(BIN)/python benchmarks/demo_load.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ -l $(word 3,$(subst /, ,$<))
