#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Builds optimised (build-bench/) in the build root and runs the
# benchmarks, printing their tables and "name value" lines. Not part of
# the test run. See doc/performance.md.
#
#   tools/bench.sh [bench-backend ARG...]
#
# Every run is bounded (timeout): a hung benchmark must not hold the
# build root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

exec timeout 900 "$here/buildroot.sh" -- sh -c '
	set -e
	cd "$1"; shift
	[ -d build-bench ] || meson setup build-bench -Dbuildtype=release >/dev/null
	ninja -C build-bench >/dev/null
	echo "== bench-flip (the Wayland half alone, in-process)"
	timeout 300 build-bench/tests/bench/bench-flip 2>/dev/null
	echo "== bench-backend (the whole backend: xd-sim guests, module, Weston)"
	# Weston'"'"'s own log goes to stderr; shown only on failure, the
	# assertion (printed before the harness dumps that log) last.
	rc=0
	timeout 500 build-bench/tests/bench/bench-backend "$@" \
		2>bench-backend.log || rc=$?
	if [ "$rc" != 0 ]; then
		tail -40 bench-backend.log >&2
		grep -m5 "assertion" bench-backend.log >&2 ||
			if [ "$rc" = 124 ]; then
				echo "bench-backend: timed out (500 s)" >&2
			else
				echo "bench-backend: exit status $rc" >&2
			fi
		exit 1
	fi
	rm -f bench-backend.log
' sh "$repo" "$@"
