#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A guest powered off and booted again on the same display device, and a
# second guest with two connectors (scenarios/guest-lifecycle.sh).
#
#   tests/rig/guest-lifecycle.sh [--pvh] STAGING [OUT]
#                                (OUT default ./rig-out/guest-lifecycle)
#
# --pvh: PVH guests, whose power-off ends in xl destroy (doc/rig.md, "PVH
# guests"); by hand, the default run's is PV.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
type=pv
if [ "${1:-}" = --pvh ]; then
	type=pvh
	shift
fi
staging=$1
out=${2:-$PWD/rig-out/guest-lifecycle}
mkdir -p "$out"
if [ $type = pvh ]; then
	st=$(mktemp -d /var/tmp/xd-stage-pvh.XXXXXX)
	trap 'rm -rf "$st"' EXIT
	cp -a "$staging/." "$st/"
	echo "XD_GUEST_TYPE=pvh" >> "$st/rig.env"
	staging=$st
fi
if [ $type = pvh ]; then
	# PVH guests on multi-threaded TCG: on single-threaded TCG their
	# kernel died in 3 of 5 boots (doc/rig.md, "PVH guests").
	export RIG_TCG_THREAD=${RIG_TCG_THREAD:-multi}
fi
"$repo/tools/rig/run.sh" --out "$out" --timeout 900 "$staging" \
	"$here/scenarios/guest-lifecycle.sh"
grep -h '^XDG result' "$out"/*-report.txt
echo "guest-lifecycle: reboot reconnects; two connectors flip; Xen freed every guest ($type guests)"
