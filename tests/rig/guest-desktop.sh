#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A guest in real use: a Debian trixie guest's own Weston desktop and
# weston-terminal, typed into from dom0's keyboard (scenarios/
# guest-desktop.sh, with QEMU's display adapter and the desktop guest's
# disk, tools/rig/desktop/). Then, here, dom0's capture of the guest's
# display against the guest's own screenshot, pixel for pixel, under the
# module's frame and name as a guest holding the keyboard has them.
#
#   tests/rig/guest-desktop.sh [--zero-copy] STAGING [OUT]
#                              (OUT default ./rig-out/guest-desktop)
#
# --zero-copy loads our kmod in dom0 first: the guest's buffers reach
# Weston as dma-bufs (provider 'kmod', zero copy), with no copy.
# Leaves OUT/desktop-dom0.png, OUT/desktop-guest.png and
# OUT/desktop-report.txt.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
zero_copy=false
if [ "${1:-}" = --zero-copy ]; then
	zero_copy=true
	shift
fi
staging=$1
out=${2:-$PWD/rig-out/guest-desktop}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if $zero_copy; then
	zc=$(mktemp -d /var/tmp/xd-stage-zc.XXXXXX)
	trap 'rm -rf "$zc"' EXIT
	cp -a "$staging/." "$zc/"
	echo "XD_ZERO_COPY=1" >> "$zc/rig.env"
	staging=$zc
fi

"$repo/tools/rig/run.sh" --display --desktop --out "$out" --timeout 1500 \
	"$staging" "$here/scenarios/guest-desktop.sh"
desk=${XEN_DISPLAY_CACHE:-/var/cache/xen-display}/rig/desktop
echo "$(cat "$desk/built.txt" 2>/dev/null || echo "size unknown"); this run: $(awk '$1 == "desktop-image" { print ($2 < 10 ? "reused from the cache" : "built, " $2 " s") }' "$out/timings.txt")" \
	> "$out/desktop-image.txt"
# The guest's 800x600 display pinned at dom0's top left (rig_pinned_ini).
status=0
"$here/check-capture.sh" "$out/desktop-dom0.png" 0 0 800 600 framed-image \
	"$out/desktop-guest.png" default guest1 focused |
	tee "$out/desktop-check.txt" || status=1
if [ $status = 0 ]; then
	echo "match:    dom0's capture equals the guest's own screenshot, every pixel of its 800x600 display (the module's frame and name where they lie over it)" >> "$out/desktop-report.txt"
else
	echo "match:    MISMATCH: $(cat "$out/desktop-check.txt")" >> "$out/desktop-report.txt"
fi
cat "$out/desktop-report.txt"
exit $status
