#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The project's packages in a real trixie dom0 (scenarios/packages.sh):
# installed with apt, the man page, DKMS's build of the kmod for dom0's
# kernel, Weston loading the module by name, and a purge that leaves
# nothing. STAGING is made by tests/rig/stage.sh.
#
#   tests/rig/packages.sh STAGING [OUT]     (OUT default ./rig-out/packages)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-$PWD/rig-out/packages}
# DKMS compiles with make -j2 on dom0's two vCPUs: on multi-threaded TCG
# (a host thread each) its install took 347 s instead of 671 s
# (doc/rig.md).
export RIG_TCG_THREAD=${RIG_TCG_THREAD:-multi}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The same staging, but dom0-init.sh leaves the installing to the scenario.
st=$(mktemp -d /var/tmp/xd-stage-pk.XXXXXX)
trap 'rm -rf "$st"' EXIT
cp -a "$1/." "$st/"
touch "$st/debs/no-boot-install"
# Its apt install takes every .deb of debs/, as README says: not the
# binary kmod package (rig_zcopy_load's), which conflicts with the DKMS one
# this scenario has DKMS build in dom0.
rm -f "$st"/debs/xen-zcopy-modules-*.deb
"$repo/tools/rig/run.sh" --out "$out" --timeout 1800 "$st" \
	"$here/scenarios/packages.sh"
echo "packages: $(cat "$out/man-w.txt"); $(cat "$out/dkms-status.txt")"
grep -h 'installed\|purged\|Loading\|kmod:' "$out/scenario.log" | tail -6
