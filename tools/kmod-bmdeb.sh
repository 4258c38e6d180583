#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Makes the binary kmod package the rig's dom0 installs: DKMS, from the
# xen-zcopy-dkms package, builds xen-zcopy against the headers of dom0's
# own kernel, in a throw-away overlay of the cached dom0 root
# (tools/rig/images.sh builds it when missing), at the host's speed instead
# of the 11 minutes DKMS takes in dom0 under TCG.
#
#   tools/kmod-bmdeb.sh XEN_ZCOPY_DKMS.deb OUT_DIR
#
# OUT_DIR gets xen-zcopy-modules-KVER_V_amd64.deb (KVER: the root's one
# kernel, not the host's; V: the dkms package's version), holding
# /usr/lib/modules/KVER/updates/dkms/xen-zcopy.ko* as DKMS installed it;
# its path is printed on stdout, the steps' times on stderr. Needs root
# (overlay mount, chroot).
#
# This is the package `dkms mkbmdeb` made, in the same form (Provides
# xen-zcopy-modules, Conflicts with xen-zcopy-dkms, depmod in its scripts),
# made with dpkg-deb because DKMS 3.1 dropped mkbmdeb and trixie has 3.2.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/rig/common.sh
. "$here/rig/common.sh"

[ $# = 2 ] || { echo "usage: $0 XEN_ZCOPY_DKMS.deb OUT_DIR" >&2; exit 2; }
dkms_deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -r "$dkms_deb" ] || rig_die "kmod-bmdeb: no $1"
mkdir -p "$2"
out=$(cd "$2" && pwd)
[ "$(id -u)" = 0 ] || rig_die "kmod-bmdeb: needs root (overlay mount, chroot)"
t0=$(rig_now)

# The cached root, made or brought up to date first (a fresh machine has
# none), then read under the shared lock, as run.sh does: images.sh
# rebuilds it only under the exclusive one.
"$here/rig/images.sh"
root=$rig_cache/dom0-root
exec 8>"$rig_cache/lock"
flock -s 8
# shellcheck disable=SC2012
kver=$(ls "$root/lib/modules")
[ "$(echo "$kver" | wc -w)" = 1 ] ||
	rig_die "kmod-bmdeb: not one kernel in $root: $kver"
[ -e "$root/lib/modules/$kver/build/include" ] ||
	rig_die "kmod-bmdeb: no headers for $kver in $root"

tmp=$(mktemp -d /var/tmp/xd-bmdeb.XXXXXX)
# The mounts live in the private mount namespace below and go with its
# last process, however it ends; the host's tree never has them, so this
# removes plain directories only.
trap 'rm -rf "$tmp"' EXIT
# io/ is what the root sees at /tmp/bmdeb: the input, the script, the
# logs and the package made.
mkdir "$tmp/upper" "$tmp/work" "$tmp/root" "$tmp/io"
cp "$dkms_deb" "$tmp/io/xen-zcopy-dkms.deb"
rm -f "$out"/xen-zcopy-modules-*.deb

# Run in the root (sh, as root, env cleared): the package installed with
# DKMS's autoinstall off (it would try the host's running kernel, which
# has no headers here), then DKMS add, build and install for KVER alone,
# exactly as in dom0, and the installed module packaged.
cat > "$tmp/io/in-root.sh" <<'EOS'
set -eu
kver=$1
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "kmod-bmdeb: $*" >&2; }
t=$(now)
touch /etc/dkms/no-autoinstall
dpkg -i /tmp/bmdeb/xen-zcopy-dkms.deb > /tmp/bmdeb/dpkg.log 2>&1 ||
	{ cat /tmp/bmdeb/dpkg.log >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' xen-zcopy-dkms)
v=${ver%-*}
maint=$(dpkg-query -W -f='${Maintainer}' xen-zcopy-dkms)
say "dpkg -i xen-zcopy-dkms $ver: $(since "$t") s"
t=$(now)
dkms status -m xen-zcopy -v "$v" | grep -q . || dkms add -m xen-zcopy -v "$v" >&2
dkms build -m xen-zcopy -v "$v" -k "$kver" > /tmp/bmdeb/dkms.log 2>&1 || {
	cat /tmp/bmdeb/dkms.log /var/lib/dkms/xen-zcopy/"$v"/build/make.log >&2
	exit 1
}
say "dkms build -k $kver: $(since "$t") s"
dkms install -m xen-zcopy -v "$v" -k "$kver" >> /tmp/bmdeb/dkms.log 2>&1 || {
	cat /tmp/bmdeb/dkms.log >&2
	exit 1
}
say "dkms status: $(dkms status -m xen-zcopy -v "$v" -k "$kver")"
ko=$(find "/usr/lib/modules/$kver/updates/dkms" -name 'xen-zcopy.ko*')
[ "$(echo "$ko" | wc -w)" = 1 ] || { say "DKMS installed no one module: $ko"; exit 1; }
vermagic=$(modinfo -F vermagic "$ko")
say "$ko: vermagic $vermagic"
case "$vermagic" in
"$kver "*) ;;
*) say "vermagic is not $kver"; exit 1 ;;
esac

p=/tmp/bmdeb/pkg
name=xen-zcopy-modules-$kver
mkdir -p "$p/DEBIAN" "$p/usr/lib/modules/$kver/updates/dkms"
cp "$ko" "$p/usr/lib/modules/$kver/updates/dkms/"
cat > "$p/DEBIAN/control" <<EOC
Package: $name
Source: xen-display
Version: $ver
Architecture: $(dpkg --print-architecture)
Maintainer: $maint
Installed-Size: $(du -sk "$p/usr" | cut -f1)
Depends: linux-image-$kver
Provides: xen-zcopy-modules
Conflicts: xen-zcopy-dkms
Section: kernel
Priority: optional
Description: xen-zcopy kernel module for linux-image-$kver (binary)
 The xen-zcopy module of xen-zcopy-dkms $ver, built by DKMS for
 linux-image-$kver only. Load it with "modprobe xen-zcopy".
EOC
for s in postinst postrm; do
	cat > "$p/DEBIAN/$s" <<EOC
#!/bin/sh
set -e
case "\$1" in
configure|remove|purge)
	if [ -e /usr/lib/modules/$kver/modules.dep ]; then
		depmod -a $kver
	fi ;;
esac
EOC
	chmod 755 "$p/DEBIAN/$s"
done
dpkg-deb --root-owner-group -Zxz --build "$p" "/tmp/bmdeb/${name}_${ver}_$(dpkg --print-architecture).deb" >&2
EOS

# The overlay's upper layer takes every write (dpkg's database, DKMS's
# tree, /usr/src, the module), so the cached root stays as it was.
# shellcheck disable=SC2016
unshare --mount --propagation private -- /bin/sh -c '
	set -e
	tmp=$1 root=$2 kver=$3 out=$4
	r=$tmp/root
	mount -t overlay overlay \
		-o "lowerdir=$root,upperdir=$tmp/upper,workdir=$tmp/work" "$r"
	mount -t proc proc "$r/proc"
	mkdir -p "$r/tmp/bmdeb"
	mount --bind "$tmp/io" "$r/tmp/bmdeb"
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive /bin/sh /tmp/bmdeb/in-root.sh "$kver"
	cp "$tmp"/io/xen-zcopy-modules-*.deb "$out/"' sh "$tmp" "$root" "$kver" "$out"

deb=$(ls "$out"/xen-zcopy-modules-"$kver"_*.deb)
rig_log "kmod-bmdeb: $(basename "$deb") in $(rig_since "$t0") s"
echo "$deb"
