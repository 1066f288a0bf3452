# The README's two commands: `make run` and `make test`. Both install what is missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench system-deps venv screenshot clean package

system-deps:
	@sh scripts/system-deps.sh $(SYSTEM_DEPS_MODE)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,package]'
	@touch $(STAMP)

run: system-deps venv
	@sh scripts/run-app.sh $(PY) $(ARGS)

lint: venv
	$(VENV)/bin/ruff check karachi_review tests benchmarks
	$(VENV)/bin/ruff format --check karachi_review tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy --strict karachi_review/core

# make test builds and runs the bundle (tests/packaging), so it needs make package's packages.
test: SYSTEM_DEPS_MODE = package
test: system-deps venv lint
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

bench: system-deps venv
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

screenshot: system-deps venv
	QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m karachi_review --screenshot docs/screenshot.png

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

# One-folder bundle with libVLC inside (packaging/README.md); prints its size and build time.
# System packages first (python3-venv, python3-av, the lean FFmpeg's build tools), then the venv.
package:
	@sh scripts/system-deps.sh package
	@$(MAKE) --no-print-directory venv
	$(PY) packaging/build.py
