/* SPDX-License-Identifier: MIT */
/*
 * What one wakeup costs a process on this machine: a child sleeps in
 * read() on a socket, is woken by the parent's byte, writes one back and
 * sleeps again, paced like a display-paced backend (the CPUs may idle
 * between). Its CPU time per round is the kernel's price of being woken
 * with one read and one write: the floor under any flip that wakes the
 * backend that often, however little it does in user space.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/harness.h"
#include "wakeup-floor.h"

double
xd_process_cpu_us(pid_t pid)
{
	unsigned long long ns = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	XD_ASSERT(f && fscanf(f, "%llu", &ns) == 1, "no %s", path);
	fclose(f);
	return ns / 1e3;
}

void
xd_pause_us(int us)
{
	struct timespec t = { us / 1000000, us % 1000000 * 1000L };

	clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL);
}

static void
echo_child(int fd)
{
	char c;

	while (read(fd, &c, 1) == 1)
		if (write(fd, &c, 1) != 1)
			break;
	_exit(0);
}

double
xd_wakeup_floor_us(int rounds, int period_us)
{
	int sv[2], i, status;
	double cpu0;
	pid_t pid;
	char c = 'w';

	XD_ASSERT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
		  "socketpair: %s", strerror(errno));
	pid = fork();
	XD_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		echo_child(sv[1]);
	}
	close(sv[1]);
	/* A first round: the child is asleep in read() from here on. */
	XD_ASSERT(write(sv[0], &c, 1) == 1 && read(sv[0], &c, 1) == 1,
		  "echo child");
	cpu0 = xd_process_cpu_us(pid);
	for (i = 0; i < rounds; i++) {
		xd_pause_us(period_us);
		XD_ASSERT(write(sv[0], &c, 1) == 1 && read(sv[0], &c, 1) == 1,
			  "echo child");
	}
	cpu0 = xd_process_cpu_us(pid) - cpu0;
	close(sv[0]);
	waitpid(pid, &status, 0);
	return cpu0 / rounds;
}
