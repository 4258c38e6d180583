#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: MIT
#
# dom0's first init (tiny initramfs): reach the root disk (vda, dom0.img)
# and the per-run stage disk (vdb), then hand over to the stage disk's
# dom0-init.sh, so that changing the rig's dom0 scripts never rebuilds
# the big image.
/bin/busybox mkdir -p /proc /sys /dev /newroot /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do
	insmod "$m" || echo "rig-initramfs: insmod $m failed"
done
i=0
while [ ! -b /dev/vda ] || [ ! -b /dev/vdb ]; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then
		echo "rig-initramfs: no /dev/vda or /dev/vdb after 30 s"
		ls /dev; echo o > /proc/sysrq-trigger
	fi
	sleep 0.1
done
mount -t ext4 /dev/vda /newroot || { echo "rig-initramfs: mount vda failed"; echo o > /proc/sysrq-trigger; }
mount -t ext4 /dev/vdb /newroot/mnt/rig || { echo "rig-initramfs: mount vdb failed"; echo o > /proc/sysrq-trigger; }
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /mnt/rig/rig/dom0-init.sh
