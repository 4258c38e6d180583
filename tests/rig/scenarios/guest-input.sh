# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Input from dom0's devices to a real guest's evdev devices: dom0 Weston on
# the DRM backend (run.sh --display) with a keyboard, an absolute mouse and
# a touchscreen made by uinput-inject, which libinput sees through udev as
# it sees a user's devices; the module pins the guest's connector at the
# top left, 1:1; the guest has a vkb device bound to that connector and
# prints what its xen-kbdfront devices deliver (xd-input-client).
#
# Checked in order: pointer position, a click (which also gives the pinned
# guest the keyboard), a key, the wheel, a touch; then the release key:
# the guest sees its modifiers released and no key after it.
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
. "$RIG_OPT/rig.env"
# XD_GUEST_TYPE (guest-input.sh --pvh): pv (default) or pvh.
RIG_GUEST_TYPE=${XD_GUEST_TYPE:-pv}
inject=$RIG_OPT/libexec/xen-display-rig/uinput-inject

udevd=$(command -v systemd-udevd || echo /usr/lib/systemd/systemd-udevd)
"$udevd" --daemon > "$RIG_OUT/logs/udevd.log" 2>&1 || rig_fail "udevd failed"
modprobe uinput || rig_fail "modprobe uinput failed"
# XD_ZERO_COPY=1 (guest-input.sh --zero-copy): the kmod loaded, so the
# vkbd event page maps through it like the display's rings.
[ "${XD_ZERO_COPY:-}" = 1 ] && rig_zcopy_load

# shellcheck disable=SC2086
rig_weston_start_drm --shell=kiosk --config="$(rig_pinned_ini)" \
	${XD_WESTON_ARGS:-}

# The devices' axes span the output's mode (bochs-drm's preferred one,
# which Weston takes), so their positions are output pixels.
mode=$(head -1 /sys/class/drm/card0-Virtual-1/modes)
rig_log "output mode $mode"
mkfifo /tmp/inject.in
"$inject" --size "$mode" < /tmp/inject.in > "$RIG_OUT/logs/inject.log" 2>&1 &
exec 6> /tmp/inject.in
rig_wait 10 "uinput devices" grep -q '^ready' "$RIG_OUT/logs/inject.log"
udevadm settle --timeout=30
rig_wait 30 "Weston to take the rig's input devices" \
	grep -q "xen-display rig touchscreen" "$RIG_OUT/logs/weston.log"

RIG_VKB=id0
cfg=$(rig_guest_config guest1 "id0:800x600" \
	"xd.frames=1 xd.hold=0 xd.linger=600 xd.input=600 xd.after=stay")
rig_guest_create "$cfg"
rig_guest_wait_line guest1 180 "XDG shown conn=0 frame=0 "
for dev in kbd ptr mt; do
	rig_guest_wait_line guest1 60 "XDG input-device dev=$dev "
done

# send COMMAND: one uinput-inject command, waited for.
sent=0
send() {
	echo "$1" >&6
	sent=$((sent + 1))
	rig_wait 10 "uinput-inject: $1" \
		test "$(grep -c '^done ' "$RIG_OUT/logs/inject.log")" -ge "$sent"
}
# expect WHAT PATTERN: the guest printed an input line matching PATTERN.
expect() {
	rig_guest_wait_line guest1 30 "XDG input $2" > /dev/null ||
		rig_fail "$1"
	rig_log "guest got $1"
}

send "move 100 50"
expect "ABS_X 100" "dev=ptr type=abs code=0 value=100$"
expect "ABS_Y 50" "dev=ptr type=abs code=1 value=50$"
send "button 272 1"
send "button 272 0"
expect "BTN_LEFT down" "dev=ptr type=key code=272 value=1$"
expect "BTN_LEFT up" "dev=ptr type=key code=272 value=0$"
# The click gave the pinned guest the keyboard.
send "key 30 1"
send "key 30 0"
expect "KEY_A down" "dev=kbd type=key code=30 value=1$"
expect "KEY_A up" "dev=kbd type=key code=30 value=0$"
# One click down: evdev REL_WHEEL -1 in dom0, and in the guest.
send "wheel -1"
expect "wheel down" "dev=ptr type=rel code=8 value=-1$"
send "touch-down 0 200 150"
send "touch-up 0"
expect "touch x" "dev=mt type=abs code=53 value=200$"
expect "touch y" "dev=mt type=abs code=54 value=150$"
expect "touch lifted" "dev=mt type=abs code=57 value=-1$"

# ctrl+alt+escape: Weston keeps it; the guest sees ctrl and alt go up.
send "key 29 1"
send "key 56 1"
send "key 1 1"
send "key 1 0"
send "key 56 0"
send "key 29 0"
expect "ctrl released" "dev=kbd type=key code=29 value=0$"
expect "alt released" "dev=kbd type=key code=56 value=0$"
send "key 48 1"
send "key 48 0"
sleep 3
rig_guest_output guest1 | grep '^XDG input' > "$RIG_OUT/guest-input.txt"
if grep -q "dev=kbd type=key code=1 value=" "$RIG_OUT/guest-input.txt"; then
	rig_fail "the release key reached the guest"
fi
if grep -q "dev=kbd type=key code=48 value=" "$RIG_OUT/guest-input.txt"; then
	rig_fail "a key reached the guest after the release key"
fi
rig_log "release key kept by Weston; no key after it reached the guest"
if [ "${XD_ZERO_COPY:-}" = 1 ]; then
	rig_expect_provider "'kmod', zero copy"
	rig_expect_no_gntdev
fi
rig_guest_shutdown guest1 60
rig_weston_stop
