#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The main rig test from the host: runs scenarios/guest-frames.sh with the
# project's staging directory (see doc/rig.md) and checks every captured
# frame pixel for pixel against what the guest drew (pattern.h).
#
#   tests/rig/guest-frames.sh STAGING [OUT]   (OUT default ./rig-out/guest-frames)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
staging=$1
out=${2:-$PWD/rig-out/guest-frames}
frames=4
mkdir -p "$out"
out=$(cd "$out" && pwd)

"$repo/tools/rig/run.sh" --out "$out" --timeout 900 "$staging" \
	"$here/scenarios/guest-frames.sh"
for f in $(seq 0 $((frames - 1))); do
	"$here/check-capture.sh" "$out/frame-$f.png" 0 0 800 600 pattern "$f" 0
done
echo "guest-frames: $frames frames shown in dom0 Weston, pixel for pixel"
# The backend's counters before the first flip and after the last
# (scenarios/guest-frames.sh): per flip, with TCG's CPU times.
grep -o 'counters: flips [0-9]*, map calls [0-9]*, unmap calls [0-9]*, cpu [0-9]*' \
	"$out/logs/weston.log" | tr -d , | awk '
	NR == 1 { f = $3; m = $6; u = $9; c = $11 }
	NR == 2 && $3 > f { n = $3 - f
		printf "guest-frames: per flip (%d flips, TCG): backend CPU " \
		       "%.0f us, %.2f map calls, %.2f unmap calls\n", n,
		       ($11 - c) / n, ($6 - m) / n, ($9 - u) / n }'
