# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# kmod/ on real Xen (runs in dom0, see doc/rig.md and doc/kmod.md): loads
# xen-zcopy, checks its defaults (loopback off, the device root's), loads it
# again with allow_loopback and runs zcopy-probe's loopback checks (export,
# mmap, release-wait, bad refs, limits, revocation and its read-only page,
# be-alloc import, a file bound to one domain, ids and imports owned by
# their file, imports released when their opener is killed), then shows a real xen-drm-front
# guest through our module and backend with the kmod provider, has the same
# guest read back a dom0 dma-buf granted to it (be-alloc), destroys the
# guest while its buffers are still mapped, and checks that dom0 neither
# oopses nor keeps the guest's pages mapped once its backend is gone
# (xen-zcopy revokes what Weston may still hold), so that Xen frees the
# domain. Then a second guest, PVH beside the first one's PV (doc/rig.md,
# "PVH guests"), flips XD_BURST times as fast as they complete, through
# the kmod, between two counters lines of its backend (the host checks
# that nothing was mapped per flip), shuts down (powered down, then
# destroyed: PVH has S0 only here), and must leave nothing mapped either.
XD_BURST=${XD_BURST:-50}
probe=$RIG_OPT/libexec/xen-display-rig/zcopy-probe
[ -x "$probe" ] || rig_fail "no $probe in the staging directory"
. "$RIG_OPT/rig.env"

# Loaded without parameters and before the project's udev rule hands the
# node to xen-display: loopback off, the device root's alone (zcopy-probe
# defaults); then again with loopback, which the checks with dom0's own
# grants need, and the rule applied.
RIG_ZCOPY_RULES=0
rig_zcopy_load
RIG_ZCOPY_RULES=1
"$probe" defaults > "$RIG_OUT/zcopy-defaults.txt" 2>&1
rc=$?
cat "$RIG_OUT/zcopy-defaults.txt"
[ "$rc" = 0 ] || rig_fail "zcopy-probe defaults failed"
rmmod xen_zcopy || rig_fail "rmmod after the defaults failed"
rig_zcopy_load allow_loopback=1
"$probe" loopback > "$RIG_OUT/zcopy-loopback.txt" 2>&1
rc=$?
cat "$RIG_OUT/zcopy-loopback.txt"
[ "$rc" = 0 ] || rig_fail "zcopy-probe loopback failed"

# shellcheck disable=SC2086
rig_weston_start --shell=kiosk --width=800 --height=600 ${XD_WESTON_ARGS:-}
cfg=$(rig_guest_config guest1 "id0:800x600" \
	"xd.frames=2 xd.hold=4000 xd.linger=60 xd.after=stay xd.readback=1")
rig_guest_create "$cfg"
line=$(rig_guest_wait_line guest1 90 "XDG (shown conn=0 frame=1 |result)")
rig_log "guest1: $line"
case "$line" in
*result*) rig_fail "guest stopped early: $line" ;;
esac

# be-alloc: a dom0 dma-buf granted to the guest through the kmod, mapped
# and compared byte for byte by the guest's xd-readback. Done before the
# capture, so the capture, the stats and the destroy below keep the
# timing they had without it.
"$probe" readback "$(xl domid guest1)" > "$RIG_OUT/zcopy-readback.txt" 2>&1
rc=$?
cat "$RIG_OUT/zcopy-readback.txt"
[ "$rc" = 0 ] || rig_fail "zcopy-probe readback failed"
rig_log "guest1 read back dom0's buffer: $(grep 'reads every byte' "$RIG_OUT/zcopy-readback.txt")"

# A backend's confinement by the kmod: xen-display-sandbox (the
# package's) binds a file
# to guest1 and lets no grant device in; the probe, in a backend's place,
# finds gntdev and the device refused and the file serving guest1 alone.
dom=$(xl domid guest1)
/usr/libexec/xen-display-sandbox --domid="$dom" --xen=xen -- \
	"$probe" sandboxed "$dom" > "$RIG_OUT/zcopy-sandboxed.txt" 2>&1
rc=$?
cat "$RIG_OUT/zcopy-sandboxed.txt"
[ "$rc" = 0 ] || rig_fail "zcopy-probe sandboxed failed"
rig_log "sandboxed with the kmod: $(grep 'open /dev/xen/gntdev' "$RIG_OUT/zcopy-sandboxed.txt")"

rig_weston_capture kmod-frame-1
rig_expect_provider "'kmod', zero copy"
"$probe" stats | tee "$RIG_OUT/zcopy-stats-shown.txt"
grep -q "exports=0 " "$RIG_OUT/zcopy-stats-shown.txt" &&
	rig_fail "no live export while the guest's frame is shown"

# Who still holds dma-bufs: their fds and mappings, per process.
dmabuf_holders() {
	for p in /proc/[0-9]*; do
		n=$(ls -l "$p/fd" 2>/dev/null | grep -c dmabuf)
		m=$(grep -c dmabuf "$p/maps" 2>/dev/null)
		[ "${n:-0}${m:-0}" = 00 ] ||
			echo "$(cat "$p/comm" 2>/dev/null) ${p#/proc/}: fds=$n maps=$m"
	done
}
unmapped() { "$probe" stats | grep -q ' pages=0 '; }
# No domain but dom0 left: a domain whose pages dom0 still maps stays a
# zombie.
only_dom0() { [ "$(xl list | tail -n +3 | wc -l)" = 0 ]; }
# wait_gone SECONDS WHAT: every guest page unmapped, the domains freed.
wait_gone() {
	_end=$(($(cut -d. -f1 /proc/uptime) + $1))
	while ! { unmapped && only_dom0; } &&
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$_end" ]; do
		sleep 1
	done
	dmabuf_holders > "$RIG_OUT/dmabuf-holders-$2.txt"
	if ! unmapped || ! only_dom0; then
		cat "$RIG_OUT/dmabuf-holders-$2.txt"
		"$probe" stats
		xl list
		rig_fail "$2: the guest's pages are still mapped in dom0 or its domain not freed"
	fi
}

# The guest dies with its buffers still mapped by dom0. Once its backend
# is gone its pages must be unmapped, whatever Weston still holds.
xl destroy guest1 || rig_fail "xl destroy failed"
wait_gone 60 destroyed
"$probe" stats | tee "$RIG_OUT/zcopy-stats-after.txt"
rig_log "guest1 destroyed: $(cat "$RIG_OUT/zcopy-stats-after.txt"); dma-buf holders left: $(wc -l < "$RIG_OUT/dmabuf-holders-destroyed.txt")"

# Zero-copy flips of a real guest (doc/performance.md), on a guest of its
# own, once guest1's checks are done: after a burst Weston (Mesa
# llvmpipe's idle scenes, doc/kmod.md) kept both dma-bufs of a guest
# destroyed next in every run before xen-zcopy revoked exports, so this
# is the hard case for the revocation. A PVH guest: its grants and event
# channels come through the HVM container's paths, not PV's.
cfg=$(RIG_GUEST_TYPE=pvh rig_guest_config guest2 "id0:800x600" \
	"xd.frames=2 xd.burst=$XD_BURST xd.linger=60 xd.after=stay")
rig_guest_create "$cfg"
rig_guest_burst guest2 "$XD_BURST"
rig_guest_shutdown guest2 60
wait_gone 30 burst
"$probe" stats > "$RIG_OUT/zcopy-stats-burst.txt"
rig_log "guest2 (pvh guest) shut down after its burst: $(cat "$RIG_OUT/zcopy-stats-burst.txt"); dma-buf holders left: $(wc -l < "$RIG_OUT/dmabuf-holders-burst.txt")"

if grep "cannot revoke" "$RIG_OUT/logs/weston.log"; then
	rig_fail "a backend could not revoke a released buffer's export"
fi
if dmesg | grep -E "BUG:|Oops|general protection|WARNING:" \
	> "$RIG_OUT/dmesg-problems.txt"; then
	cat "$RIG_OUT/dmesg-problems.txt"
	rig_fail "the kernel complained"
fi
rig_weston_stop
rmmod xen_zcopy || rig_fail "rmmod failed: the module is still in use"
rig_log "kmod: loopback checks, a real guest shown through the kmod provider, dom0's grants read back by it, guest destroyed while mapped: clean; a second guest's burst of $XD_BURST flips (pvh guest)"
