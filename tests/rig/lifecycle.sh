#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Two real guests at once (one with two connectors), pinned side by side by
# weston.ini, and a guest reboot that brings its display back: runs
# scenarios/lifecycle.sh and checks both captures pixel for pixel.
#
#   tests/rig/lifecycle.sh STAGING [OUT]     (OUT default ./rig-out/lifecycle)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-$PWD/rig-out/lifecycle}
mkdir -p "$out"
out=$(cd "$out" && pwd)
"$repo/tools/rig/run.sh" --out "$out" --timeout 900 "$1" \
	"$here/scenarios/lifecycle.sh"
check() { "$here/check-capture.sh" "$out/$1.png" "$2" 0 800 600 pattern 0 "$3"; }
check two-guests 0 0
check two-guests 800 0
check two-guests 1600 1
check rebooted 0 0
check rebooted 800 0
check rebooted 1600 1
echo "lifecycle: two guests (three connectors) shown at once, a rebooted guest shown again"
