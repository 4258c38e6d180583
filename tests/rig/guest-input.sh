#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Keys, pointer, wheel and touch from dom0's input devices to a real
# guest's xen-kbdfront devices: runs scenarios/guest-input.sh with QEMU's
# display adapter (dom0 Weston on the DRM backend) and keeps what the guest
# received as guest-input.txt.
#
#   tests/rig/guest-input.sh [--zero-copy] [--pvh] STAGING [OUT]
#                            (OUT default ./rig-out/guest-input)
#
# --zero-copy loads our kmod first: the vkbd event page and the display's
# rings map through the file the sandbox bound to the guest, and the run
# fails if a backend held /dev/xen/gntdev. --pvh: the guest is PVH, not
# PV (doc/rig.md, "PVH guests").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
zero_copy=false
type=pv
while [ $# -gt 0 ]; do
	case "$1" in
	--zero-copy) zero_copy=true; shift ;;
	--pvh) type=pvh; shift ;;
	*) break ;;
	esac
done
staging=$1
out=${2:-$PWD/rig-out/guest-input}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if $zero_copy || [ $type = pvh ]; then
	# The same staging with XD_ZERO_COPY and XD_GUEST_TYPE, as
	# guest-frames.sh does.
	zc=$(mktemp -d /var/tmp/xd-stage-zc.XXXXXX)
	trap 'rm -rf "$zc"' EXIT
	cp -a "$staging/." "$zc/"
	! $zero_copy || echo "XD_ZERO_COPY=1" >> "$zc/rig.env"
	echo "XD_GUEST_TYPE=$type" >> "$zc/rig.env"
	staging=$zc
fi
if [ $type = pvh ]; then
	# PVH guests on multi-threaded TCG: on single-threaded TCG their
	# kernel died in 3 of 5 boots (doc/rig.md, "PVH guests").
	export RIG_TCG_THREAD=${RIG_TCG_THREAD:-multi}
fi

"$repo/tools/rig/run.sh" --display --out "$out" --timeout 900 "$staging" \
	"$here/scenarios/guest-input.sh"
echo "guest-input: $(grep -c '' "$out/guest-input.txt") input events in the guest ($type guest), as sent"
