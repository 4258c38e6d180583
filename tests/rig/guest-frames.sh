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
burst=50
mkdir -p "$out"
out=$(cd "$out" && pwd)

"$repo/tools/rig/run.sh" --out "$out" --timeout 900 "$staging" \
	"$here/scenarios/guest-frames.sh"
for f in $(seq 0 $((frames - 1))); do
	"$here/check-capture.sh" "$out/frame-$f.png" 0 0 800 600 pattern "$f" 0
done
echo "guest-frames: $frames frames shown in dom0 Weston, pixel for pixel"
# The backend's counters around the guest's burst of $burst flips
# (scenarios/guest-frames.sh): per flip, with TCG's times.
"$here/burst-figures.sh" guest-frames "$out" "$burst" copy 800x600
