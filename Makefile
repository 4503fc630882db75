# The book's commands. The two a reader needs:
#   make serve   install what is missing, then serve the book at http://127.0.0.1:8000
#                (make serve PORT=8001 serves it on another port)
#   make test    install what is missing, then run every test (build, doctests, browser)
# Everything is installed into .venv from the pinned requirements.txt.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export PYTHONUNBUFFERED := 1
# Notebooks are cached by their text and the snippets they import (book/notebooks.py).
NOTEBOOK_CACHE ?= true
# `make serve PORT=8001`: the port to serve on. The site URL follows it (instant navigation
# only takes over links to the address the sitemap names).
PORT ?= 8000

.PHONY: help install serve build build-offline pdf site lint test test-fast browser figures results bench katex lock clean grade-c

help:
	@echo "make serve          serve the book at http://127.0.0.1:8000 (installs first; PORT=8001 for another port)"
	@echo "make test           run every test: snippets, doctests, strict build, browser (installs first)"
	@echo "make test-fast      the same without the browser checks"
	@echo "make lint           ruff check and ruff format --check (make test runs it first)"
	@echo "make build          build the static site into site/ (notebooks executed)"
	@echo "make build-offline  build a copy that works opened from file:// (site-offline/)"
	@echo "make pdf            print the blank exam, the answer key and the whole book, English and Hebrew, into site/pdf/"
	@echo "make site           what is published: make build, then make pdf"
	@echo "make figures        redraw every figure from its code (review the diff)"
	@echo "make results        re-run every experiment into results/ (review the diff)"
	@echo "make bench          measure builds, test suite, page weight, Lighthouse (results/site-bench.json)"
	@echo "make katex          re-vendor the pinned KaTeX from npm (tools/vendor-katex.sh)"
	@echo "make lock           re-resolve requirements.in into the pinned requirements.txt"
	@echo "make grade-c FILE=my_answer.py   grade an answer to Part C (CLASS=Name when it has several modules)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 11, 5) <= v[:3] < (3, 12) else "make: Python 3.11.5 or newer 3.11 is needed (the pinned pymdown-extensions 13 needs >= 3.11.5; the pins are for 3.11), but $(PYTHON) is %d.%d.%d. Run: make PYTHON=/path/to/python3.11 ..." % v[:3])'
	@echo "make: [1/3] the virtual environment $(VENV)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "make: [2/3] the pinned packages of requirements.txt (a few minutes on a fresh machine; each is listed)"
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	@echo "make: [3/3] the book itself (pip install -e .)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

install: $(STAMP)

serve: $(STAMP)
	@echo "make: building both editions (notebooks executed once, then cached), then serving http://127.0.0.1:$(PORT)/"
	SITE_URL=http://127.0.0.1:$(PORT)/ $(BIN)/mkdocs serve -a 127.0.0.1:$(PORT)

build: $(STAMP)
	NOTEBOOK_CACHE=$(NOTEBOOK_CACHE) $(BIN)/mkdocs build --strict -d site

pdf: $(STAMP) browser
	test -f site/index.html || $(MAKE) build
	$(BIN)/python -m book.pdf site site/pdf

site: build pdf

build-offline: $(STAMP)
	OFFLINE=true NOTEBOOK_CACHE=$(NOTEBOOK_CACHE) $(BIN)/mkdocs build --strict -d site-offline

browser:
	@tools/ensure-chromium.sh

# pytest-xdist: one worker more than the cores (a browser test waits for Chromium much of
# the time: two workers left the two cores here idle about half of the run), at most 8;
# a test file stays on one worker (its module fixtures are made once), the per-page
# browser tests spread (tests/conftest.py). The site is built once for all workers.
# A line per finished test file shows progress.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min(8, (os.cpu_count() or 1) + 1))')
PYTEST_PARALLEL ?= -n $(TEST_WORKERS) --dist loadscope
# More pytest options: make test PYTEST_ARGS="--durations=20" (make bench adds its JUnit file here).
PYTEST_ARGS ?=

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) browser lint
	NOTEBOOK_CACHE=false $(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-fast: $(STAMP) lint
	NOTEBOOK_CACHE=false BOOK_SKIP_BROWSER=1 $(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not browser" $(PYTEST_ARGS)

figures: $(STAMP)
	$(BIN)/python -m snippets.figures

results: $(STAMP)
	$(BIN)/python -m snippets.results

# make bench BENCH_ARGS="--skip-lighthouse --skip-suite --out /tmp/bench.json": a reduced run
bench: $(STAMP) browser
	$(BIN)/python -m book.bench $(BENCH_ARGS)

# Grade a student's answer to Part C: make grade-c FILE=my_answer.py [CLASS=Name]
ifneq ($(filter grade-c,$(MAKECMDGOALS)),)
ifeq ($(strip $(FILE)),)
$(error FILE is missing: run make grade-c FILE=my_answer.py (a blank answer: docs/downloads/c_lipschitz_answer_template.py))
endif
endif
grade-c: $(STAMP)
	$(BIN)/python -m snippets.c_lipschitz_grader '$(FILE)'$(if $(CLASS), --class '$(CLASS)')

katex:
	tools/vendor-katex.sh

lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in on $$(date -u +%F). Do not edit by hand."; \
	  .lock-venv/bin/python -m pip freeze --all | grep -vE '^(pip|wheel)==' | sed 's/+cpu$$//'; } > requirements.txt
	rm -rf .lock-venv

clean:
	rm -rf site site-offline .cache .pytest_cache
