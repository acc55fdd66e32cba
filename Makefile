# Dos comandos en una máquina nueva: `make slides` (instala y construye dist/) y `make test`.
# Cada paso de instalación deja una marca: un segundo `make slides` no vuelve a instalar nada.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_OK  := $(VENV)/.instalado
NODE_OK := node_modules/.instalado
NB_OK  := $(VENV)/.instalado-cuadernos

.PHONY: slides test check serve clean setup browser rehearse bench

slides: setup
	$(BIN)/marp-build build

setup: $(PY_OK) $(NODE_OK) browser

# The venv is rebuilt only when the pinned dependencies change.
$(PY_OK): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
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

test: setup $(NB_OK)
	$(BIN)/python -m pytest -q

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
