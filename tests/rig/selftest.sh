#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The rig's self-test from the host: boots the rig with an empty staging
# directory and scenarios/selftest.sh (with QEMU's display adapter), then
# checks the captures that came back: headless Weston's (1024x768) and
# QEMU's screendump of DRM Weston (1280x800), all black (kiosk shell, no
# client), and the guest test client's three frames drawn on bochs-drm in
# dom0 and screendumped by QEMU, pixel for pixel against pattern.h.
#
#   tests/rig/selftest.sh [OUT]   (default ./rig-out/selftest)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$PWD/rig-out/selftest}
mkdir -p "$out"
out=$(cd "$out" && pwd)
staging=$(mktemp -d /var/tmp/xd-rig-staging.XXXXXX)
trap 'rm -rf "$staging"' EXIT

"$repo/tools/rig/run.sh" --display --out "$out" --timeout 600 "$staging" \
	"$here/scenarios/selftest.sh"
"$here/check-capture.sh" "$out/weston-headless.png" 0 0 1024 768 solid 000000
"$here/check-capture.sh" "$out/weston-drm.png" 0 0 1280 800 solid 000000
# The guest test client's own frames on bochs-drm, as QEMU shows them.
mode=$(sed -n 's/^XDG connector index=0 .*mode=\([0-9]*x[0-9]*\) .*/\1/p' \
	"$out/client-on-bochs.txt")
[ -n "$mode" ] || { echo "selftest: no mode in client-on-bochs.txt" >&2; exit 1; }
for f in 0 1 2; do
	"$here/check-capture.sh" "$out/client-on-bochs-$f.png" 0 0 \
		"${mode%x*}" "${mode#*x}" pattern "$f" 0
done
echo "selftest: passed"
