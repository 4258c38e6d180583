/* SPDX-License-Identifier: MIT */
/*
 * Counts a process's system calls in the kernel: a perf counter on the
 * raw_syscalls:sys_enter tracepoint per thread of the process (a perf
 * event follows one task; inherit adds the threads and children started
 * after it opened). Used by bench-backend around a phase of flips and in
 * the Xen rig's dom0 by syscall-count around a guest's burst.
 */

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#include "syscall-counter.h"

#define MAX_THREADS 64

struct xd_syscall_counter {
	int fd[MAX_THREADS];
	int n;
};

/* The tracepoint's id: tracefs where it is mounted on its own, or under
 * debugfs. */
static long
sys_enter_id(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/events/raw_syscalls/sys_enter/id",
		"/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter/id",
	};
	long id = -1;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof paths / sizeof paths[0] && id < 0; i++) {
		f = fopen(paths[i], "r");
		if (!f)
			continue;
		if (fscanf(f, "%ld", &id) != 1)
			id = -1;
		fclose(f);
	}
	return id;
}

static int
open_thread(long id, pid_t tid)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.size = sizeof attr;
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	attr.inherit = 1;
	return syscall(SYS_perf_event_open, &attr, tid, -1, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

struct xd_syscall_counter *
xd_syscall_counter_open(pid_t pid, char *why, size_t why_len)
{
	struct xd_syscall_counter *c;
	char path[64];
	struct dirent *e;
	long id = sys_enter_id();
	DIR *d;
	int fd;

	if (id < 0) {
		snprintf(why, why_len, "no raw_syscalls:sys_enter tracepoint "
			 "id in /sys/kernel/tracing or /sys/kernel/debug/"
			 "tracing (tracefs not mounted?)");
		return NULL;
	}
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		closedir(d);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	while ((e = readdir(d))) {
		if (atoi(e->d_name) <= 0)
			continue;
		if (c->n == MAX_THREADS) {
			snprintf(why, why_len, "process %d has more than %d "
				 "threads", (int)pid, MAX_THREADS);
			goto fail;
		}
		fd = open_thread(id, atoi(e->d_name));
		if (fd < 0) {
			snprintf(why, why_len, "perf_event_open(raw_syscalls:"
				 "sys_enter, thread %s): %s", e->d_name,
				 strerror(errno));
			goto fail;
		}
		c->fd[c->n++] = fd;
	}
	closedir(d);
	if (c->n == 0) {
		snprintf(why, why_len, "process %d has no threads", (int)pid);
		xd_syscall_counter_close(c);
		return NULL;
	}
	return c;

fail:
	closedir(d);
	xd_syscall_counter_close(c);
	return NULL;
}

long long
xd_syscall_counter_read(struct xd_syscall_counter *c)
{
	long long total = 0;
	uint64_t v;
	int i;

	for (i = 0; i < c->n; i++) {
		if (read(c->fd[i], &v, sizeof v) != sizeof v)
			return -1;
		total += v;
	}
	return total;
}

void
xd_syscall_counter_close(struct xd_syscall_counter *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		close(c->fd[i]);
	free(c);
}
