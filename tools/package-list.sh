# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Package lists (tools/*packages*.txt), shared by the build root and the
# rig's dom0 root (sourced, not run).

# package_list FILE: the packages FILE names, on one line.
package_list() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1" | tr -s ' \n' '  '
}

# packages_installed FILE [ROOT]: whether every package FILE names is
# installed in ROOT (the running system without it), by its dpkg
# database. A root holding more serves a shorter list too, so branches
# whose lists differ share one root. dpkg-query prints nothing for a
# package it does not know.
packages_installed() {
	local n
	# shellcheck disable=SC2046
	n=$(dpkg-query ${2:+--admindir="$2/var/lib/dpkg"} -W \
		-f='${db:Status-Abbrev}\n' $(package_list "$1") 2>/dev/null |
		grep -c '^ii')
	[ "$n" = "$(package_list "$1" | wc -w)" ]
}
