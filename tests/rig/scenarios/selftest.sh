# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Rig self-test (runs in dom0, see tools/rig/run.sh): proves the rig end to
# end without the project's backend.
# 1. headless Weston 14 (GL renderer, llvmpipe) starts and a capture of its
#    output comes back as weston-headless.png;
# 2. a PV guest with a vdispl device boots against the hand-played XenStore
#    fixture: xen-drm-front registers the card with the configured 800x600
#    mode, and the guest test client reports instead of hanging although
#    nothing serves the ring (its requests time out: ETIMEDOUT, errno 110);
# 3. the guest shuts down and a second boot connects again;
# 4. a second guest with two connectors sees both, at the same time as the
#    first;
# 5. with run.sh --display: Weston on the DRM backend drives QEMU's
#    bochs-display, and the host's QMP screendump comes back as
#    weston-drm.png (tests/rig/scenarios/display.sh alone does only this).

rig_weston_start --shell=kiosk
rig_weston_capture weston-headless

sh "$RIG/tests/fixtures/fake-vdispl-backend.sh" > "$RIG_OUT/logs/fake-backend.log" 2>&1 &

check_guest() { # NAME CONNECTOR-INDEX MODE
	_c=$(rig_guest_wait_line "$1" 120 "XDG connector index=$2 ")
	rig_log "$1: $_c"
	case "$_c" in
	*status=connected*mode=$3*) ;;
	*) rig_fail "$1 connector $2 is not a connected $3: $_c" ;;
	esac
}

check_report() { # NAME
	_r=$(rig_guest_wait_line "$1" 180 "XDG result ")
	rig_log "$1: $_r"
	rig_guest_output "$1" | grep 'XDG error' | head -5
	# Nothing serves the ring, so the frontend's requests must time out
	# and the client must say so (no events, an error status).
	case "$_r" in
	*status=error*) ;;
	*) rig_fail "$1 reported success with no backend serving the ring" ;;
	esac
	rig_guest_output "$1" | grep -q 'XDG error .*errno=110' ||
		rig_fail "$1: no ETIMEDOUT error reported"
}

cfg1=$(rig_guest_config guest1 "id0:800x600" "xd.frames=3 xd.after=stay")
rig_guest_create "$cfg1"
rig_xs_wait 120 "/local/domain/0/backend/vdispl/$(xl domid guest1)/0/state" 4
check_guest guest1 0 800x600
check_report guest1

rig_guest_shutdown guest1 60
rig_guest_create "$cfg1"
check_guest guest1 0 800x600
rig_log "guest1 reconnected after restart"

cfg2=$(rig_guest_config guest2 "id0:800x600;id1:1024x768" "xd.frames=2 xd.after=stay")
rig_guest_create "$cfg2"
check_guest guest2 0 800x600
check_guest guest2 1 1024x768
check_report guest2
xl list

rig_guest_shutdown guest1 60
rig_guest_shutdown guest2 60
rig_weston_stop
if [ "$RIG_DISPLAY" = 1 ]; then
	. "$RIG/tests/scenarios/display.sh"
fi
rig_log "self-test passed"
