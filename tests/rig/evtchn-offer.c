/* SPDX-License-Identifier: MIT */
/*
 * evtchn-offer DOMID: as root in dom0, allocates an unbound event channel
 * in DOMID's table that dom0 may bind (what a frontend offers its backend
 * while it connects) and prints its port. The compromised-backend
 * scenario's target: the channels of a connected guest are bound by its
 * backend already, and Xen refuses a second binding whoever asks, so only
 * an offered one shows whether a backend may bind another guest's.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

int
main(int argc, char **argv)
{
	xc_interface *xch;
	char *end;
	unsigned long domid;
	int port;

	if (argc != 2 || (domid = strtoul(argv[1], &end, 10), *end) ||
	    domid == 0 || domid >= 0x7ff0) {
		fprintf(stderr, "usage: evtchn-offer DOMID\n");
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "evtchn-offer: xc_interface_open: %s\n",
			strerror(errno));
		return 1;
	}
	port = xc_evtchn_alloc_unbound(xch, domid, 0);
	if (port < 0) {
		fprintf(stderr, "evtchn-offer: alloc_unbound in dom%lu: %s\n",
			domid, strerror(errno));
		xc_interface_close(xch);
		return 1;
	}
	printf("%d\n", port);
	xc_interface_close(xch);
	return 0;
}
