#!/bin/bash
# shellcheck shell=bash disable=SC2154
# SPDX-License-Identifier: MIT
#
# Make the rig's trimmed trixie dom0 root (sourced by images.sh, which holds
# the lock): debootstrap of dom0-packages.txt, trixie-security updates (the
# same kernel as the build root's linux-headers-amd64, so the project's kmod
# loads in dom0), then docs, locales, apt state and unneeded drivers dropped.

root_build() {
	local dest=$1 t0 mirror sec
	t0=$(rig_now)
	mirror=$(rig_mirror)
	sec=${mirror%/debian}/debian-security
	rig_log "debootstrap of the trixie dom0 root from $mirror"
	rm -rf "$dest"
	debootstrap --variant=minbase \
		--include="$(package_list "$pkgfile" | tr ' ' ',' | sed 's/,$//')" \
		trixie "$dest" "$mirror" > "$rig_cache/debootstrap.log" 2>&1 || {
		tail -20 "$rig_cache/debootstrap.log" >&2
		rig_die "debootstrap failed; see $rig_cache/debootstrap.log"
	}
	rig_log "debootstrap took $(rig_since "$t0") s"
	cat > "$dest/etc/apt/sources.list" <<-EOS
	deb $mirror trixie main
	deb $sec trixie-security main
	EOS
	root_upgrade "$dest"
	root_trim "$dest"
	rig_log "dom0 root made in $(rig_since "$t0") s ($(du -sh "$dest" | cut -f1))"
}

root_chroot() {
	local dest=$1; shift
	unshare --mount --propagation private -- /bin/sh -c '
		d=$1; shift
		mount -t proc proc "$d/proc"
		exec chroot "$d" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive "$@"' sh "$dest" "$@"
}

# Security updates, keeping a single kernel: the one linux-image-amd64
# depends on now.
root_upgrade() {
	local dest=$1 t0 keep k kv
	t0=$(rig_now)
	root_chroot "$dest" apt-get update -q >> "$rig_cache/debootstrap.log" 2>&1
	root_chroot "$dest" apt-get -y -q dist-upgrade \
		>> "$rig_cache/debootstrap.log" 2>&1 ||
		rig_die "apt-get dist-upgrade in the dom0 root failed"
	keep=$(root_chroot "$dest" dpkg-query -W -f='${Depends}' linux-image-amd64 |
		grep -o 'linux-image-[0-9][^ ,]*')
	kv=${keep#linux-image-}; kv=${kv%-amd64}
	# The headers too (DKMS in dom0 builds against them): only the kept
	# kernel's, as a leftover's /lib/modules/VERSION/build is a kernel
	# for root_trim; autoremove takes their -common and kbuild parts.
	for k in $(root_chroot "$dest" dpkg-query -W -f='${Package}\n' \
		'linux-image-[0-9]*' 'linux-headers-[0-9]*' 2>/dev/null); do
		case $k in
		*-"$kv"-*) continue ;;
		esac
		root_chroot "$dest" apt-get -y -q purge "$k" \
			>> "$rig_cache/debootstrap.log" 2>&1
	done
	root_chroot "$dest" apt-get -y -q autoremove --purge \
		>> "$rig_cache/debootstrap.log" 2>&1
	root_chroot "$dest" apt-get clean
	rig_log "security updates took $(rig_since "$t0") s (kernel $keep)"
}

# Drop what a headless test dom0 never reads: docs, locales, apt state, the
# Debian initrd (ours is tiny) and the drivers of hardware QEMU lacks.
root_trim() {
	local r=$1 kver k
	rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* \
		"$r"/usr/share/locale/* "$r"/usr/share/i18n/* \
		"$r"/var/lib/apt/lists/* "$r"/var/cache/apt/* \
		"$r"/var/cache/debconf/*-old "$r"/boot/initrd.img-*
	kver=$(ls "$r/lib/modules")
	[ "$(echo "$kver" | wc -w)" = 1 ] || rig_die "several kernels in the dom0 root: $kver"
	k=$r/lib/modules/$kver/kernel
	rm -rf "$k/sound" "$k/drivers/media" "$k/drivers/net/wireless" \
		"$k/drivers/infiniband" "$k/drivers/gpu/drm/amd" \
		"$k/drivers/gpu/drm/nouveau" "$k/drivers/gpu/drm/i915" \
		"$k/drivers/gpu/drm/xe" "$k/drivers/gpu/drm/radeon" \
		"$k/drivers/bluetooth" "$k/net/bluetooth" "$k/net/wireless" \
		"$k/net/mac80211" "$k/drivers/staging" "$k/drivers/isdn"
	root_chroot "$r" depmod "$kver"
	mkdir -p "$r/mnt/rig" "$r/opt/xen-display"
}
