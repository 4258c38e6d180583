#!/bin/sh
# SPDX-License-Identifier: MIT
#
# dom0's init (PID 1, no systemd): brings up the Xen toolstack, runs the
# run's scenario script, collects logs into the stage disk's out/ and powers
# the machine off. It lives on the per-run stage disk (mounted at /mnt/rig),
# so editing it never rebuilds dom0.img.
export PATH=/usr/lib/xen-4.20/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
RIG=/mnt/rig/rig
RIG_OUT=/mnt/rig/out
export RIG RIG_OUT

up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "[dom0 $(up)] $*"; }

finish() {
	say "RIG-RESULT: $1"
	echo "$1" > "$RIG_OUT/result"
	mkdir -p "$RIG_OUT/logs"
	xl dmesg > "$RIG_OUT/logs/xen-dmesg.txt" 2>&1
	dmesg > "$RIG_OUT/logs/dom0-dmesg.txt" 2>&1
	xl list > "$RIG_OUT/logs/xl-list.txt" 2>&1
	xenstore-ls -f > "$RIG_OUT/logs/xenstore.txt" 2>&1
	cp -a /var/log/xen/. "$RIG_OUT/logs/xen/" 2>/dev/null
	# Stop everything the scenario left running, then close the disk
	# cleanly so the host can read out/ back.
	for d in $(xl list 2>/dev/null | awk 'NR > 2 { print $1 }'); do
		xl destroy "$d" >/dev/null 2>&1
	done
	kill -TERM -1 2>/dev/null
	sleep 0.5
	kill -KILL -1 2>/dev/null
	sync
	umount /opt/xen-display 2>/dev/null
	# This script runs from /mnt/rig, so it stays busy: remount it
	# read-only, which flushes and closes the file system.
	mount -o remount,ro /mnt/rig
	sync
	say "powering off"
	echo o > /proc/sysrq-trigger
	sleep 30
}

mount -t proc proc /proc
mount -t sysfs sys /sys
# tracefs: syscall-count (rig_guest_burst) finds the id of the
# raw_syscalls:sys_enter tracepoint there.
[ -d /sys/kernel/tracing/events ] ||
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null ||
	say "no tracefs: the backend's system calls are not counted"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
# What systemd makes on a Debian dom0 and devtmpfs lacks: Xen's block
# hotplug script locks through /dev/stdin (locking.sh), and loops on a
# failed stat of it forever.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
mkdir -p /run/xen /run/xenstored /var/run/xen /var/log/xen /var/lib/xen \
	/var/lib/xenstored "$RIG_OUT/logs/xen"
mount --bind /mnt/rig/opt /opt/xen-display
set -a; . "$RIG/config"; set +a
say "dom0 up: kernel $(uname -r) on $(cat /sys/hypervisor/type 2>/dev/null)"

for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs; do
	modprobe "$m" || say "modprobe $m failed"
done
mount -t xenfs xenfs /proc/xen || finish "FAIL xenfs"

xenstored=$(command -v xenstored || command -v oxenstored) ||
	finish "FAIL no xenstored"
"$xenstored" --pid-file=/run/xenstored.pid > "$RIG_OUT/logs/xenstored.log" 2>&1 ||
	finish "FAIL xenstored"
i=0
until xenstore-read /local >/dev/null 2>&1 || xenstore-ls / >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 300 ] && finish "FAIL xenstored not answering after 30 s"
	sleep 0.1
done
xen-init-dom0 > "$RIG_OUT/logs/xen-init-dom0.log" 2>&1 ||
	finish "FAIL xen-init-dom0"
xenconsoled --log=guest --log-dir=/var/log/xen ||
	finish "FAIL xenconsoled"
say "RIG-STAGE toolstack-up"
# "hvm hap" here: run.sh's CPU flags give Xen HAP, which PVH guests need.
say "xl info: virt_caps $(xl info 2>/dev/null | sed -n 's/^virt_caps *: //p')"

# The project as a user installs it (tests/rig/stage.sh): the xen-display
# package, offline (its dependencies are in dom0's image). A staging with
# debs/no-boot-install installs for itself (tests/rig/packages.sh).
debs=/opt/xen-display/debs
if ls "$debs"/xen-display_*.deb >/dev/null 2>&1 &&
	[ ! -e "$debs/no-boot-install" ]; then
	# dpkg alone, as the image has every dependency, and no man-db
	# index rebuild: 10 s instead of apt-get's 31-45 s under TCG, at
	# every boot (doc/rig.md). The packages scenario installs as a
	# user does, with apt.
	rm -f /var/lib/man-db/auto-update
	dpkg -i "$debs"/xen-display_*.deb \
		> "$RIG_OUT/logs/apt-install.log" 2>&1 ||
		finish "FAIL dpkg -i of xen-display: $(tail -5 "$RIG_OUT/logs/apt-install.log")"
	say "RIG-STAGE packages-installed"
fi

# Weston runs as an ordinary user, as a user runs it (doc/security.md):
# xd, in the project's group xen-display (its device access: the udev
# rule file, applied by dom0-lib.sh's rig_xd_devices) and in video
# (seatd's group, for Weston on the DRM backend). The group is the
# package's (its postinst); a staging without packages (the self-test's)
# gets it here; with debs/no-boot-install the scenario installs the
# package and puts xd in its group itself, as README tells a user. The
# dom0 disk is a throw-away snapshot: made afresh at every boot.
if ! getent group xen-display >/dev/null && [ ! -e "$debs/no-boot-install" ]; then
	groupadd -r xen-display || say "groupadd xen-display failed"
fi
if getent group xen-display >/dev/null; then
	useradd -m -U -G xen-display,video -s /bin/sh xd || say "useradd xd failed"
else
	useradd -m -U -G video -s /bin/sh xd || say "useradd xd failed"
fi

say "RIG-STAGE scenario-start ($RIG_SCENARIO_TIMEOUT s limit)"
cd /tmp || exit 1
( timeout -k 5 "$RIG_SCENARIO_TIMEOUT" sh -c '. "$RIG/lib.sh"; . "$RIG/scenario.sh"'
  echo $? > /tmp/scenario.rc ) 2>&1 | tee "$RIG_OUT/scenario.log"
rc=$(cat /tmp/scenario.rc 2>/dev/null || echo 255)
say "RIG-STAGE scenario-end rc=$rc"
if [ "$rc" = 0 ]; then
	finish PASS
elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	finish "FAIL scenario timed out after $RIG_SCENARIO_TIMEOUT s"
else
	finish "FAIL scenario rc=$rc"
fi
