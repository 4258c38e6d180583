# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# A compromised backend reaches nothing but its own guest (issue 23,
# doc/security.md; runs in dom0, see doc/rig.md): Weston as the ordinary
# user with the kmod loaded; guest B served by the real backend, guest A
# by tests/rig/compromised-backend.c, which the module launches as A's
# backend because A's [xen-display] section says backend=. Once B is up,
# root reads what the attacker needs from XenStore (B's domid, the grant
# of its request ring to dom0, its memory target and /vm path), has B
# offer dom0 an unbound event channel (evtchn-offer), finds B's backend's
# pid, creates guest A and writes all of it into A's backend directory
# (xd-attack-target), where its backend reads its own nodes (Weston's
# environment is fixed before B exists, and Weston 14 gives its clients
# no stdin). A's backend tries each attack once and prints one "XDA
# attempt" line each, then a summary.
#
# Guest B draws XD_FRAMES frames, each held until dom0 captured it
# (xd.captured_go, at most XD_HOLD_MS); its frame 0 is captured before
# the attack, the next ones while it goes on, the last one once the
# attacker printed its summary, every one checked pixel for pixel by the
# host (tests/rig/compromised-backend.sh).
# Passes only if B got every flip event and no error, Weston and B's
# backend still run, B's memory target is unchanged, and the attacker's
# summary says succeeded=0 skipped=0. attempts.txt keeps its lines.
XD_FRAMES=${XD_FRAMES:-4}
# A limit only: B's last frame waits for the attacker's summary (up to
# 120 s), and captures took 10-17 s while guest A boots (fixed 20 s holds
# let a capture land on the next frame).
XD_HOLD_MS=${XD_HOLD_MS:-180000}
probes=$RIG_OPT/libexec/xen-display-rig
attacker=$probes/compromised-backend
offer=$probes/evtchn-offer
if [ ! -x "$attacker" ] || [ ! -x "$offer" ]; then
	rig_fail "no $attacker or $offer in the staging directory"
fi
[ -r "$RIG_OPT/rig.env" ] || rig_fail "staging has no rig.env (see doc/rig.md)"
. "$RIG_OPT/rig.env"

rig_zcopy_load
rig_log "kernel.yama.ptrace_scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)"

# A file of Weston's user's own, which no backend needs.
secret=/home/$RIG_USER/rig-secret
echo "Weston's user's own file" > "$secret" &&
	chown "$RIG_USER:" "$secret" && chmod 600 "$secret"

ini=/tmp/weston-compromised.ini
cat > "$ini" <<-EOI
[xen-display]
guest=guestA
backend=$attacker
EOI
cp "$ini" "$RIG_OUT/logs/weston.ini"

# shellcheck disable=SC2086
rig_weston_start --shell=kiosk --width=800 --height=600 --config="$ini" \
	${XD_WESTON_ARGS:-}
rig_weston_capture warm-up

# backend_of DOMID: the pid of the real backend serving DOMID (an
# argument exactly --domid=DOMID: grep -z takes each NUL-ended one as a
# line).
backend_of() {
	for _f in $(grep -lsxz -e "--domid=$1" /proc/[0-9]*/cmdline); do
		if grep -qsaz xen-display-backend "$_f"; then
			_f=${_f#/proc/}
			echo "${_f%/cmdline}"
			return 0
		fi
	done
	return 1
}

# The attack: B's coordinates to the attacker, then guest A, whose
# backend it is. Runs while B holds frame 0, after its capture.
attack() {
	domb=$(xl domid guestB) || rig_fail "no guestB"
	vd=/local/domain/$domb/device/vdispl/0/0
	ref=$(xenstore-read "$vd/req-ring-ref") || rig_fail "no $vd/req-ring-ref"
	memkb=$(xenstore-read "/local/domain/$domb/memory/target") ||
		rig_fail "no memory/target of dom$domb"
	vm=$(xenstore-read "/local/domain/$domb/vm") || rig_fail "no vm of dom$domb"
	port=$("$offer" "$domb") || rig_fail "evtchn-offer $domb failed"
	bpid=$(backend_of "$domb") || rig_fail "no backend process of dom$domb"
	line="XD_ATTACK_TARGET=dom=$domb ref=$ref port=$port pid=$bpid"
	line="$line memkb=$memkb vm=$vm secret=$secret"
	echo "$line" > "$RIG_OUT/attack-target.txt"
	rig_log "target: $line"
	cfga=$(rig_guest_config guestA "id0:640x480" \
		"xd.frames=1 xd.wait_card=60 xd.after=stay")
	# In the background, B's captures going on meanwhile: guest A, and
	# the line into its backend directory once libxl made it. A failure
	# here ends the scenario (rig_fail, from this subshell too).
	(
		rig_guest_create "$cfga" > "$RIG_OUT/logs/guestA-create.txt" 2>&1 &
		rig_wait 60 "guestA's domain" xl domid guestA
		beb=/local/domain/0/backend/vdispl/$(xl domid guestA)/0
		rig_wait 60 "$beb" xenstore-read "$beb/state"
		xenstore-write "$beb/xd-attack-target" "$line" ||
			rig_fail "cannot write $beb/xd-attack-target"
		rig_log "target written to $beb/xd-attack-target"
	) > "$RIG_OUT/logs/guestA-attack.txt" 2>&1 &
}

capture() {
	[ "$1" = $((XD_FRAMES - 1)) ] &&
		rig_wait 120 "the attacker's summary" \
			grep -q '^XDA summary' "$RIG_OUT/logs/weston.out"
	rig_weston_capture "frame-$1"
	[ "$1" = 0 ] && attack
	return 0
}

cfg=$(rig_guest_config guestB "id0:800x600" \
	"xd.frames=$XD_FRAMES xd.hold=$XD_HOLD_MS xd.captured_go=1 xd.linger=30 xd.after=stay")
rig_guest_create "$cfg"
rig_guest_frames guestB "$XD_FRAMES" capture

rig_wait 120 "the attacker's summary" \
	grep -q '^XDA summary' "$RIG_OUT/logs/weston.out"
grep '^XDA' "$RIG_OUT/logs/weston.out" > "$RIG_OUT/attempts.txt"
cat "$RIG_OUT/attempts.txt"
summary=$(grep '^XDA summary' "$RIG_OUT/attempts.txt" | tail -1)

# B and everything around it carried on.
kill -0 "$RIG_WESTON_PID" || rig_fail "Weston died"
kill -0 "$bpid" 2>/dev/null || rig_fail "guestB's backend (pid $bpid) died"
[ "$(xenstore-read "/local/domain/$domb/memory/target")" = "$memkb" ] ||
	rig_fail "guestB's memory target changed"
xl list > "$RIG_OUT/xl-list.txt"
xl destroy guestA 2>/dev/null
rig_guest_shutdown guestB 60

case "$summary" in
*" succeeded=0 "*" skipped=0 target=dom$domb")
	rig_log "the compromised backend reached nothing: $summary" ;;
*)
	rig_log "what the compromised backend reached:"
	grep -E ' (SUCCEEDED|skipped) ' "$RIG_OUT/attempts.txt"
	rig_fail "the compromised backend was not confined: ${summary:-no summary}" ;;
esac
rig_weston_stop
