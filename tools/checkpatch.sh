#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Runs the kernel's checkpatch.pl over kmod/ and the UAPI header.
# checkpatch ships only inside Debian's linux-source package: the first
# run fetches linux-source-6.12 in the trixie root and keeps the three
# files it needs under /var/cache/xen-display/checkpatch.
#
#   tools/checkpatch.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${XEN_DISPLAY_CACHE:-/var/cache/xen-display}/checkpatch

if [ "${XEN_DISPLAY_IN_ROOT:-}" != trixie ]; then
	mkdir -p "$cache"
	XEN_DISPLAY_EXTRA_BIND="$cache" exec "$here/buildroot.sh" -- \
		"$here/checkpatch.sh"
fi

if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
	work=$(mktemp -d)
	(cd "$work" && apt-get download -q linux-source-6.12 >&2)
	dpkg-deb --fsys-tarfile "$work"/linux-source-6.12_*.deb |
		tar -xO --wildcards './usr/src/linux-source-6.12.tar.xz' |
		tar -xJ -C "$work" --wildcards --strip-components=1 \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'
	mkdir -p "$cache/scripts"
	cp "$work"/scripts/* "$cache/scripts/"
	rm -rf "$work"
fi
command -v perl >/dev/null || { echo "checkpatch: perl missing" >&2; exit 1; }
cd "$repo"
# An out-of-tree module must test the kernel version (kmod/compat.h), which
# checkpatch flags for in-tree code only; nothing else is ignored.
"$cache/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f \
	kmod/*.c kmod/*.h protocol/xen-zcopy.h
