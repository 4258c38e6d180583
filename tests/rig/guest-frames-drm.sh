#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A real guest on dom0 Weston's DRM backend, seen the way a user sees it:
# runs scenarios/guest-frames-drm.sh with QEMU's display adapter and checks
# every QEMU screendump pixel for pixel against what the guest drew.
#
#   tests/rig/guest-frames-drm.sh STAGING [OUT]   (OUT default ./rig-out/guest-frames-drm)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
staging=$1
out=${2:-$PWD/rig-out/guest-frames-drm}
frames=3
mkdir -p "$out"
out=$(cd "$out" && pwd)

"$repo/tools/rig/run.sh" --display --out "$out" --timeout 900 "$staging" \
	"$here/scenarios/guest-frames-drm.sh"
for f in $(seq 0 $((frames - 1))); do
	"$here/check-capture.sh" "$out/screen-$f.png" 0 0 800 600 \
		framed "$f" 0 default guest1
done
echo "guest-frames-drm: $frames frames on QEMU's display, pixel for pixel"
