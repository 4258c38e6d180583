/* SPDX-License-Identifier: MIT */
/*
 * zcopy-probe sandboxed DOMID --kmod-fd=N [--OPTION=FD...]: run by
 * xen-display-sandbox in place of a backend (scenarios/kmod.sh), with the
 * kmod loaded: the sandbox bound a file to DOMID and handed it over, so
 * it let no grant device in. What a compromised backend would try first:
 *
 *   /dev/xen/gntdev   EACCES (Landlock): it maps any domain's grants
 *   /dev/xen/zcopy    EACCES: a file of its own, to bind elsewhere
 *   the given file    BIND again EBUSY; EXPORT for another domain EPERM
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xen-zcopy.h"
#include "zcopy-probe.h"

static void
open_refused(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int err = errno;

	check(fd < 0 && err == EACCES, "sandboxed: open %s: %s", path,
	      fd < 0 ? strerror(err) : "ALLOWED");
	if (fd >= 0)
		close(fd);
}

void
sandboxed_checks(int argc, char *argv[])
{
	struct xen_zcopy_bind bind = { 0 };
	uint32_t domid, ref = 1;
	int i, dev = -1, ret;

	domid = (uint32_t)strtoul(argv[2], NULL, 10);
	for (i = 3; i < argc; i++)
		if (strncmp(argv[i], "--kmod-fd=", 10) == 0)
			dev = atoi(argv[i] + 10);
	check(dev >= 0, "sandboxed: the sandbox handed a kmod file (%d)",
	      dev);
	open_refused("/dev/xen/gntdev");
	open_refused(XEN_ZCOPY_DEVICE);
	if (dev >= 0) {
		bind.domid = domid + 1;
		ret = ioctl(dev, XEN_ZCOPY_IOC_BIND, &bind) < 0 ? errno : 0;
		check(ret == EBUSY, "sandboxed: BIND the given file again: %s",
		      ret ? strerror(ret) : "ALLOWED");
		ret = export(dev, domid + 1, &ref, 1, 0, NULL);
		check(ret == -EPERM, "sandboxed: EXPORT of dom%u's grant "
		      "through dom%u's file: %s", domid + 1, domid,
		      ret < 0 ? strerror(-ret) : "ALLOWED");
	}
}
