# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Helpers for rig scenarios (sourced in dom0 before the scenario script).
# A scenario is a POSIX sh script; it passes by returning 0. Each helper that
# waits polls a condition with a time limit and fails the scenario (exit 1)
# with a message when the limit passes: no blind sleeps.
#
# Environment: RIG (rig scripts and tests/rig on the stage disk), RIG_OUT
# (written back to the host), RIG_OPT=/opt/xen-display (the run's staging
# directory), RIG_KERNEL, RIG_GUEST_INITRD, XDG_RUNTIME_DIR, WAYLAND_DISPLAY.

RIG_OPT=/opt/xen-display
RIG_KERNEL=$(ls /boot/vmlinuz-* | head -1)
RIG_GUEST_INITRD=$RIG/guest-initrd.gz
XDG_RUNTIME_DIR=/run/rig-xdg
WAYLAND_DISPLAY=rig-weston
# Weston's user (made by dom0-init.sh): an ordinary user in the group
# xen-display, as doc/security.md says a user runs Weston. Its runtime
# directory is its own, mode 0700, as logind or seatd's users have it.
RIG_USER=xd
export RIG_OPT RIG_KERNEL RIG_GUEST_INITRD XDG_RUNTIME_DIR WAYLAND_DISPLAY \
	RIG_USER
mkdir -p "$XDG_RUNTIME_DIR" && chown "$RIG_USER:" "$XDG_RUNTIME_DIR" &&
	chmod 700 "$XDG_RUNTIME_DIR"
mkdir -p "$RIG_OUT/logs"

# rig_uptime: dom0's uptime in seconds; rig_uptime_since T: the seconds
# since uptime T, to a tenth.
rig_uptime() { cut -d' ' -f1 /proc/uptime; }
rig_uptime_since() {
	awk -v a="$1" -v b="$(rig_uptime)" 'BEGIN { printf "%.1f", b - a }'
}
rig_log() { echo "[dom0 $(rig_uptime)] scenario: $*"; }
# rig_fail WHY: ends the scenario, also from a subshell (a helper's
# $(...)), which exit alone would not.
rig_fail() {
	rig_log "FAIL: $*" >&2
	[ "$(exec sh -c 'echo $PPID')" = "$$" ] || kill -TERM "$$"
	exit 1
}

# rig_as_user COMMAND...: COMMAND as Weston's user, with its groups
# (xen-display, video) and home; the environment otherwise kept.
# $RIG_AS_USER is the same prefix, for timeout and exec.
RIG_AS_USER="setpriv --reuid=$RIG_USER --regid=$RIG_USER --init-groups env HOME=/home/$RIG_USER USER=$RIG_USER LOGNAME=$RIG_USER"
rig_as_user() {
	# shellcheck disable=SC2086
	$RIG_AS_USER "$@"
}

# rig_xd_devices: the project's udev rules (plugin/60-xen-display.rules,
# as the xen-display package installed it, else the repository's) applied to the device nodes there are now:
# dom0 runs no udev daemon in most scenarios, so their GROUP and MODE are
# set here, rule by rule, on /dev/KERNEL; the file also goes to
# /etc/udev/rules.d for the scenarios that start udevd. Its "#fallback"
# lines (gntdev, gntalloc) are enabled too: today's backends map their
# rings and the copy path's frames through gntdev (RIG_GNTDEV_FALLBACK=0
# leaves them out). Called before Weston starts and after the kmod loads;
# the nodes' modes go to logs/devices.txt.
rig_xd_devices() {
	_rules=/usr/lib/udev/rules.d/60-xen-display.rules
	[ -r "$_rules" ] || _rules=$RIG/60-xen-display.rules
	[ -r "$_rules" ] || rig_fail "no 60-xen-display.rules"
	mkdir -p /etc/udev/rules.d
	if [ "${RIG_GNTDEV_FALLBACK:-1}" = 1 ]; then
		sed 's/^#fallback //' "$_rules"
	else
		cat "$_rules"
	fi > /etc/udev/rules.d/60-xen-display.rules
	# A loop reading a file, not a pipe: rig_fail must end the scenario,
	# not a subshell.
	grep -v '^#' /etc/udev/rules.d/60-xen-display.rules > /tmp/rig-rules
	while read -r _rule; do
		_k=$(echo "$_rule" | sed -n 's/.*KERNEL=="\([^"]*\)".*/\1/p')
		_g=$(echo "$_rule" | sed -n 's/.*GROUP="\([^"]*\)".*/\1/p')
		_m=$(echo "$_rule" | sed -n 's/.*MODE="\([^"]*\)".*/\1/p')
		if [ -z "$_k" ] || [ ! -e "/dev/$_k" ]; then
			continue
		fi
		{ [ -z "$_g" ] || chgrp "$_g" "/dev/$_k"; } &&
		{ [ -z "$_m" ] || chmod "$_m" "/dev/$_k"; } ||
			rig_fail "cannot apply '$_rule' to /dev/$_k"
	done < /tmp/rig-rules
	ls -l /dev/xen/ > "$RIG_OUT/logs/devices.txt" 2>&1
}

# rig_wait SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s until it
# succeeds; fail the scenario with WHAT after SECONDS.
rig_wait() {
	_limit=$1 _what=$2; shift 2
	_end=$(awk -v u="$(cut -d' ' -f1 /proc/uptime)" -v l="$_limit" \
		'BEGIN { print u + l }')
	while ! "$@" >/dev/null 2>&1; do
		if awk -v u="$(cut -d' ' -f1 /proc/uptime)" -v e="$_end" \
			'BEGIN { exit !(u > e) }'; then
			rig_fail "timed out after $_limit s waiting for $_what"
		fi
		sleep 0.2
	done
}

# --- The kmod (kmod/) ---------------------------------------------------

# rig_install_debs DEB...: apt install of the staging's packages
# ($RIG_OPT/debs/), offline (their dependencies are in dom0's image); the
# log goes to $RIG_OUT/logs/apt-install.log.
rig_install_debs() {
	_t=$(rig_uptime)
	apt-get install -y -q --no-install-recommends "$@" \
		>> "$RIG_OUT/logs/apt-install.log" 2>&1 || {
		cp /var/lib/dkms/xen-zcopy/*/build/make.log \
			"$RIG_OUT/logs/dkms-make.log" 2>/dev/null
		rig_fail "apt install $* failed: $(tail -15 "$RIG_OUT/logs/apt-install.log")"
	}
	rig_log "installed $(for _d; do basename "$_d"; done | tr '\n' ' ')in $(rig_uptime_since "$_t") s"
}

# rig_zcopy_load [PARAM=VALUE...]: installs the staging's
# xen-zcopy-modules-KVER package for the running kernel (once a boot: the
# module DKMS built on the host against this kernel's headers,
# tools/kmod-bmdeb.sh), loads it by name with those module parameters
# (e.g. allow_loopback=1, which tests of dom0's own grants need) and waits
# for its device. Not the xen-zcopy-dkms package: DKMS building the module
# in dom0 takes over 10 minutes under TCG, too long for every scenario
# that uses the kmod; tests/rig/packages.sh shows the package (DKMS in
# dom0) once.
rig_zcopy_load() {
	_pkg=xen-zcopy-modules-$(uname -r)
	if ! dpkg-query -W -f='${Status}' "$_pkg" 2>/dev/null |
		grep -q 'install ok installed'; then
		_deb=
		for _d in "$RIG_OPT/debs/$_pkg"_*.deb; do
			[ -e "$_d" ] && _deb=$_d
		done
		[ -n "$_deb" ] ||
			rig_fail "no ${_pkg}_*.deb in the staging: $(echo "$RIG_OPT"/debs/*)"
		# dpkg alone, as dom0-init.sh installs xen-display: its only
		# dependency, the kernel, is there. Its postinst runs depmod.
		_t=$(rig_uptime)
		dpkg -i "$_deb" >> "$RIG_OUT/logs/apt-install.log" 2>&1 ||
			rig_fail "dpkg -i $_deb failed: $(tail -5 "$RIG_OUT/logs/apt-install.log")"
		rig_log "installed ${_deb##*/} in $(rig_uptime_since "$_t") s (dpkg -i, depmod included)"
	fi
	_ko=$(modinfo -n xen-zcopy 2>&1) || rig_fail "modinfo xen-zcopy: $_ko"
	rig_log "xen-zcopy: $_ko"
	case $_ko in
	*/updates/dkms/xen-zcopy.ko*) ;;
	*) rig_fail "modprobe xen-zcopy would load $_ko, not $_pkg's (updates/dkms)" ;;
	esac
	modprobe xen-zcopy "$@" ||
		rig_fail "modprobe xen-zcopy $* failed: $(dmesg | tail -5)"
	rig_wait 10 "/dev/xen/zcopy" test -c /dev/xen/zcopy
	# The installation's udev rule hands the node to xen-display; the
	# kmod scenario's check of the module's own default goes without.
	[ "${RIG_ZCOPY_RULES:-1}" = 0 ] || rig_xd_devices
}

# rig_expect_provider WHAT: the backend's log in Weston's says
# "provider WHAT" (e.g. "'kmod', zero copy"; "'kmod'" alone would also
# match its "provider 'kmod' unavailable"), or the scenario fails.
rig_expect_provider() {
	grep -q "provider $1" "$RIG_OUT/logs/weston.log" ||
		rig_fail "the backend did not use provider $1: $(grep -i provider "$RIG_OUT/logs/weston.log")"
}

# rig_expect_no_gntdev: with the kmod bound, the sandbox said it did not
# allow /dev/xen/gntdev (on Weston's stderr, weston.out, not its warning
# that a backend may open it), and no running backend holds the grant
# device, as an fd or a mapping: its rings, event pages and buffers all
# came through the kmod.
rig_expect_no_gntdev() {
	_log=$RIG_OUT/logs/weston.out
	grep -q "zcopy bound to dom[0-9]*: /dev/xen/gntdev not allowed" "$_log" ||
		rig_fail "the sandbox did not bind the kmod: $(grep xen-display-sandbox "$_log")"
	! grep -q "may open /dev/xen/gntdev" "$_log" ||
		rig_fail "the sandbox allowed /dev/xen/gntdev: $(grep 'may open /dev/xen/gntdev' "$_log")"
	_n=0
	for _p in /proc/[0-9]*; do
		case $(readlink "$_p/exe" 2>/dev/null) in
		*/xen-display-backend) ;;
		*) continue ;;
		esac
		_n=$((_n + 1))
		if ls -l "$_p/fd" 2>/dev/null | grep -q /dev/xen/gntdev ||
			grep -q /dev/xen/gntdev "$_p/maps" 2>/dev/null; then
			rig_fail "backend ${_p#/proc/} holds /dev/xen/gntdev"
		fi
	done
	[ "$_n" -gt 0 ] || rig_fail "no backend running to check for gntdev"
	rig_log "sandbox: $(grep -m1 'gntdev not allowed' "$_log" | sed 's/.*xen-display-sandbox: //'); $_n backend(s) hold no /dev/xen/gntdev"
}

# --- Weston ------------------------------------------------------------

# _rig_weston_prepare: the device nodes' access, and a log file Weston's
# user may write (the stage disk is root's).
_rig_weston_prepare() {
	rig_xd_devices
	touch "$RIG_OUT/logs/weston.log" &&
		chown "$RIG_USER:" "$RIG_OUT/logs/weston.log" ||
		rig_fail "cannot give $RIG_USER Weston's log"
}

# rig_weston_start [WESTON ARGS...]: headless Weston 14 with the GL renderer
# on llvmpipe, --debug so captures work; log in $RIG_OUT/logs/weston.log.
# Runs as Weston's user ($RIG_USER, $RIG_AS_USER: not the function,
# whose subshell would stand between); RIG_WESTON_PID is Weston's own pid
# (setpriv and env exec it).
rig_weston_start() {
	_rig_weston_prepare
	# shellcheck disable=SC2086
	$RIG_AS_USER weston --backend=headless --renderer=gl --debug \
		--socket="$WAYLAND_DISPLAY" --width=1024 --height=768 \
		--log="$RIG_OUT/logs/weston.log" "$@" \
		> "$RIG_OUT/logs/weston.out" 2>&1 &
	RIG_WESTON_PID=$!
	rig_wait 120 "Weston's socket" test -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY"
	kill -0 "$RIG_WESTON_PID" || rig_fail "Weston exited"
	rig_log "Weston up (pid $RIG_WESTON_PID)"
	_rig_weston_fds
}

# What Weston holds open (the module's XenStore connection: xenstored's
# socket or /dev/xen/xenbus), and as whom it runs.
_rig_weston_fds() {
	{
		grep -E '^(Uid|Gid|Groups):' "/proc/$RIG_WESTON_PID/status"
		ls -l "/proc/$RIG_WESTON_PID/fd"
	} > "$RIG_OUT/logs/weston-fds.txt" 2>&1
}

rig_weston_stop() {
	[ -n "${RIG_WESTON_PID:-}" ] || return 0
	kill "$RIG_WESTON_PID" 2>/dev/null
	rig_wait 30 "Weston to exit" rig_pid_gone "$RIG_WESTON_PID"
	RIG_WESTON_PID=
}

rig_pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# rig_weston_capture NAME: Weston's whole output as $RIG_OUT/NAME.png,
# taken by a client of Weston's user.
rig_weston_capture() {
	_dir=/tmp/rig-shot.$$
	rm -rf "$_dir"; mkdir -p "$_dir"; chown "$RIG_USER:" "$_dir"
	# shellcheck disable=SC2086
	(cd "$_dir" && timeout 120 $RIG_AS_USER weston-screenshooter) \
		> "$RIG_OUT/logs/screenshooter-$1.log" 2>&1 ||
		rig_fail "weston-screenshooter failed: $(cat "$RIG_OUT/logs/screenshooter-$1.log")"
	_png=$(ls "$_dir"/*.png 2>/dev/null | head -1)
	[ -n "$_png" ] || rig_fail "weston-screenshooter wrote no PNG"
	mv "$_png" "$RIG_OUT/$1.png"
	rm -rf "$_dir"
	rig_log "captured $1.png ($(wc -c < "$RIG_OUT/$1.png") bytes)"
}

# rig_seatd_start: seatd (as Debian's seatd.service runs it: seat access
# for the group video), once per run; no logind here.
rig_seatd_start() {
	[ -S /run/seatd.sock ] && return 0
	command -v seatd > /dev/null ||
		rig_fail "no seatd in dom0 (tools/rig/dom0-packages.txt)"
	seatd -g video > "$RIG_OUT/logs/seatd.log" 2>&1 &
	rig_wait 10 "seatd's socket" test -S /run/seatd.sock
}

# rig_weston_start_drm [WESTON ARGS...]: Weston on the DRM backend on QEMU's
# display adapter (run.sh --display), what a user would see: as Weston's
# user, which gets the DRM and input devices from seatd (libseat's seatd
# backend). Most scenarios run no udev daemon (guest-input does):
# libweston finds the card in sysfs alone.
rig_weston_start_drm() {
	[ "$RIG_DISPLAY" = 1 ] || rig_fail "no display adapter: run.sh --display"
	modprobe bochs || rig_fail "modprobe bochs failed"
	rig_wait 30 "/dev/dri/card0" test -e /dev/dri/card0
	_rig_weston_prepare
	rig_seatd_start
	# shellcheck disable=SC2086
	$RIG_AS_USER LIBSEAT_BACKEND=seatd \
		weston --backend=drm --renderer=gl --debug \
		--continue-without-input --socket="$WAYLAND_DISPLAY" \
		--log="$RIG_OUT/logs/weston.log" "$@" \
		> "$RIG_OUT/logs/weston.out" 2>&1 &
	RIG_WESTON_PID=$!
	rig_wait 120 "Weston's socket" test -S "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY"
	kill -0 "$RIG_WESTON_PID" || rig_fail "Weston exited"
	rig_log "Weston (DRM backend) up (pid $RIG_WESTON_PID)"
	_rig_weston_fds
}

# rig_pinned_ini: a weston.ini (its path printed) pinning guest1's
# connector 0 at the top left of bochs-drm's only output, Virtual-1,
# unscaled; kept in the run's logs.
rig_pinned_ini() {
	cat > /tmp/weston-pinned.ini <<-EOI
	[xen-display]
	guest=guest1
	output=Virtual-1
	placement=position
	position=0,0
	EOI
	cp /tmp/weston-pinned.ini "$RIG_OUT/logs/weston.ini"
	echo /tmp/weston-pinned.ini
}

# rig_screendump NAME: QEMU's own picture of its display adapter, taken by
# the host (QMP screendump) into the host's output directory as NAME.png;
# waits for the host's answer on the control line (ttyS1).
rig_screendump() {
	if [ -z "${RIG_CTL_OPEN:-}" ]; then
		stty -F /dev/ttyS1 raw -echo 115200 ||
			rig_fail "no control line /dev/ttyS1"
		exec 7<>/dev/ttyS1
		RIG_CTL_OPEN=1
	fi
	echo "SCREENDUMP $1" >&7
	_ans=$(timeout 60 head -n 1 <&7 | tr -d '\r')
	[ "$_ans" = "OK $1" ] || rig_fail "screendump $1: '${_ans:-no answer in 60 s}'"
	rig_log "host took screendump $1.png"
}

# rig_client_on_display NAME FRAMES: the guest test client ($RIG/xd-guest-client,
# static) run in dom0 on QEMU's display adapter (no Weston may hold it),
# each frame taken by QMP screendump as NAME-F.png; its report goes to
# $RIG_OUT/NAME.txt. Proves the client, pattern.h and the screendump path
# on a DRM driver that works, without Xen's display protocol.
rig_client_on_display() {
	modprobe bochs || rig_fail "modprobe bochs failed"
	"$RIG/xd-guest-client" --frames "$2" --hold 8000 --linger 8 \
		> "$RIG_OUT/$1.txt" 2>&1 &
	_pid=$!
	_f=0
	while [ "$_f" -lt "$2" ]; do
		rig_wait 30 "client frame $_f" grep -q "^XDG shown conn=0 frame=$_f " "$RIG_OUT/$1.txt"
		rig_screendump "$1-$_f"
		_f=$((_f + 1))
	done
	rig_wait 60 "client report" grep -q "^XDG result" "$RIG_OUT/$1.txt"
	cat "$RIG_OUT/$1.txt"
	grep -q "^XDG result .* errors=0 status=ok" "$RIG_OUT/$1.txt" ||
		rig_fail "client on the display adapter reported errors"
	kill "$_pid" 2>/dev/null
}

# --- guests ------------------------------------------------------------

# rig_guest_config NAME CONNECTORS [KERNEL ARGS]: write an xl config for a
# guest running the rig's guest test client on a vdispl device with
# CONNECTORS (e.g. "id0:800x600" or "id0:800x600;id1:1024x768"); prints
# its path. KERNEL ARGS are the guest init's xd.* options. RIG_BE_ALLOC=1
# makes the backend allocate the display buffers (vdispl be-alloc=1);
# RIG_VKB=UNIQUE-ID adds a vkb device served by our backend, bound to the
# connector with that id. RIG_GUEST_TYPE is the guest's type: pv (the
# default) or pvh, the same kernel, initramfs and devices in an HVM
# container (Xen's HAP: run.sh's CPU flags; doc/rig.md, "PVH guests").
# RIG_GUEST_RAMDISK, RIG_GUEST_MEMORY (MiB) and RIG_GUEST_DISK (an xl disk
# spec) stand in for the test client's initramfs, 256 and no disk.
rig_guest_config() {
	_cfg=/tmp/$1.cfg
	_type=${RIG_GUEST_TYPE:-pv}
	case $_type in
	pv | pvh) ;;
	*) rig_fail "guest type '$_type': pv or pvh" ;;
	esac
	cat > "$_cfg" <<-EOC
	name = "$1"
	type = "$_type"
	kernel = "$RIG_KERNEL"
	ramdisk = "${RIG_GUEST_RAMDISK:-$RIG_GUEST_INITRD}"
	extra = "console=hvc0 quiet $3"
	memory = ${RIG_GUEST_MEMORY:-256}
	vcpus = 1
	on_poweroff = "destroy"
	on_crash = "destroy"
	vdispl = [ 'backend=Domain-0,be-alloc=${RIG_BE_ALLOC:-0},connectors=$2' ]
	EOC
	if [ -n "${RIG_VKB:-}" ]; then
		echo "vkb = [ 'backend=Domain-0,backend-type=linux,unique-id=$RIG_VKB' ]" \
			>> "$_cfg"
	fi
	if [ -n "${RIG_GUEST_DISK:-}" ]; then
		echo "disk = [ '$RIG_GUEST_DISK' ]" >> "$_cfg"
	fi
	# A PVH guest on a physical CPU of its own, dom0 on the other
	# (rig_guest_create): see doc/rig.md, "PVH guests".
	[ "$_type" = pvh ] && echo 'cpus = "1"' >> "$_cfg"
	echo "$_cfg"
}

# rig_desktop_config NAME CONNECTORS: the config of a desktop guest
# (run.sh --desktop): Debian's Weston and weston-terminal from its
# read-only root disk (tools/rig/desktop/), the rig's vkb (RIG_VKB) for
# its keyboard and pointer. Its console says what happens in
# "XDG-DESKTOP" lines (tools/rig/desktop/session.sh).
rig_desktop_config() {
	[ "${RIG_DESKTOP:-0}" = 1 ] || rig_fail "no desktop disk: run.sh --desktop"
	[ "$(e2label /dev/vdc 2>/dev/null)" = rig-desktop ] ||
		rig_fail "/dev/vdc is not the desktop guest's disk"
	modprobe xen-blkback || rig_fail "modprobe xen-blkback failed"
	RIG_GUEST_RAMDISK=$RIG/desktop-initrd.gz RIG_GUEST_MEMORY=512 \
	RIG_GUEST_DISK="format=raw, vdev=xvda, access=ro, target=/dev/vdc" \
		rig_guest_config "$1" "$2" ""
}

rig_guest_console() { echo "/var/log/xen/guest-$1.log"; }

# rig_guest_type NAME: pv or pvh, as rig_guest_config wrote NAME's config.
rig_guest_type() {
	_t=$(sed -n 's/^type = "\(.*\)"/\1/p' "/tmp/$1.cfg" 2>/dev/null)
	echo "${_t:-pv}"
}

# rig_guest_create CONFIG: xl create; the display backend must already be
# running (libxl waits for it to reach InitWait). Marks the console log so
# later waits only look at this boot's output.
rig_guest_create() {
	_name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$1")
	_log=$(rig_guest_console "$_name")
	if [ -r "$_log" ]; then
		wc -l < "$_log" > "/tmp/rig-mark-$_name"
	else
		echo 0 > "/tmp/rig-mark-$_name"
	fi
	# Dom0 off the PVH guest's CPU ("cpus" in its config; doc/rig.md,
	# "PVH guests": unpinned, PVH guests crashed under TCG).
	if grep -q '^type = "pvh"' "$1"; then
		xl vcpu-pin Domain-0 all 0 ||
			rig_fail "cannot pin dom0's vCPUs to CPU 0"
	fi
	if ! timeout 120 xl create "$1" >> "$RIG_OUT/logs/xl-create-$_name.log" 2>&1; then
		tail -20 "$RIG_OUT/logs/xl-create-$_name.log"
		rig_fail "xl create $_name failed"
	fi
	rig_log "guest $_name created (domid $(xl domid "$_name"), $(rig_guest_type "$_name") guest)"
}

# Console output of guest NAME since its last rig_guest_create.
rig_guest_output() {
	_skip=$(cat "/tmp/rig-mark-$1" 2>/dev/null || echo 0)
	tail -n +"$((_skip + 1))" "$(rig_guest_console "$1")" 2>/dev/null | tr -d '\r'
}

# rig_guest_wait_line NAME SECONDS PATTERN: wait for a console line of this
# boot matching the grep -E PATTERN; prints the first one.
# A guest whose kernel died ends the wait at once, with its first oops line.
rig_guest_wait_line() {
	rig_wait "$2" "guest $1 console line /$3/" _rig_guest_has_or_died "$1" "$3"
	_rig_guest_has "$1" "$3" || rig_fail "guest $1's kernel died: $(
		rig_guest_output "$1" | grep -m1 -E "$RIG_GUEST_OOPS")"
	rig_guest_output "$1" | grep -E -m1 "$3"
}
RIG_GUEST_OOPS='BUG:|Oops|Kernel panic'
_rig_guest_has() { rig_guest_output "$1" | grep -q -E "$2"; }
_rig_guest_has_or_died() {
	rig_guest_output "$1" | grep -q -E "$2|Kernel panic - not syncing"
}

# rig_guest_no_late_flips NAME: fails if a flip's event took >= 3 s: the
# frontend's own timeout completed it, not the backend's PG_FLIP_COMPLETE.
rig_guest_no_late_flips() {
	_slow=$(rig_guest_output "$1" | awk '/^XDG shown/ && /frame=[1-9]/ {
		sub(/.*ms=/, ""); if ($1 + 0 >= 3000) n++ } END { print n + 0 }')
	[ "$_slow" = 0 ] || rig_fail "$1: $_slow flips completed by the frontend's timeout"
}

# rig_guest_tell NAME NODE VALUE: writes data/NODE in guest NAME's home,
# readable by the guest (which polls it: xd-guest-client's goes).
rig_guest_tell() {
	_dom=$(xl domid "$1") || rig_fail "no domain $1"
	_node=/local/domain/$_dom/data/$2
	xenstore-write "$_node" "$3" && xenstore-chmod "$_node" "n$_dom" ||
		rig_fail "cannot write $_node"
}

# rig_guest_frames NAME FRAMES CAPTURE: for each frame F the guest shows,
# runs "CAPTURE F" while the guest holds it, then tells the guest F was
# captured (data/xd-captured: a guest booted with xd.captured_go=1 holds
# each frame until then); then requires the guest's report (kept as
# NAME-report.txt) to have every flip event, no error, no frame left
# before its capture, and no flip completed by the frontend's timeout.
rig_guest_frames() {
	_f=0
	while [ "$_f" -lt "$2" ]; do
		# Frame 0 comes after the guest's boot: a PVH guest's took
		# over 60 s under TCG (doc/rig.md, "PVH guests").
		_lim=60
		[ "$_f" = 0 ] && _lim=180
		_line=$(rig_guest_wait_line "$1" "$_lim" "XDG (shown conn=0 frame=$_f |result)")
		case "$_line" in
		*result*) rig_fail "$1 stopped before frame $_f: $_line" ;;
		esac
		rig_log "$1: $_line"
		"$3" "$_f"
		rig_guest_tell "$1" xd-captured "$_f"
		_f=$((_f + 1))
	done
	_result=$(rig_guest_wait_line "$1" 120 "XDG result ")
	rig_log "$1: $_result"
	rig_guest_output "$1" | grep '^XDG' > "$RIG_OUT/$1-report.txt"
	case "$_result" in
	*" events=$(($2 - 1)) errors=0 status=ok"*) ;;
	*) rig_fail "$1 did not get every flip event: $_result" ;;
	esac
	_early=$(rig_guest_output "$1" | grep -m1 '^XDG hold-limit')
	[ -z "$_early" ] ||
		rig_fail "$1 moved on before dom0's capture: $_early"
	rig_guest_no_late_flips "$1"
}

# --- the backend's counters and the guest's burst ----------------------

# rig_backend_counters: SIGUSR1 to every backend process (comm
# xen-display-bac): each logs "domD: counters: flips N, map calls M, unmap
# calls U, cpu T us, wakeups W" into Weston's log (doc/performance.md, "In the Xen
# rig"). Shell builtins only: a fork per process took seconds under TCG.
rig_backend_counters() {
	for _p in /proc/[0-9]*; do
		_c=
		read -r _c 2>/dev/null < "$_p/comm" || continue
		[ "$_c" = xen-display-bac ] && kill -USR1 "${_p#/proc/}"
	done
	return 0
}
_rig_counters_logged() {
	[ "$(grep -c 'counters: flips' "$RIG_OUT/logs/weston.log")" -ge "$1" ]
}

# _rig_backend_pids DOMID: the backend processes of domD (comm
# xen-display-bac, --domid=D among their arguments), one per line.
_rig_backend_pids() {
	for _p in /proc/[0-9]*; do
		_c=
		read -r _c 2>/dev/null < "$_p/comm" || continue
		[ "$_c" = xen-display-bac ] || continue
		case " $(tr '\0' ' ' < "$_p/cmdline" 2>/dev/null)" in
		*" --domid=$1 "*) echo "${_p#/proc/}" ;;
		esac
	done
}
# The syscall counter ($1, its output) is open, or gave up.
_rig_syscalls_counting() { grep -q '^counting' "$1" || ! kill -0 "$2"; }

# rig_guest_burst NAME N: the burst of a guest booted with xd.burst=N
# (after its frames and its result line): once the guest printed "XDG
# burst start", the backend's counters, then the guest's go (XenStore
# data/xd-burst-go in its home, which it polls), and the counters again
# after "XDG burst done". Both counters lines come while the guest does
# not flip, so they cover exactly the burst; fails unless the guest got
# all N flip events without an error. The host divides the difference by
# the flips (tests/rig/burst-figures.sh). The backend's system calls are
# counted in the kernel (syscall-count, a perf counter on the
# raw_syscalls:sys_enter tracepoint) from before the first counters line
# to after the second, and logged as "NAME: backend system calls around
# the burst: syscalls C" ("not counted: WHY" when the counter could not
# be opened): the burst's, with the two counters lines' and those of the
# backend idle before the go and after the last flip.
rig_guest_burst() {
	_n0=$(grep -c 'counters: flips' "$RIG_OUT/logs/weston.log")
	rig_guest_wait_line "$1" 240 "XDG burst start " >/dev/null
	_sc_out=/tmp/syscall-count-$1.txt
	# shellcheck disable=SC2046 # one argument per pid
	"$RIG_OPT/libexec/xen-display-rig/syscall-count" \
		$(_rig_backend_pids "$(xl domid "$1" 2>/dev/null)") \
		> "$_sc_out" 2>&1 &
	_sc=$!
	rig_wait 30 "the syscall counter" _rig_syscalls_counting "$_sc_out" "$_sc"
	rig_backend_counters
	rig_wait 30 "the backend's counters" _rig_counters_logged $((_n0 + 1))
	rig_guest_tell "$1" xd-burst-go go
	rig_log "$1: counters taken, burst of $2 flips started"
	_line=$(rig_guest_wait_line "$1" 300 "XDG burst done ")
	rig_backend_counters
	rig_log "$1: $_line"
	rig_wait 30 "the backend's counters" _rig_counters_logged $((_n0 + 2))
	kill -TERM "$_sc" 2>/dev/null
	wait "$_sc" || :
	_calls=$(sed -n 's/^syscalls \([0-9]*\)$/\1/p' "$_sc_out")
	if [ -n "$_calls" ]; then
		rig_log "$1: backend system calls around the burst: syscalls $_calls"
	else
		rig_log "$1: backend system calls around the burst: not counted: $(tr '\n' ' ' < "$_sc_out")"
	fi
	case "$_line" in
	*" events=$2 errors=0"*) ;;
	*) rig_fail "$1's burst did not get every flip event: $_line" ;;
	esac
}

rig_domain_gone() { ! xl domid "$1" >/dev/null 2>&1; }

# rig_guest_shutdown NAME [SECONDS]: clean shutdown, waited for. A PVH
# guest's power-off is finished by xl destroy (_rig_pvh_power_off).
rig_guest_shutdown() {
	_dom=$(xl domid "$1" 2>/dev/null)
	xl shutdown "$1" >/dev/null 2>&1
	if [ "$(rig_guest_type "$1")" = pvh ]; then
		_rig_pvh_power_off "$1" "${2:-60}" "$_dom"
	else
		rig_wait "${2:-60}" "guest $1 to shut down" rig_domain_gone "$1"
	fi
	rig_log "guest $1 shut down"
}

# rig_guest_wait_gone NAME SECONDS: the guest powers itself off (a PVH
# guest as rig_guest_shutdown says).
rig_guest_wait_gone() {
	if [ "$(rig_guest_type "$1")" = pvh ]; then
		_rig_pvh_power_off "$1" "$2" "$(xl domid "$1" 2>/dev/null)"
	else
		rig_wait "$2" "guest $1 to power off" rig_domain_gone "$1"
	fi
}

# _rig_pvh_power_off NAME SECONDS DOMID: a PVH guest cannot end its own
# domain here (its ACPI has S0 only): its kernel runs every device's
# shutdown, prints "reboot: Power down" and keeps running (doc/rig.md,
# "PVH guests"). Waits up to SECONDS for that line or the domain's end
# (neither in time fails the scenario, as a PV guest that does not power
# off does); a domain still there RIG_PVH_POWEROFF_WAIT s (3) after the line
# is destroyed, logged so. Then the domain must be freed
# (rig_guest_released): the backend and the kmod released its pages.
_rig_pvh_power_off() {
	rig_wait "$2" "guest $1 to power down" _rig_pvh_down "$1"
	if _rig_guest_has "$1" "reboot: Power down" &&
		! rig_domain_gone "$1"; then
		_n=$((${RIG_PVH_POWEROFF_WAIT:-3} * 5))
		while [ "$_n" -gt 0 ] && ! rig_domain_gone "$1"; do
			sleep 0.2
			_n=$((_n - 1))
		done
	fi
	if ! rig_domain_gone "$1"; then
		rig_log "guest $1 (pvh guest) powered down but its domain runs on (S0 only): xl destroy"
		xl destroy "$1" || rig_fail "xl destroy $1 failed"
	fi
	rig_guest_released "$1" 30 "$3"
}
_rig_pvh_down() {
	rig_domain_gone "$1" || _rig_guest_has "$1" "reboot: Power down"
}

# rig_guest_released NAME SECONDS DOMID: the domain DOMID (guest NAME's)
# is freed by Xen within SECONDS: no longer in "xl list". A domain whose
# pages dom0 still maps or grants (a backend's or the kmod's mapping
# left) stays listed as a dying "(null)" domain.
rig_guest_released() {
	[ -n "$3" ] || rig_fail "guest $1: no domid to check its release"
	rig_wait "$2" "guest $1's domain $3 freed by Xen (no mapping left in dom0)" \
		_rig_domid_gone "$3"
	rig_log "guest $1 (domid $3) freed by Xen: no grant left mapped, no zombie"
}
_rig_domid_gone() {
	! xl list | awk -v d="$1" 'NR > 1 && $2 == d { f = 1 } END { exit !f }'
}

# rig_xs_wait SECONDS PATH VALUE: wait for a XenStore node to hold VALUE.
rig_xs_wait() {
	rig_wait "$1" "$2 = $3" _rig_xs_is "$2" "$3"
}
_rig_xs_is() { [ "$(xenstore-read "$1" 2>/dev/null)" = "$2" ]; }
