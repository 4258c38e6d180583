# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# The backend's Xen access layer on real Xen (runs in dom0, see doc/rig.md):
# xen-access-probe (tests/rig/xen-access-probe.c, from the staging
# directory) checks XenStore, event channels and grants in dom0 alone, then
# reads, maps and binds a real PV guest's vdispl frontend. The fixture plays
# the backend's XenStore states so that the frontend publishes its rings.
probe=$RIG_OPT/libexec/xen-display-rig/xen-access-probe
[ -x "$probe" ] || rig_fail "no $probe in the staging directory"

run_probe() { # NAME ARGS...
	_name=$1; shift
	"$probe" "$@" > "$RIG_OUT/probe-$_name.txt" 2>&1
	_rc=$?
	cat "$RIG_OUT/probe-$_name.txt"
	[ "$_rc" = 0 ] || rig_fail "xen-access-probe $* failed (rc $_rc)"
}

run_probe basics basics

sh "$RIG/tests/fixtures/fake-vdispl-backend.sh" \
	> "$RIG_OUT/logs/fake-backend.log" 2>&1 &
cfg=$(rig_guest_config guest1 "id0:800x600" "xd.frames=1 xd.after=stay")
rig_guest_create "$cfg"
domid=$(xl domid guest1)
rig_xs_wait 120 "/local/domain/0/backend/vdispl/$domid/0/state" 4
run_probe frontend frontend "$domid"
rig_guest_shutdown guest1 60
