#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: MIT
#
# /init of the rig's desktop guest (tiny initramfs): load the Xen
# frontends' modules, mount the read-only Debian root the guest's config
# gives it (xvda, desktop.img in dom0) and hand over to its boot script.
/bin/busybox mkdir -p /proc /sys /dev /newroot /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "XDG-GUEST up kernel=$(uname -r)"
for m in /mods/*.ko; do
	insmod "$m" || echo "XDG-GUEST insmod-failed $m"
done
i=0
while [ ! -b /dev/xvda ]; do
	i=$((i + 1))
	if [ $i -gt 600 ]; then
		echo "XDG-DESKTOP failed: no /dev/xvda after 60 s"
		echo o > /proc/sysrq-trigger
	fi
	sleep 0.1
done
if ! mount -t ext4 -o ro /dev/xvda /newroot; then
	echo "XDG-DESKTOP failed: cannot mount /dev/xvda"
	echo o > /proc/sysrq-trigger
fi
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /usr/local/sbin/xd-desktop-session
