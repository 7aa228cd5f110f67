#!/usr/bin/env bash
# Counts the server's instructions under the load bench: give this script as
# FUNDTRAIL_LOAD_BIN, and it runs `fundtrail serve` (only that sub-command) under
# `valgrind --tool=callgrind`, writing one profile per server process.
#
#   CALLGRIND_BIN=target/release/fundtrail CALLGRIND_OUT=/tmp/cg.new \
#   FUNDTRAIL_LOAD_BIN=$PWD/scripts/callgrind-serve.sh FUNDTRAIL_LOAD_APPENDS=6000 \
#   FUNDTRAIL_LOAD_PARTS=postgres cargo bench --bench load
#   callgrind_annotate /tmp/cg.new.* | head -40
#
# Instruction counts move little between runs of the same binary on this noisy machine,
# where times vary by up to 1.7 times (two runs of one binary: 1,420 and 1,392 million for
# 6,000 appends, the second with other work running, whose batches grew from 12.9 to 19.7
# entries and so signed fewer checkpoints): compare two binaries by their PROGRAM TOTALS
# over the same FUNDTRAIL_LOAD_APPENDS, at similar entries per group commit (the bench
# prints them), on a quiet machine. The server runs ~50 times slower
# under valgrind, so its batches are smaller than without; and valgrind hides the CPU's
# SHA extensions, so SHA-256 weighs several times more than it does natively.
set -euo pipefail
bin="${CALLGRIND_BIN:?CALLGRIND_BIN names the fundtrail binary to profile}"
if [ "${1:-}" = "serve" ]; then
  exec valgrind --tool=callgrind --callgrind-out-file="${CALLGRIND_OUT:-/tmp/callgrind.fundtrail}.%p" "$bin" "$@"
fi
exec "$bin" "$@"
