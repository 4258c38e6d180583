/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/harness.h"
#include "sim-process.h"

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads one line (byte by byte: answers are short and rare). */
static const char *
read_line(struct xd_sim_process *p, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = p->from_sim, .events = POLLIN };
	size_t n = 0;
	char c;

	while (n < sizeof p->line - 1) {
		int left = end - now_ms();

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return NULL;
		if (read(p->from_sim, &c, 1) != 1)
			return NULL;
		if (c == '\n')
			break;
		p->line[n++] = c;
	}
	p->line[n] = '\0';
	return p->line;
}

struct xd_sim_process *
xd_sim_process_start(const char *dir)
{
	struct xd_sim_process *p = calloc(1, sizeof *p);
	int in[2], out[2];
	const char *line;

	XD_ASSERT(p && pipe(in) == 0 && pipe(out) == 0, "pipes");
	snprintf(p->socket, sizeof p->socket, "%s/sim.sock", dir);
	p->pid = fork();
	XD_ASSERT(p->pid >= 0, "fork");
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(XD_SIM_PATH, "xd-sim", "--socket", p->socket,
		      (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->to_sim = in[1];
	p->from_sim = out[0];
	line = read_line(p, 10000);
	XD_ASSERT(line && strcmp(line, "ready") == 0,
		  "xd-sim did not start");
	return p;
}

const char *
xd_sim_command(struct xd_sim_process *p, int timeout_ms, const char *fmt,
	       ...)
{
	char cmd[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof cmd - 1, fmt, ap);
	va_end(ap);
	cmd[n++] = '\n';
	if (write(p->to_sim, cmd, n) != n)
		return NULL;
	return read_line(p, timeout_ms);
}

void
xd_sim_ok(struct xd_sim_process *p, int timeout_ms, const char *fmt, ...)
{
	char cmd[256];
	const char *line;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	line = xd_sim_command(p, timeout_ms, "%s", cmd);
	XD_ASSERT(line && strncmp(line, "ok", 2) == 0, "'%s' answered '%s'",
		  cmd, line ? line : "(nothing)");
}

void
xd_sim_process_stop(struct xd_sim_process *p)
{
	if (write(p->to_sim, "quit\n", 5) == 5) {
		/* give it a moment to exit cleanly */
		for (int i = 0; i < 50; i++) {
			if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
				p->pid = 0;
				break;
			}
			usleep(20000);
		}
	}
	if (p->pid) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	close(p->to_sim);
	close(p->from_sim);
	free(p);
}
