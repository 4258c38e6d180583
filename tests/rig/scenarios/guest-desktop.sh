# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# A guest in real use (run.sh --display --desktop): a Debian trixie guest
# runs its own Weston (DRM backend on xen-drm-front, pixman, desktop
# shell) and weston-terminal (tools/rig/desktop/); dom0 Weston on the DRM
# backend shows it pinned at the top left, and a user's keyboard and mouse
# (uinput-inject, seen by libinput through udev) type into it.
#
# 0. While the guest's Weston runs weston-simple-shm, dom0's backend
#    counts its flips: the frames per second the guest's compositor
#    reached (desktop-report.txt).
# 1. A click on the guest's display gives it dom0's keyboard; a command
#    typed into the guest's terminal runs (the guest reports the command
#    line its bash ran) and prints on the guest's screen; the guest's
#    Weston takes its own screenshot (desktop-guest.png) and dom0's
#    Weston then takes its own (desktop-dom0.png): the host compares the
#    guest's display in the one with the other (guest-desktop.sh).
# 2. The release key, the pointer off the guest's display: keys typed, a
#    click and the wheel then reach neither of the guest's input devices.
# 3. A click gives the keyboard back, and typed keys reach it again.
# Every flip of the guest's is answered with status 0, paced to dom0's
# repaints (the copy path waits for a free copy), none refused.
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
. "$RIG_OPT/rig.env"
inject=$RIG_OPT/libexec/xen-display-rig/uinput-inject
report=$RIG_OUT/desktop-report.txt
: > "$report"

udevd=$(command -v systemd-udevd || echo /usr/lib/systemd/systemd-udevd)
"$udevd" --daemon > "$RIG_OUT/logs/udevd.log" 2>&1 || rig_fail "udevd failed"
modprobe uinput || rig_fail "modprobe uinput failed"
# XD_ZERO_COPY=1 (guest-desktop.sh --zero-copy): the kmod loaded, so the
# guest's own buffers reach dom0 Weston as dma-bufs.
[ "${XD_ZERO_COPY:-}" = 1 ] && rig_zcopy_load

# shellcheck disable=SC2086
rig_weston_start_drm --shell=kiosk --config="$(rig_pinned_ini)" \
	${XD_WESTON_ARGS:-}
mode=$(head -1 /sys/class/drm/card0-Virtual-1/modes)
mkfifo /tmp/inject.in
"$inject" --size "$mode" < /tmp/inject.in > "$RIG_OUT/logs/inject.log" 2>&1 &
exec 6> /tmp/inject.in
rig_wait 10 "uinput devices" grep -q '^ready' "$RIG_OUT/logs/inject.log"
udevadm settle --timeout=30
rig_wait 30 "Weston to take the rig's input devices" \
	grep -q "xen-display rig touchscreen" "$RIG_OUT/logs/weston.log"

RIG_VKB=id0
cfg=$(rig_desktop_config guest1 "id0:800x600")
rig_guest_create "$cfg"
t0=$(rig_uptime)
# queue COMMAND: one uinput-inject command; flush: wait until it has done
# every command queued; send COMMAND: both.
sent=0
queue() {
	echo "$1" >&6
	sent=$((sent + 1))
}
flush() {
	rig_wait 30 "uinput-inject's command $sent" \
		test "$(grep -c '^done ' "$RIG_OUT/logs/inject.log")" -ge "$sent"
}
send() { queue "$1"; flush; }
# press CODE [SHIFTED]: a key pressed and released, with shift held for
# SHIFTED=1.
press() {
	[ "${2:-0}" = 1 ] && queue "key 42 1"
	queue "key $1 1"
	queue "key $1 0"
	[ "${2:-0}" = 1 ] && queue "key 42 0"
	flush
}
# type_text TEXT: TEXT's characters as a US keyboard types them, then
# Enter (only what the commands below need).
type_text() {
	_t=$1
	while [ -n "$_t" ]; do
		_r=${_t#?}
		_c=${_t%"$_r"}
		_t=$_r
		case "$_c" in
		a) press 30 ;; b) press 48 ;; c) press 46 ;; d) press 32 ;;
		e) press 18 ;; f) press 33 ;; g) press 34 ;; h) press 35 ;;
		i) press 23 ;; j) press 36 ;; k) press 37 ;; l) press 38 ;;
		m) press 50 ;; n) press 49 ;; o) press 24 ;; p) press 25 ;;
		q) press 16 ;; r) press 19 ;; s) press 31 ;; t) press 20 ;;
		u) press 22 ;; v) press 47 ;; w) press 17 ;; x) press 45 ;;
		y) press 21 ;; z) press 44 ;;
		0) press 11 ;; [1-9]) press $((_c + 1)) ;;
		' ') press 57 ;; -) press 12 ;; /) press 53 ;; .) press 52 ;;
		'|') press 43 1 ;;
		*) rig_fail "type_text: no key for '$_c'" ;;
		esac
	done
	press 28
}
# desktop_fail MESSAGE: dom0's screen kept (desktop-failed.png), then fail.
desktop_fail() {
	rig_weston_capture desktop-failed || true
	rig_fail "$1"
}
# desktop_line PATTERN [LIMIT]: the guest's next XDG-DESKTOP line matching
# PATTERN, or fail with its own failure line.
desktop_line() {
	_l=$(rig_guest_wait_line guest1 "${2:-120}" "XDG-DESKTOP ($1|failed)") ||
		desktop_fail "no XDG-DESKTOP $1 line from guest1"
	case "$_l" in
	*"XDG-DESKTOP failed"*) desktop_fail "the desktop guest: $_l" ;;
	esac
	echo "$_l"
}
# The latest count of events the guest's input devices delivered.
events_now() {
	rig_guest_output guest1 | grep '^XDG-DESKTOP events ' | tail -1
}
# events_settle: wait until the guest's count stays the same for 4 s.
events_settle() {
	_i=0
	_prev=$(events_now)
	while [ $_i -lt 30 ]; do
		sleep 4
		_now=$(events_now)
		[ "$_now" = "$_prev" ] && return 0
		_prev=$_now
		_i=$((_i + 1))
	done
	rig_fail "the guest's input never settled: $_now"
}

# The guest's Weston with its own animated client, before the terminal.
# The backend stamps its counters line with dom0's monotonic clock.
desktop_line fps-start 900 > /dev/null
n0=$(grep -c 'counters: flips' "$RIG_OUT/logs/weston.log")
rig_backend_counters
rig_wait 60 "the backend's counters" _rig_counters_logged $((n0 + 1))
desktop_line fps-end 60 > /dev/null
rig_backend_counters
rig_wait 60 "the backend's counters" _rig_counters_logged $((n0 + 2))
fps=$(sed -n 's/^\[ *\([0-9.]*\)\] .*counters: flips \([0-9]*\),.*/\1 \2/p' \
	"$RIG_OUT/logs/weston.log" | tail -2 | tr '\n' ' ' |
	awk '{ printf "%.2f frames/s (%d flips in %.1f s)", ($4 - $2) / ($3 - $1), $4 - $2, $3 - $1 }')
rig_log "guest1's compositor: $fps"

ready=$(desktop_line ready 300)
rig_log "guest1 $ready"
echo "guest:    ${ready#XDG-DESKTOP ready: } (up in $(rig_uptime_since "$t0") s)" >> "$report"
echo "fps:      $fps: the guest's Weston with weston-simple-shm animating, its flips counted by dom0's backend" >> "$report"

# 1. Click the guest's display (below its panel), type, move away.
send "move 400 560"
send "button 272 1"
send "button 272 0"
typed="uname -snr"
type_text "$typed"
# dom0's own cursor off the guest's display, so that it is not in
# dom0's capture; the guest's stays where the click was.
send "move 1000 700"
echo "typed:    '$typed' + Enter, from dom0's keyboard (uinput)" >> "$report"
line=$(desktop_line typed)
rig_log "guest1 $line"
[ "${line#XDG-DESKTOP typed }" = "$typed" ] ||
	desktop_fail "guest1's bash ran '${line#XDG-DESKTOP typed }', not '$typed'"
echo "ran:      bash in weston-terminal ran '${line#XDG-DESKTOP typed }'; its output is on the screen" >> "$report"
desktop_line shot-end > /dev/null
# At once: nothing on the guest's screen has moved since its own shot.
rig_weston_capture desktop-dom0
rig_guest_output guest1 | sed -n 's/^XDG-SHOT //p' | base64 -d \
	> "$RIG_OUT/desktop-guest.png" || rig_fail "the guest's screenshot is not base64"
rig_log "guest1's own screenshot: desktop-guest.png ($(wc -c < "$RIG_OUT/desktop-guest.png") bytes)"

# 2. Focus away: the release key (ctrl+alt+escape; the guest sees ctrl
# and alt go up), the pointer already off its display.
send "key 29 1"
send "key 56 1"
send "key 1 1"
send "key 1 0"
send "key 56 0"
send "key 29 0"
events_settle
before=$(events_now)
type_text "ls"
send "move 980 720"
send "button 272 1"
send "button 272 0"
send "wheel -1"
# What is proven here is an absence: give the guest as long to report
# events as it took with the keyboard (the counts are polled each second).
sleep 6
after=$(events_now)
rig_log "guest1 without the focus: before '$before', after '$after'"
[ "$before" = "$after" ] ||
	rig_fail "input reached the guest while its display had no focus: '$before' then '$after'"
echo "focus:    keys, a click and the wheel with dom0's focus elsewhere: none reached the guest (${after#XDG-DESKTOP })" >> "$report"

# 3. The keyboard back by a click; an animated client at the guest's pace.
send "move 400 560"
send "button 272 1"
send "button 272 0"
type_text "ls"
send "move 1000 700"
events_changed() { [ "$(events_now)" != "$after" ]; }
rig_wait 60 "keys to reach the guest again" events_changed
rig_log "guest1 with the focus back: $(events_now)"

rig_guest_output guest1 | grep '^XDG-DESKTOP' > "$RIG_OUT/guest1-desktop.txt"
# A guest's compositor flipping faster than dom0's repaints is paced, not
# refused: no error status on the ring, none in the guest's kernel.
refused=$(grep -c 'PG_FLIP answered' "$RIG_OUT/logs/weston.log")
[ "$refused" = 0 ] ||
	rig_fail "the backend refused $refused of guest1's flips: $(grep -m1 'PG_FLIP answered' "$RIG_OUT/logs/weston.log")"
# -110: the backend's answer came after xen-drm-front's 3 s wait (dom0's
# Weston repainting on llvmpipe under TCG starves it): counted, not a
# refusal.
bad=$(rig_guest_output guest1 | grep 'Failed to send page flip request' |
	grep -v 'backend: -110$' | head -1)
[ -z "$bad" ] || rig_fail "guest1's xen-drm-front: $bad"
late=$(rig_guest_output guest1 | grep -c 'Failed to send page flip request to backend: -110')
echo "flips:    every PG_FLIP answered 0; $late answer(s) came after xen-drm-front's 3 s wait (TCG)" >> "$report"
if [ "${XD_ZERO_COPY:-}" = 1 ]; then
	rig_expect_provider "'kmod', zero copy"
	rig_expect_no_gntdev
fi
echo "provider: $(grep -o "provider '[a-z-]*'[^]]*" "$RIG_OUT/logs/weston.log" | tail -1)" >> "$report"
# What dom0's Weston did with them: a dma-buf it imported, or a copy
# (with the backend's reason; on QEMU's display, Weston's GL renderer on
# kms_swrast imports no foreign dma-buf: doc/rig.md).
copied=$(grep -o 'copied per flip: .*' "$RIG_OUT/logs/weston.log" | tail -1)
[ -n "$copied" ] || copied="zero copy: every framebuffer imported by dom0's Weston as a dma-buf"
echo "frames:   $copied" >> "$report"
rig_guest_shutdown guest1 120
rig_weston_stop
