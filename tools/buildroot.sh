#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run a command in a Debian trixie build root, provisioning it first.
#
#   tools/buildroot.sh [--suite SUITE] [--print-root] [--] COMMAND [ARG...]
#
# SUITE is trixie (the default, the target platform) or another Debian suite
# with a package list tools/buildroot-SUITE-packages.txt (bookworm: the 6.1
# kernel headers the kmod also builds against).
# On a trixie host whose packages are installed, COMMAND runs directly.
# Elsewhere (Debian 12 machines) a trixie root is made with debootstrap from
# the mirror apt already uses, cached under $XEN_DISPLAY_CACHE (default
# /var/cache/xen-display) and updated in place when buildroot-packages.txt
# changes. COMMAND then runs inside it, in a private mount namespace (mounts
# vanish with the process), with this repository bind-mounted at its own path
# so that paths are the same inside and out.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${XEN_DISPLAY_CACHE:-/var/cache/xen-display}
suite=trixie

# shellcheck source=tools/package-list.sh
. "$here/package-list.sh"

log() { echo "buildroot: $*" >&2; }

packages() { package_list "$pkgfile"; }

# The mirror apt uses here; trixie is served by the same one.
find_mirror() {
	local m=""
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		m=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list.d/debian.sources)
	fi
	if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
		m=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

host_is_suite() {
	. /etc/os-release 2>/dev/null || return 1
	[ "${VERSION_CODENAME:-}" = "$suite" ] || return 1
	packages_installed "$pkgfile"
}

stamp() {
	sha256sum "$pkgfile" | cut -d' ' -f1
}

in_root() {
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		root=$1; repo=$2; shift 2
		# The root a mount of its own, so that commands inside can
		# make "/" private in a namespace of their own (mount(2)
		# refuses a root that is not a mount point).
		mount --bind "$root" "$root"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
		mkdir -p "$root$repo"
		mount --bind "$repo" "$root$repo"
		if [ -n "${XEN_DISPLAY_EXTRA_BIND:-}" ]; then
			for d in $XEN_DISPLAY_EXTRA_BIND; do
				mkdir -p "$root$d"
				mount --bind "$d" "$root$d"
			done
		fi
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
		exec chroot "$root" /usr/bin/env -i \
			HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			CI="${CI:-}" XEN_DISPLAY_IN_ROOT="$XEN_DISPLAY_SUITE" \
			/bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$PWD" "$@"
	' bash "$root" "$repo" "$@"
}

# Commands run under a shared lock on the root (fd 9 stays open for the
# command), so they run side by side; creating or updating the root takes
# it exclusively and waits for running commands to end.
provision() {
	mkdir -p "$cache"
	exec 9>"$root.lock"
	local want; want=$(stamp)
	flock -s 9
	have_packages && return 0
	flock 9
	provision_locked "$want"
	flock -s 9
}

# Whether the root is made and holds every package of the list (checked
# in its dpkg database, not against a stamp of the list: see
# package-list.sh).
have_packages() {
	[ -f "$root/.xen-display-stamp" ] && packages_installed "$pkgfile" "$root"
}

provision_locked() {
	local want=$1
	if [ -f "$root/.xen-display-stamp" ]; then
		have_packages && return 0
		log "package list changed: updating $root"
		in_root apt-get update -q >&2
		# shellcheck disable=SC2046
		in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $(packages) >&2
		in_root apt-get clean
		echo "$want" > "$root/.xen-display-stamp"
		return 0
	fi

	command -v debootstrap >/dev/null || {
		log "installing debootstrap"
		apt-get update -q >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
	}
	local mirror; mirror=$(find_mirror)
	log "creating a $suite root in $root from $mirror (takes a few minutes once)"
	rm -rf "$root.new"
	debootstrap --variant=minbase \
		--include="$(packages | tr ' ' ',' | sed 's/,$//')" \
		"$suite" "$root.new" "$mirror" >&2 || {
		log "debootstrap failed; see $root.new/debootstrap/debootstrap.log"
		exit 1
	}
	# Security updates for the suite, as a trixie user would have them.
	local sec=${mirror%/debian}/debian-security
	cat > "$root.new/etc/apt/sources.list" <<-EOF
	deb $mirror $suite main
	deb $sec $suite-security main
	EOF
	rm -rf "$root.new/var/cache/apt/archives/"*.deb
	echo "$want" > "$root.new/.xen-display-stamp"
	mv "$root.new" "$root"
}

print_root=0
while [ $# -gt 0 ]; do
	case "$1" in
	--suite) suite=$2; shift 2 ;;
	--print-root) print_root=1; shift ;;
	--) shift; break ;;
	*) break ;;
	esac
done

root=$cache/$suite-root
export XEN_DISPLAY_SUITE=$suite
pkgfile=$here/buildroot-packages.txt
[ "$suite" = trixie ] || pkgfile=$here/buildroot-$suite-packages.txt
[ -r "$pkgfile" ] || { log "no package list $pkgfile for suite $suite"; exit 1; }

if [ "${XEN_DISPLAY_IN_ROOT:-}" = "$suite" ] || host_is_suite; then
	# Scripts that re-exec themselves through us must see they arrived.
	export XEN_DISPLAY_IN_ROOT=$suite
	[ $print_root = 1 ] && { echo /; exit 0; }
	[ $# -gt 0 ] && exec "$@"
	exit 0
fi

[ "$(id -u)" = 0 ] || { log "needs root (debootstrap, chroot); run it with sudo"; exit 1; }
provision
[ $print_root = 1 ] && { echo "$root"; exit 0; }
[ $# -gt 0 ] || exit 0
in_root "$@"
