#!/usr/bin/env bash
# Runs every coverage-guided fuzz target in fuzz/ for a while (default 20 s each; pass a number
# of seconds to change it), starting from the committed seeds in fuzz/seeds/<target>.
# Needs the nightly toolchain; installs cargo-fuzz from crates.io when it is missing.
# Leak detection is off: the bundle verifier's worker thread leaves its thread-local storage to the
# process exit, which LeakSanitizer reports; Rust frees everything else by ownership.
# Exits non-zero when any target finds a crash (the input is left in fuzz/artifacts/<target>/).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-20}"

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: no nightly toolchain (rustup toolchain install nightly); cannot fuzz" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi

cargo +nightly fuzz build -O
status=0
for target in $(cargo +nightly fuzz list); do
  mkdir -p "corpus/$target" "seeds/$target"
  log="$(mktemp)"
  if cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -detect_leaks=0 >"$log" 2>&1; then
    echo "fuzz $target: $(grep -E '^Done [0-9]+ runs' "$log" | tail -1)"
  else
    echo "fuzz $target: FAILED" >&2
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" >&2 || tail -30 "$log" >&2
    status=1
  fi
  rm -f "$log"
done
exit "$status"
