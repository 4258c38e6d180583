#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Per-flip figures of guest1's burst in a rig run (xd.burst=N and
# rig_guest_burst in tools/rig/dom0-lib.sh), for the host scripts of the
# rig tests: the difference of the backend's last two counters lines in
# OUT/logs/weston.log (taken at "XDG burst start" and after "XDG burst
# done") divided by the flips they counted, and the guest's own time from
# its "XDG burst done" line. All times are TCG's (doc/performance.md).
#
#   tests/rig/burst-figures.sh NAME OUT FLIPS copy|zero-copy WxH
#
# Prints
#   NAME: per flip (N flips, TCG, PROVIDER KIND path, WxH): backend CPU X us, M map calls, U unmap calls
#   NAME: guest burst: N flips in T us, X us per flip (TCG, guest wall clock)
#   rig_copy_cpu_per_flip_us X      (rig_zero_copy_cpu_per_flip_us for zero-copy)
#   rig_copy_guest_us_per_flip X    (likewise)
# Fails when the counters cover fewer than FLIPS flips (taken late, or
# flips the backend never completed), when the guest's burst line is
# missing or not for FLIPS flips, and for zero-copy on any map or unmap
# call during the burst (nothing is mapped per flip).
set -euo pipefail
name=$1 out=$2 flips=$3 kind=$4 size=$5
case "$kind" in
copy | zero-copy) ;;
*) echo "burst-figures: KIND is copy or zero-copy, not '$kind'" >&2; exit 2 ;;
esac
log=$out/logs/weston.log
guest=$out/logs/xen/guest-guest1.log
fail() { echo "$name: FAIL: $*" >&2; exit 1; }

provider=$(sed -n "s/.*guest buffers: provider '\([a-z]*\)'.*/\1/p" "$log" |
	tail -1)
counters=$(grep -o 'dom[0-9]*: counters: flips [0-9]*, map calls [0-9]*, unmap calls [0-9]*, cpu [0-9]*' \
	"$log" | tr -d , | tail -2)
[ "$(printf '%s\n' "$counters" | grep -c counters)" = 2 ] ||
	fail "no two counters lines in $log"
done_line=$(tr -d '\r' < "$guest" | grep '^XDG burst done ' | tail -1) ||
	fail "no 'XDG burst done' line in $guest"

printf '%s\n' "$counters" | awk -v name="$name" -v want="$flips" \
	-v kind="$kind" -v prov="${provider:-unknown}" -v size="$size" \
	-v guest="$done_line" '
	# domD: counters: flips N map calls M unmap calls U cpu T
	NR == 1 { d = $1; f = $4; m = $7; u = $10; c = $12; next }
	{
		if ($1 != d) {
			printf "%s: FAIL: the counters lines are of %s and %s\n",
			       name, d, $1 > "/dev/stderr"
			exit 1
		}
		n = $4 - f; maps = $7 - m; unmaps = $10 - u; cpu = $12 - c
		if (n < want) {
			printf "%s: FAIL: the counters cover %d flips, not the " \
			       "burst'"'"'s %d\n", name, n, want > "/dev/stderr"
			exit 1
		}
		path = prov " " kind
		printf "%s: per flip (%d flips, TCG, %s path, %s): backend " \
		       "CPU %.0f us, %.2f map calls, %.2f unmap calls\n",
		       name, n, path, size, cpu / n, maps / n, unmaps / n
		# XDG burst done n=N us=T events=E errors=K
		split(guest, g, /[ =]/)
		if (g[5] != want) {
			printf "%s: FAIL: the guest burst %s flips, not %d\n",
			       name, g[5], want > "/dev/stderr"
			exit 1
		}
		printf "%s: guest burst: %d flips in %d us, %.0f us per flip " \
		       "(TCG, guest wall clock)\n", name, g[5], g[7], g[7] / g[5]
		k = kind == "copy" ? "copy" : "zero_copy"
		printf "rig_%s_cpu_per_flip_us %.0f\n", k, cpu / n
		printf "rig_%s_guest_us_per_flip %.0f\n", k, g[7] / g[5]
		if (kind == "zero-copy" && (maps > 0 || unmaps > 0)) {
			printf "%s: FAIL: zero copy, but %d map and %d unmap " \
			       "calls in %d flips\n", name, maps, unmaps, n \
			       > "/dev/stderr"
			exit 1
		}
	}'
