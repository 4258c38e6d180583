# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# The project's backend through a guest's life (runs in dom0, see
# doc/rig.md; the staging directory's rig.env as for guest-frames.sh):
# a guest shows frames, powers off and boots again on the same device
# (the backend disconnects, unmaps and unbinds, then serves the second
# boot), and a guest with two connectors flips both. Every report must
# say every flip event came, with no error, none by the frontend's 3 s
# timeout. Weston runs the desktop shell so both connectors are visible.
# A guest whose pages dom0 still maps (or grants) cannot be freed by Xen
# and stays listed as a dying domain: at the end only Domain-0 may be left.
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
# shellcheck source=/dev/null
. "$RIG_OPT/rig.env"
# XD_GUEST_TYPE (guest-lifecycle.sh --pvh): pv (default) or pvh; a PVH
# guest's power-off is its power-down, then xl destroy (dom0-lib.sh).
RIG_GUEST_TYPE=${XD_GUEST_TYPE:-pv}
if [ -n "${XD_SETUP_CMD:-}" ]; then
	sh -c "$XD_SETUP_CMD" > "$RIG_OUT/logs/setup.log" 2>&1 ||
		rig_fail "setup failed: $(tail -5 "$RIG_OUT/logs/setup.log")"
fi
# shellcheck disable=SC2086
rig_weston_start ${XD_WESTON_ARGS:-}

expect_ok() { # NAME EVENTS
	_r=$(rig_guest_wait_line "$1" 120 "XDG result ")
	rig_log "$1: $_r"
	rig_guest_output "$1" | grep '^XDG' >> "$RIG_OUT/$1-report.txt"
	case "$_r" in
	*" events=$2 errors=0 status=ok"*) ;;
	*) rig_fail "$1: not every flip event, or errors: $_r" ;;
	esac
	rig_guest_no_late_flips "$1"
}

cfg1=$(rig_guest_config guest1 "id0:640x480" "xd.frames=3 xd.hold=300")
for boot in 1 2; do
	rig_guest_create "$cfg1"
	expect_ok guest1 2
	rig_guest_wait_gone guest1 60
	rig_log "guest1 boot $boot done"
done

cfg2=$(rig_guest_config guest2 "id0:640x480;id1:320x240" \
	"xd.frames=3 xd.hold=300")
rig_guest_create "$cfg2"
expect_ok guest2 4
rig_guest_wait_gone guest2 60
only_dom0() { [ "$(xl list | tail -n +2 | wc -l)" = 1 ]; }
rig_wait 30 "every guest freed by Xen (none left dying)" only_dom0
rig_weston_stop
