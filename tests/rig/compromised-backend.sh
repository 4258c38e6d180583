#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A compromised backend reaches nothing but its own guest: runs
# scenarios/compromised-backend.sh (two real guests, guest A's backend
# the attacker tests/rig/compromised-backend.c, guest B's the real one,
# Weston as an ordinary user with the kmod loaded) and checks guest B's
# frames, captured before, while and after the attack, pixel for pixel.
# Prints every attempt the attacker made and its error. Fails if any
# attempt succeeded or could not be made, or if B's frames suffered.
#
#   tests/rig/compromised-backend.sh STAGING [OUT]
#                                (OUT default ./rig-out/compromised-backend)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${2:-$PWD/rig-out/compromised-backend}
frames=4
mkdir -p "$out"
out=$(cd "$out" && pwd)
status=0
"$repo/tools/rig/run.sh" --out "$out" --timeout 600 "$1" \
	"$here/scenarios/compromised-backend.sh" || status=$?
# B's frames are checked whatever the attacker reached, so a run on
# unconfined backends still says whether B carried on.
for f in $(seq 0 $((frames - 1))); do
	if [ -r "$out/frame-$f.png" ]; then
		"$here/check-capture.sh" "$out/frame-$f.png" 0 0 800 600 \
			framed "$f" 0 default guestB || status=1
	else
		echo "compromised-backend: no capture of guest B's frame $f"
		status=1
	fi
done
echo "compromised-backend: the attacker's attempts (guest A's backend):"
grep -h '^XDA \(attempt\|summary\|error\)' "$out/attempts.txt" 2>/dev/null ||
	echo "compromised-backend: no attempts.txt"
exit $status
