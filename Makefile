# sigdoc: `make` builds the PDFs of documents/ into out/; `make test` runs every check.

# Builds are shared between clones and runs: typst takes long to compile cold.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/sigdoc/target
CARGO ?= cargo
SIGDOC := $(CARGO_TARGET_DIR)/release/sigdoc

.PHONY: all pdf sigdoc test lint deps

all: pdf

sigdoc:
	$(CARGO) build --release --locked -p sigdoc-cli

pdf: sigdoc
	$(SIGDOC) build -o out

# The tools the end-to-end tests read PDFs with (pdftotext, pdfinfo, pdffonts).
deps:
	@command -v pdftotext >/dev/null && command -v pdffonts >/dev/null || { \
		echo "installing poppler-utils"; \
		(apt-get update -qq && apt-get install -y -qq poppler-utils) >/dev/null || \
		sudo sh -c 'apt-get update -qq && apt-get install -y -qq poppler-utils' >/dev/null; }

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --locked --workspace --all-targets -- -D warnings

test: deps lint
	$(CARGO) test --release --locked --workspace
