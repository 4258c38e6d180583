#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The test run: README's test command, and what CI runs.
#
#   tools/test.sh [STAGE...]
#
# Provisions the trixie build root if needed, builds with ASan and UBSan and
# warnings as errors, and runs every stage (default: all of them). Ends with
# one line "N passed, N failed, N skipped" over all stages.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"

if [ "${XEN_DISPLAY_IN_ROOT:-}" != trixie ]; then
	exec "$here/buildroot.sh" -- "$here/test.sh" "$@"
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
build=build-test

stage() { echo; echo "==== $* ===="; }

# Each stage appends "PASS|FAIL|SKIP name" lines to $results.
record() { echo "$1 $2" >> "$results"; }

stage_unit() {
	stage "build (ASan+UBSan, -Werror) and meson tests"
	if [ ! -f $build/build.ninja ]; then
		meson setup $build -Db_sanitize=address,undefined \
			-Dbuildtype=debug || { record FAIL meson-setup; return; }
	fi
	if ! ninja -C $build; then
		record FAIL build
		return
	fi
	meson test -C $build --print-errorlogs --num-processes 2 \
		--timeout-multiplier 3
	python3 - "$build/meson-logs/testlog.json" >> "$results" <<-'PY'
	import json, sys
	status = {'OK': 'PASS', 'SKIP': 'SKIP', 'EXPECTEDFAIL': 'PASS'}
	for line in open(sys.argv[1]):
	    t = json.loads(line)
	    print(status.get(t['result'], 'FAIL'), 'meson:' + t['name'])
	PY
}

# libFuzzer on the code that parses guest input, from the seed corpus,
# for a bounded time per target (XD_FUZZ_SECONDS, default 60).
stage_fuzz() {
	local fbuild=build-fuzz t corpus
	stage "fuzz (clang, libFuzzer, ${XD_FUZZ_SECONDS:-60} s per target)"
	if [ ! -f $fbuild/build.ninja ]; then
		CC=clang meson setup $fbuild -Dfuzz=true -Dbuildtype=debug \
			-Db_sanitize=address,undefined -Db_lundef=false \
			>/dev/null || { record FAIL fuzz-setup; return; }
	fi
	ninja -C $fbuild tests/fuzz/fuzz-requests >/dev/null ||
		{ record FAIL fuzz-build; return; }
	for t in requests; do
		corpus=$(mktemp -d)
		cp tests/fuzz/corpus/$t/* "$corpus"/
		if "$fbuild/tests/fuzz/fuzz-$t" -max_len=4096 \
			-max_total_time="${XD_FUZZ_SECONDS:-60}" \
			-print_final_stats=1 "$corpus" 2>"$corpus.log"; then
			grep -E '^stat::number_of_executed_units' "$corpus.log"
			record PASS fuzz:$t
		else
			tail -40 "$corpus.log"
			record FAIL fuzz:$t
		fi
		rm -rf "$corpus" "$corpus.log"
	done
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit fuzz)
for s in "${stages[@]}"; do
	"stage_$s"
done

echo
echo "==== summary ===="
grep -v '^PASS' "$results" || true
pass=$(grep -c '^PASS' "$results")
fail=$(grep -c '^FAIL' "$results")
skip=$(grep -c '^SKIP' "$results")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
