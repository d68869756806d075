# djkb: `make run` sets everything up and serves the demo corpus; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA   ?= data
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTS  := $(VENV)/.installed-test

.PHONY: install install-test model ingest run browser test lint clean

# Running needs only the runtime packages; the tests add theirs (pytest, Playwright, schemathesis…).
$(STAMP): pyproject.toml constraints.txt
	@# OpenCV (the OCR engine's image library) loads libGL and GLib; LibreOffice converts .doc/.wps/.odt/.rtf.
	@# apt runs only for what is missing.
	@missing=""; \
	ldconfig -p | grep -q 'libGL.so.1 ' || missing="$$missing libgl1"; \
	ldconfig -p | grep -q 'libglib-2.0.so.0 ' || missing="$$missing libglib2.0-0"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "djkb needs: sudo apt-get install$$missing"; fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $(STAMP)

$(TESTS): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(TESTS)

install: $(STAMP)

install-test: $(TESTS)

model: install
	$(BIN)/djkb build-model

ingest: model
	$(BIN)/djkb --data $(DATA) ingest corpus

run: ingest
	$(BIN)/djkb --data $(DATA) serve --host $(HOST) --port $(PORT)

# Debian's Chromium and a CJK font for tests/test_web.py; apt runs only when one is missing.
browser:
	@if test -x /usr/bin/chromium && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	else echo "browser tests need: sudo apt-get install chromium fonts-noto-cjk"; fi

test: install-test model browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(DATA)
