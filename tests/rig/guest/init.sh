#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: MIT
#
# /init of the rig's PV guest: load xen-drm-front, run the test client, then
# power off (or stay up with xd.after=stay). Options come from the kernel
# command line (the guest config's extra=):
#   xd.frames=N xd.hold=MS xd.linger=S xd.flip_timeout=MS xd.wait_card=S
#   xd.after=poweroff|stay
#   xd.captured_go=1   xd.hold is a limit: the next frame once dom0 wrote
#                that it captured this one (xd-guest-client --captured-go)
#   xd.burst=N   after the frames and dom0's go, N flips as fast as they
#                complete
#                (xd-guest-client --burst: "XDG burst" lines)
#   xd.input=S   also print the input xen-kbdfront delivers, for S seconds
#   xd.readback=1   also answer dom0's be-alloc read-back (xd-readback)
#   xd.hog=N     a hostile guest: N dumb buffers with xd.hog_fbs=K (2)
#                framebuffers each, then xd.hog_small=M one-page ones,
#                all kept, one shown
#                (xd-guest-client --hog: "XDG hog" lines)
/bin/busybox mkdir -p /proc /sys /dev /sbin /usr/bin /usr/sbin /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# The kernel runs /sbin/poweroff on "xl shutdown"; there is no init daemon to
# signal, so power off directly.
rm -f /sbin/poweroff
printf '#!/bin/sh\nsync\necho o > /proc/sysrq-trigger\n' > /sbin/poweroff
chmod 755 /sbin/poweroff

echo "XDG-GUEST up kernel=$(uname -r)"
for m in /mods/*.ko; do
	insmod "$m" || echo "XDG-GUEST insmod-failed $m"
done

frames=8 hold=0 linger=0 flip_timeout=10000 wait_card=30 after=poweroff
input=0 readback=0 burst=0 hog=0 hog_fbs=2 hog_small=0 captured_go=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	xd.frames=*) frames=${arg#*=} ;;
	xd.hold=*) hold=${arg#*=} ;;
	xd.linger=*) linger=${arg#*=} ;;
	xd.flip_timeout=*) flip_timeout=${arg#*=} ;;
	xd.wait_card=*) wait_card=${arg#*=} ;;
	xd.after=*) after=${arg#*=} ;;
	xd.input=*) input=${arg#*=} ;;
	xd.readback=*) readback=${arg#*=} ;;
	xd.burst=*) burst=${arg#*=} ;;
	xd.hog=*) hog=${arg#*=} ;;
	xd.hog_fbs=*) hog_fbs=${arg#*=} ;;
	xd.hog_small=*) hog_small=${arg#*=} ;;
	xd.captured_go=1) captured_go=--captured-go ;;
	esac
done

if [ "$input" -gt 0 ]; then
	/bin/xd-input-client --seconds "$input" &
fi
# Beside the client: dom0 asks for the read-back whenever it is ready.
if [ "$readback" = 1 ]; then
	/bin/xd-readback &
fi

# $captured_go is empty or one word.
# shellcheck disable=SC2086
/bin/xd-guest-client --frames "$frames" --hold "$hold" --linger "$linger" \
	--flip-timeout "$flip_timeout" --wait-card "$wait_card" --burst "$burst" \
	--hog "$hog" --hog-fbs "$hog_fbs" --hog-small "$hog_small" $captured_go
echo "XDG-GUEST client-exit rc=$?"
dmesg | grep -i -E 'xen|drm' | sed 's/^/XDG-GUEST dmesg /' | tail -30
if [ "$after" = stay ]; then
	while true; do sleep 3600; done
fi
echo "XDG-GUEST poweroff"
/sbin/poweroff
sleep 60
