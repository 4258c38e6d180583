#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Boot Xen 4.20 + a trixie dom0 in QEMU (TCG) and run one scenario in dom0.
#
#   tools/rig/run.sh [--out DIR] [--timeout SECONDS] [--quiet] STAGING SCENARIO
#
# STAGING   a directory whose contents dom0 sees at /opt/xen-display (the
#           project's freshly built module, backend, kmod, tools); may be
#           empty. It is copied onto a small per-run ext4 disk, so the cached
#           dom0 image is never rebuilt for it.
# SCENARIO  a POSIX sh script run in dom0 once the toolstack is up, with
#           tools/rig/dom0-lib.sh's helpers already sourced; it passes by
#           returning 0. It writes results (PNGs, reports) into $RIG_OUT.
# --out     where $RIG_OUT comes back on the host (default ./rig-out): also
#           console.log (Xen and dom0 serial console), logs/, result, timings.
# --display give QEMU a virtual display adapter (bochs-display, 1024x768);
#           scenarios can run Weston on the DRM backend and capture what a
#           user would see with rig_screendump (QEMU's QMP screendump).
# --desktop attach the desktop guest's root disk (tools/rig/desktop/image.sh,
#           built first when missing) read-only as dom0's /dev/vdc, and its
#           initramfs as rig/desktop-initrd.gz (rig_desktop_config).
# --timeout limit for the scenario in dom0 (default 900 s); QEMU gets
#           another 240 s for booting and shutting down, then is killed.
#
# Exit status: 0 when the scenario passed, 1 otherwise (logs printed).
set -euo pipefail
# shellcheck source=tools/rig/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

out=$PWD/rig-out
timeout_s=900
quiet=0
display=0
desktop=0
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--display) display=1; shift ;;
	--desktop) desktop=1; shift ;;
	--) shift; break ;;
	-*) rig_die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || rig_die "usage: run.sh [--out DIR] [--timeout S] [--display] [--desktop] [--quiet] STAGING SCENARIO"
staging=$(cd "$1" && pwd) || rig_die "no staging directory $1"
scenario=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
[ -r "$scenario" ] || rig_die "no scenario $2"
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "${out:?}"/*

timings=$out/timings.txt
: > "$timings"
stage() { echo "$1 $2" >> "$timings"; rig_log "stage $1: $2 s"; }

t_all=$(rig_now)
t=$(rig_now)
"$rig_tools/images.sh"
img=$rig_cache/images
stage images "$(rig_since "$t")"
desk_drive=()
if [ $desktop = 1 ]; then
	t=$(rig_now)
	desk=$("$rig_tools/desktop/image.sh" --print-dir)
	desk_drive=(-drive "file=$desk/desktop.img,format=raw,if=virtio,readonly=on")
	stage desktop-image "$(rig_since "$t")"
fi

work=$(mktemp -d /var/tmp/xd-rig.XXXXXX)
qemu_pid=""
tail_pid=""
ctl_pid=""
cleanup() {
	local rc=$?
	set +e
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null
	[ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
	[ -n "$ctl_pid" ] && kill "$ctl_pid" 2>/dev/null
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Readers share the lock; images.sh takes it exclusively to rebuild.
exec 8>"$rig_cache/lock"
flock -s 8
if [ $desktop = 1 ]; then
	exec 7>"$rig_cache/desktop.lock"
	flock -s 7
fi

# The guest test programs (tests/rig/guest/*.c), built static in the
# trixie build root, one binary each in the guest's /bin.
t=$(rig_now)
gi=$work/guest-initrd
cp -a "$img/guest-base" "$gi"
cp "$rig_repo/tests/rig/guest/init.sh" "$gi/init"
chmod 755 "$gi/init"
XEN_DISPLAY_EXTRA_BIND=$work "$rig_repo/tools/buildroot.sh" -- sh -c '
	set -e
	for src in "$2"/*.c; do
		gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static \
			-o "$1/bin/$(basename "$src" .c)" "$src"
	done' sh "$gi" "$rig_repo/tests/rig/guest"
stage guest-client "$(rig_since "$t")"

# The per-run stage disk: opt/ (STAGING), rig/ (dom0 scripts, scenario,
# tests/rig, guest initrd) and out/ (written by dom0, read back here).
t=$(rig_now)
st=$work/stage
mkdir -p "$st/opt" "$st/rig" "$st/out"
cp -a "$staging/." "$st/opt/"
cp "$rig_tools/dom0-init.sh" "$st/rig/dom0-init.sh"
cp "$rig_tools/dom0-lib.sh" "$st/rig/lib.sh"
# Weston's user's device access where the xen-display package is not
# installed (the self-test's empty staging): the project's udev rules.
cp "$rig_repo/plugin/60-xen-display.rules" "$st/rig/60-xen-display.rules"
cp "$scenario" "$st/rig/scenario.sh"
cp -a "$rig_repo/tests/rig" "$st/rig/tests"
rm -rf "$st/rig/tests/guest"
(cd "$gi" && find . | cpio -o -H newc --quiet) | gzip -1 > "$st/rig/guest-initrd.gz"
cp "$gi/bin/xd-guest-client" "$st/rig/xd-guest-client"
[ $desktop = 1 ] && cp "$desk/desktop-initrd.gz" "$st/rig/desktop-initrd.gz"
echo "RIG_SCENARIO_TIMEOUT=$timeout_s" > "$st/rig/config"
echo "RIG_DISPLAY=$display" >> "$st/rig/config"
echo "RIG_DESKTOP=$desktop" >> "$st/rig/config"
size=$(du -sm "$st" | cut -f1)
size=$((size + 256))
truncate -s "${size}M" "$work/stage.img"
mkfs.ext4 -q -F -L rig-stage -d "$st" "$work/stage.img"
stage stage-disk "$(rig_since "$t")"

# Xen and dom0 in QEMU. dom0.img is attached with snapshot=on: writes go
# to a temporary overlay, so concurrent runs share it safely.
t=$(rig_now)
console=$out/console.log
: > "$console"
if [ $quiet = 0 ]; then
	tail -n +1 -F "$console" 2>/dev/null &
	tail_pid=$!
fi
# Second serial port (dom0's ttyS1): the control line to host-ctl.py,
# which answers dom0's screendump requests through QMP.
adapter=()
# One TCG thread for all vCPUs: with multi-threaded TCG the kernels' live
# code patching (int3 + cross-CPU text poke) sometimes oopses here (2 of 13
# runs: "Oops: int3" in dom0, once fatal). RIG_TCG_THREAD=multi is ~25%
# faster and flaky.
tcg_thread=${RIG_TCG_THREAD:-single}
# TCG's emulated SVM with nested paging: Xen gets HVM with HAP ("xl info":
# virt_caps "pv hvm hap ..."), which PVH guests need; without +npt
# "xl create" of a PVH guest fails (no hap, no shadow paging). Dom0 and PV
# guests run as before. RIG_CPU=qemu64 gives the PV-only CPU back.
cpu=${RIG_CPU:-qemu64,+svm,+npt}
# shellcheck disable=SC2054
[ $display = 1 ] && adapter=(-device bochs-display,xres=1024,yres=768)
timeout -k 10 $((timeout_s + 240)) qemu-system-x86_64 \
	-accel "tcg,thread=$tcg_thread" -cpu "$cpu" -m 4096 -smp 2 \
	-display none -monitor none -serial "file:$console" \
	-serial "unix:$work/ctl.sock,server=on,wait=off" \
	-qmp "unix:$work/qmp.sock,server=on,wait=off" "${adapter[@]}" \
	-no-reboot -nic none \
	-kernel "$img/xen.elf" \
	-append "console=com1 com1=115200 dom0_mem=2048M,max:2048M loglvl=all guest_loglvl=all" \
	-initrd "$img/vmlinuz console=hvc0 panic=-1 rdinit=/init,$img/dom0-initrd.gz" \
	-drive "file=$img/dom0.img,format=raw,if=virtio,snapshot=on" \
	-drive "file=$work/stage.img,format=raw,if=virtio" "${desk_drive[@]}" &
qemu_pid=$!
python3 "$rig_tools/host-ctl.py" "$work/ctl.sock" "$work/qmp.sock" "$out" &
ctl_pid=$!
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=""
stage qemu "$(rig_since "$t")"
[ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
tail_pid=""
[ $qemu_rc = 124 ] && rig_log "QEMU killed after $((timeout_s + 240)) s"

# Results back from the stage disk (debugfs reads ext4 without mounting).
mkdir -p "$work/back"
debugfs -R "rdump /out $work/back" "$work/stage.img" >/dev/null 2>&1 || true
cp -a "$work/back/out/." "$out/" 2>/dev/null || true
grep 'RIG-STAGE' "$console" | tr -d '\r' >> "$timings" || true
stage total "$(rig_since "$t_all")"

result=$(cat "$out/result" 2>/dev/null || echo "FAIL dom0 never reported")
if [ "$result" = PASS ]; then
	rig_log "PASS (results in $out)"
	exit 0
fi

show() {
	[ -r "$1" ] || return 0
	echo "===== $2 ($1)"
	tail -n "${3:-80}" "$1" | tr -d '\r'
}
{
	echo "rig: $result"
	show "$out/scenario.log" "scenario" 100
	for f in "$out"/logs/xen/guest-*.log; do show "$f" "guest console" 60; done
	show "$out/logs/weston.log" "Weston" 60
	for f in "$out"/logs/xl-create-*.log; do show "$f" "xl create" 30; done
	show "$out/logs/xen-dmesg.txt" "xl dmesg" 30
	show "$console" "Xen + dom0 serial console" 60
	echo "rig: $result (all logs in $out)"
} >&2
exit 1
