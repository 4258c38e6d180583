# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Two real guests at once, one with two connectors, each connector pinned
# side by side on one 2400x600 output by weston.ini; then the first guest
# shuts down and boots again and its display comes back (runs in dom0, see
# doc/rig.md). Captures two-guests.png and rebooted.png for the host to
# check pixel for pixel (tests/rig/lifecycle.sh).
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
. "$RIG_OPT/rig.env"

cat > /tmp/weston-lifecycle.ini <<'EOI'
[xen-display]
guest=guest1
output=headless
placement=position
position=0,0

[xen-display]
guest=guest2
connector=0
output=headless
placement=position
position=800,0

[xen-display]
guest=guest2
connector=1
output=headless
placement=position
position=1600,0
EOI
# shellcheck disable=SC2086
rig_weston_start --shell=kiosk --width=2400 --height=600 \
	--config=/tmp/weston-lifecycle.ini ${XD_WESTON_ARGS:-}

one=$(rig_guest_config guest1 "id0:800x600" \
	"xd.frames=1 xd.hold=1000 xd.linger=600 xd.after=stay")
rig_guest_create "$one"
two=$(rig_guest_config guest2 "id0:800x600;id1:800x600" \
	"xd.frames=1 xd.hold=1000 xd.linger=600 xd.after=stay")
rig_guest_create "$two"
rig_log "guest1: $(rig_guest_wait_line guest1 120 'XDG shown conn=0 frame=0 ')"
rig_log "guest2: $(rig_guest_wait_line guest2 120 'XDG shown conn=0 frame=0 ')"
rig_log "guest2: $(rig_guest_wait_line guest2 120 'XDG shown conn=1 frame=0 ')"
sleep 1
rig_weston_capture two-guests

rig_guest_shutdown guest1 90
rig_guest_create "$one"
rig_log "guest1 again: $(rig_guest_wait_line guest1 120 'XDG shown conn=0 frame=0 ')"
sleep 1
rig_weston_capture rebooted
grep -E "restart|started|connected|disconnected|gone" \
	"$RIG_OUT/logs/weston.log" > "$RIG_OUT/lifecycle-log.txt" || true
rig_guest_shutdown guest2 90
rig_guest_shutdown guest1 90
rig_weston_stop
