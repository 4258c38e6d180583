#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Builds kmod/ against the kernel headers of a Debian suite's build root,
# warnings as errors (W=1, modpost warnings included).
#
#   tools/kmod-build.sh [SUITE [OUT.ko]]
#
# SUITE: trixie (6.12, the default) or bookworm (6.1). Prints "kmod: built
# for KVER", copies the module to OUT.ko when given (the rig's staging),
# and leaves nothing in the repository.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
suite=${1:-trixie}
out=${2:-}

if [ "${XEN_DISPLAY_IN_ROOT:-}" != "$suite" ]; then
	if [ -n "$out" ]; then
		# The root sees the repository only: build into it, then move.
		tmp=$repo/.kmod-build.$$
		"$here/buildroot.sh" --suite "$suite" -- \
			"$here/kmod-build.sh" "$suite" "$tmp" || exit 1
		mkdir -p "$(dirname "$out")"
		mv "$tmp" "$out"
		exit 0
	fi
	exec "$here/buildroot.sh" --suite "$suite" -- "$here/kmod-build.sh" "$suite"
fi

kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1)
[ -n "$kdir" ] || { echo "kmod: no linux-headers-*-amd64 in the $suite root" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/kmod" "$work/protocol"
cp "$repo"/kmod/* "$work/kmod/"
cp "$repo/protocol/xen-zcopy.h" "$work/protocol/"
make -C "$work/kmod" KDIR="$kdir" > "$work/build.log" 2>&1 || {
	cat "$work/build.log" >&2
	echo "kmod: build against $kdir failed" >&2
	exit 1
}
if grep -E "warning:|WARNING:" "$work/build.log" >&2; then
	echo "kmod: warnings against $kdir" >&2
	exit 1
fi
modinfo -F vermagic "$work/kmod/xen-zcopy.ko" | sed 's/^/kmod: built for /'
[ -z "$out" ] || cp "$work/kmod/xen-zcopy.ko" "$out"
