/* SPDX-License-Identifier: MIT */
/*
 * The Xen handles a backend may hold, opened here before it is confined:
 * the event channel device restricted to its guest, the kmod bound to
 * its guest, or the simulator's connection. What it cannot get that way
 * (the grant devices without the kmod, XenStore without the module's
 * broker) it opens itself, through a Landlock rule for that one path,
 * and we say in the log what that lets it reach.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xenevtchn.h>

#include "sandbox.h"
#include "xen-zcopy.h"

/* be-alloc buffers come from gntalloc (provider-gntshr.c) alone: the
 * kmod has no allocation of its own yet. */
#define BE_ALLOC_NEEDS_GNTALLOC true

/*
 * The simulator (tests, benchmarks) listens on a pathname Unix socket.
 * Landlock on Linux 6.12 does not govern connect() to a pathname socket,
 * so letting the backend call socket(AF_UNIX) would let it connect to
 * any socket it can name, Weston's own Wayland socket included. We
 * connect here instead and pass the connection; seccomp then denies
 * socket() to the backend altogether.
 */
static int
open_sim(struct sb_plan *plan, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (!*path || strlen(path) >= sizeof addr.sun_path) {
		sb_log("--xen=sim:%s: not a socket path\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	/* No SOCK_CLOEXEC: the backend inherits it. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		sb_log("cannot reach the simulated hypervisor at %s: %s; is "
		       "xd-sim running?\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return sb_pass_fd(plan, fd, "sim-fd");
}

static int
open_evtchn(struct sb_plan *plan)
{
	xenevtchn_handle *xce;

	/* Left open for the backend (xenevtchn_fdopen() there): the
	 * handle itself goes with our image at exec. */
	xce = xenevtchn_open(NULL, XENEVTCHN_NO_CLOEXEC);
	if (!xce) {
		sb_log("cannot open /dev/xen/evtchn: %s; load xen-evtchn "
		       "(modprobe xen-evtchn) and let Weston's user open it "
		       "(group xen-display, see doc/security.md)\n",
		       strerror(errno));
		return -1;
	}
	if (xenevtchn_restrict(xce, (domid_t)plan->domid) < 0) {
		sb_log("cannot restrict /dev/xen/evtchn to dom%u: %s; this "
		       "kernel cannot confine a backend's event channels "
		       "(IOCTL_EVTCHN_RESTRICT_DOMID, Linux 4.8 or later)\n",
		       plan->domid, strerror(errno));
		return -1;
	}
	return sb_pass_fd(plan, xenevtchn_fd(xce), "evtchn-fd");
}

/* 1: the kmod is bound to the guest and passed; 0: none usable. */
static int
open_kmod(struct sb_plan *plan)
{
	struct xen_zcopy_version v;
	struct xen_zcopy_bind bind = { .domid = plan->domid };
	int fd, err = 0;

	fd = open(XEN_ZCOPY_DEVICE, O_RDWR);
	if (fd < 0) {
		if (errno != ENOENT)
			sb_log("cannot open " XEN_ZCOPY_DEVICE ": %s; let "
			       "Weston's user open it (group xen-display, "
			       "see doc/kmod.md)\n", strerror(errno));
		return 0;
	}
	if (ioctl(fd, XEN_ZCOPY_IOC_VERSION, &v) < 0 ||
	    v.api != XEN_ZCOPY_API_VERSION ||
	    !(v.features & XEN_ZCOPY_FEATURE_BIND))
		err = ENOTTY;
	else if (ioctl(fd, XEN_ZCOPY_IOC_BIND, &bind) < 0)
		err = errno;
	if (err == ENOTTY || err == EINVAL)
		sb_log(XEN_ZCOPY_DEVICE " is too old to bind a file to one "
		       "domain: rebuild and reload the kmod of this release "
		       "(doc/kmod.md)\n");
	else if (err)
		sb_log("cannot bind " XEN_ZCOPY_DEVICE " to dom%u: %s\n",
		       plan->domid, strerror(err));
	if (err) {
		close(fd);
		return 0;
	}
	if (sb_pass_fd(plan, fd, "kmod-fd") < 0) {
		close(fd);
		return 0;
	}
	return 1;
}

/* An fd passed to us by the module (the XenStore broker's). */
static bool
have_fd(const struct sb_plan *plan, const char *option)
{
	int i;

	for (i = 0; i < plan->n_fds; i++)
		if (strcmp(plan->fds[i].option, option) == 0)
			return true;
	return false;
}

int
sb_open_xen_handles(struct sb_plan *plan)
{
	bool kmod;

	if (strncmp(plan->xen, "sim:", 4) == 0)
		return open_sim(plan, plan->xen + 4);
	if (strcmp(plan->xen, "xen") != 0) {
		sb_log("unknown --xen=%s: use 'xen' or 'sim:SOCKET'\n",
		       plan->xen);
		return -1;
	}
	if (open_evtchn(plan) < 0)
		return -1;
	/* With the kmod bound, the backend maps its guest's buffers and
	 * its rings, event pages and page directories through it
	 * (provider-kmod.c, xen-real-grant-kmod.c) and never opens the
	 * grant device, which maps any domain's grants: Landlock denies it.
	 */
	kmod = open_kmod(plan) == 1;
	if (kmod) {
		sb_log(XEN_ZCOPY_DEVICE " bound to dom%u: /dev/xen/gntdev not "
		       "allowed, this backend maps its guest's grants alone\n",
		       plan->domid);
	} else {
		plan->allow_gntdev = true;
		sb_log("no usable " XEN_ZCOPY_DEVICE ": this backend may open "
		       "/dev/xen/gntdev and so map any domain's grants; "
		       "install the kmod (xen-zcopy-dkms, doc/kmod.md) to "
		       "confine it to its guest\n");
	}
	if (plan->be_alloc && (!kmod || BE_ALLOC_NEEDS_GNTALLOC)) {
		plan->allow_gntalloc = true;
		sb_log("be-alloc: this backend may open /dev/xen/gntalloc and "
		       "so grant its own pages to any domain; set be-alloc=false "
		       "in weston.ini's [xen-display] section where guests do "
		       "not need it\n");
	}
	if (!have_fd(plan, "store-fd")) {
		plan->allow_xenbus = true;
		sb_log("no XenStore broker (--store-fd): this backend may open "
		       "/dev/xen/xenbus and so read and write every XenStore "
		       "node\n");
	}
	return 0;
}
