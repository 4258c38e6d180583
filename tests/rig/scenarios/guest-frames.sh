# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# The rig's main test, for the project's backend and Weston module (see
# doc/rig.md): a guest draws known frames through xen-drm-front, dom0 Weston
# shows them, and each frame is captured while the guest holds it, as
# frame-F.png, for the host to check pixel for pixel
# (tests/rig/guest-frames.sh). Then the guest flips XD_BURST times as fast
# as they complete, and the backend logs its counters before and after, for
# the host's per-flip figures. Fails on any guest error, on a flip whose
# event came only from the frontend's own timeout, or on a missing capture.
#
# The staging directory supplies the project's side in $RIG_OPT/rig.env:
#   XD_WESTON_ARGS   extra Weston arguments, e.g.
#                    "--modules=xen-display.so" (the installed package)
#   XD_BACKEND_CMD   optional: a command started in the background before
#                    the guest (a backend that watches XenStore itself)
#   XD_SETUP_CMD     optional: run first
#   XD_ZERO_COPY     optional, 1: load the kmod first, and fail unless the
#                    backend shows the guest by it (zero copy) and, the
#                    rings mapped through it too, never held gntdev
#   XD_GUEST_TYPE    optional: pv (default) or pvh, the guest's type
XD_FRAMES=${XD_FRAMES:-4}
# Each frame is held until dom0 captured it, at most XD_HOLD_MS.
XD_HOLD_MS=${XD_HOLD_MS:-90000}
XD_BURST=${XD_BURST:-50}
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
. "$RIG_OPT/rig.env"
RIG_GUEST_TYPE=${XD_GUEST_TYPE:-pv}

if [ -n "${XD_SETUP_CMD:-}" ]; then
	sh -c "$XD_SETUP_CMD" > "$RIG_OUT/logs/setup.log" 2>&1 ||
		rig_fail "setup failed: $(tail -5 "$RIG_OUT/logs/setup.log")"
fi
[ "${XD_ZERO_COPY:-}" = 1 ] && rig_zcopy_load
# Output as large as the guest's mode: under kiosk-shell the guest's
# surface fills it from 0,0 (placed by the module or, for a bare
# XD_BACKEND_CMD, by the shell) and the capture holds exactly its pixels.
# shellcheck disable=SC2086
rig_weston_start --shell=kiosk --width=800 --height=600 ${XD_WESTON_ARGS:-}
if [ -n "${XD_BACKEND_CMD:-}" ]; then
	sh -c "$XD_BACKEND_CMD" > "$RIG_OUT/logs/backend.log" 2>&1 &
fi

# The first capture of a Weston run costs seconds more than the next ones
# (the screenshooter's first GL readback on llvmpipe, under TCG): take it
# now, so that every frame's capture fits in the guest's hold.
rig_weston_capture warm-up

opts="xd.frames=$XD_FRAMES xd.hold=$XD_HOLD_MS xd.captured_go=1 xd.burst=$XD_BURST"
cfg=$(rig_guest_config guest1 "id0:800x600" "$opts xd.linger=30 xd.after=stay")
rig_guest_create "$cfg"
# Let Weston repaint with the new buffer, then capture it while the guest
# holds the frame: until rig_guest_frames tells it the capture is taken.
capture() { rig_weston_capture "frame-$1"; }
rig_guest_frames guest1 "$XD_FRAMES" capture
if [ "${XD_ZERO_COPY:-}" = 1 ]; then
	rig_expect_provider "'kmod', zero copy"
	rig_expect_no_gntdev
fi
# Per-flip figures of a real guest (doc/performance.md): after its frames
# (and the last one's hold) the guest flips XD_BURST times as fast as they
# complete; the backend's counters before and after, for the host.
rig_guest_burst guest1 "$XD_BURST"
rig_guest_shutdown guest1 60
rig_weston_stop
