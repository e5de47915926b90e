# Every target creates .venv and installs the project into it when needed,
# so a fresh clone needs nothing but Python 3.11+ (and apt for the yaz peer tools).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# yaz-marcdump, yaz-client and Zebra are the peers our tests and benchmarks
# compare against; they come from Debian's packages.
system-deps:
	@command -v yaz-marcdump >/dev/null && command -v zebraidx >/dev/null || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq yaz idzebra-2.0 >/dev/null; \
	    else echo "install the Debian packages yaz and idzebra-2.0 (sudo apt-get install yaz idzebra-2.0)"; fi; }

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check kitapbridge tests benchmarks
	$(BIN)/ruff format --check kitapbridge tests benchmarks
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/kitapbridge demo

bench: $(STAMP) system-deps
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
