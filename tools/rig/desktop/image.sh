#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build (or reuse) the rig's desktop guest: a Debian trixie root with
# Weston and weston-terminal (packages.txt), booted by the dom0 image's
# kernel from a tiny initramfs.
#
#   tools/rig/desktop/image.sh [--print-dir]
#
# Needs the dom0 images (tools/rig/images.sh: its kernel's modules and
# busybox). Cache layout, under $XEN_DISPLAY_CACHE/rig:
#   desktop-root/           debootstrap tree (packages.txt), read-only in
#                           the guest
#   desktop-root.stamp      hash of packages.txt and root.sh
#   desktop-root.built      its size and how long debootstrap took
#   desktop/desktop.img     ext4 image of desktop-root with the boot script
#                           (session.sh) and weston.ini; QEMU attaches it
#                           read-only, dom0 hands it to the guest as xvda
#   desktop/desktop-initrd.gz  busybox, the frontends' modules
#                           (xen-blkfront, ext4, xen-drm-front, evdev) and
#                           initramfs-init.sh
#   desktop/built.txt       how long the root and the image took, and sizes
#   desktop.stamp           hash of desktop-root.stamp, images.stamp and
#                           this directory's scripts
#   desktop.lock            flock: exclusive while building, shared while a
#                           run uses the image (run.sh --desktop)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/rig/common.sh
. "$here/../common.sh"
# shellcheck source=tools/rig/dom0-root.sh
. "$rig_tools/dom0-root.sh"
# shellcheck source=tools/rig/modules.sh
. "$rig_tools/modules.sh"
# shellcheck source=tools/rig/desktop/root.sh
. "$here/root.sh"

desktop_pkgs=$here/packages.txt
root=$rig_cache/desktop-root
out=$rig_cache/desktop
dom0_root=$rig_cache/dom0-root
guest_modules="xen_blkfront ext4 drm_xen_front evdev"

root_key() { cat "$desktop_pkgs" "$here/root.sh" | sha256sum | cut -d' ' -f1; }
image_key() {
	cat "$root.stamp" "$rig_cache/images.stamp" "$here/image.sh" \
		"$rig_tools/modules.sh" "$here/initramfs-init.sh" \
		"$here/session.sh" "$here/weston.ini" | sha256sum | cut -d' ' -f1
}

build_image() {
	local t0 w size
	t0=$(rig_now)
	rm -rf "$out.new"
	mkdir -p "$out.new"
	install -D -m 755 "$here/session.sh" "$root/usr/local/sbin/xd-desktop-session"
	install -D -m 644 "$here/weston.ini" "$root/etc/xd-desktop/weston.ini"
	# ext4 straight from the tree (no loop mount), a little spare.
	size=$(du -sm "$root" | cut -f1)
	size=$((size + size / 10 + 64))
	truncate -s "${size}M" "$out.new/desktop.img"
	mkfs.ext4 -q -F -L rig-desktop -d "$root" "$out.new/desktop.img"

	w=$out.new/initrd
	mkdir -p "$w/bin" "$w/mods"
	cp "$dom0_root/bin/busybox" "$w/bin/busybox"
	install -m 755 "$here/initramfs-init.sh" "$w/init"
	# shellcheck disable=SC2086
	copy_modules "$dom0_root" "$w/mods" $guest_modules
	(cd "$w" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.new/desktop-initrd.gz"
	rm -rf "$w"
	echo "$(cat "$root.built" 2>/dev/null ||
		echo "root of $(du -sm "$root" | cut -f1) MiB"), desktop.img of ${size} MiB made in $(rig_since "$t0") s" \
		> "$out.new/built.txt"
	rm -rf "$out"
	mv "$out.new" "$out"
	image_key > "$rig_cache/desktop.stamp"
	rig_log "desktop guest image ready in $(rig_since "$t0") s (desktop.img ${size} MiB)"
}

print_dir=0
[ "${1:-}" = --print-dir ] && print_dir=1
[ "$(id -u)" = 0 ] || rig_die "needs root (debootstrap)"
"$rig_tools/images.sh"
exec 7>"$rig_cache/desktop.lock"
up_to_date() {
	[ "$(cat "$root.stamp" 2>/dev/null)" = "$(root_key)" ] &&
	[ "$(cat "$rig_cache/desktop.stamp" 2>/dev/null)" = "$(image_key)" ]
}
flock -s 7
if ! up_to_date; then
	flock -u 7
	flock 7
	if [ "$(cat "$root.stamp" 2>/dev/null)" != "$(root_key)" ]; then
		t=$(rig_now)
		desktop_root_build "$root.new"
		rm -rf "$root"
		mv "$root.new" "$root"
		echo "root of $(du -sm "$root" | cut -f1) MiB built in $(rig_since "$t") s" \
			> "$root.built"
		root_key > "$root.stamp"
	fi
	if [ "$(cat "$rig_cache/desktop.stamp" 2>/dev/null)" != "$(image_key)" ]; then
		build_image
	fi
fi
[ $print_dir = 1 ] && echo "$out"
exit 0
