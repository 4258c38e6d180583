#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The main rig test from the host: runs scenarios/guest-frames.sh with the
# project's staging directory (see doc/rig.md) and checks every captured
# frame pixel for pixel against what the guest drew (pattern.h).
#
#   tests/rig/guest-frames.sh [--zero-copy] [--pvh] STAGING [OUT]
#                             (OUT default ./rig-out/guest-frames)
#
# Dom0 has no kmod: the backend copies each frame (provider 'map'). With
# --zero-copy it loads our kmod first, so the guest's pages reach Weston
# as a dma-buf; the run then fails unless the backend used the kmod and
# mapped nothing per flip. --pvh: the guest is PVH, not PV (doc/rig.md,
# "PVH guests").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
kind=copy
type=pv
while [ $# -gt 0 ]; do
	case "$1" in
	--zero-copy) kind=zero-copy; shift ;;
	--pvh) type=pvh; shift ;;
	*) break ;;
	esac
done
staging=$1
out=${2:-$PWD/rig-out/guest-frames}
frames=4
burst=50
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ $kind = zero-copy ] || [ $type = pvh ]; then
	# The same staging (rig.env is dom0's only input), with
	# XD_ZERO_COPY and XD_GUEST_TYPE for scenarios/guest-frames.sh.
	zc=$(mktemp -d /var/tmp/xd-stage-zc.XXXXXX)
	trap 'rm -rf "$zc"' EXIT
	cp -a "$staging/." "$zc/"
	[ $kind = copy ] || echo "XD_ZERO_COPY=1" >> "$zc/rig.env"
	echo "XD_GUEST_TYPE=$type" >> "$zc/rig.env"
	staging=$zc
fi
if [ $type = pvh ]; then
	# PVH guests on multi-threaded TCG: on single-threaded TCG their
	# kernel died in 3 of 5 boots (doc/rig.md, "PVH guests").
	export RIG_TCG_THREAD=${RIG_TCG_THREAD:-multi}
fi
"$repo/tools/rig/run.sh" --out "$out" --timeout 900 "$staging" \
	"$here/scenarios/guest-frames.sh"
: > "$out/checks.txt"
for f in $(seq 0 $((frames - 1))); do
	# Fullscreen under kiosk-shell: the module's frame and guest1's
	# name over the picture's edges, the guest's pixels everywhere else.
	"$here/check-capture.sh" "$out/frame-$f.png" 0 0 800 600 \
		framed "$f" 0 default guest1 | tee -a "$out/checks.txt"
done
echo "guest-frames: $frames frames shown in dom0 Weston, pixel for pixel, framed and named guest1 ($type guest)"
# The backend's counters around the guest's burst of $burst flips
# (scenarios/guest-frames.sh): per flip, with TCG's times.
"$here/burst-figures.sh" guest-frames "$out" "$burst" $kind 800x600
echo "guest-frames: passed with a $type guest ($kind path)"
