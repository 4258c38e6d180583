#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build (or reuse) the rig's cached images from Debian trixie packages.
#
#   tools/rig/images.sh [--print-dir]
#
# Cache layout, under $XEN_DISPLAY_CACHE/rig (default /var/cache/xen-display/rig):
#   dom0-root/            trimmed debootstrap tree (dom0-packages.txt)
#   dom0-root.stamp       hash of dom0-packages.txt and dom0-root.sh
#   dom0-root.script      hash of dom0-root.sh (a root with every listed
#                         package, built by this script, serves any list)
#   images/xen.elf        Xen 4.20 multiboot ELF (from xen-hypervisor-4.20-amd64)
#   images/vmlinuz        the 6.12 kernel, dom0 and guests alike
#   images/dom0-initrd.gz tiny busybox initramfs: virtio-blk + ext4, then
#                         switch_root to dom0.img
#   images/dom0.img       ext4 image of dom0-root (QEMU attaches it with
#                         snapshot=on, so runs never change it)
#   images/guest-base/    what every guest initramfs holds: static busybox and
#                         the xen-drm-front and gntdev modules, decompressed,
#                         in load order
#   images.stamp          hash of dom0-root.stamp and the image inputs
#   lock                  flock: exclusive while building, shared while a run
#                         uses the images (run.sh)
# Each part is rebuilt only when the hash of its inputs changes.
set -euo pipefail
# shellcheck source=tools/rig/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=tools/rig/dom0-root.sh
. "$rig_tools/dom0-root.sh"
# shellcheck source=tools/rig/modules.sh
. "$rig_tools/modules.sh"

root=$rig_cache/dom0-root
img=$rig_cache/images
pkgfile=$rig_tools/dom0-packages.txt

# Modules the dom0 initramfs loads to reach its root disk.
dom0_boot_modules="virtio_pci virtio_blk ext4"
# Modules a guest loads: its display (drm_xen_front pulls in the rest) and
# evdev, for the input devices xen-kbdfront (built in) registers; gntdev,
# with which xd-readback maps grants dom0 made to it.
guest_modules="drm_xen_front evdev xen_gntdev"

root_key() {
	cat "$pkgfile" "$rig_tools/dom0-root.sh" | sha256sum | cut -d' ' -f1
}

# The root serves this branch when it has every package of our list and
# was built by the same dom0-root.sh, whichever list it was built from:
# branches whose lists differ share one root instead of rebuilding it in
# turn (a debootstrap each time).
root_current() {
	[ "$(cat "$root.stamp" 2>/dev/null)" = "$(root_key)" ] && return 0
	[ "$(cat "$root.script" 2>/dev/null)" = \
	  "$(sha256sum "$rig_tools/dom0-root.sh" | cut -d' ' -f1)" ] &&
		packages_installed "$pkgfile" "$root"
}

images_key() {
	cat "$root.stamp" "$rig_tools/images.sh" "$rig_tools/modules.sh" \
		"$rig_tools/dom0-initramfs-init.sh" | sha256sum | cut -d' ' -f1
}

build_root() {
	root_build "$root.new"
	rm -rf "$root"
	mv "$root.new" "$root"
	root_key > "$root.stamp"
	sha256sum "$rig_tools/dom0-root.sh" | cut -d' ' -f1 > "$root.script"
}

build_images() {
	local t0 kver w size
	t0=$(rig_now)
	kver=$(ls "$root/lib/modules")
	rm -rf "$img.new"
	mkdir -p "$img.new"
	zcat "$root"/boot/xen-4.20-amd64.gz > "$img.new/xen.elf"
	cp "$root/boot/vmlinuz-$kver" "$img.new/vmlinuz"
	echo "$kver" > "$img.new/kernel-version"

	w=$img.new/dom0-initrd
	mkdir -p "$w/bin" "$w/mods"
	cp "$root/bin/busybox" "$w/bin/busybox"
	cp "$rig_tools/dom0-initramfs-init.sh" "$w/init"
	chmod 755 "$w/init"
	copy_modules "$root" "$w/mods" $dom0_boot_modules
	(cd "$w" && find . | cpio -o -H newc --quiet) | gzip -1 > "$w.gz"
	rm -rf "$w"

	w=$img.new/guest-base
	mkdir -p "$w/bin" "$w/mods"
	cp "$root/bin/busybox" "$w/bin/busybox"
	copy_modules "$root" "$w/mods" $guest_modules

	# ext4 straight from the tree (no loop mount); 25% + 128 MiB spare.
	size=$(du -sm "$root" | cut -f1)
	size=$((size + size / 4 + 128))
	truncate -s "${size}M" "$img.new/dom0.img"
	mkfs.ext4 -q -F -L rig-dom0 -d "$root" "$img.new/dom0.img"
	rm -rf "$img"
	mv "$img.new" "$img"
	images_key > "$rig_cache/images.stamp"
	rig_log "images ready in $(rig_since "$t0") s (dom0.img ${size} MiB)"
}

print_dir=0
[ "${1:-}" = --print-dir ] && print_dir=1
[ "$(id -u)" = 0 ] || rig_die "needs root (debootstrap, device nodes)"
rig_host_tools
mkdir -p "$rig_cache"
exec 8>"$rig_cache/lock"
up_to_date() {
	root_current &&
	[ "$(cat "$rig_cache/images.stamp" 2>/dev/null)" = "$(images_key)" ]
}
# Check under the shared lock, so runs using the images don't block this;
# rebuild under the exclusive one, which waits for those runs to end.
flock -s 8
if ! up_to_date; then
	flock -u 8
	flock 8
	if ! root_current; then
		build_root
	fi
	if [ "$(cat "$rig_cache/images.stamp" 2>/dev/null)" != "$(images_key)" ]; then
		build_images
	fi
fi
[ $print_dir = 1 ] && echo "$img"
exit 0
