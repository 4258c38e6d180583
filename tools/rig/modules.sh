# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Kernel modules out of the rig's dom0 root, for the tiny initramfs images
# (sourced by images.sh and desktop/image.sh, not run).

# copy_modules ROOT DIR MODULE...: copy MODULEs of ROOT's kernel with
# everything they depend on into DIR as NN-name.ko, decompressed (busybox
# insmod reads plain ELF only), in the order they must be loaded.
copy_modules() {
	local root=$1 dir=$2 kver n=10 path name
	shift 2
	kver=$(ls "$root/lib/modules")
	mkdir -p "$dir"
	root_chroot "$root" modprobe -S "$kver" -a --show-depends "$@" |
	awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
	# crc32c-intel needs SSE4.2, which -cpu qemu64 lacks (crc32c_generic serves)
	grep -v crc32c-intel |
	while read -r path; do
		name=$(basename "$path"); name=${name%.xz}; name=${name%.zst}
		case "$path" in
		*.xz) xz -dc "$root$path" ;;
		*.zst) zstd -qdc "$root$path" ;;
		*) cat "$root$path" ;;
		esac > "$dir/$n-$name"
		n=$((n + 1))
	done
}
