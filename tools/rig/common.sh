# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
#
# Shared by the rig's host scripts (sourced, not run).

rig_tools=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rig_repo=$(cd "$rig_tools/../.." && pwd)
rig_cache=${XEN_DISPLAY_CACHE:-/var/cache/xen-display}/rig

rig_log() { echo "rig: $*" >&2; }
rig_die() { echo "rig: error: $*" >&2; exit 1; }

# Seconds since the epoch with two decimals, for stage timings.
rig_now() { date +%s.%N | cut -c1-13; }
rig_since() { awk -v a="$1" -v b="$(rig_now)" 'BEGIN { printf "%.1f", b - a }'; }

# The Debian mirror apt already uses here (trixie is served by it).
rig_mirror() {
	local m=""
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		m=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list.d/debian.sources)
	fi
	if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
		m=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

# Host tools the rig needs, installed from Debian when missing.
rig_host_tools() {
	local need=""
	command -v qemu-system-x86_64 >/dev/null || need="$need qemu-system-x86"
	command -v cpio >/dev/null || need="$need cpio"
	command -v debootstrap >/dev/null || need="$need debootstrap"
	command -v debugfs >/dev/null || need="$need e2fsprogs"
	command -v zstd >/dev/null || need="$need zstd"
	command -v python3 >/dev/null || need="$need python3"
	command -v xz >/dev/null || need="$need xz-utils"
	[ -z "$need" ] && return 0
	rig_log "installing host packages:$need"
	apt-get update -q >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $need >&2
}

# shellcheck source=tools/package-list.sh
. "$rig_tools/../package-list.sh"
