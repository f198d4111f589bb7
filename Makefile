# Chuanyu (川渝通办) — the two README commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH  ?=

.PHONY: demo test test-unit lint fmt bench fuzz sysdeps migrate clean constraints wheel axe

EXTRAS := dev,postgres,pdf

# Re-installs whenever the dependencies or their pinned versions change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[$(EXTRAS)]'
	@touch $(STAMP)

# Pin what the venv has now (after adding or upgrading a dependency and passing `make test`).
constraints: $(STAMP)
	@{ sed -n '/^#/p' constraints.txt; $(BIN)/python -m pip freeze --exclude chuanyu; } \
	  > constraints.txt.new && mv constraints.txt.new constraints.txt
	@touch $(STAMP)

# A wheel of the package (migrations, templates, static files and data included) in dist/.
wheel: $(STAMP)
	$(BIN)/python -m pip wheel . --no-deps -q -w dist

# Debian packages the product needs: CJK fonts (and HarfBuzz's font subsetter, which keeps
# PDF builds fast) for PDFs, Chromium for browser tests, poppler's pdftotext to read PDFs back in tests.
sysdeps:
	@missing=""; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
	      || echo "warning: could not install$$missing; tests that need them will say so"; \
	  else echo "warning: please install$$missing (Debian packages)"; fi; \
	fi

demo: $(STAMP) sysdeps
	$(BIN)/chuanyu demo

lint: $(STAMP)
	$(BIN)/ruff check chuanyu tests bench
	$(BIN)/mypy chuanyu

# axe-core (accessibility rules the browser tests run on every page), from npm at install time.
AXE_VERSION := 4.14.1
AXE := .cache/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@command -v npm >/dev/null || { echo "npm is needed for the accessibility tests (Debian: nodejs npm)"; exit 1; }
	npm install --prefix .cache/axe --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION)
axe: $(AXE)

test: $(STAMP) sysdeps $(AXE)
	$(BIN)/ruff check chuanyu tests bench
	$(BIN)/mypy chuanyu
	$(BIN)/pytest -q

test-unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# The API fuzz test of `make test`, deeper (FUZZ_EXAMPLES per operation, role and mode).
FUZZ_EXAMPLES ?= 100
fuzz: $(STAMP)
	CHUANYU_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:cacheprovider tests/e2e/test_api_fuzz.py

fmt: $(STAMP)
	$(BIN)/ruff format chuanyu tests bench
	$(BIN)/ruff check --fix chuanyu tests bench

migrate: $(STAMP)
	$(BIN)/chuanyu db upgrade --member CQ
	$(BIN)/chuanyu db upgrade --member SC

bench: $(STAMP) sysdeps
	@mkdir -p bench/results
	@for f in bench/bench_*.py; do \
	  name=$$(basename $$f .py | sed 's/^bench_//'); \
	  if [ -z "$(BENCH)" ] || [ "$(BENCH)" = "$$name" ]; then \
	    echo "== bench $$name"; $(BIN)/python $$f || exit 1; \
	  fi; \
	done

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
