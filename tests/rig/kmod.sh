#!/bin/bash
# SPDX-License-Identifier: MIT
#
# kmod/ on real Xen: runs scenarios/kmod.sh (the module loaded in dom0:
# its defaults, then zcopy-probe's loopback checks, a real guest shown
# through the kmod provider, reading back a dom0 buffer granted to it, and
# destroyed while mapped; then a second guest's burst of flips, a PVH
# guest beside the first one's PV, which must map and unmap nothing) with
# a staging directory made by tests/rig/stage.sh.
#
#   tests/rig/kmod.sh STAGING [OUT]     (OUT default ./rig-out/kmod)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-$PWD/rig-out/kmod}
# guest2 is PVH: multi-threaded TCG, as guest-frames.sh --pvh says.
export RIG_TCG_THREAD=${RIG_TCG_THREAD:-multi}
mkdir -p "$out"
out=$(cd "$out" && pwd)
"$repo/tools/rig/run.sh" --out "$out" --timeout 600 "$1" \
	"$here/scenarios/kmod.sh"
"$here/check-capture.sh" "$out/kmod-frame-1.png" 0 0 800 600 framed 1 0 \
	default guest1
grep -h 'reads every byte' "$out/zcopy-readback.txt"
grep -h '^PROBE result' "$out/zcopy-defaults.txt" \
	"$out/zcopy-loopback.txt" "$out/zcopy-readback.txt" \
	"$out/zcopy-sandboxed.txt"
# The backend's counters around guest2's burst (XD_BURST of
# scenarios/kmod.sh): per flip, with TCG's times; zero copy maps nothing.
burst=50
"$here/burst-figures.sh" kmod "$out" "$burst" zero-copy 800x600 guest2
echo "kmod: after guest2's burst and shutdown (pvh guest): $(cat "$out/zcopy-stats-burst.txt")"
