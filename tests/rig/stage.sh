#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Builds the project for the rig (trixie build root, prefix /opt/xen-display,
# no sanitizers: dom0 has no sanitizer runtimes) and installs it into a
# staging directory with the rig.env that scenarios/guest-frames.sh reads.
# Prints the staging path to hand to tools/rig/run.sh or tests/rig/*.sh.
#
#   tests/rig/stage.sh [BUILD_DIR]   (default build-rig; staging BUILD_DIR-stage)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/${1:-build-rig}
stage=$build-stage
"$repo/tools/buildroot.sh" -- sh -c "
	set -e
	cd '$repo'
	[ -d '$build/meson-private' ] ||
		meson setup '$build' --prefix=/opt/xen-display \
			-Dbuildtype=debugoptimized >/dev/null
	ninja -C '$build' >/dev/null
	rm -rf '$stage'
	DESTDIR='$stage' meson install -C '$build' --quiet" >&2
opt=$stage/opt/xen-display
# The kmod, for the dom0 kernel (the build root's headers are its).
"$repo/tools/kmod-build.sh" trixie "$opt/lib/modules/xen-zcopy.ko" >&2
module=$(cd "$opt" && find . -name xen-display.so | head -1)
[ -n "$module" ] || { echo "stage.sh: no xen-display.so installed" >&2; exit 1; }
# Sourced in dom0: \$RIG_OPT is /opt/xen-display there. The module's log
# scope goes into Weston's log, with the backends' lines.
cat > "$opt/rig.env" <<EOR
XD_WESTON_ARGS="--modules=\$RIG_OPT/${module#./} --logger-scopes=log,xen-display"
EOR
echo "$opt"
