#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: MIT
#
# The desktop guest's boot script, PID 1 once its initramfs hands over
# (tools/rig/desktop/initramfs-init.sh): Debian's own udevd, seatd and
# Weston (DRM backend on xen-drm-front, pixman renderer, desktop shell)
# with a weston-terminal, as a user's session starts them. Everything else
# in the guest is Debian's. The root is read-only; what the session
# writes goes to tmpfs.
#
# It tells dom0 what happens on its console (hvc0), in "XDG-DESKTOP ..."
# lines (tests/rig/scenarios/guest-desktop.sh):
#   fps-start, fps-end   Weston's own animated client (weston-simple-shm)
#                        runs between them, at the compositor's pace
#   ready ...            the terminal is up, waiting for keys
#   events kbd=N ptr=M   whenever the count of events the guest's
#                        xen-kbdfront devices delivered changes
#   typed COMMAND        the first command line typed into the terminal's
#                        bash (its history, after it ran)
#   shot-begin/-end      Weston's own screenshot of the guest's output
#                        (weston-screenshooter), as "XDG-SHOT base64"
#                        lines between them
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
say() { echo "XDG-DESKTOP $*"; }
fail() {
	say "failed: $*"
	[ -r /run/weston.log ] && tail -40 /run/weston.log | sed 's/^/XDG-DESKTOP weston: /'
	while true; do sleep 3600; done
}
uptime_s() { cut -d. -f1 /proc/uptime; }
# wait_for SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s, for SECONDS
# of the clock (under TCG a poll may take far longer than its sleep).
wait_for() {
	_end=$(($(uptime_s) + $1)) _what=$2
	shift 2
	until "$@"; do
		[ "$(uptime_s)" -lt $_end ] || fail "no $_what after $1 s"
		sleep 0.2
	done
}
# Weston's socket, or its log as soon as it exits.
weston_up() {
	kill -0 "$weston" 2>/dev/null || fail "Weston exited: $(tail -3 /run/weston.out)"
	test -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY"
}

mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
for d in /dev/shm /run /tmp /root /var/tmp; do
	mount -t tmpfs tmpfs "$d"
done
echo debian-guest > /proc/sys/kernel/hostname
# "xl shutdown": the kernel runs poweroff_cmd; there is no init daemon.
printf '#!/bin/sh\nsync\necho o > /proc/sysrq-trigger\n' > /run/poweroff
chmod 755 /run/poweroff
echo /run/poweroff > /proc/sys/kernel/poweroff_cmd
# xen-drm-front registers no fbdev: no fbcon text console (doc/rig.md).
say "root mounted: Debian $(cat /etc/debian_version), framebuffer devices: $(tr '\n' ' ' < /proc/fb)"

/usr/lib/systemd/systemd-udevd --daemon || fail "udevd"
# udevd answering first: on a busy TCG host its start took longer than
# udevadm's own wait, and libinput then found no input device ready.
wait_for 300 "answer from udevd" udevadm control --ping --timeout=10
udevadm trigger --action=add --type=subsystems
udevadm trigger --action=add --type=devices
wait_for 300 "udev queue settled" udevadm settle --timeout=60
# libinput takes only the input devices udev has tagged: ask again for
# any it has not (a busy host's udevd gave up on some).
input_tagged() {
	for _e in /sys/class/input/event*; do
		udevadm info --query=property --path="$_e" 2>/dev/null |
			grep -q '^ID_INPUT=1' && continue
		udevadm trigger --action=add "$_e"
		udevadm settle --timeout=30
		return 1
	done
}
wait_for 300 "input devices tagged by udev" input_tagged
wait_for 60 "/dev/dri/card0" test -e /dev/dri/card0
seatd -g video > /run/seatd.log 2>&1 &
wait_for 30 "seatd socket" test -S /run/seatd.sock

# The keyboard's and pointer's events, as the guest's kernel delivers
# them; evdev gives every reader a copy, so libinput in Weston sees them
# all the same.
for e in /sys/class/input/event*; do
	case "$(cat "$e/device/name")" in
	*Keyboard*) cat "/dev/input/${e##*/}" > /run/kbd.ev & ;;
	*Pointer*) cat "/dev/input/${e##*/}" > /run/ptr.ev & ;;
	esac
done
touch /run/kbd.ev /run/ptr.ev
(
	last=
	while true; do
		now="kbd=$(($(stat -c %s /run/kbd.ev) / 24)) ptr=$(($(stat -c %s /run/ptr.ev) / 24))"
		[ "$now" = "$last" ] || say "events $now"
		last=$now
		sleep 1
	done
) &

export XDG_RUNTIME_DIR=/run/user/0 WAYLAND_DISPLAY=wayland-0
mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
LIBSEAT_BACKEND=seatd weston --backend=drm --renderer=pixman \
	--shell=desktop --debug --socket="$WAYLAND_DISPLAY" \
	--config=/etc/xd-desktop/weston.ini --log=/run/weston.log \
	> /run/weston.out 2>&1 &
weston=$!
wait_for 300 "Weston socket" weston_up
# Each command line bash ran, once it ran: what was typed, as bash read it.
cat > /root/.bashrc <<'EOS'
PS1='\u@\h:\w\$ '
PROMPT_COMMAND='fc -ln -1 > /run/last-command 2>/dev/null'
EOS
weston-simple-shm > /run/simple-shm.log 2>&1 &
shm=$!
sleep 5
say "fps-start"
sleep 15
say "fps-end"
# Still animating while dom0 takes its second count.
sleep 5
kill "$shm"
weston-terminal --shell=/bin/bash > /run/terminal.log 2>&1 &
terminal=$!
wait_for 300 "shell in the terminal" pgrep -P "$terminal" bash
sleep 3
say "ready: $(weston --version) (DRM backend, pixman renderer, desktop shell), weston-terminal, mode $(head -1 /sys/class/drm/card0-*/modes)"

wait_for 600 "typed command" test -s /run/last-command
# What the command printed reaches the terminal's screen in a moment.
sleep 5
say "typed $(sed 's/^[[:space:]]*//' /run/last-command)"
mkdir -p /run/shot
(cd /run/shot && weston-screenshooter) > /run/shot.log 2>&1 ||
	fail "weston-screenshooter: $(cat /run/shot.log)"
png=$(ls /run/shot/*.png)
say "shot-begin bytes=$(stat -c %s "$png")"
base64 -w 120 "$png" | sed 's/^/XDG-SHOT /'
say "shot-end"

kill -0 "$weston" 2>/dev/null || fail "Weston exited"
wait "$weston"
fail "Weston exited"
