#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Per-flip figures of a guest's burst in a rig run (xd.burst=N and
# rig_guest_burst in tools/rig/dom0-lib.sh), for the host scripts of the
# rig tests: the difference of the backend's last two counters lines in
# OUT/logs/weston.log (taken before dom0 lets the guest start and after
# "XDG burst done") divided by the flips they counted, and the guest's own
# time from its "XDG burst done" line, and the backend's system calls
# around the burst from rig_guest_burst's "backend system calls around the
# burst" line in OUT/scenario.log (an in-kernel count, syscall-count). All
# times are TCG's (doc/performance.md).
#
#   tests/rig/burst-figures.sh NAME OUT FLIPS copy|zero-copy WxH [GUEST]
#
# GUEST (default guest1) names the guest's console log in OUT/logs/xen.
#
# Prints
#   NAME: per flip (N flips, TCG, PROVIDER KIND path, WxH): backend CPU
#         X us, M map calls, U unmap calls, syscalls S, wakeups W
#   NAME: guest burst: N flips in T us, X us per flip (TCG, guest wall clock)
#   NAME: K flips completed by the backend's fallback (Weston presented
#         nothing for 500 ms)
#   rig_copy_cpu_per_flip_us X    (rig_zero_copy_... for zero-copy)
#   rig_copy_guest_us_per_flip X
#   rig_copy_syscalls_per_flip S  (nan when they were not counted)
#   rig_copy_wakeups_per_flip W
# Fails when the counters cover fewer than FLIPS flips (taken late, or
# flips the backend never completed), when the guest's burst line is
# missing or not for FLIPS flips, and for zero-copy on any map or unmap
# call during the burst (nothing is mapped per flip).
set -euo pipefail
name=$1 out=$2 flips=$3 kind=$4 size=$5 guest_name=${6:-guest1}
case "$kind" in
copy | zero-copy) ;;
*) echo "burst-figures: KIND is copy or zero-copy, not '$kind'" >&2; exit 2 ;;
esac
log=$out/logs/weston.log
guest=$out/logs/xen/guest-$guest_name.log
fail() { echo "$name: FAIL: $*" >&2; exit 1; }

provider=$(sed -n "s/.*\(guest\|backend-allocated\) buffers come from provider '\([a-z-]*\)'.*/\2/p" "$log" |
	tail -1)
n='[0-9]*'
counters=$(grep -o "dom$n: counters: flips $n, map calls $n, unmap calls $n, cpu $n us, wakeups $n" \
	"$log" | tr -d , | tail -2)
[ "$(printf '%s\n' "$counters" | grep -c counters)" = 2 ] ||
	fail "no two counters lines in $log"
done_line=$(tr -d '\r' < "$guest" | grep '^XDG burst done ' | tail -1) ||
	fail "no 'XDG burst done' line in $guest"
# The backend's system calls from before the first counters line to after
# the second (empty: not counted, its reason in the scenario's log).
syscalls=$(sed -n "s/.* $guest_name: backend system calls around the burst: syscalls \([0-9]*\)\$/\1/p" \
	"$out/scenario.log" 2>/dev/null | tail -1) || syscalls=
# Weston presented no frame for 500 ms: the backend completed the flips
# itself (a slow repaint under TCG); between the two counters lines.
fallbacks=$(awk '/counters: flips/ { n++; c[n] = NR } { l[NR] = $0 }
	END { for (i = c[n - 1]; i < c[n]; i++)
		if (l[i] ~ /no presentation in 500 ms/) k++
	      print k + 0 }' "$log")

printf '%s\n' "$counters" | awk -v name="$name" -v want="$flips" \
	-v kind="$kind" -v prov="${provider:-unknown}" -v size="$size" \
	-v guest="$done_line" -v fallbacks="$fallbacks" -v calls="$syscalls" '
	# domD: counters: flips N map calls M unmap calls U cpu T us wakeups W
	NR == 1 { d = $1; f = $4; m = $7; u = $10; c = $12; w = $15; next }
	{
		if ($1 != d) {
			printf "%s: FAIL: the counters lines are of %s and %s\n",
			       name, d, $1 > "/dev/stderr"
			exit 1
		}
		n = $4 - f; maps = $7 - m; unmaps = $10 - u; cpu = $12 - c
		woken = $15 - w
		sc = calls == "" ? "nan" : sprintf("%.1f", calls / n)
		if (n < want) {
			printf "%s: FAIL: the counters cover %d flips, not the " \
			       "burst'"'"'s %d\n", name, n, want > "/dev/stderr"
			exit 1
		}
		path = prov " " kind
		printf "%s: per flip (%d flips, TCG, %s path, %s): backend " \
		       "CPU %.0f us, %.2f map calls, %.2f unmap calls, " \
		       "syscalls %s, wakeups %.2f\n",
		       name, n, path, size, cpu / n, maps / n, unmaps / n, sc,
		       woken / n
		# XDG burst done n=N us=T events=E errors=K
		split(guest, g, /[ =]/)
		if (g[5] != want) {
			printf "%s: FAIL: the guest burst %s flips, not %d\n",
			       name, g[5], want > "/dev/stderr"
			exit 1
		}
		printf "%s: guest burst: %d flips in %d us, %.0f us per flip " \
		       "(TCG, guest wall clock)\n", name, g[5], g[7], g[7] / g[5]
		printf "%s: %d flips completed by the backend'"'"'s fallback " \
		       "(Weston presented nothing for 500 ms)\n", name, fallbacks
		k = kind == "copy" ? "copy" : "zero_copy"
		printf "rig_%s_cpu_per_flip_us %.0f\n", k, cpu / n
		printf "rig_%s_guest_us_per_flip %.0f\n", k, g[7] / g[5]
		printf "rig_%s_syscalls_per_flip %s\n", k, sc
		printf "rig_%s_wakeups_per_flip %.2f\n", k, woken / n
		if (kind == "zero-copy" && (maps > 0 || unmaps > 0)) {
			printf "%s: FAIL: zero copy, but %d map and %d unmap " \
			       "calls in %d flips\n", name, maps, unmaps, n \
			       > "/dev/stderr"
			exit 1
		}
	}'
