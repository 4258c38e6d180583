# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# What a user sees (run.sh --display): dom0 Weston on the DRM backend
# drives QEMU's bochs-display, the module pins the real guest's connector
# at the top left of that output (weston.ini below), and QEMU's own
# screendump of the adapter is taken for every frame the guest draws, as
# screen-F.png, for the host to check pixel for pixel
# (tests/rig/guest-frames-drm.sh). rig.env as for guest-frames.sh.
XD_FRAMES=${XD_FRAMES:-3}
XD_HOLD_MS=${XD_HOLD_MS:-15000}
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
. "$RIG_OPT/rig.env"

if [ -n "${XD_SETUP_CMD:-}" ]; then
	sh -c "$XD_SETUP_CMD" > "$RIG_OUT/logs/setup.log" 2>&1 ||
		rig_fail "setup failed: $(tail -5 "$RIG_OUT/logs/setup.log")"
fi
# shellcheck disable=SC2086
rig_weston_start_drm --shell=kiosk --config="$(rig_pinned_ini)" \
	${XD_WESTON_ARGS:-}

cfg=$(rig_guest_config guest1 "id0:800x600" \
	"xd.frames=$XD_FRAMES xd.hold=$XD_HOLD_MS xd.linger=30 xd.after=stay")
rig_guest_create "$cfg"
# The flip event the guest saw comes when Weston's repaint took the frame,
# its page flip within a refresh after; give the adapter's scanout a moment.
capture() { sleep 1; rig_screendump "screen-$1"; }
rig_guest_frames guest1 "$XD_FRAMES" capture
grep -E "provider|zero copy|copied" "$RIG_OUT/logs/weston.log" | head -5 \
	> "$RIG_OUT/provider.txt" || true
rig_guest_shutdown guest1 60
rig_weston_stop
