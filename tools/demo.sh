#!/bin/bash
# SPDX-License-Identifier: MIT
#
# README's main job: a real Xen guest's display shown in Weston.
#
#   tools/demo.sh [--sim | [--pattern [--pvh]] [--zero-copy]] [OUT_DIR]
#                                                   (default OUT_DIR: out/demo)
#
# Default: the Xen-in-QEMU rig (doc/rig.md). Builds the project's Debian
# packages in the trixie build root (tools/package.sh), boots Xen 4.20
# with a trixie dom0 that installs them with apt and runs Weston with
# --modules=xen-display.so on QEMU's display adapter, as a user would (an
# ordinary user in the group xen-display, not root), and starts a PV
# guest running a Debian trixie desktop of its own: Weston on its
# xen-drm-front display, with weston-terminal (tools/rig/desktop/). A
# click on the guest's display gives it dom0's keyboard, and a command is
# typed into the guest's terminal through dom0's keyboard (uinput, as a
# user's device); the guest's Weston takes its own screenshot, and dom0's
# capture of the guest's display must equal it pixel for pixel, under the
# frame and name the module draws around every guest display
# (doc/security.md). Then keys typed with dom0's focus elsewhere must
# reach the guest not at all. Leaves OUT_DIR/screen.png (the dom0
# screen), OUT_DIR/guest-screenshot.png and OUT_DIR/report.txt. A fresh
# machine first builds the cached images (dom0's about 10 minutes, the
# desktop guest's about 2); then a run takes about 8 minutes (TCG).
#
# dom0 runs a stock Debian kernel without our kmod, so the backend
# copies each frame once (provider 'map', as the report says).
# --zero-copy: the same with our kmod loaded in dom0 first (built on the
# host for dom0's kernel, as the rig's kmod scenarios load it: DKMS in
# dom0 takes 11 minutes under TCG; tests/rig/packages.sh shows the
# xen-zcopy-dkms package): the guest's pages go to Weston as a dma-buf.
# On QEMU's display dom0's Weston cannot import it and the backend copies
# (the report's "frames:" line; doc/rig.md, "Zero copy on QEMU's
# display"); with --pattern (headless Weston) nothing is copied.
# --pattern: the guest runs the rig's test client instead, which draws
# four known frames, each checked in dom0 pixel for pixel
# (tests/rig/guest-frames.sh); --pvh: that guest is PVH instead of PV
# (the same kernel and devices in an HVM container, as Qubes OS runs its
# guests; doc/rig.md, "PVH guests").
#
# --sim: the same backend and module with a simulated guest instead, in
# seconds, no QEMU.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
mode=desktop
frames_args=()
guest_type=PV
while [ $# -gt 0 ]; do
	case "$1" in
	--sim) mode=sim; shift ;;
	--pattern) mode=pattern; shift ;;
	--zero-copy) frames_args+=(--zero-copy); shift ;;
	--pvh) frames_args+=(--pvh); guest_type=PVH; shift ;;
	-*) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $mode = sim ] && [ ${#frames_args[@]} -gt 0 ]; then
	echo "demo.sh: --sim takes no --zero-copy or --pvh" >&2
	exit 2
fi
if [ $mode = desktop ] && [ $guest_type = PVH ]; then
	echo "demo.sh: --pvh goes with --pattern (the desktop guest is PV)" >&2
	exit 2
fi
out=${1:-$repo/out/demo}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ $mode = sim ]; then
	if [ "${XEN_DISPLAY_IN_ROOT:-}" != trixie ]; then
		# The root sees only the repository: keep OUT_DIR inside it.
		case "$out" in
		"$repo"/*) ;;
		*) echo "demo.sh: OUT_DIR must be inside $repo" >&2; exit 2 ;;
		esac
		exec "$here/buildroot.sh" -- "$here/demo.sh" --sim "$out"
	fi
	cd "$repo"
	build="build-demo"
	[ -f $build/build.ninja ] ||
		meson setup $build -Dbuildtype=debugoptimized >/dev/null
	if ! ninja -C $build > $build/demo-build.log 2>&1; then
		tail -30 $build/demo-build.log >&2
		echo "demo.sh: the build failed (log: $build/demo-build.log)" >&2
		exit 1
	fi
	"$build/tests/sim/xd-demo" "$out"
	echo "demo.sh: $out/screen.png and $out/report.txt"
	exit 0
fi

staging=$("$repo/tests/rig/stage.sh" build-rig)
rig=$out/rig
rm -rf "$rig" "$out/screen.png" "$out/guest-screenshot.png"
status=0
# Weston runs as an ordinary user (doc/rig.md, "Weston as an ordinary
# user"); its uid as dom0 saw it.
weston_uid() {
	awk '/^Uid:/ { print $2 }' "$rig/logs/weston-fds.txt" 2>/dev/null || true
}

if [ $mode = desktop ]; then
	"$repo/tests/rig/guest-desktop.sh" "${frames_args[@]}" "$staging" \
		"$rig" || status=$?
	[ -r "$rig/desktop-dom0.png" ] && cp "$rig/desktop-dom0.png" "$out/screen.png"
	[ -r "$rig/desktop-guest.png" ] &&
		cp "$rig/desktop-guest.png" "$out/guest-screenshot.png"
	uid=$(weston_uid)
	if [ "${uid:-0}" = 0 ]; then
		echo "demo.sh: Weston did not run as an ordinary user" >&2
		status=1
	fi
	{
		echo "Xen 4.20 in QEMU (TCG), trixie dom0 running Weston 14 with xen-display.so"
		echo "on QEMU's display, and a PV guest (Linux 6.12, xen-drm-front, xen-kbdfront)"
		echo "running its own Debian desktop on one 800x600 connector."
		cat "$rig/desktop-report.txt" 2>/dev/null
		echo "image:    the desktop guest's root, $(cat "$rig/desktop-image.txt" 2>/dev/null || echo unknown)"
		echo "Weston:   uid ${uid:-unknown} in dom0 (xd: not root)"
		echo "status:   $([ $status = 0 ] && echo pass || echo "FAIL (logs: $rig)")"
		echo "screen:   $out/screen.png (the guest's own: $out/guest-screenshot.png)"
	} > "$out/report.txt"
	cat "$out/report.txt"
	exit $status
fi

"$repo/tests/rig/guest-frames.sh" "${frames_args[@]}" "$staging" "$rig" ||
	status=$?
last=$(ls "$rig"/frame-*.png 2>/dev/null | sort -V | tail -1)
[ -n "$last" ] && cp "$last" "$out/screen.png"
shown=$(grep -c '^XDG shown' "$rig/guest1-report.txt" 2>/dev/null || true)
result=$(grep -h '^XDG result' "$rig/guest1-report.txt" 2>/dev/null || true)
provider=$(grep -ho "provider '[a-z-]*'[^]]*" "$rig/logs/weston.log" \
	2>/dev/null | tail -1 || true)
weston_uid=$(weston_uid)
# The module's frame and the guest's name, checked pixel for pixel in
# every frame's capture by guest-frames.sh (check-capture.c, "framed").
label=$(tail -1 "$rig/checks.txt" 2>/dev/null |
	grep -o 'frame_pixels=[0-9]* label="[^"]*" label_pixels=[0-9]*' || true)
if [ -z "$label" ] || ! tail -1 "$rig/checks.txt" | grep -q ' mismatched=0'; then
	echo "demo.sh: screen.png does not carry the guest's frame and name" >&2
	status=1
fi
if [ "${weston_uid:-0}" = 0 ]; then
	echo "demo.sh: Weston did not run as an ordinary user" >&2
	status=1
fi
cat > "$out/report.txt" <<EOR
Xen 4.20 in QEMU (TCG), trixie dom0 running Weston 14 with xen-display.so,
a $guest_type guest (Linux 6.12, xen-drm-front) with one 800x600 connector.
frames shown:      ${shown:-0} (each captured in dom0 and checked pixel for pixel)
guest's result:    ${result:-none}
buffer provider:   ${provider:-unknown}
Weston's user:     uid ${weston_uid:-unknown} in dom0 (xd: not root)
frame and name:    ${label:-MISSING} (drawn by Weston's module, checked pixel for pixel)
status:            $([ $status = 0 ] && echo pass || echo "FAIL (logs: $rig)")
screen:            $out/screen.png
EOR
cat "$out/report.txt"
exit $status
