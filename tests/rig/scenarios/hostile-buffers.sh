# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# A hostile guest against real Xen (issue 22; runs in dom0, see doc/rig.md,
# "A hostile guest's buffers"). The guest's test client, through the real
# xen-drm-front, creates XD_HOG dumb buffers of its 800x600 mode (each a
# DBUF_CREATE whose 469 grants dom0 must map) with two framebuffers each
# (FB_ATTACH), then XD_HOG_SMALL one-page buffers with a framebuffer
# each: past the guest's budget in pages, buffers and framebuffers. It
# keeps them all, shows one and flips to another. dom0 samples what it holds while the guest does it,
# then destroys the guest and checks that everything came back.
#
# Pass criteria are the per-guest budget of doc/hostile-guests.md, not the
# backend's older per-device limits, so this fails where the budget is not
# enforced:
#   - the guest got at most BUDGET_BUFFERS buffers, BUDGET_FBS
#     framebuffers and BUDGET_PAGES pages, and errors for the rest;
#   - the backend logged a refusal naming the guest's domain;
#   - guest pages mapped in dom0 (xen-zcopy's pages + gntdev mappings of
#     every process), sampled every 2 s, never above BUDGET_PAGES, and
#     xen-zcopy's alone neither (its max_pages_per_domain: the module's
#     own limit holds even where the backend's budget does not);
#   - dom0's MemAvailable never more than BUDGET_MEM_MIB below its value
#     before the guest;
#   - dom0's grant maptrack (Xen's 'g' debug key: maptrack frames, which
#     never shrink while dom0 lives, so its high-water mark) grew by no
#     more than 2 x BUDGET_PAGES entries (a PV dom0's gntdev takes two per
#     page: the user's and the kernel's mapping) plus MAPTRACK_SLACK;
# and after the guest is destroyed, within 60 s: no guest page mapped (the
# module's counters, no gntdev mapping), no domain but dom0 (no zombie),
# MemAvailable and Xen's free memory back within MEM_MARGIN_MIB.
XD_HOG=${XD_HOG:-40}
XD_HOG_SMALL=${XD_HOG_SMALL:-30}
BUDGET_PAGES=${BUDGET_PAGES:-16384}
BUDGET_BUFFERS=${BUDGET_BUFFERS:-64}
BUDGET_FBS=${BUDGET_FBS:-64}
BUDGET_MEM_MIB=${BUDGET_MEM_MIB:-256}
MAPTRACK_SLACK=${MAPTRACK_SLACK:-1024}
MEM_MARGIN_MIB=${MEM_MARGIN_MIB:-64}
probe=$RIG_OPT/libexec/xen-display-rig/zcopy-probe
[ -x "$probe" ] || rig_fail "no $probe in the staging directory"
# shellcheck source=/dev/null
. "$RIG_OPT/rig.env"
summary=$RIG_OUT/hostile-buffers.txt
: > "$summary"
failures=0

# check GOOD WHAT: records one criterion; the scenario fails at the end,
# after the cleanup checks, so one run shows every criterion.
check() {
	if [ "$1" = 1 ]; then
		echo "HOSTILE ok $2" | tee -a "$summary"
	else
		echo "HOSTILE FAIL $2" | tee -a "$summary"
		failures=$((failures + 1))
	fi
}
le() { [ "$1" -le "$2" ] && echo 1 || echo 0; }

# Shell builtins where it can: every fork costs under TCG.
mem_available_kib() {
	while read -r _k _v _rest; do
		[ "$_k" = MemAvailable: ] && echo "$_v" && return 0
	done < /proc/meminfo
}
xen_free_mib() { xl info | awk '/^free_memory/ { print $3 }'; }
kmod_pages() { "$probe" stats | sed -n 's/.* pages=\([0-9]*\) .*/\1/p'; }
# Pages of every gntdev mapping in every process (the map and gntdev
# providers map guest grants through it).
gntdev_pages() {
	grep -h /dev/xen/gntdev /proc/[0-9]*/maps 2>/dev/null | {
		_n=0
		while IFS=' -' read -r _lo _hi _rest; do
			_n=$((_n + (0x$_hi - 0x$_lo) / 4096))
		done
		echo "$_n"
	}
}
# dom0's maptrack frames in use and their maximum, from the 'g' debug
# key's "grant-table for remote d0" header in Xen's console ring. Only
# while dom0 is the only domain: with a guest the key also lists every
# page the guest granted and dom0 mapped, more than the ring holds.
maptrack_d0() {
	_before=$(xl dmesg | grep -c 'grant-table for remote d0 ')
	xl debug-keys g || rig_fail "xl debug-keys g failed"
	rig_wait 10 "Xen's grant table dump" \
		sh -c "[ \$(xl dmesg | grep -c 'grant-table for remote d0 ') -gt $_before ]"
	xl dmesg | grep -A1 'grant-table for remote d0 ' | tail -1 |
		sed -n 's/.*, \([0-9]*\) maptrack frames (\([0-9]*\) max).*/\1 \2/p'
}

# zcopy-probe limits stands dom0 for the guest: loopback.
rig_zcopy_load allow_loopback=1
# XD_ZCOPY_PARAMS in rig.env ("name=value ..."): other module limits, to
# see what the attack does with them (e.g. the old defaults,
# "max_pages_per_domain=65536 max_pages_total=262144").
for _p in ${XD_ZCOPY_PARAMS:-}; do
	echo "${_p#*=}" > "/sys/module/xen_zcopy/parameters/${_p%%=*}" ||
		rig_fail "cannot set xen-zcopy's ${_p%%=*}"
	rig_log "xen-zcopy: ${_p} (XD_ZCOPY_PARAMS)"
done
# The module's limits across files, exports and imports (loopback).
"$probe" limits > "$RIG_OUT/zcopy-limits.txt" 2>&1
rc=$?
cat "$RIG_OUT/zcopy-limits.txt"
check "$([ "$rc" = 0 ] && echo 1 || echo 0)" \
	"xen-zcopy's limits per domain: $(grep '^PROBE result' "$RIG_OUT/zcopy-limits.txt")"
line=$(dmesg | grep -m1 'xen-zcopy: domain 0: .*max_pages_per_domain')
check "$([ -n "$line" ] && echo 1 || echo 0)" "xen-zcopy logs the refusal: ${line:-nothing}"
limit=$(cat /sys/module/xen_zcopy/parameters/max_pages_per_domain)

# shellcheck disable=SC2086
rig_weston_start --shell=kiosk --width=800 --height=600 ${XD_WESTON_ARGS:-}
# shellcheck disable=SC2046
set -- $(maptrack_d0)
mt_base=${1:-} mt_max=${2:-}
[ -n "$mt_base" ] || rig_fail "no maptrack line for d0 in xl dmesg"
mem_base=$(mem_available_kib)
free_base=$(xen_free_mib)
rig_log "before the guest: dom0 maptrack frames $mt_base of $mt_max, MemAvailable $((mem_base / 1024)) MiB, Xen free $free_base MiB"
echo "before maptrack_frames=$mt_base max=$mt_max mem_available_kib=$mem_base xen_free_mib=$free_base" >> "$summary"

# 800x600 XRGB: 469 pages a buffer, 470 grants with its directory page:
# all of them fit in Xen's default 64 grant frames (32768 grants) of the
# guest.
cfg=$(rig_guest_config guest1 "id0:800x600" \
	"xd.hog=$XD_HOG xd.hog_fbs=2 xd.hog_small=$XD_HOG_SMALL xd.linger=900 xd.after=stay")
rig_guest_create "$cfg"
dom=$(xl domid guest1)
rig_guest_wait_line guest1 120 "XDG hog start " > /dev/null

# Every 2 s while the guest attacks: what dom0 holds for it.
samples=$RIG_OUT/hostile-samples.txt
: > "$samples"
(
	while :; do
		echo "$(cut -d' ' -f1 /proc/uptime) kmod=$(kmod_pages) gntdev=$(gntdev_pages) mem_available_kib=$(mem_available_kib)" >> "$samples"
		sleep 2
	done
) &
sampler=$!
done_line=$(rig_guest_wait_line guest1 400 "XDG hog done ")
rig_log "guest1: $done_line"
shown=$(rig_guest_wait_line guest1 60 "XDG hog shown ")
rig_log "guest1: $shown"
# One more sample with everything held, then stop sampling.
sleep 3
kill "$sampler"
wait "$sampler" 2>/dev/null
echo "$(cut -d' ' -f1 /proc/uptime) kmod=$(kmod_pages) gntdev=$(gntdev_pages) mem_available_kib=$(mem_available_kib)" >> "$samples"
rig_guest_output guest1 | grep '^XDG' > "$RIG_OUT/guest1-report.txt"

field() { echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }
buffers=$(field "$done_line" buffers)
fbs=$(field "$done_line" fbs)
pages=$(field "$done_line" pages)
errors=$(($(field "$done_line" buffer_errors) + $(field "$done_line" fb_errors)))
check "$(le "$buffers" "$BUDGET_BUFFERS")" "the guest got $buffers of $((XD_HOG + XD_HOG_SMALL)) buffers (budget $BUDGET_BUFFERS)"
check "$(le "$fbs" "$BUDGET_FBS")" "the guest got $fbs of $((XD_HOG * 2 + XD_HOG_SMALL)) framebuffers (budget $BUDGET_FBS)"
check "$(le "$pages" "$BUDGET_PAGES")" "the guest's buffers hold $pages pages (budget $BUDGET_PAGES)"
check "$([ "$errors" -gt 0 ] && echo 1 || echo 0)" "the guest got $errors error statuses"
# The budget's own refusal line ("domN (NAME): KIND budget N reached"),
# not its banner at start ("domN: budget: ..."), nor the provider line
# that names the kmod's limits.
refusal=$(grep -E "dom${dom} .*budget [0-9]+ reached" \
	"$RIG_OUT/logs/weston.log" | head -1)
check "$([ -n "$refusal" ] && echo 1 || echo 0)" "the backend logs a refusal for dom$dom: ${refusal:-nothing}"

kmod_max=$(awk '{ sub("kmod=", "", $2); if ($2 + 0 > m) m = $2 + 0 } END { print m + 0 }' "$samples")
both_max=$(awk '{ sub("kmod=", "", $2); sub("gntdev=", "", $3);
	if ($2 + $3 > m) m = $2 + $3 } END { print m + 0 }' "$samples")
mem_min=$(awk '{ sub("mem_available_kib=", "", $4);
	if (m == "" || $4 + 0 < m) m = $4 + 0 } END { print m + 0 }' "$samples")
held_mib=$(((mem_base - mem_min) / 1024))
check "$(le "$kmod_max" "$BUDGET_PAGES")" "xen-zcopy mapped at most $kmod_max guest pages (budget $BUDGET_PAGES, its max_pages_per_domain $limit)"
check "$(le "$both_max" "$BUDGET_PAGES")" "dom0 mapped at most $both_max guest pages, xen-zcopy and gntdev (budget $BUDGET_PAGES)"
check "$([ "$held_mib" -le "$BUDGET_MEM_MIB" ] && echo 1 || echo 0)" "dom0's MemAvailable fell by at most $held_mib MiB (budget $BUDGET_MEM_MIB)"
dmesg | grep "xen-zcopy: domain $dom:" | head -3 > "$RIG_OUT/zcopy-refusals.txt"
rig_log "xen-zcopy's log for dom$dom: $(head -1 "$RIG_OUT/zcopy-refusals.txt")"

# The guest dies holding everything, a framebuffer on screen.
xl destroy guest1 || rig_fail "xl destroy failed"
only_dom0() { [ "$(xl list | tail -n +3 | wc -l)" = 0 ]; }
released() {
	[ "$(kmod_pages)" = 0 ] && [ "$(gntdev_pages)" = 0 ] && only_dom0
}
mem_back() {
	[ "$(mem_available_kib)" -ge $((mem_base - MEM_MARGIN_MIB * 1024)) ] &&
		[ "$(xen_free_mib)" -ge $((free_base - MEM_MARGIN_MIB)) ]
}
end=$(($(cut -d. -f1 /proc/uptime) + 60))
while ! { released && mem_back; } &&
	[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
	sleep 1
done
check "$(released && echo 1 || echo 0)" "after the destroy: xen-zcopy pages $(kmod_pages), gntdev pages $(gntdev_pages), domains $(xl list | tail -n +2 | wc -l) (only Domain-0)"
mem_after=$(mem_available_kib)
free_after=$(xen_free_mib)
check "$(mem_back && echo 1 || echo 0)" "dom0's MemAvailable $((mem_after / 1024)) MiB (before $((mem_base / 1024))), Xen free $free_after MiB (before $free_base), margin $MEM_MARGIN_MIB MiB"
mt_after=
if only_dom0; then
	# shellcheck disable=SC2046
	set -- $(maptrack_d0)
	mt_after=${1:-}
fi
if [ -n "$mt_after" ]; then
	grow=$(((mt_after - mt_base) * 256))
	check "$(le "$grow" $((2 * BUDGET_PAGES + MAPTRACK_SLACK)))" "dom0's maptrack grew by $((mt_after - mt_base)) frames, $grow entries at most (allowed $((2 * BUDGET_PAGES + MAPTRACK_SLACK))), $mt_after of $mt_max frames at the high-water mark"
	echo "after maptrack_frames=$mt_after max=$mt_max mem_available_kib=$mem_after xen_free_mib=$free_after" >> "$summary"
else
	check 0 "dom0's maptrack after the destroy: not read (a domain left, or no 'g' dump)"
fi
echo "samples $(wc -l < "$samples") kmod_max=$kmod_max mapped_max=$both_max mem_held_mib=$held_mib" >> "$summary"

if dmesg | grep -E "BUG:|Oops|general protection|WARNING:" \
	> "$RIG_OUT/dmesg-problems.txt"; then
	cat "$RIG_OUT/dmesg-problems.txt"
	check 0 "the kernel complained"
fi
check "$(kill -0 "$RIG_WESTON_PID" 2>/dev/null && echo 1 || echo 0)" \
	"Weston still runs"
rig_weston_stop
check "$(rmmod xen_zcopy && echo 1 || echo 0)" "rmmod xen_zcopy"
[ "$failures" = 0 ] || rig_fail "$failures criteria failed (hostile-buffers.txt)"
rig_log "hostile-buffers: the guest's attack stayed within its budget and dom0 got everything back"
