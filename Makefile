# Dos comandos en una máquina nueva: `make slides` (instala y construye dist/) y `make test`.
# Cada paso de instalación deja una marca: un segundo `make slides` no vuelve a instalar nada.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_OK  := $(VENV)/.instalado
NODE_OK := node_modules/.instalado
NB_OK  := $(VENV)/.instalado-cuadernos

.PHONY: slides test test-rapido lint check serve clean setup browser rehearse bench

slides: setup
	$(BIN)/marp-build build

setup: $(PY_OK) $(NODE_OK) browser

# The venv is rebuilt only when the pinned dependencies change. Every package comes from requirements.lock,
# with its hash, so two machines install the same files; the project itself goes in without dependencies.
$(PY_OK): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_OK): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Finds Chrome/Chromium/Edge/Firefox (CHROME_PATH wins) and an emoji font; as root on apt
# systems it installs Debian's chromium and fonts-noto-color-emoji, otherwise it prints the command.
browser: $(PY_OK)
	$(BIN)/marp-build doctor --instalar

$(NB_OK): $(PY_OK) tests/requirements-cuadernos.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-cuadernos.txt
	touch $@

# The full suite (what CI runs): lint, unit tests, real marp-cli and Chromium, and the notebooks.
test: setup $(NB_OK) lint
	$(BIN)/python -m pytest -q

# The development loop: everything but the notebooks and the tests that start marp-cli or a browser.
test-rapido: $(PY_OK) lint
	$(BIN)/python -m pytest -q -m "not e2e and not notebooks"

lint: $(PY_OK)
	$(BIN)/ruff check marp_build datacheck tests bench

check: setup
	$(BIN)/marp-build check

rehearse: setup
	$(BIN)/marp-build rehearse

serve: setup
	$(BIN)/marp-build serve

bench: setup
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_build.py

clean:
	rm -rf dist .cache build
