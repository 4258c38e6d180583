#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Makes the rig's staging directory: the project's Debian packages
# (tools/package.sh) that dom0 installs with apt, so that the rig runs what
# a user installs (the module in Weston's module directory, the backend in
# /usr/libexec, the kmod built by DKMS for dom0's own kernel); the
# rig's own test programs (tests/rig/*.c, prefix /opt/xen-display, no
# sanitizers: dom0 has no sanitizer runtimes); and the rig.env the
# scenarios read. Prints the staging path to hand to tools/rig/run.sh or
# tests/rig/*.sh.
#
#   tests/rig/stage.sh [BUILD_DIR]   (default build-rig; staging BUILD_DIR-stage,
#                                     packages built in BUILD_DIR-packages)
#
# The staging directory (dom0 sees it at /opt/xen-display):
#   debs/xen-display_V_amd64.deb, debs/xen-zcopy-dkms_V_all.deb
#   debs/xen-zcopy-modules-KVER_V_amd64.deb
#                              the kmod for dom0's kernel KVER, built by DKMS
#                              on the host (tools/kmod-bmdeb.sh), for
#                              rig_zcopy_load (kmod scenarios)
#   libexec/xen-display-rig/   xen-access-probe, zcopy-probe, uinput-inject,
#                              syscall-count, ...
#   rig.env                    XD_WESTON_ARGS: --modules=xen-display.so
# dom0-init.sh installs xen-display before each scenario, rig_zcopy_load
# xen-zcopy-modules-KVER; tests/rig/packages.sh installs xen-display and
# xen-zcopy-dkms itself (DKMS builds the kmod in dom0).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$repo/${1:-build-rig}
stage=$build-stage
debs=$build-packages
"$repo/tools/buildroot.sh" -- sh -c "
	set -e
	cd '$repo'
	[ -d '$build/meson-private' ] ||
		meson setup '$build' --prefix=/opt/xen-display \
			-Dbuildtype=debugoptimized -Dman=disabled >/dev/null
	ninja -C '$build' >/dev/null
	rm -rf '$stage' '$stage.all'
	DESTDIR='$stage.all' meson install -C '$build' --quiet" >&2
opt=$stage/opt/xen-display
# Only the rig's programs from the meson install: the project itself comes
# from the packages.
mkdir -p "$opt/libexec" "$opt/debs"
mv "$stage.all/opt/xen-display/libexec/xen-display-rig" "$opt/libexec/"
rm -rf "$stage.all"
"$repo/tools/package.sh" "$debs" > "$build/package.log" 2>&1 || {
	tail -30 "$build/package.log" >&2
	echo "stage.sh: tools/package.sh failed (log: $build/package.log)" >&2
	exit 1
}
cp "$debs"/xen-display_*_amd64.deb "$debs"/xen-zcopy-dkms_*_all.deb "$opt/debs/"
# The kmod for the scenarios that load it (rig_zcopy_load): the binary
# package DKMS makes here, in an overlay of the cached dom0 root, for
# dom0's kernel, as DKMS in dom0 is too slow under TCG for each of them;
# tests/rig/packages.sh has DKMS build it in dom0.
"$repo/tools/kmod-bmdeb.sh" "$opt"/debs/xen-zcopy-dkms_*_all.deb "$opt/debs" >/dev/null
# Sourced in dom0. Weston finds the module in its own module directory,
# as a user types it. The module's log scope goes into Weston's log, with
# the backends' lines.
cat > "$opt/rig.env" <<EOR
XD_WESTON_ARGS="--modules=xen-display.so --logger-scopes=log,xen-display"
EOR
echo "$opt"
