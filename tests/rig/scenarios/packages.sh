# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# The project's Debian packages in dom0, as a Debian user installs them
# (tests/rig/packages.sh): apt install ./*.deb, offline; the man page found
# by man; the package's group xen-display and its udev rules, applied by
# its postinst to the Xen devices there are (udevd running, as on a Debian
# system); DKMS built xen-zcopy for dom0's running kernel and modprobe
# loads it, its device the group's; Weston, as Weston's user in that
# group, with the packaged weston.ini.example as its weston.ini (README),
# loads xen-display.so from its own module directory by name, and the
# module names the backend, sandbox and labeler where the package put
# them; then apt purge leaves nothing: no packaged path,
# no loaded or installed kmod, no DKMS tree, no dpkg record (the group
# stays, as Debian's system groups do: debian/xen-display.postinst).
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
# shellcheck disable=SC1091
. "$RIG_OPT/rig.env"
cd "$RIG_OPT/debs" || rig_fail "no debs/ in the staging directory"
pkgs="xen-display xen-zcopy-dkms"
kver=$(uname -r)

# udevd, as on a Debian system, so the package's rules apply: its postinst
# applies them to the device nodes there are, the kmod's when it loads.
udevd=$(command -v systemd-udevd || echo /usr/lib/systemd/systemd-udevd)
"$udevd" --daemon > "$RIG_OUT/logs/udevd.log" 2>&1 || rig_fail "udevd failed"

# Every .deb of the staging, as README's Install section says.
rig_install_debs ./*.deb
for p in $pkgs; do
	dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' ||
		rig_fail "$p is not installed"
	dpkg -L "$p" > "$RIG_OUT/dpkg-L-$p.txt"
done

# The group, from the postinst (dom0-init.sh made none with
# no-boot-install), and Weston's user in it, as README tells an admin.
getent group xen-display > "$RIG_OUT/group.txt" ||
	rig_fail "the package made no group xen-display"
adduser "$RIG_USER" xen-display > "$RIG_OUT/logs/adduser.log" 2>&1 ||
	rig_fail "adduser $RIG_USER xen-display failed: $(cat "$RIG_OUT/logs/adduser.log")"
rig_log "group: $(cat "$RIG_OUT/group.txt")"
udevadm settle --timeout=30
for n in evtchn xenbus; do
	[ -e /dev/xen/$n ] || continue
	mode=$(stat -c '%A %U %G' /dev/xen/$n)
	rig_log "/dev/xen/$n: $mode"
	[ "$mode" = "crw-rw---- root xen-display" ] ||
		rig_fail "/dev/xen/$n is $mode after the install, not the group's (60-xen-display.rules)"
done

man_page=$(man -w xen-display.ini 2>&1) ||
	rig_fail "man -w xen-display.ini: $man_page"
rig_log "man -w xen-display.ini: $man_page"
echo "$man_page" > "$RIG_OUT/man-w.txt"

dkms status > "$RIG_OUT/dkms-status.txt" 2>&1
rig_log "dkms status: $(cat "$RIG_OUT/dkms-status.txt")"
grep -q "^xen-zcopy/[^,]*, $kver, [^:]*: installed" "$RIG_OUT/dkms-status.txt" ||
	rig_fail "dkms does not report xen-zcopy installed for $kver"
ko=$(modinfo -n xen-zcopy 2>&1) || rig_fail "modinfo xen-zcopy: $ko"
case "$ko" in
/lib/modules/"$kver"/updates/dkms/*|/usr/lib/modules/"$kver"/updates/dkms/*) ;;
*) rig_fail "modprobe would load $ko, not DKMS's build" ;;
esac
rig_log "kmod: $ko ($(modinfo -F vermagic xen-zcopy))"
modprobe xen-zcopy || rig_fail "modprobe xen-zcopy failed: $(dmesg | tail -5)"
rig_wait 10 "/dev/xen/zcopy" test -c /dev/xen/zcopy
udevadm settle --timeout=30
mode=$(stat -c '%A %U %G' /dev/xen/zcopy)
rig_log "/dev/xen/zcopy: $mode"
[ "$mode" = "crw-rw---- root xen-display" ] ||
	rig_fail "/dev/xen/zcopy is $mode, not the group's (60-xen-display.rules)"

# Weston as README starts it: the packaged weston.ini.example as the
# user's weston.ini, whose [core] loads the module by its bare name (so
# not rig.env's --modules, which would load it a second time); only the
# module's log scope added.
conf=/home/$RIG_USER/.config
example=/usr/share/doc/xen-display/weston.ini.example
mkdir -p "$conf" && cp "$example" "$conf/weston.ini" &&
	chown -R "$RIG_USER:" "$conf" || rig_fail "cannot copy $example to $conf"
cp "$example" "$RIG_OUT/logs/weston.ini"
rig_weston_start --shell=kiosk --logger-scopes=log,xen-display
grep -q '^modules=xen-display.so' "$conf/weston.ini" ||
	rig_fail "$example does not load the module in [core]"
module=/usr/lib/x86_64-linux-gnu/weston/xen-display.so
grep -q "Loading module '$module'" "$RIG_OUT/logs/weston.log" ||
	rig_fail "Weston did not load $module: $(grep -i module "$RIG_OUT/logs/weston.log")"
rig_log "Weston loaded $module"
rig_wait 30 "the module's labeler" grep -q \
	"launching '/usr/libexec/xen-display-labeler'" "$RIG_OUT/logs/weston.log"
rig_log "the module started: launching /usr/libexec/xen-display-labeler"
# The paths the module launches by default are the packaged ones.
for prog in backend sandbox labeler; do
	path=/usr/libexec/xen-display-$prog
	[ -x "$path" ] || rig_fail "no $path"
	grep -q "$path" "$module" || rig_fail "$module does not name $path"
done
rig_weston_stop

# Purge, with the kmod loaded: the package unloads it.
# shellcheck disable=SC2086
apt-get purge -y -q $pkgs > "$RIG_OUT/logs/apt-purge.log" 2>&1 ||
	rig_fail "apt purge failed: $(tail -15 "$RIG_OUT/logs/apt-purge.log")"
left=""
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 && left="$left dpkg:$p"
	while read -r f; do
		[ "$f" = /. ] && continue
		# Directories other packages own too (/usr, /usr/share/man/man5
		# ...) stay; every file and our own directories go.
		if [ -d "$f" ] && [ ! -L "$f" ]; then
			dpkg -S "$f" >/dev/null 2>&1 || left="$left $f"
		elif [ -e "$f" ] || [ -L "$f" ]; then
			left="$left $f"
		fi
	done < "$RIG_OUT/dpkg-L-$p.txt"
done
[ -d /sys/module/xen_zcopy ] && left="$left loaded:xen_zcopy"
[ -e /dev/xen/zcopy ] && left="$left /dev/xen/zcopy"
found=$(find /lib/modules/"$kver" -name 'xen-zcopy.ko*' 2>/dev/null)
[ -n "$found" ] && left="$left $found"
[ -e /var/lib/dkms/xen-zcopy ] && left="$left /var/lib/dkms/xen-zcopy"
for d in /usr/src/xen-zcopy-* /usr/share/doc/xen-display /usr/share/doc/xen-zcopy-dkms; do
	[ -e "$d" ] && left="$left $d"
done
dkms status > "$RIG_OUT/dkms-status-purged.txt" 2>&1
grep -q xen-zcopy "$RIG_OUT/dkms-status-purged.txt" && left="$left dkms:xen-zcopy"
[ -z "$left" ] || rig_fail "purge left:$left"
rig_log "purged: nothing left of $pkgs (files, kmod, DKMS tree, dpkg)"
