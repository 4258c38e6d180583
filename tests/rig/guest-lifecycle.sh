#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A guest powered off and booted again on the same display device, and a
# second guest with two connectors (scenarios/guest-lifecycle.sh).
#
#   tests/rig/guest-lifecycle.sh STAGING [OUT]   (OUT default ./rig-out/guest-lifecycle)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-$PWD/rig-out/guest-lifecycle}
mkdir -p "$out"
"$repo/tools/rig/run.sh" --out "$out" --timeout 900 "$1" \
	"$here/scenarios/guest-lifecycle.sh"
grep -h '^XDG result' "$out"/*-report.txt
echo "guest-lifecycle: reboot reconnects; two connectors flip; Xen freed every guest"
