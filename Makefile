# Every target sets itself up: a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/demo
EMPLOYEES ?= 5000

.PHONY: install requirements demo test test-fast lint postgres bench bench-nightly soak browser clean

UV := $(BIN)/uv

$(UV):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (set PYTHON=...)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# requirements/dev.txt is the whole pinned set (runtime, pdf and dev, and the
# venv's setuptools); the project itself goes in editable, without resolving again.
$(STAMP): pyproject.toml requirements/dev.txt | $(UV)
	$(UV) pip install --python $(BIN)/python --compile-bytecode --quiet \
		--no-deps -r requirements/dev.txt -e .
	touch $(STAMP)

install: $(STAMP) ## create .venv and install pinned dependencies

# Each compile keeps the versions already pinned in its output file; UPGRADE=NAME
# moves one package to its newest allowed version, UPGRADE=all every package.
# runtime.txt is constrained by dev.txt, so the two never pin different versions.
COMPILE = $(UV) pip compile --quiet --python-version 3.11 --python-platform linux \
	--custom-compile-command 'make requirements'
UPGRADE ?=
UPGRADE_FLAGS = $(if $(UPGRADE),$(if $(filter all,$(UPGRADE)),--upgrade,--upgrade-package $(UPGRADE)))

requirements: | $(UV) ## regenerate requirements/dev.txt and runtime.txt from pyproject.toml (UPGRADE=NAME|all)
	$(COMPILE) $(UPGRADE_FLAGS) --extra dev -o requirements/dev.txt pyproject.toml requirements/venv.in
	$(COMPILE) -c requirements/dev.txt -o requirements/runtime.txt pyproject.toml requirements/venv.in

browser: ## install Debian's headless Chromium (reports, PDF) and poppler (PDF tests); needs root
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium poppler-utils >/dev/null) \
		|| echo "warning: could not install chromium/poppler-utils; report PDF and browser tests need them" >&2; \
	fi

postgres: ## install Debian's PostgreSQL server (tests/test_postgres_kpis.py starts a throwaway one); needs root
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
		|| echo "warning: could not install postgresql; the PostgreSQL test will be skipped" >&2; \
	fi

demo: $(STAMP) browser ## generate a demo organisation and run the whole nightly pipeline on it
	$(BIN)/mentorship demo --employees $(EMPLOYEES) --seed 7 --out $(OUT)/inbox
	$(BIN)/mentorship run --inbox $(OUT)/inbox --warehouse $(OUT)/warehouse.duckdb --out $(OUT)/published

test: $(STAMP) browser postgres ## run the whole test suite
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) browser ## the quick loop: every test that runs neither dbt nor the pipeline (under a minute)
	MENTORSHIP_TEST_FAST=1 $(BIN)/python -m pytest -q -m "not pipeline"

lint: $(STAMP) ## ruff, mypy and sqlfluff (dbt templater)
	$(BIN)/ruff check pipelines reports tests
	$(BIN)/ruff format --check pipelines reports tests
	$(BIN)/mypy pipelines reports
	$(BIN)/lint-imports .importlinter
	MENTORSHIP_WAREHOUSE=$${MENTORSHIP_WAREHOUSE:-$(OUT)/warehouse.duckdb} $(BIN)/sqlfluff lint models

bench: $(STAMP) ## the run against its floors and the pandas peer at 10k, 100k and 1M employees, and on TARGETS=postgres,spark: BENCHMARKS.md
	$(BIN)/python -m pipelines.bench --sizes $${SIZES:-10000,100000,1000000} --report BENCHMARKS.md \
		--targets $${TARGETS:-duckdb} --target-sizes $${TARGET_SIZES:-100000,1000000}

bench-nightly: $(STAMP) ## time a three-drop catch-up and the skip of an unchanged fourth drop
	$(BIN)/python -m pipelines.bench_nightly --root out/bench-nightly

soak: $(STAMP) browser ## 50 consecutive CLI runs of a demo drop: all must publish, identically
	$(BIN)/python -m pipelines.soak --runs $${RUNS:-50} --root out/soak

clean:
	rm -rf out target logs dbt_packages .pytest_cache
