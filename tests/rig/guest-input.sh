#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Keys, pointer, wheel and touch from dom0's input devices to a real
# guest's xen-kbdfront devices: runs scenarios/guest-input.sh with QEMU's
# display adapter (dom0 Weston on the DRM backend) and keeps what the guest
# received as guest-input.txt.
#
#   tests/rig/guest-input.sh STAGING [OUT]   (OUT default ./rig-out/guest-input)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
staging=$1
out=${2:-$PWD/rig-out/guest-input}
mkdir -p "$out"
out=$(cd "$out" && pwd)

"$repo/tools/rig/run.sh" --display --out "$out" --timeout 900 "$staging" \
	"$here/scenarios/guest-input.sh"
echo "guest-input: $(grep -c '' "$out/guest-input.txt") input events in the guest, as sent"
