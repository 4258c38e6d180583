/* SPDX-License-Identifier: MIT */
/*
 * A compromised backend, for tests/test-store-broker.c: the module runs
 * it, in the sandbox, as the attacker guest's own backend= (the others
 * get the real one). It speaks the XenStore broker's wire
 * (common/store-wire.h) on its --store-fd itself and writes what it got,
 * one line per attempt, to stderr (the sandbox lets it write no file;
 * the test reads Weston's log):
 *
 *   XD_TEST_BROKER_MODE=probe  reads and writes of another guest's nodes,
 *       the toolstack's and dom0's, each answered (status), its own
 *       guest's name as a control, then a path that is not one (the
 *       channel must close), "done".
 *   XD_TEST_BROKER_MODE=flood  once $DIR/go exists, requests back to
 *       back (its own name and another guest's), 64 before reading the
 *       replies, until $DIR/stop exists: "flood sent=N replies=N
 *       refused=N closed=N".
 *   XD_TEST_BROKER_MODE=flood-unread  the same, never reading a reply.
 *
 * It then waits, holding its Wayland connection, until Weston closes it.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/store-wire.h"

/* Each report line starts so (test-store-broker.c picks them out of
 * Weston's log). */
#define REPORT "broker-report: "

static int store_fd = -1;
static uint32_t next_id;
static FILE *report;
static char buf[XD_STORE_WIRE_MAX_MSG + 1];

static int
send_request(uint32_t type, const char *path, const char *value)
{
	/* A watch's token with its NUL; a value without. */
	struct xd_store_wire_msg m = {
		.type = type, .id = ++next_id,
		.len0 = path ? strlen(path) + 1 : 0,
		.len1 = value ? strlen(value) + (type == XD_STORE_WATCH) : 0,
	};
	struct iovec iov[3] = {
		{ &m, sizeof m }, { (void *)path, m.len0 },
		{ (void *)value, m.len1 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };

	return sendmsg(store_fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* The next reply (watch events skipped): its status, or 1 when the
 * channel closed. */
static int
next_reply(int flags)
{
	struct xd_store_wire_msg m;
	ssize_t n;

	for (;;) {
		n = recv(store_fd, buf, sizeof buf, flags);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -EAGAIN;
		if (n < (ssize_t)sizeof m)
			return 1;
		memcpy(&m, buf, sizeof m);
		if (m.type == XD_STORE_REPLY)
			return m.status;
	}
}

static int
ask(uint32_t type, const char *path, const char *value)
{
	int ret = send_request(type, path, value);

	return ret < 0 ? 1 : next_reply(0);
}

static const char *
result(int status)
{
	static char text[32];

	if (status == 1)
		return "closed";
	if (status == 0)
		return "ok";
	if (status == -EACCES)
		return "EACCES";
	snprintf(text, sizeof text, "error%d", -status);
	return text;
}

static void
attempt(const char *op, uint32_t type, const char *path, const char *value)
{
	fprintf(report, REPORT "%s %s %s\n", op, path,
		result(ask(type, path, value)));
	fflush(report);
}

static void
probe(uint32_t self, uint32_t victim)
{
	char p[128];

	/* The control: its own guest's name. */
	snprintf(p, sizeof p, "/local/domain/%u/name", self);
	attempt("control-read", XD_STORE_READ, p, NULL);

	snprintf(p, sizeof p, "/local/domain/%u/name", victim);
	attempt("read", XD_STORE_READ, p, NULL);
	snprintf(p, sizeof p, "/local/domain/%u/device/vdispl/0/state",
		 victim);
	attempt("read", XD_STORE_READ, p, NULL);
	attempt("write", XD_STORE_WRITE, p, "5");
	snprintf(p, sizeof p, "/local/domain/0/backend/vdispl/%u/0/state",
		 victim);
	attempt("read", XD_STORE_READ, p, NULL);
	attempt("write", XD_STORE_WRITE, p, "6");
	attempt("remove", XD_STORE_REMOVE, p, NULL);
	snprintf(p, sizeof p, "/local/domain/0/backend/vdispl/%u", victim);
	attempt("directory", XD_STORE_DIRECTORY, p, NULL);
	attempt("watch", XD_STORE_WATCH, p, "steal");
	snprintf(p, sizeof p, "/local/domain/0/backend/vdispl/%u/0", victim);
	attempt("remove", XD_STORE_REMOVE, p, NULL);
	snprintf(p, sizeof p, "/local/domain/%u/memory/target", self);
	attempt("read", XD_STORE_READ, p, NULL);
	attempt("write", XD_STORE_WRITE, p, "1048576");
	snprintf(p, sizeof p, "/local/domain/%u/memory/target", victim);
	attempt("write", XD_STORE_WRITE, p, "1");
	attempt("directory", XD_STORE_DIRECTORY, "/local/domain", NULL);
	attempt("read", XD_STORE_READ, "/vm", NULL);
	attempt("write", XD_STORE_WRITE, "/tool/xenstored", "x");
	attempt("write", XD_STORE_WRITE, "/local/domain/0/name", "x");
	attempt("watch", XD_STORE_WATCH, "/local/domain", "all");
	snprintf(p, sizeof p, "/local/domain/0/backend/vbd/%u/51712/state",
		 victim);
	attempt("write", XD_STORE_WRITE, p, "5");
	/* Its own frontend is the guest's to write. */
	snprintf(p, sizeof p, "/local/domain/%u/device/vdispl/0/state", self);
	attempt("write", XD_STORE_WRITE, p, "4");

	/* Last: a path that is not one closes the channel. */
	snprintf(p, sizeof p, "/local/domain/%u/device/vdispl/0/../../../../"
		 "%u/name", self, victim);
	attempt("malformed", XD_STORE_READ, p, NULL);
	fprintf(report, REPORT "done\n");
	fflush(report);
}

static bool
exists(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void
flood(const char *dir, uint32_t self, uint32_t victim, bool read_replies)
{
	unsigned long long sent = 0, replies = 0, refused = 0, closed = 0;
	char own[64], other[64];
	int i, ret;

	snprintf(own, sizeof own, "/local/domain/%u/name", self);
	snprintf(other, sizeof other, "/local/domain/%u/name", victim);
	while (!exists(dir, "go"))
		usleep(10000);
	while (!closed && !exists(dir, "stop")) {
		for (i = 0; i < 64; i++) {
			if (send_request(XD_STORE_READ, i & 1 ? own : other,
					 NULL) < 0) {
				closed = 1;
				break;
			}
			sent++;
		}
		while (read_replies &&
		       (ret = next_reply(MSG_DONTWAIT)) != -EAGAIN) {
			if (ret == 1) {
				closed = 1;
				break;
			}
			replies++;
			if (ret == -EACCES)
				refused++;
		}
	}
	fprintf(report, REPORT "flood sent=%llu replies=%llu refused=%llu "
		"closed=%llu\n", sent, replies, refused, closed);
	fflush(report);
}

/* Holds the Wayland connection until Weston closes it: a backend's
 * lifetime, without speaking Wayland (Weston starts its clients in a
 * session of their own: the harness's kill of its group misses us). */
static void
wait_for_compositor_end(void)
{
	const char *s = getenv("WAYLAND_SOCKET");
	struct pollfd p = { .fd = s ? atoi(s) : -1, .events = POLLIN };
	char byte;

	while (p.fd >= 0 && poll(&p, 1, -1) >= 0)
		if (recv(p.fd, &byte, 1, MSG_DONTWAIT) == 0 ||
		    (p.revents & (POLLHUP | POLLERR)))
			return;
}

int
main(int argc, char *argv[])
{
	const char *attacker = getenv("XD_TEST_BROKER_ATTACKER");
	const char *dir = getenv("XD_TEST_BROKER_DIR");
	const char *mode = getenv("XD_TEST_BROKER_MODE");
	uint32_t domid = UINT32_MAX, victim = 0;
	struct xd_store_wire_msg hello;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--domid=", 8) == 0)
			domid = strtoul(argv[i] + 8, NULL, 10);
		else if (strncmp(argv[i], "--store-fd=", 11) == 0)
			store_fd = atoi(argv[i] + 11);
	}
	if (!attacker || !dir || !mode || domid != strtoul(attacker, NULL, 10))
		return 1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getenv("XD_TEST_BROKER_VICTIM"))
		victim = strtoul(getenv("XD_TEST_BROKER_VICTIM"), NULL, 10);
	report = stderr;
	if (store_fd < 0)
		return 1;
	/* The broker's greeting comes first. */
	if (recv(store_fd, buf, sizeof buf, 0) < (ssize_t)sizeof hello)
		return 1;
	memcpy(&hello, buf, sizeof hello);
	fprintf(report, REPORT "hello type=%u self=%u\n", hello.type, hello.arg);
	fflush(report);
	if (strcmp(mode, "probe") == 0)
		probe(domid, victim);
	else
		flood(dir, domid, victim, strcmp(mode, "flood") == 0);
	wait_for_compositor_end();
	return 0;
}
