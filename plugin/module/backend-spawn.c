/* SPDX-License-Identifier: MIT */
/*
 * Weston's own launcher does the fork: wet_client_start() makes the
 * Wayland socketpair, wl_client_create()s Weston's end, forks, puts the
 * child in a session of its own as the real uid and execs it, and files
 * the child in Weston's child list, whose SIGCHLD handler reaps it and
 * logs its exit status. A fork of our own would be reaped by that same
 * handler (it waits for any child) as an "unknown child process", and
 * wet_client_launch(), which takes fds to inherit, needs a struct
 * custom_env that Weston 14 does not install. So the fds we pass are
 * made inheritable for the length of wet_client_start(), which forks
 * before it returns; Weston's loop is single-threaded and starts nothing
 * else meanwhile.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <weston.h>

#include "backend-spawn.h"

static int
set_cloexec(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0)
		return -1;
	flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	return fcntl(fd, F_SETFD, flags);
}

/* argv[0], the fd options, argv[1...], space-separated (Weston splits
 * the line on spaces). */
static char *
command_line(char *const argv[], const struct xd_spawn_fd *fds,
	     size_t n_fds)
{
	char *line = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&line, &size);

	if (!f)
		return NULL;
	fputs(argv[0], f);
	for (i = 0; i < n_fds; i++)
		fprintf(f, " --%s=%d", fds[i].option, fds[i].fd);
	for (i = 1; argv[i]; i++)
		fprintf(f, " %s", argv[i]);
	if (fclose(f) != 0) {
		free(line);
		return NULL;
	}
	return line;
}

struct wl_client *
xd_backend_spawn(struct weston_compositor *compositor, char *const argv[],
		 const struct xd_spawn_fd *fds, size_t n_fds)
{
	struct wl_client *client = NULL;
	char *line = command_line(argv, fds, n_fds);
	size_t i, cleared = 0;

	if (!line)
		return NULL;
	for (cleared = 0; cleared < n_fds; cleared++)
		if (set_cloexec(fds[cleared].fd, false) < 0)
			break;
	if (cleared == n_fds)
		client = wet_client_start(compositor, line);
	for (i = 0; i < cleared; i++)
		set_cloexec(fds[i].fd, true);
	free(line);
	return client;
}
