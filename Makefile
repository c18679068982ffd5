# icsdocs: the pipeline as make targets.  `make run` does the whole job on the sample corpus,
# `make test` sets up and runs the tests, `make check` adds ruff, `make bench` measures speed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     := outputs/icsdocs.duckdb
CORPUS := corpus/samples/pdf
GOLD   := ../shared/gold

.PHONY: setup browser ocr ingest compare report run evaluate devset labels train test check bench clean

setup: $(VENV)/.installed

# pip's and setuptools' chatter goes to a log, shown only when set-up fails, so `make run` prints the
# pipeline's own output.
$(VENV)/.installed: pyproject.toml
	@echo "setting up $(VENV) (log: $(VENV)/setup.log)"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/pip install --upgrade pip && $(BIN)/pip install -e '.[dev]'; } > $(VENV)/setup.log 2>&1 \
	  || { cat $(VENV)/setup.log; echo "set-up failed: see $(VENV)/setup.log"; exit 1; }
	@touch $@

# Headless Chromium for the report's browser test (Debian package; skipped where apt is unavailable).
browser:
	@command -v chromium >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: the browser test will be skipped"; }

# Tesseract for OCR of scanned PDF pages (Debian package; without it OCR tests skip and ingest says so).
ocr:
	@command -v tesseract >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq tesseract-ocr \
	  tesseract-ocr-eng >/dev/null) || echo "tesseract could not be installed: OCR is unavailable"; }

# Real prerequisites only (not the phony `setup`), so `make compare` after `make run` re-ingests nothing.
$(DB): $(VENV)/.installed $(wildcard $(CORPUS)/*) models/principles.skops
	$(BIN)/icsdocs ingest $(CORPUS) --db $(DB)

ingest: $(DB)

outputs/compare/README.txt: $(DB)
	$(BIN)/icsdocs compare --db $(DB) --out outputs/compare

compare: outputs/compare/README.txt

outputs/report.html: $(DB)
	$(BIN)/icsdocs report --db $(DB) --out outputs

report: outputs/report.html

run: ingest compare report
	@echo "database: $(DB); comparison CSVs: outputs/compare/; report: outputs/report.html"

evaluate: $(DB)
	$(BIN)/icsdocs evaluate --db $(DB) --gold $(GOLD) --json outputs/evaluation.json

# The 52 real pages of ../shared/devset: figures for all, and for each half (tune on one, report the other).
devset: setup
	$(BIN)/python scripts/devset.py --json outputs/devset/evaluation.json

# Training labels derived from the gold evidence passages and the sample texts, and from the devset.
labels: setup
	$(BIN)/python scripts/make_labels.py --gold $(GOLD) --seeds corpus/samples/txt \
	  --devset ../shared/devset --out corpus/labels

models/principles.skops:
	$(MAKE) train

train: setup
	$(BIN)/icsdocs train --labels corpus/labels --models models

test: setup browser ocr
	$(BIN)/python -m pytest -q

check: test
	$(BIN)/ruff check pipeline tests bench scripts

bench: setup
	$(BIN)/python bench/bench.py

clean:
	rm -rf outputs/* build *.egg-info
	touch outputs/.gitkeep
