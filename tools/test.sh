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

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit)
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
