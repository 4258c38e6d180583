/* SPDX-License-Identifier: MIT */
/*
 * xen-display-backend: serves one guest's para-virtual display device.
 *
 *   xen-display-backend --domid=N [--devid=N] [--xen=xen|sim:SOCKET]
 *                       [--store-fd=N] [--be-alloc] [--budget-mapped-pages=N]
 *                       [--budget-memory-mib=N] [--budget-buffers=N]
 *                       [--budget-framebuffers=N] [--kmod-fd=N]
 *                       [--evtchn-fd=N] [--sim-fd=N]
 *
 * The budget options are this device's share of its guest's budget
 * (buffers/budget.h; the module computes them from weston.ini); each
 * defaults to a whole guest's. The fd options are handles
 * xen-display-sandbox (plugin/sandbox/) opened before confining this
 * process: the kmod's file bound to the guest (XEN_ZCOPY_IOC_BIND), the
 * event channel device restricted to the guest, the simulator's
 * connection; without them the process opens its own (and the kmod
 * provider binds its file itself).
 * --store-fd is the module's XenStore broker (module/store-broker.h),
 * which the module passes: XenStore is then reached through it alone,
 * for this guest's nodes.
 *
 * xen-display.so launches one per guest device, as a Wayland client with a
 * socket of its own. Everything the guest sends is handled here, so a
 * guest that finds a bug can only bring this process down; the module
 * starts a new one and the guest reconnects.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "backend-process.h"
#include "buffers/budget.h"
#include "common/decimal.h"
#include "event-loop.h"
#include "log.h"
#include "xen/xen-access.h"

struct options {
	uint32_t domid;
	uint32_t devid;
	const char *xen;
	bool be_alloc;
	struct xd_budget_limits budget;
	struct xd_xen_fds fds;
	int kmod_fd;		/* -1: none given */
};

static bool running = true;
static struct xd_backend_process *backend;

static void
usage(FILE *f)
{
	fprintf(f, "usage: xen-display-backend --domid=N [--devid=N] "
		"[--xen=xen|sim:SOCKET] [--store-fd=N] [--be-alloc]\n"
		"       [--budget-mapped-pages=N] [--budget-memory-mib=N]\n"
		"       [--budget-buffers=N] [--budget-framebuffers=N]\n"
		"       [--kmod-fd=N] [--evtchn-fd=N] [--sim-fd=N]\n");
}

static int
parse_options(int argc, char *argv[], struct options *opt)
{
	static const struct option long_options[] = {
		{ "domid", required_argument, NULL, 'd' },
		{ "devid", required_argument, NULL, 'v' },
		{ "xen", required_argument, NULL, 'x' },
		{ "store-fd", required_argument, NULL, 's' },
		{ "be-alloc", no_argument, NULL, 'b' },
		{ "budget-mapped-pages", required_argument, NULL, 'P' },
		{ "budget-memory-mib", required_argument, NULL, 'M' },
		{ "budget-buffers", required_argument, NULL, 'B' },
		{ "budget-framebuffers", required_argument, NULL, 'F' },
		{ "evtchn-fd", required_argument, NULL, 'E' },
		{ "sim-fd", required_argument, NULL, 'S' },
		{ "kmod-fd", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool have_domid = false;
	uint32_t value;
	int c;

	opt->xen = "xen";
	opt->fds.evtchn = -1;
	opt->fds.sim = -1;
	opt->kmod_fd = -1;
	opt->fds.store = -1;
	xd_budget_limits_default(&opt->budget);
	while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (xd_parse_u32(optarg, 0x7fef, &opt->domid) < 0)
				return -1;
			have_domid = true;
			break;
		case 'v':
			if (xd_parse_u32(optarg, 0xffff, &opt->devid) < 0)
				return -1;
			break;
		case 'x':
			opt->xen = optarg;
			break;
		case 's':
			if (xd_parse_u32(optarg, INT32_MAX, &value) < 0)
				return -1;
			opt->fds.store = (int)value;
			break;
		case 'b':
			opt->be_alloc = true;
			break;
		case 'P':
		case 'M':
		case 'B':
		case 'F':
			if (xd_parse_u32(optarg, c == 'M' ? 1u << 20 :
					 UINT32_MAX, &value) < 0)
				return -1;
			if (c == 'P')
				opt->budget.limit[XD_BUDGET_MAPPED_PAGES] =
					value;
			else if (c == 'M')
				opt->budget.limit[XD_BUDGET_MEMORY] =
					(uint64_t)value << 20;
			else if (c == 'B')
				opt->budget.limit[XD_BUDGET_BUFFERS] = value;
			else
				opt->budget.limit[XD_BUDGET_FRAMEBUFFERS] =
					value;
			break;
		case 'E':
		case 'S':
		case 'K':
			if (xd_parse_u32(optarg, INT32_MAX, &value) < 0)
				return -1;
			if (c == 'E')
				opt->fds.evtchn = (int)value;
			else if (c == 'S')
				opt->fds.sim = (int)value;
			else
				opt->kmod_fd = (int)value;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			return -1;
		}
	}
	return have_domid && optind == argc ? 0 : -1;
}

static void
signal_readable(int fd, uint32_t mask, void *data)
{
	struct signalfd_siginfo info;

	if (read(fd, &info, sizeof info) != sizeof info)
		return;
	if (info.ssi_signo == SIGUSR1 && backend)
		xd_backend_process_log_counters(backend);
	else if (info.ssi_signo != SIGUSR1)
		running = false;
}

int
main(int argc, char *argv[])
{
	struct options opt = { 0 };
	struct xd_event_loop *loop;
	struct xd_event_source *signals;
	sigset_t mask;
	int sfd, status = EXIT_FAILURE;

	if (parse_options(argc, argv, &opt) < 0) {
		usage(stderr);
		return EXIT_FAILURE;
	}

	/* SIGTERM from the module: leave the guest able to reconnect.
	 * SIGUSR1: log the counters (rig measurements). */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	loop = xd_event_loop_create();
	if (!loop || sfd < 0)
		return EXIT_FAILURE;
	signals = xd_event_loop_add_fd(loop, sfd, EPOLLIN, signal_readable,
				       NULL);

	backend = xd_backend_process_create(loop, opt.xen, &opt.fds,
					    opt.domid, opt.devid, opt.be_alloc,
					    &opt.budget, opt.kmod_fd);
	if (!backend)
		goto out;

	while (running && xd_backend_process_alive(backend)) {
		if (xd_backend_process_flush(backend) < 0)
			break;
		if (xd_event_loop_dispatch(loop, -1) < 0 && errno != EINTR)
			break;
	}
	/* Asked to stop, or the device was removed: both are normal ends. */
	status = !running || !xd_backend_process_alive(backend) ?
		 EXIT_SUCCESS : EXIT_FAILURE;
	xd_backend_process_destroy(backend);
	backend = NULL;
out:
	xd_event_source_remove(signals);
	close(sfd);
	xd_event_loop_destroy(loop);
	return status;
}
