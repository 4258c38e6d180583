/* SPDX-License-Identifier: MIT */
/*
 * Counts a process's system calls from outside it, in the kernel
 * (tests/bench/syscall-counter.c): run in the rig's dom0 around a guest's
 * burst (rig_guest_burst in tools/rig/dom0-lib.sh), beside the backend's
 * counters line.
 *
 *   syscall-count PID...
 *
 * Prints "counting PID..." once the counters are open, then on SIGTERM or
 * SIGINT "syscalls N": the calls of all the processes since then. Exit
 * status 1, with the reason on stderr, when a counter cannot be opened or
 * read.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_PIDS 16

#include "../bench/syscall-counter.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct xd_syscall_counter *c[MAX_PIDS];
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	char why[256];
	long long n, total = 0;
	int i, pids = argc - 1;

	if (pids < 1 || pids > MAX_PIDS) {
		fprintf(stderr, "usage: syscall-count PID... (1 to %d)\n",
			MAX_PIDS);
		return 2;
	}
	for (i = 0; i < pids; i++)
		if (atoi(argv[i + 1]) <= 0) {
			fprintf(stderr, "syscall-count: '%s' is no pid\n",
				argv[i + 1]);
			return 2;
		}
	/* The signals blocked until sigsuspend: one that comes between the
	 * test of stop and the wait still ends the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < pids; i++) {
		c[i] = xd_syscall_counter_open(atoi(argv[i + 1]), why,
					       sizeof why);
		if (!c[i]) {
			fprintf(stderr, "syscall-count: %s\n", why);
			return 1;
		}
	}
	printf("counting");
	for (i = 0; i < pids; i++)
		printf(" %d", atoi(argv[i + 1]));
	printf("\n");
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	for (i = 0; i < pids; i++) {
		n = xd_syscall_counter_read(c[i]);
		xd_syscall_counter_close(c[i]);
		if (n < 0) {
			fprintf(stderr, "syscall-count: reading the counter of "
				"%s failed\n", argv[i + 1]);
			return 1;
		}
		total += n;
	}
	printf("syscalls %lld\n", total);
	return 0;
}
