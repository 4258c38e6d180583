/* SPDX-License-Identifier: MIT */
/*
 * A compromised backend, as test-sandbox runs it: weston.ini's backend=
 * names this program, so the module starts it through
 * xen-display-sandbox as it would the real backend. It tries to reach
 * what a backend must not and reports each attempt with its errno on
 * stderr (Weston's log in the test), then a result line; it then waits
 * for its Wayland connection to close, as a backend would, so the
 * module does not restart it meanwhile.
 *
 * XD_PROBE_DIR (from Weston's environment): a directory of the test's
 * holding a file "secret".
 */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int attempts, allowed;

/* ret < 0 with errno: refused; else allowed. */
static void
report(const char *what, int ret, int err)
{
	attempts++;
	if (ret < 0) {
		fprintf(stderr, "sandbox-probe: %s: refused (%s)\n", what,
			strerrorname_np(err) ? strerrorname_np(err) : "?");
		return;
	}
	allowed++;
	fprintf(stderr, "sandbox-probe: %s: ALLOWED\n", what);
}

static void
try_open(const char *path, int flags)
{
	char what[400];
	int fd, err;

	fd = open(path, flags | O_CLOEXEC, 0600);
	err = errno;
	snprintf(what, sizeof what, "open %s%s", path,
		 flags & O_CREAT ? " (create)" : "");
	if (fd >= 0)
		close(fd);
	report(what, fd, err);
}

/* A device that may be absent here: Landlock answers EACCES only for a
 * path that exists, so an absent one is reported and not counted
 * (/dev/null shows Landlock's hold on /dev). */
static void
try_device(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 && errno == ENOENT) {
		fprintf(stderr, "sandbox-probe: open %s: absent here\n", path);
		return;
	}
	try_open(path, O_RDWR);
}

static void
try_weston(pid_t weston)
{
	char buf[16], path[64];
	struct iovec local = { buf, sizeof buf }, remote = { NULL, sizeof buf };
	long ret;
	int err;

	ret = ptrace(PTRACE_ATTACH, weston, NULL, NULL);
	err = errno;
	if (ret == 0)
		ptrace(PTRACE_DETACH, weston, NULL, NULL);
	report("ptrace(PTRACE_ATTACH) Weston", (int)ret, err);

	/* Any address: a refusal comes before the address is looked at. */
	remote.iov_base = (void *)0x400000;
	ret = process_vm_readv(weston, &local, 1, &remote, 1, 0);
	err = errno;
	report("process_vm_readv Weston", ret < 0 && err != EFAULT ? -1 : 0,
	       err);

	ret = kill(weston, 0);
	report("kill(Weston, 0)", (int)ret, errno);

	snprintf(path, sizeof path, "/proc/%d/maps", (int)weston);
	try_open(path, O_RDONLY);
}

static void
try_sockets(void)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	const char *name = getenv("WAYLAND_DISPLAY");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, ret, err;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	err = errno;
	if (fd >= 0)
		close(fd);
	report("socket(AF_INET)", fd, err);

	if (!dir || !name) {
		fprintf(stderr, "sandbox-probe: no WAYLAND_DISPLAY to try\n");
		allowed++;
		return;
	}
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s", dir, name);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	err = errno;
	ret = fd;
	if (fd >= 0) {
		ret = connect(fd, (struct sockaddr *)&addr, sizeof addr);
		err = errno;
		close(fd);
	}
	report("connect to Weston's Wayland socket by name", ret, err);
}

/* Stays until the module closes our connection, as a backend does. */
static void
wait_for_compositor(void)
{
	const char *text = getenv("WAYLAND_SOCKET");
	char c;

	if (!text)
		return;
	while (read(atoi(text), &c, 1) > 0 || errno == EINTR)
		;
}

int
main(int argc, char *argv[])
{
	const char *dir = getenv("XD_PROBE_DIR");
	pid_t weston = getppid();
	char path[512];
	int ret;

	if (!dir) {
		fprintf(stderr, "sandbox-probe: no XD_PROBE_DIR\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/secret", dir);
	try_open(path, O_RDONLY);
	snprintf(path, sizeof path, "%s/planted", dir);
	try_open(path, O_WRONLY | O_CREAT);
	try_open("/etc/passwd", O_RDONLY);
	try_open("/dev/null", O_RDWR);
	try_device("/dev/xen/evtchn");
	try_device("/dev/xen/gntdev");
	try_device("/dev/xen/gntalloc");
	try_device("/dev/xen/privcmd");
	try_device("/dev/xen/xenbus");
	try_device("/dev/xen/zcopy");
	try_weston(weston);
	try_sockets();
	ret = unshare(CLONE_NEWUSER);
	report("unshare(CLONE_NEWUSER)", ret, errno);

	fprintf(stderr, "sandbox-probe: result: %d of %d attempts allowed\n",
		allowed, attempts);
	wait_for_compositor();
	return 0;
}
