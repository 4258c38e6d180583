/* SPDX-License-Identifier: MIT */
/*
 * What the flip's own exchanges cost a process on this machine, with no
 * work of its own: the floor of any backend that serves displif and hands
 * buffers to a compositor. Three processes, as in the benchmark: a guest,
 * which posts a request, reads the response and then the flip-done event,
 * and flips again a period later; a compositor, which takes the commit
 * and answers it a repaint later; and between them the skeleton of a
 * backend, sleeping in epoll_wait() on both sockets. Woken by the guest's
 * request it reads it, answers it and commits to the compositor; woken by
 * the compositor it reads its answer and tells the guest: two wakeups, two
 * reads and three writes that each wake a peer. Its CPU time per flip is
 * the floor xd_wakeup_floor_us() is per wakeup, for the whole exchange.
 */

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/harness.h"
#include "wakeup-floor.h"

/* The backend's skeleton: guest is its displif side, compositor its
 * Wayland side. */
static void
backend(int guest, int compositor)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[2];
	int ep = epoll_create1(EPOLL_CLOEXEC), n, i;
	char c;

	ev.data.fd = guest;
	epoll_ctl(ep, EPOLL_CTL_ADD, guest, &ev);
	ev.data.fd = compositor;
	epoll_ctl(ep, EPOLL_CTL_ADD, compositor, &ev);
	for (;;) {
		n = epoll_wait(ep, out, 2, -1);
		for (i = 0; i < n; i++) {
			if (read(out[i].data.fd, &c, 1) != 1)
				_exit(0);
			if (out[i].data.fd == guest) {
				/* The response, then the commit. */
				if (write(guest, "a", 1) != 1 ||
				    write(compositor, "c", 1) != 1)
					_exit(0);
			} else if (write(guest, "e", 1) != 1) {
				_exit(0);	/* the flip-done event */
			}
		}
	}
}

/* Answers each commit one "repaint" later. */
static void
compositor(int fd, int repaint_us)
{
	char c;

	while (read(fd, &c, 1) == 1) {
		xd_pause_us(repaint_us);
		if (write(fd, "d", 1) != 1)
			break;
	}
	_exit(0);
}

static void
flip(int guest)
{
	char c[2];

	XD_ASSERT(write(guest, "r", 1) == 1 && read(guest, &c[0], 1) == 1 &&
		  read(guest, &c[1], 1) == 1 && c[0] == 'a' && c[1] == 'e',
		  "the backend's skeleton answered wrongly");
}

double
xd_flip_floor_us(int flips, int period_us, int repaint_us)
{
	int g[2], w[2], i, status;
	pid_t be, wc;
	double cpu0;

	XD_ASSERT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g) == 0 &&
		  socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, w) == 0,
		  "socketpair: %s", strerror(errno));
	/* Each process keeps only its own ends: a closed socket ends it. */
	be = fork();
	XD_ASSERT(be >= 0, "fork: %s", strerror(errno));
	if (be == 0) {
		close(g[0]);
		close(w[1]);
		backend(g[1], w[0]);
	}
	close(g[1]);
	close(w[0]);
	wc = fork();
	XD_ASSERT(wc >= 0, "fork: %s", strerror(errno));
	if (wc == 0) {
		close(g[0]);
		compositor(w[1], repaint_us);
	}
	close(w[1]);
	/* A first flip: every process is asleep where it waits. */
	flip(g[0]);
	cpu0 = xd_process_cpu_us(be);
	for (i = 0; i < flips; i++) {
		xd_pause_us(period_us);
		flip(g[0]);
	}
	cpu0 = xd_process_cpu_us(be) - cpu0;
	close(g[0]);
	waitpid(be, &status, 0);
	waitpid(wc, &status, 0);
	return cpu0 / flips;
}
