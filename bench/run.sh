#!/usr/bin/env bash
# `make bench`: builds sigdoc and sigdoc-bench, installs what the comparisons need when
# it is missing (GNU time, poppler, the typst 0.15.1 CLI), runs P1–P7 and writes
# BENCHMARKS.md. Extra arguments go to `sigdoc-bench run` (e.g. --runs 3, or --only p7
# to re-run one comparison into the existing report).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sigdoc/target}"

apt_install() {
	echo "bench: installing $*"
	{ apt-get update -qq && apt-get install -y -qq "$@"; } >/dev/null 2>&1 ||
		sudo sh -c "apt-get update -qq && apt-get install -y -qq $*" >/dev/null 2>&1 ||
		echo "bench: could not install $*; going on without it"
}

command -v git >/dev/null || { echo "bench: git is required" >&2; exit 1; }
# Peak memory comes from GNU time; texts are compared with pdftotext.
[ -x /usr/bin/time ] || apt_install time
command -v pdftotext >/dev/null || apt_install poppler-utils

# The peer of P1. Built once into its own target folder, so that it never invalidates
# sigdoc's; it takes about a quarter of an hour on two cores.
has_typst() { { typst --version || "$HOME/.cargo/bin/typst" --version; } 2>/dev/null | grep -q '0\.15\.1'; }
if ! has_typst && [ -z "${SIGDOC_BENCH_NO_TYPST:-}" ] && command -v cargo >/dev/null; then
	echo "bench: installing typst-cli 0.15.1 (cargo install typst-cli --version 0.15.1 --locked)"
	CARGO_TARGET_DIR="$HOME/.cache/sigdoc/typst-cli-target" cargo install typst-cli --version 0.15.1 --locked ||
		echo "bench: the typst CLI could not be installed; P1 runs without its peer"
fi

cargo build --release --locked -p sigdoc-cli -p sigdoc-bench
exec "$CARGO_TARGET_DIR/release/sigdoc-bench" run \
	--sigdoc "$CARGO_TARGET_DIR/release/sigdoc" --work "$CARGO_TARGET_DIR/bench" --fonts fonts "$@"
