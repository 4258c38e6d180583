#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The test run: README's test command, and what CI runs.
#
#   tools/test.sh [STAGE...]     (default: unit fuzz kmod rig)
#
# Provisions the build roots if needed and runs the stages: unit (build
# with ASan and UBSan and warnings as errors, every meson test: unit,
# Weston, simulated guests, hostile guests), fuzz (libFuzzer, bounded),
# kmod (kmod/ built for trixie's and bookworm's kernels, checkpatch), rig
# (real Xen in QEMU with real guests: doc/rig.md).
# Ends with one line "N passed, N failed, N skipped" over all stages.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"

build=build-test

stage() { echo; echo "==== $* ===="; }

# Each stage appends "PASS|FAIL|SKIP name" lines to $results.
record() { echo "$1 $2" >> "$results"; }

stage_unit() {
	stage "build (ASan+UBSan, -Werror) and meson tests"
	if [ ! -f $build/build.ninja ]; then
		meson setup $build -Db_sanitize=address,undefined \
			-Dbuildtype=debug || { record FAIL meson-setup; return; }
	fi
	if ! ninja -C $build; then
		record FAIL build
		return
	fi
	meson test -C $build --print-errorlogs --num-processes 2 \
		--timeout-multiplier 3
	python3 - "$build/meson-logs/testlog.json" >> "$results" <<-'PY'
	import json, sys
	status = {'OK': 'PASS', 'SKIP': 'SKIP', 'EXPECTEDFAIL': 'PASS'}
	for line in open(sys.argv[1]):
	    t = json.loads(line)
	    print(status.get(t['result'], 'FAIL'), 'meson:' + t['name'])
	PY
}

# libFuzzer on the code that parses guest input, from the seed corpus,
# for a bounded time per target (XD_FUZZ_SECONDS, default 60).
stage_fuzz() {
	local fbuild=build-fuzz t corpus
	stage "fuzz (clang, libFuzzer, ${XD_FUZZ_SECONDS:-60} s per target)"
	if [ ! -f $fbuild/build.ninja ]; then
		CC=clang meson setup $fbuild -Dfuzz=true -Dbuildtype=debug \
			-Db_sanitize=address,undefined -Db_lundef=false \
			>/dev/null || { record FAIL fuzz-setup; return; }
	fi
	ninja -C $fbuild tests/fuzz/fuzz-requests tests/fuzz/fuzz-kbdif-ring \
		tests/fuzz/fuzz-ring tests/fuzz/fuzz-fb-check \
		tests/fuzz/fuzz-store-policy \
		>/dev/null || { record FAIL fuzz-build; return; }
	for t in requests kbdif-ring ring fb-check store-policy; do
		corpus=$(mktemp -d)
		cp tests/fuzz/corpus/$t/* "$corpus"/
		if "$fbuild/tests/fuzz/fuzz-$t" -max_len=4096 \
			-max_total_time="${XD_FUZZ_SECONDS:-60}" \
			-print_final_stats=1 "$corpus" 2>"$corpus.log"; then
			grep -E '^stat::number_of_executed_units' "$corpus.log"
			record PASS fuzz:$t
		else
			tail -40 "$corpus.log"
			record FAIL fuzz:$t
		fi
		rm -rf "$corpus" "$corpus.log"
	done
}

# kmod/ against both Debian kernels (each in its suite's build root), and
# checkpatch. Runs on the host: it needs two different roots.
stage_kmod() {
	local suite
	stage "kmod: build for trixie (6.12) and bookworm (6.1), checkpatch"
	for suite in trixie bookworm; do
		if "$here/kmod-build.sh" "$suite"; then
			record PASS "kmod:build-$suite"
		else
			record FAIL "kmod:build-$suite"
		fi
	done
	if "$here/checkpatch.sh"; then
		record PASS kmod:checkpatch
	else
		record FAIL kmod:checkpatch
	fi
}

# The first line of a rig log that says what failed, shortened.
rig_failure_reason() {
	local why
	why=$(grep -m1 -E 'FAIL|Kernel panic|BUG:|mismatched=[1-9]' \
		"$1" 2>/dev/null | cut -c1-240)
	echo "${why:-no FAIL line: see the log above}"
}

# The oops block of a guest console: from its first BUG/Oops line to the
# end of its trace, without the list of loaded modules (which names every
# frontend whatever crashed) and the desktop guest's screenshot lines
# (base64, which may spell "Oops").
guest_oops() {
	tr -d '\r' < "$1" | awk '
		/^XDG-SHOT / { next }
		/BUG:|Oops|general protection fault/ { on = 1 }
		on && /Modules linked in:/ { next }
		on { print; if (++n >= 60 || /end trace|Kernel panic/) exit }'
}

# What to read of that block: the oops, where, in which task, the trace.
guest_oops_brief() {
	guest_oops "$1" | grep -E 'BUG:|Oops|RIP:|Comm:|^\[ *[0-9.]+\]  ? ?[a-z_0-9.]+\+0x' |
		head -24
}

# A guest kernel under QEMU's TCG dies now and then outside anything of
# ours: a PVH guest at its entry trampoline's stack guard, a PV guest's
# NULL dereference at boot (doc/rig.md, "Guest kernels dying under
# TCG"). Prints the console of such a guest; nothing when no guest died,
# or when an oops names the display or input frontend, XenStore's bus,
# DRM or the kmod: there our backend may have had a part in it.
tcg_guest_fault() {
	local f oops hit=
	for f in "$1"/logs/xen/guest-*.log; do
		[ -r "$f" ] || continue
		oops=$(guest_oops "$f")
		[ -n "$oops" ] || continue
		if grep -q -E 'xen_drm_front|drm_xen_front|xen_kbdfront|xen_front_pgdir|xenbus|drm_|zcopy' \
			<<< "$oops"; then
			return 1
		fi
		hit=${hit:-$f}
	done
	[ -n "$hit" ] && echo "$hit"
}

# run_rig_test NAME STAGING CMD...: one rig test, logs in $out/NAME; run
# again once, said in the summary, when only such a fault stopped it.
run_rig_test() {
	local t=$1 staging=$2 hit why
	shift 2
	"$@" "$staging" "$out/$t" > "$out/$t.log" 2>&1 && return 0
	hit=$(tcg_guest_fault "$out/$t") || return 1
	[ -n "$hit" ] || return 1
	why=$(guest_oops "$hit" | sed -n '1s/^\[[ 0-9.]*\] //p' | cut -c1-100)
	record NOTE "rig:$t: ran again: ${hit##*/}: $why"
	echo "rig:$t: ${hit##*/} died outside our code; running it again"
	guest_oops_brief "$hit"
	rm -rf "${out:?}/$t.first" && mv "$out/$t" "$out/$t.first" &&
		mv "$out/$t.log" "$out/$t.first.log"
	"$@" "$staging" "$out/$t" > "$out/$t.log" 2>&1
}

# Real Xen in QEMU (doc/rig.md): the project staged for dom0, then each
# rig test. A failure prints what the rig collected.
stage_rig() {
	local staging t t0 cmd out=$repo/$build/rig
	stage "Xen-in-QEMU rig: real xen-drm-front guests, module, backend, kmod"
	mkdir -p "$out"
	if ! staging=$("$repo/tests/rig/stage.sh" build-rig 2>"$out/stage.log")
	then
		tail -30 "$out/stage.log"
		record FAIL rig:stage
		return
	fi
	# guest-frames-zero-copy-pvh: guest-frames.sh --zero-copy --pvh, the
	# path of tools/demo.sh --zero-copy --pvh (the kmod in dom0, a PVH
	# guest); guest-input-zero-copy-pvh the same for input (the vkbd page
	# through the kmod). With kmod's second guest these are the PVH runs:
	# every run proves PV and PVH guests (doc/rig.md, "PVH guests"; these
	# three run QEMU on multi-threaded TCG).
	# guest-frames-drm is out of the default run until its first frame
	# reaches the screendump again: run it by hand (doc/rig.md).
	# compromised-backend: an attacker as guest A's backend beside guest
	# B (issue 23, doc/security.md).
	# packages: the .debs installed, DKMS in dom0, purged (issue 25).
	# guest-desktop: a Debian guest's own Weston desktop, typed into
	# from dom0 (tools/demo.sh's main job; issue 27).
	for t in guest-frames guest-frames-zero-copy-pvh \
		guest-input guest-input-zero-copy-pvh guest-desktop \
		guest-lifecycle \
		xen-access kmod hostile-buffers compromised-backend packages; do
		rm -rf "${out:?}/$t"
		t0=$SECONDS
		case $t in
		guest-frames-zero-copy-pvh)
			cmd=("$repo/tests/rig/guest-frames.sh" --zero-copy --pvh) ;;
		guest-input-zero-copy-pvh)
			cmd=("$repo/tests/rig/guest-input.sh" --zero-copy --pvh) ;;
		*)	cmd=("$repo/tests/rig/$t.sh") ;;
		esac
		if run_rig_test "$t" "$staging" "${cmd[@]}"; then
			tail -3 "$out/$t.log"
			echo "rig:$t took $((SECONDS - t0)) s"
			record PASS "rig:$t"
		else
			echo "---- rig:$t failed; its log ($out/$t.log) ends:"
			tail -80 "$out/$t.log"
			for f in "$out/$t/logs/weston.log" \
				"$out/$t/scenario.log"; do
				[ -r "$f" ] || continue
				echo "---- $f (end)"
				tail -40 "$f"
			done
			# A dead guest kernel's trace last: CI keeps the end.
			for f in "$out/$t"/logs/xen/guest-*.log; do
				[ -n "$(guest_oops "$f" 2>/dev/null)" ] || continue
				echo "---- ${f##*/}: its kernel's oops"
				guest_oops_brief "$f"
			done
			# The summary is what CI keeps: say there why.
			record FAIL "rig:$t ($(rig_failure_reason \
				"$out/$t.log"))"
		fi
	done
}

# Inside the trixie root: run the stages given, appending to RESULTS.
if [ "${1:-}" = --in-root ]; then
	results=$2
	shift 2
	for s in "$@"; do
		"stage_$s"
	done
	exit 0
fi

mkdir -p "$build"
results=$repo/$build/results.txt
: > "$results"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit fuzz kmod rig)
in_root=()
on_host=()
for s in "${stages[@]}"; do
	case "$s" in
	kmod | rig) on_host+=("$s") ;;
	*) in_root+=("$s") ;;
	esac
done
if [ ${#in_root[@]} -gt 0 ]; then
	if [ "${XEN_DISPLAY_IN_ROOT:-}" = trixie ]; then
		"$here/test.sh" --in-root "$results" "${in_root[@]}"
	else
		"$here/buildroot.sh" -- "$here/test.sh" --in-root "$results" \
			"${in_root[@]}" || record FAIL build-root
	fi
fi
for s in "${on_host[@]}"; do
	"stage_$s"
done

echo
echo "==== summary ===="
grep -v '^PASS' "$results" || true
pass=$(grep -c '^PASS' "$results")
fail=$(grep -c '^FAIL' "$results")
skip=$(grep -c '^SKIP' "$results")
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
