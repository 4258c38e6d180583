#!/bin/bash
# SPDX-License-Identifier: MIT
#
# What a flip costs the backend process in instructions, a measure the
# machine's load does not move: runs bench-backend --profile (480p, 1080p,
# 4K; zero copy and the copy path) with every backend under callgrind,
# twice, with N and 2N measured flips. The difference of the two runs'
# totals, divided by N, is the cost of one flip, without the process's
# start, connection and buffer setup. Prints that table, the ratio lines,
# and the zero-copy backends' top functions (inclusive, per flip of the
# longer run, setup included). Not part of the test run; see
# doc/performance.md.
#
#   tools/profile-flip.sh [FLIPS [COPY_FLIPS]]   (default 500 and 20)
#
# Needs valgrind on the host: its launcher and tools are bound into the
# build root (build-prof/ holds a copy of the launcher and the output).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
flips=${1:-500}
copy_flips=${2:-20}
vglib=/usr/libexec/valgrind

command -v valgrind.bin >/dev/null && [ -d $vglib ] ||
	{ echo "profile-flip: needs valgrind on the host" >&2; exit 1; }
mkdir -p "$repo/build-prof"
cp "$(command -v valgrind.bin)" "$repo/build-prof/valgrind.bin"

# profile RUN FLIPS COPY_FLIPS: one bench-backend --profile run, its
# callgrind files in build-prof/RUN/.
profile() {
	local out=$repo/build-prof/$1

	rm -rf "$out"
	mkdir -p "$out"
	# The benchmark finds a backend by "xen-display-backend" in argv[0].
	# callgrind counts each byte of a 'rep movsb' as an instruction:
	# glibc's memcpy is kept on its vector loop, so that a copied row
	# counts what a CPU executes for it, not one per byte.
	cat > "$out/backend-callgrind" <<EOF
#!/bin/bash
export VALGRIND_LIB=$vglib
# Valgrind's own temporary files, where the sandbox lets it write.
export TMPDIR=$out
export GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=$((1 << 30))
exec -a xen-display-backend-callgrind $repo/build-prof/valgrind.bin \\
	--tool=callgrind --vgdb=no --callgrind-out-file=$out/callgrind.%p \\
	$repo/build-prof/plugin/backend/xen-display-backend "\$@"
EOF
	chmod +x "$out/backend-callgrind"
	# The backends' sandbox lets them run the launcher, read the
	# backend and write the profiles beneath XD_PROFILE_DIR only.
	XEN_DISPLAY_EXTRA_BIND=$vglib timeout 1800 "$here/buildroot.sh" -- sh -c '
		set -e
		cd "$1"
		export XD_PROFILE_DIR="$1/build-prof"
		[ -f build-prof/build.ninja ] ||
			meson setup build-prof -Dbuildtype=debugoptimized >/dev/null
		ninja -C build-prof >/dev/null
		timeout 1700 build-prof/tests/bench/bench-backend --profile \
			--flips "$2" --copy-flips "$3" \
			--backend "$4/backend-callgrind" 2>"$4/bench.log" ||
			{ tail -40 "$4/bench.log" >&2; exit 1; }
	' sh "$repo" "$2" "$3" "$out"
}

# totals RUN: "DOMID INSTRUCTIONS" per backend of the run.
totals() {
	local f

	for f in "$repo/build-prof/$1"/callgrind.*; do
		printf '%s %s\n' \
			"$(grep -o -- '--domid=[0-9]*' "$f" | head -1 | cut -d= -f2)" \
			"$(sed -n 's/^totals: *//p' "$f")"
	done | sort -n
}

profile short "$flips" "$copy_flips"
profile long $((2 * flips)) $((2 * copy_flips))

# Domains 101-103 flip zero copy, 201-203 copy (bench-backend.c).
join <(totals short) <(totals long) | awk -v n="$flips" -v c="$copy_flips" '
	{ per[$1] = ($3 - $2) / ($1 >= 200 ? c : n) }
	END {
		split("480p 1080p 4k", name)
		printf "instructions per flip of the backend process " \
		       "(callgrind, user space), XRGB8888\n"
		printf "%-6s %12s %12s %8s\n", "size", "zero copy", "copy",
		       "ratio"
		for (i = 1; i <= 3; i++)
			printf "%-6s %12.0f %12.0f %7.0fx\n", name[i],
			       per[100 + i], per[200 + i],
			       per[200 + i] / per[100 + i]
		printf "ratio_copy_vs_zero_copy_4k_instructions %.0f\n",
		       per[203] / per[103]
		printf "zero_copy_instructions_growth_480p_to_4k %.3f\n",
		       per[103] / per[101]
	}'

for f in "$repo/build-prof/long"/callgrind.*; do
	dom=$(grep -o -- '--domid=[0-9]*' "$f" | head -1 | cut -d= -f2)
	[ "$dom" -lt 200 ] || continue
	echo "== dom$dom zero copy: top functions, inclusive instructions" \
		"per flip ($((2 * flips + 30)) flips, setup included)"
	callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
		awk -v n=$((2 * flips + 30)) '
		/^ *[0-9,]+ .*\(/ && shown < 25 { v = $1; gsub(",", "", v);
			$1 = ""; printf "%10.0f %s\n", v / n, $0; shown++ }'
done
