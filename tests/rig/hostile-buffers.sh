#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A hostile guest on real Xen (scenarios/hostile-buffers.sh): the guest's
# client creates far more dumb buffers and framebuffers than its budget
# allows through the real xen-drm-front; dom0 checks what it held against
# the budget (its counters and Xen's maptrack) and that everything came
# back after the guest was destroyed. Prints the scenario's criteria.
#
#   tests/rig/hostile-buffers.sh STAGING [OUT]   (OUT default ./rig-out/hostile-buffers)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-$PWD/rig-out/hostile-buffers}
mkdir -p "$out"
rc=0
"$repo/tools/rig/run.sh" --out "$out" --timeout 600 "$1" \
	"$here/scenarios/hostile-buffers.sh" || rc=$?
# Every criterion, passed or not, whatever the run's end.
cat "$out/hostile-buffers.txt" 2>/dev/null || true
exit "$rc"
