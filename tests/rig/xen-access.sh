#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Runs the backend's Xen access layer against real Xen in the rig
# (scenarios/xen-access.sh). STAGING must hold the project installed with
# prefix /opt/xen-display (libexec/xen-display-rig/xen-access-probe).
#
#   tests/rig/xen-access.sh STAGING [OUT]   (OUT default ./rig-out/xen-access)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-$PWD/rig-out/xen-access}
mkdir -p "$out"
"$repo/tools/rig/run.sh" --out "$out" --timeout 600 "$1" \
	"$here/scenarios/xen-access.sh"
grep -h '^PROBE result' "$out"/probe-*.txt
