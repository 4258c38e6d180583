#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build check-capture.c in the trixie build root and run it on a PNG on the
# host: tests/rig/check-capture.sh FILE.png X Y W H (solid RRGGBB |
# pattern FRAME CONN). See check-capture.c.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
png=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
bin=$(mktemp -d /var/tmp/xd-check.XXXXXX)
trap 'rm -rf "$bin"' EXIT
XEN_DISPLAY_EXTRA_BIND="$bin $(dirname "$png")" "$repo/tools/buildroot.sh" -- \
	sh -c 'gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$1" -o "$2/check-capture" \
		"$1/check-capture.c" $(pkg-config --cflags --libs libpng) &&
	shift 2 && exec "$@"' sh "$here" "$bin" "$bin/check-capture" "$png" "$@"
