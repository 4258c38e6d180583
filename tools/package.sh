#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Builds the Debian packages (debian/) in the trixie build root and checks
# them with lintian.
#
#   tools/package.sh [OUT_DIR]     (default out/packages)
#
# OUT_DIR (inside the repository) gets xen-display_VERSION_amd64.deb (module, backend, man page),
# xen-zcopy-dkms_VERSION_all.deb (kmod/ for DKMS), the .changes and
# .buildinfo, and lintian.txt. The source tree is copied (tracked and
# untracked files, not the ignored build directories) to
# out/.package-build first, so the build never writes into it. Fails on any lintian
# error or warning (overrides, each with its reason, are in
# debian/*.lintian-overrides).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out=${1:-$repo/out/packages}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The build's scratch directory, inside the repository's ignored out/ so
# that the build root sees it. The copy is made here, where git is.
work=$repo/out/.package-build
if [ "${XEN_DISPLAY_PACKAGE_COPIED:-}" != 1 ]; then
	case "$out" in
	"$repo"/*) ;;
	*) echo "package.sh: OUT_DIR must be inside $repo" >&2; exit 2 ;;
	esac
	rm -rf "$work"
	mkdir -p "$work/xen-display"
	(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$work/xen-display"
	export XEN_DISPLAY_PACKAGE_COPIED=1
	if [ "${XEN_DISPLAY_IN_ROOT:-}" != trixie ]; then
		"$here/buildroot.sh" -- env XEN_DISPLAY_PACKAGE_COPIED=1 \
			"$here/package.sh" "$out" && status=0 || status=$?
		rm -rf "$work"
		exit "$status"
	fi
	trap 'rm -rf "$work"' EXIT
fi
src=$work/xen-display

echo "package.sh: building in $src" >&2
(cd "$src" && dpkg-buildpackage -b -us -uc > "$work/build.log" 2>&1) || {
	tail -40 "$work/build.log" >&2
	echo "package.sh: dpkg-buildpackage failed" >&2
	exit 1
}
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
cp "$work/build.log" "$out/build.log"

# --fail-on warning: an unjustified warning is a failure. --info shows
# what is below warnings, for the log only.
status=0
lintian --fail-on error,warning --info --display-experimental \
	"$out"/*.changes > "$out/lintian.txt" 2>&1 || status=$?
cat "$out/lintian.txt"
for d in "$out"/*.deb; do
	echo "package.sh: $(basename "$d")"
done
[ $status = 0 ] || { echo "package.sh: lintian failed (status $status)" >&2; exit 1; }

# What a user's system gets where Weston, the module and man look: the
# module in Weston's own module directory (loaded by bare name), the
# backend in libexec (the module's default path), the man page, and the
# kmod's sources where DKMS looks.
contents() {
	local deb=$1 want paths
	shift
	paths=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	for want; do
		grep -x -e "$want" <<< "$paths" ||
			{ echo "package.sh: $(basename "$deb") has no $want" >&2; exit 1; }
	done
}
contents "$out"/xen-display_*_amd64.deb \
	'\./usr/lib/x86_64-linux-gnu/weston/xen-display\.so' \
	'\./usr/libexec/xen-display-backend' \
	'\./usr/share/man/man5/xen-display\.ini\.5\.gz' \
	'\./usr/share/doc/xen-display/weston\.ini\.example'
contents "$out"/xen-zcopy-dkms_*_all.deb '\./usr/src/xen-zcopy-[^/]*/dkms\.conf'
echo "package.sh: packages in $out, lintian clean (errors, warnings)"
