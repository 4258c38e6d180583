#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Where a zero-copy flip's CPU goes in the backend process: runs
# bench-backend --profile (480p, 1080p, 4K, zero copy only) with every
# backend under callgrind, then prints each backend's instructions per
# flip, in total and by function (inclusive). Not part of the test run;
# see doc/performance.md.
#
#   tools/profile-flip.sh [FLIPS]      (default 1000 flips per size)
#
# Needs valgrind on the host: its launcher and tools are bound into the
# build root (build-prof/ holds a copy of the launcher and the output).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
flips=${1:-1000}
out=$repo/build-prof/callgrind
vglib=/usr/libexec/valgrind

command -v valgrind.bin >/dev/null && [ -d $vglib ] ||
	{ echo "profile-flip: needs valgrind on the host" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/callgrind.*
cp "$(command -v valgrind.bin)" "$repo/build-prof/valgrind.bin"
# The benchmark finds a backend by "xen-display-backend" in argv[0].
cat > "$repo/build-prof/backend-callgrind" <<EOF
#!/bin/bash
export VALGRIND_LIB=$vglib
exec -a xen-display-backend-callgrind $repo/build-prof/valgrind.bin \\
	--tool=callgrind --callgrind-out-file=$out/callgrind.%p \\
	$repo/build-prof/plugin/backend/xen-display-backend "\$@"
EOF
chmod +x "$repo/build-prof/backend-callgrind"

XEN_DISPLAY_EXTRA_BIND=$vglib timeout 1200 "$here/buildroot.sh" -- sh -c '
	set -e
	cd "$1"
	[ -f build-prof/build.ninja ] ||
		meson setup build-prof -Dbuildtype=debugoptimized >/dev/null
	ninja -C build-prof >/dev/null
	timeout 1100 build-prof/tests/bench/bench-backend --profile \
		--flips "$2" --backend "$PWD/build-prof/backend-callgrind" \
		2>build-prof/bench.log ||
		{ tail -40 build-prof/bench.log >&2; exit 1; }
' sh "$repo" "$flips"

# Each backend served one size: 30 warm-up flips and $flips measured.
for f in "$out"/callgrind.*; do
	dom=$(grep -o -- '--domid=[0-9]*' "$f" | head -1 | cut -d= -f2)
	echo "== dom$dom: $((flips + 30)) flips, instructions per flip"
	callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
		awk -v n=$((flips + 30)) '
		/PROGRAM TOTALS/ { gsub(",", "", $1);
			printf "%10.0f  total\n", $1 / n; next }
		/^ *[0-9,]+ .*\(/ && shown < 40 { v = $1; gsub(",", "", v);
			$1 = ""; printf "%10.0f %s\n", v / n, $0; shown++ }'
done
