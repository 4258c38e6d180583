#!/bin/bash
# SPDX-License-Identifier: MIT
#
# README's main job: a guest's display shown in Weston.
#
#   tools/demo.sh [OUT_DIR]        (default: out/demo)
#
# Provisions the trixie build root if needed, builds the project, and runs
# xd-demo: a simulated Xen guest with xen-drm-front's behaviour flips
# frames through the real backend and module into headless Weston. Leaves
# OUT_DIR/screen.png (Weston's output) and OUT_DIR/report.txt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out=${1:-$repo/out/demo}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "${XEN_DISPLAY_IN_ROOT:-}" != trixie ]; then
	# The output directory must be visible inside the root: keep it
	# under the repository, which is bind-mounted there.
	case "$out" in
	"$repo"/*) ;;
	*) echo "demo.sh: OUT_DIR must be inside $repo" >&2; exit 2 ;;
	esac
	exec "$here/buildroot.sh" -- "$here/demo.sh" "$out"
fi

cd "$repo"
build=build-demo
[ -f $build/build.ninja ] ||
	meson setup $build -Dbuildtype=debugoptimized >/dev/null
if ! ninja -C $build > $build/demo-build.log 2>&1; then
	tail -30 $build/demo-build.log >&2
	echo "demo.sh: the build failed (log: $build/demo-build.log)" >&2
	exit 1
fi
"$build/tests/sim/xd-demo" "$out"
echo "demo.sh: $out/screen.png and $out/report.txt"
