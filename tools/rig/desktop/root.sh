# shellcheck shell=bash disable=SC2154
# SPDX-License-Identifier: MIT
#
# Make the desktop guest's trixie root (sourced by image.sh, which holds
# the lock): debootstrap of packages.txt, trixie-security updates, Weston's
# fonts cached (the root is read-only in the guest), docs and apt state
# dropped. No kernel: the guest boots the dom0 image's.

desktop_root_build() {
	local dest=$1 t0 mirror sec
	t0=$(rig_now)
	mirror=$(rig_mirror)
	sec=${mirror%/debian}/debian-security
	rig_log "debootstrap of the trixie desktop guest root from $mirror"
	rm -rf "$dest"
	debootstrap --variant=minbase \
		--include="$(package_list "$desktop_pkgs" | tr ' ' ',' | sed 's/,$//')" \
		trixie "$dest" "$mirror" > "$rig_cache/desktop-debootstrap.log" 2>&1 || {
		tail -20 "$rig_cache/desktop-debootstrap.log" >&2
		rig_die "debootstrap failed; see $rig_cache/desktop-debootstrap.log"
	}
	cat > "$dest/etc/apt/sources.list" <<-EOS
	deb $mirror trixie main
	deb $sec trixie-security main
	EOS
	root_chroot "$dest" apt-get update -q \
		>> "$rig_cache/desktop-debootstrap.log" 2>&1
	root_chroot "$dest" apt-get -y -q dist-upgrade \
		>> "$rig_cache/desktop-debootstrap.log" 2>&1 ||
		rig_die "apt-get dist-upgrade in the desktop root failed"
	root_chroot "$dest" apt-get clean
	root_chroot "$dest" fc-cache -s
	rm -rf "$dest"/usr/share/doc/* "$dest"/usr/share/man/* \
		"$dest"/usr/share/info/* "$dest"/usr/share/locale/* \
		"$dest"/var/lib/apt/lists/* "$dest"/var/cache/apt/*
	rig_log "desktop guest root made in $(rig_since "$t0") s ($(du -sh "$dest" | cut -f1))"
}
