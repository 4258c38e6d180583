/* SPDX-License-Identifier: MIT */
/*
 * xen-display-sandbox: confines one backend process, then becomes it.
 *
 *   xen-display-sandbox --domid=D --xen=xen|sim:SOCKET [--be-alloc]
 *                       [--store-fd=K] [--allow-unconfined]
 *                       -- BACKEND [ARGS...]
 *
 * The module (backend-spawn.c) runs it as Weston's user with the Wayland
 * connection in WAYLAND_SOCKET and the XenStore broker's in --store-fd.
 * In this order, before anything untrusted runs: every other inherited
 * fd is marked close-on-exec; the Xen handles are opened and restricted
 * to dom D (xen-handles.c); no_new_privs; Landlock (landlock.c); seccomp
 * (seccomp-filter.c); then execv(BACKEND, ARGS + --OPTION=FD for each
 * handle). The pid stays the same, so Weston's child is the backend.
 * Every refusal is one line on stderr (Weston's log) saying what to do,
 * and exit status 1.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/decimal.h"
#include "sandbox.h"

uint32_t sb_log_domid = UINT32_MAX;

void
sb_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n = 0;

	if (sb_log_domid != UINT32_MAX)
		n = snprintf(line, sizeof line, "xen-display-sandbox: dom%u: ",
			     sb_log_domid);
	else
		n = snprintf(line, sizeof line, "xen-display-sandbox: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	fputs(line, stderr);
}

int
sb_pass_fd(struct sb_plan *plan, int fd, const char *option)
{
	if (plan->n_fds == XD_SANDBOX_MAX_FDS) {
		sb_log("too many handles for the backend\n");
		return -1;
	}
	plan->fds[plan->n_fds].fd = fd;
	plan->fds[plan->n_fds].option = option;
	plan->n_fds++;
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: xen-display-sandbox --domid=D "
		"--xen=xen|sim:SOCKET [--be-alloc]\n"
		"       [--store-fd=K] [--allow-unconfined] -- BACKEND "
		"[ARGS...]\n");
}

/* An fd the module handed us: it must be open. */
static int
take_fd(struct sb_plan *plan, const char *text, const char *option)
{
	uint32_t fd;

	if (xd_parse_u32(text, 65535, &fd) < 0 || fd < 3 ||
	    fcntl((int)fd, F_GETFD) < 0) {
		sb_log("--%s=%s is not an open file descriptor\n", option,
		       text);
		return -1;
	}
	return sb_pass_fd(plan, (int)fd, option);
}

/* The options before "--"; optind is then the backend's path. */
static int
parse_options(int argc, char *argv[], struct sb_plan *plan)
{
	static const struct option long_options[] = {
		{ "domid", required_argument, NULL, 'd' },
		{ "xen", required_argument, NULL, 'x' },
		{ "be-alloc", no_argument, NULL, 'b' },
		{ "store-fd", required_argument, NULL, 's' },
		{ "allow-unconfined", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool have_domid = false;
	int c;

	/* "+": stop at the first non-option, never permute the
	 * backend's arguments into ours. */
	while ((c = getopt_long(argc, argv, "+", long_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (xd_parse_u32(optarg, 0x7fef, &plan->domid) < 0)
				return -1;
			have_domid = true;
			sb_log_domid = plan->domid;
			break;
		case 'x':
			plan->xen = optarg;
			break;
		case 'b':
			plan->be_alloc = true;
			break;
		case 's':
			if (take_fd(plan, optarg, "store-fd") < 0)
				return -1;
			break;
		case 'u':
			plan->allow_unconfined = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			return -1;
		}
	}
	if (!have_domid || !plan->xen || optind >= argc)
		return -1;
	plan->backend = argv[optind];
	return 0;
}

/* WAYLAND_SOCKET=N, as libwayland reads it; -1 when absent. */
static int
wayland_fd(void)
{
	const char *text = getenv("WAYLAND_SOCKET");
	uint32_t fd;

	if (!text || xd_parse_u32(text, 65535, &fd) < 0)
		return -1;
	return (int)fd;
}

static int
clear_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

/* The backend's argv: its own, then --OPTION=FD for each handle. */
static char **
backend_argv(const struct sb_plan *plan, int argc, char *argv[])
{
	int n = argc - optind, i;
	char **out = calloc((size_t)(n + plan->n_fds + 1), sizeof *out);

	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = argv[optind + i];
	for (i = 0; i < plan->n_fds; i++)
		if (asprintf(&out[n + i], "--%s=%d", plan->fds[i].option,
			     plan->fds[i].fd) < 0)
			return NULL;
	return out;
}

int
main(int argc, char *argv[])
{
	struct sb_plan plan = { .wayland_fd = -1 };
	char **args;
	int i;

	if (parse_options(argc, argv, &plan) < 0) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	/* Whatever Weston left inheritable goes at exec: the backend gets
	 * the fds named below and stdin, stdout, stderr. */
	if (close_range(3, ~0u, CLOSE_RANGE_CLOEXEC) < 0) {
		sb_log("cannot mark inherited fds close-on-exec: %s; Linux "
		       "5.11 or later is needed\n", strerror(errno));
		return EXIT_FAILURE;
	}
	plan.wayland_fd = wayland_fd();

	if (sb_open_xen_handles(&plan) < 0)
		return EXIT_FAILURE;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		sb_log("cannot set no_new_privs: %s; not started\n",
		       strerror(errno));
		return EXIT_FAILURE;
	}
	if (sb_landlock(&plan) < 0 || sb_seccomp(&plan) < 0)
		return EXIT_FAILURE;

	args = backend_argv(&plan, argc, argv);
	if (!args) {
		sb_log("out of memory; not started\n");
		return EXIT_FAILURE;
	}
	for (i = 0; i < plan.n_fds; i++)
		if (clear_cloexec(plan.fds[i].fd) < 0)
			break;
	if (i < plan.n_fds ||
	    (plan.wayland_fd >= 0 && clear_cloexec(plan.wayland_fd) < 0)) {
		sb_log("cannot hand the backend its fds: %s; not started\n",
		       strerror(errno));
		return EXIT_FAILURE;
	}
	execv(plan.backend, args);
	sb_log("cannot run the backend %s: %s; check [xen-display] backend= "
	       "(the sandbox lets it run from where it is)\n", plan.backend,
	       strerror(errno));
	return EXIT_FAILURE;
}
