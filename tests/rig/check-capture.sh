#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build check-capture.c in the trixie build root and run it on a PNG on the
# host: tests/rig/check-capture.sh FILE.png X Y W H (solid RRGGBB |
# pattern FRAME CONN | framed FRAME CONN RRGGBB NAME | framed-image REF.png
# RRGGBB NAME). See check-capture.c.
# The label is rendered by the labeler's own code on the build root's
# font stack, the same trixie packages as dom0's.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
png=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
bin=$(mktemp -d /var/tmp/xd-check.XXXXXX)
trap 'rm -rf "$bin"' EXIT
XEN_DISPLAY_EXTRA_BIND="$bin $(dirname "$png")" "$repo/tools/buildroot.sh" -- \
	sh -c 'gcc -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$1" \
		-I"$1/../../plugin" -o "$2/check-capture" "$1/check-capture.c" \
		"$1/../../plugin/labeler/label-render.c" \
		$(pkg-config --cflags --libs libpng pangocairo fontconfig) -lm &&
	shift 2 && exec "$@"' sh "$here" "$bin" "$bin/check-capture" "$png" "$@"
