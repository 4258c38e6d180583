/* SPDX-License-Identifier: MIT */
/*
 * A compromised backend, for the Xen rig's compromised-backend scenario
 * (doc/rig.md, doc/security.md): the module launches it as guest A's
 * backend (its [xen-display] guest= section's backend=), exactly as it
 * launches xen-display-backend, and it does what code execution in a
 * backend could: it tries to reach guest B, the toolstack, Weston and
 * another backend. Each attempt is independent and prints one line,
 *
 *   XDA attempt NAME denied errno=13 (Permission denied) DETAIL
 *   XDA attempt NAME SUCCEEDED DETAIL
 *   XDA attempt NAME skipped DETAIL          (nothing to try it with)
 *
 * then a summary the scenario greps,
 *
 *   XDA summary attempts=N succeeded=S denied=D skipped=K target=dom3
 *
 * and it keeps running, never speaking Wayland: a backend that exits is
 * restarted, which would only repeat the attempts.
 *
 * The target, what root in dom0 read from XenStore once guest B was up:
 * the environment's XD_ATTACK_TARGET (a hand run), or else the node
 * xd-attack-target in its own device's backend directory, which root
 * writes once guest A's device exists, read as a backend reads its own
 * nodes and polled for up to two minutes (Weston's environment is fixed
 * before B's grants exist, and Weston 14 gives its clients no stdin):
 *
 *   XD_ATTACK_TARGET=dom=B ref=R port=P pid=BACKEND memkb=K vm=/vm/UUID
 *                    secret=FILE
 *
 * ref is B's vdispl request ring (granted to dom0), port an unbound event
 * channel of B's offered to dom0 (B's vdispl channels are bound by its
 * backend already, and Xen refuses a second binding whoever asks: the
 * scenario has one allocated, as a frontend does while it connects),
 * pid B's backend, memkb B's memory/target (written back unchanged, so a
 * write that gets through changes nothing), vm B's /vm/UUID, secret a
 * file of Weston's user's.
 *
 * What it is given: --domid=A --devid=D as every backend; the launcher's
 * --evtchn-fd=N, --kmod-fd=N, --store-fd=N when there is one (the store
 * channel speaks the broker's wire, plugin/common/store-wire.h: kept here
 * so that this program builds alone, as an attacker's would).
 *
 * Libc only, no project library: nothing here runs unless the attacker
 * wrote it. Before the attempts it does one thing a real backend does:
 * its own device's state InitWait, through its store channel or else
 * XenStore directly, so that guest A's xl create completes.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux's ioctl headers for these devices take Xen's types from their
 * includer. */
typedef uint16_t domid_t;
typedef uint32_t grant_ref_t;
#include <xen/evtchn.h>
#include <xen/gntdev.h>

#include "xen-zcopy.h"

/* --- the target ---------------------------------------------------------- */

struct target {
	bool known;
	uint32_t dom, ref, port, memkb;
	int pid;
	char vm[128];
	char secret[256];
};

static struct target target;
static uint32_t own_domid, own_devid;
static int evtchn_fd = -1, kmod_fd = -1, store_fd = -1;

static int attempts, succeeded, denied, skipped;

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

/* Parses the words of the line after "XD_ATTACK_TARGET=" (or of text
 * itself without it), up to the line's end. */
static bool
parse_target(const char *text)
{
	const char *p = strstr(text, "XD_ATTACK_TARGET=");
	char line[1024], *word, *save;

	p = p ? p + strlen("XD_ATTACK_TARGET=") : text;
	snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
	memset(&target, 0, sizeof target);
	for (word = strtok_r(line, " \t", &save); word;
	     word = strtok_r(NULL, " \t", &save)) {
		if (sscanf(word, "dom=%u", &target.dom) == 1 ||
		    sscanf(word, "ref=%u", &target.ref) == 1 ||
		    sscanf(word, "port=%u", &target.port) == 1 ||
		    sscanf(word, "pid=%d", &target.pid) == 1 ||
		    sscanf(word, "memkb=%u", &target.memkb) == 1)
			continue;
		if (strncmp(word, "vm=", 3) == 0)
			snprintf(target.vm, sizeof target.vm, "%s", word + 3);
		else if (strncmp(word, "secret=", 7) == 0)
			snprintf(target.secret, sizeof target.secret, "%s",
				 word + 7);
	}
	target.known = target.dom && target.ref && target.port &&
		       target.pid && target.memkb && target.vm[0];
	return target.known;
}

/* --- reporting ------------------------------------------------------------ */

static void
report(const char *name, bool ok, int err, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	attempts++;
	if (ok) {
		succeeded++;
		say("XDA attempt %s SUCCEEDED %s\n", name, detail);
	} else {
		denied++;
		say("XDA attempt %s denied errno=%d (%s) %s\n", name, err,
		    strerror(err), detail);
	}
}

static void
report_skipped(const char *name, const char *why)
{
	attempts++;
	skipped++;
	say("XDA attempt %s skipped %s\n", name, why);
}

/* --- grants --------------------------------------------------------------- */

/* Maps B's ring page through gntdev, as the copy path maps a guest's. */
static void
attempt_gntdev(void)
{
	struct ioctl_gntdev_map_grant_ref map = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
	int fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	volatile uint8_t *page;
	int err;

	if (fd < 0) {
		report("grant-gntdev", false, errno, "open /dev/xen/gntdev");
		return;
	}
	map.refs[0].domid = target.dom;
	map.refs[0].ref = target.ref;
	if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) < 0) {
		report("grant-gntdev", false, errno, "MAP_GRANT_REF dom%u ref %u",
		       target.dom, target.ref);
		close(fd);
		return;
	}
	page = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, map.index);
	if (page == MAP_FAILED) {
		err = errno;
		report("grant-gntdev", false, err, "mmap of dom%u's ref %u",
		       target.dom, target.ref);
	} else {
		report("grant-gntdev", true, 0, "dom%u's ref %u mapped, first "
		       "word 0x%08x", target.dom, target.ref,
		       *(volatile uint32_t *)page);
		munmap((void *)page, 4096);
	}
	unmap.index = map.index;
	ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
	close(fd);
}

/* EXPORT of B's ring page on a xen-zcopy file: a dma-buf of B's page. */
static int
zcopy_export(int fd, int *err)
{
	uint32_t ref = target.ref;
	struct xen_zcopy_export exp = {
		.flags = XEN_ZCOPY_EXPORT_READONLY,
		.domid = target.dom,
		.count = 1,
		.refs = (uint64_t)(uintptr_t)&ref,
	};

	if (ioctl(fd, XEN_ZCOPY_IOC_EXPORT, &exp) < 0) {
		*err = errno;
		return -1;
	}
	close(exp.fd);
	return 0;
}

static void
attempt_zcopy_open(void)
{
	int fd = open(XEN_ZCOPY_DEVICE, O_RDWR | O_CLOEXEC);
	int err = 0;

	if (fd < 0) {
		report("grant-zcopy-open", false, errno, "open %s",
		       XEN_ZCOPY_DEVICE);
		return;
	}
	if (zcopy_export(fd, &err) < 0)
		report("grant-zcopy-open", false, err, "EXPORT dom%u ref %u on "
		       "an own open", target.dom, target.ref);
	else
		report("grant-zcopy-open", true, 0, "EXPORT dom%u ref %u on an "
		       "own open: a dma-buf of B's page", target.dom,
		       target.ref);
	close(fd);
}

static void
attempt_zcopy_fd(void)
{
	int err = 0;

	if (kmod_fd < 0) {
		report_skipped("grant-kmod-fd", "no --kmod-fd given");
		return;
	}
	if (zcopy_export(kmod_fd, &err) < 0)
		report("grant-kmod-fd", false, err, "EXPORT dom%u ref %u on the "
		       "launcher's file", target.dom, target.ref);
	else
		report("grant-kmod-fd", true, 0, "EXPORT dom%u ref %u on the "
		       "launcher's file", target.dom, target.ref);
}

/* --- event channels ------------------------------------------------------- */

static void
bind_on(const char *name, int fd, const char *how)
{
	struct ioctl_evtchn_bind_interdomain bind = {
		.remote_domain = target.dom,
		.remote_port = target.port,
	};
	struct ioctl_evtchn_unbind unbind;
	int port = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);

	if (port < 0) {
		report(name, false, errno, "bind dom%u port %u %s", target.dom,
		       target.port, how);
		return;
	}
	report(name, true, 0, "bound dom%u port %u %s as local port %d",
	       target.dom, target.port, how, port);
	/* Leave B's port offered again for the next attempt. */
	unbind.port = port;
	ioctl(fd, IOCTL_EVTCHN_UNBIND, &unbind);
}

static void
attempt_evtchn(void)
{
	int fd;

	if (evtchn_fd < 0)
		report_skipped("evtchn-fd", "no --evtchn-fd given");
	else
		bind_on("evtchn-fd", evtchn_fd, "on the launcher's handle");
	fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		report("evtchn-open", false, errno, "open /dev/xen/evtchn");
		return;
	}
	bind_on("evtchn-open", fd, "on an own open");
	close(fd);
}

/* --- XenStore ------------------------------------------------------------- */

/* XenStore's wire (xen/io/xs_wire.h). */
struct xsd_sockmsg {
	uint32_t type, req_id, tx_id, len;
};
#define XS_READ 2
#define XS_WRITE 11
#define XS_ERROR 16

/* The broker's wire (plugin/common/store-wire.h). */
struct broker_msg {
	uint32_t type, id, txn;
	int32_t status;
	uint32_t arg, len0, len1;
};
#define BROKER_READ 1
#define BROKER_WRITE 2
#define BROKER_REPLY 100

/* A read (value NULL; its answer into reply) or a write of path on fd,
 * the xenbus device or xenstored's socket: 0, or the errno XenStore
 * answered. */
static int
xs_wire(int fd, const char *path, const char *value, char *reply,
	size_t size)
{
	struct xsd_sockmsg msg = {
		.type = value ? XS_WRITE : XS_READ, .req_id = 1,
	};
	char buf[4096 + sizeof msg];
	size_t plen = strlen(path) + 1, vlen = value ? strlen(value) : 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	msg.len = plen + vlen;
	memcpy(buf, &msg, sizeof msg);
	memcpy(buf + sizeof msg, path, plen);
	if (vlen)
		memcpy(buf + sizeof msg + plen, value, vlen);
	if (write(fd, buf, sizeof msg + msg.len) < 0)
		return errno;
	if (poll(&pfd, 1, 5000) <= 0)
		return ETIMEDOUT;
	n = read(fd, buf, sizeof buf - 1);
	if (n < (ssize_t)sizeof msg)
		return n < 0 ? errno : EPROTO;
	buf[n] = '\0';
	memcpy(&msg, buf, sizeof msg);
	if (msg.type != XS_ERROR) {
		if (reply)
			snprintf(reply, size, "%s", buf + sizeof msg);
		return 0;
	}
	/* The answer names the errno: "EACCES". */
	if (strcmp(buf + sizeof msg, "EACCES") == 0)
		return EACCES;
	if (strcmp(buf + sizeof msg, "EPERM") == 0)
		return EPERM;
	if (strcmp(buf + sizeof msg, "ENOENT") == 0)
		return ENOENT;
	return EIO;
}

static int
broker_req(const char *path, const char *value, char *reply, size_t size)
{
	static uint32_t id = 1000;
	struct broker_msg msg = {
		.type = value ? BROKER_WRITE : BROKER_READ, .id = ++id,
	};
	char buf[4096 + sizeof msg + 1];
	size_t plen = strlen(path) + 1, vlen = value ? strlen(value) : 0;
	struct pollfd pfd = { .fd = store_fd, .events = POLLIN };
	ssize_t n;
	int i;

	msg.len0 = plen;
	msg.len1 = vlen;
	memcpy(buf, &msg, sizeof msg);
	memcpy(buf + sizeof msg, path, plen);
	if (vlen)
		memcpy(buf + sizeof msg + plen, value, vlen);
	if (send(store_fd, buf, sizeof msg + plen + vlen, MSG_NOSIGNAL) < 0)
		return errno;
	/* The HELLO and watch events may come first. */
	for (i = 0; i < 16; i++) {
		if (poll(&pfd, 1, 5000) <= 0)
			return ETIMEDOUT;
		n = recv(store_fd, buf, sizeof buf - 1, 0);
		if (n < 0)
			return errno;
		if (n < (ssize_t)sizeof msg)
			return EPIPE;
		buf[n] = '\0';
		memcpy(&msg, buf, sizeof msg);
		if (msg.type != BROKER_REPLY || msg.id != id)
			continue;
		if (msg.status < 0)
			return -msg.status;
		if (reply)
			snprintf(reply, size, "%.*s", (int)msg.len0,
				 buf + sizeof msg);
		return 0;
	}
	return EPROTO;
}

/* One channel to XenStore: how, and a write (or a read, value NULL)
 * through it. */
enum store_way { WAY_BROKER, WAY_XENBUS, WAY_SOCKET };

static int
store_req(enum store_way way, const char *path, const char *value,
	  char *reply, size_t size, bool *skip)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static const char *const sockets[] = {
		"/run/xenstored/socket", "/var/run/xenstored/socket",
	};
	int fd = -1, err;
	size_t i;

	*skip = false;
	switch (way) {
	case WAY_BROKER:
		if (store_fd < 0) {
			*skip = true;
			return 0;
		}
		return broker_req(path, value, reply, size);
	case WAY_XENBUS:
		fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return errno;
		break;
	case WAY_SOCKET:
		err = ENOENT;
		for (i = 0; i < 2 && fd < 0; i++) {
			fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd < 0)
				return errno;
			snprintf(addr.sun_path, sizeof addr.sun_path, "%s",
				 sockets[i]);
			if (connect(fd, (struct sockaddr *)&addr,
				    sizeof addr) < 0) {
				err = errno;
				close(fd);
				fd = -1;
			}
		}
		if (fd < 0)
			return err;
		break;
	}
	err = xs_wire(fd, path, value, reply, size);
	close(fd);
	return err;
}

static int
store_write(enum store_way way, const char *path, const char *value,
	    bool *skip)
{
	return store_req(way, path, value, NULL, 0, skip);
}

/* The way a real backend reaches XenStore: its store channel if it has
 * one, else XenStore itself. */
static enum store_way
own_way(void)
{
	return store_fd >= 0 ? WAY_BROKER : WAY_XENBUS;
}

static void
attempt_store(void)
{
	static const char *const ways[] = {
		[WAY_BROKER] = "broker", [WAY_XENBUS] = "xenbus",
		[WAY_SOCKET] = "socket",
	};
	char mem_path[128], mem_value[32], vm_path[192], name[64];
	struct {
		const char *what, *path, *value;
	} nodes[2];
	int way, i, err;
	bool skip;

	snprintf(mem_path, sizeof mem_path, "/local/domain/%u/memory/target",
		 target.dom);
	snprintf(mem_value, sizeof mem_value, "%u", target.memkb);
	snprintf(vm_path, sizeof vm_path, "%s/xd-attack", target.vm);
	nodes[0].what = "memtarget";
	nodes[0].path = mem_path;
	nodes[0].value = mem_value;	/* unchanged: harmless if it works */
	nodes[1].what = "toolstack";
	nodes[1].path = vm_path;
	nodes[1].value = "compromised";
	for (way = WAY_BROKER; way <= WAY_SOCKET; way++) {
		for (i = 0; i < 2; i++) {
			snprintf(name, sizeof name, "xs-%s-%s", ways[way],
				 nodes[i].what);
			err = store_write(way, nodes[i].path, nodes[i].value,
					  &skip);
			if (skip)
				report_skipped(name, "no --store-fd given");
			else
				report(name, err == 0, err, "write %s = %s "
				       "via %s", nodes[i].path,
				       nodes[i].value, ways[way]);
		}
	}
}

/* What a backend does before anything: its device's state InitWait (2),
 * by its store channel or XenStore itself. Not an attempt. */
static void
own_initwait(void)
{
	char path[128];
	int err;
	bool skip;

	snprintf(path, sizeof path, "/local/domain/0/backend/vdispl/%u/%u/"
		 "state", own_domid, own_devid);
	err = store_write(own_way(), path, "2", &skip);
	say("XDA own-device %s = 2 (InitWait) via %s: %s\n", path,
	    store_fd >= 0 ? "broker" : "xenbus", err ? strerror(err) : "ok");
}

/* The target: the environment's XD_ATTACK_TARGET, or the node
 * xd-attack-target of its own device's backend directory, which root
 * writes once guest A's device exists, read as the backend reads its
 * own nodes. Polled every 200 ms. */
static bool
wait_for_target(int seconds)
{
	const char *env = getenv("XD_ATTACK_TARGET");
	char buf[1024], path[128];
	bool skip;
	int i;

	if (env && parse_target(env))
		return true;
	snprintf(path, sizeof path, "/local/domain/0/backend/vdispl/%u/%u/"
		 "xd-attack-target", own_domid, own_devid);
	for (i = 0; i < seconds * 5; i++) {
		if (store_req(own_way(), path, NULL, buf, sizeof buf,
			      &skip) == 0 && !skip && parse_target(buf)) {
			say("XDA target from %s\n", path);
			return true;
		}
		usleep(200000);
	}
	return false;
}

/* --- processes and files -------------------------------------------------- */

static void
attempt_privcmd(void)
{
	static const char *const paths[] = {
		"/dev/xen/privcmd", "/proc/xen/privcmd",
	};
	static const char *const names[] = { "privcmd-dev", "privcmd-proc" };
	int i, fd;

	for (i = 0; i < 2; i++) {
		fd = open(paths[i], O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			report(names[i], false, errno, "open %s", paths[i]);
		} else {
			report(names[i], true, 0, "open %s", paths[i]);
			close(fd);
		}
	}
}

static void
attempt_ptrace(pid_t weston)
{
	int status;

	if (ptrace(PTRACE_ATTACH, weston, NULL, NULL) < 0) {
		report("ptrace-weston", false, errno, "PTRACE_ATTACH Weston "
		       "(pid %d)", (int)weston);
		return;
	}
	waitpid(weston, &status, __WALL);
	ptrace(PTRACE_DETACH, weston, NULL, NULL);
	report("ptrace-weston", true, 0, "PTRACE_ATTACH Weston (pid %d)",
	       (int)weston);
}

/* An address mapped in pid, from its maps if they can be read (else a
 * guess: a refusal comes before the address is looked at, EFAULT only
 * after the permission check passed). */
static uintptr_t
mapped_address(int pid, bool *from_maps)
{
	char path[64], line[512];
	unsigned long lo;
	FILE *f;

	*from_maps = false;
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof line, f))
			if (strstr(line, " r") &&
			    sscanf(line, "%lx-", &lo) == 1) {
				*from_maps = true;
				break;
			}
		fclose(f);
	}
	return *from_maps ? lo : 0x400000;
}

static void
attempt_readv(void)
{
	char buf[64];
	struct iovec local = { buf, sizeof buf }, remote;
	bool from_maps;
	ssize_t n;

	remote.iov_base = (void *)mapped_address(target.pid, &from_maps);
	remote.iov_len = sizeof buf;
	n = process_vm_readv(target.pid, &local, 1, &remote, 1, 0);
	if (n > 0)
		report("readv-backend", true, 0, "read %zd bytes at %p of B's "
		       "backend (pid %d)", n, remote.iov_base, target.pid);
	else if (errno == EFAULT)
		report("readv-backend", true, 0, "B's backend (pid %d) open "
		       "to process_vm_readv (EFAULT at the guessed %p: the "
		       "permission check passed)", target.pid,
		       remote.iov_base);
	else
		report("readv-backend", false, errno, "process_vm_readv of B's "
		       "backend (pid %d)%s", target.pid,
		       from_maps ? "" : ", its maps unreadable");
}

static void
attempt_kill(pid_t weston)
{
	if (kill(weston, 0) < 0)
		report("kill-weston", false, errno, "kill(Weston %d, 0)",
		       (int)weston);
	else
		report("kill-weston", true, 0, "kill(Weston %d, 0): Weston "
		       "may be signalled", (int)weston);
}

static void
read_file(const char *name, const char *path)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		report(name, false, errno, "open %s", path);
		return;
	}
	n = read(fd, buf, sizeof buf);
	if (n < 0)
		report(name, false, errno, "read %s", path);
	else
		report(name, true, 0, "read %zd bytes of %s", n, path);
	close(fd);
}

static void
attempt_files(void)
{
	const char *home = getenv("HOME");
	DIR *dir;

	read_file("read-passwd", "/etc/passwd");
	if (target.secret[0])
		read_file("read-user-file", target.secret);
	else
		report_skipped("read-user-file", "no secret= in the target");
	if (!home) {
		report_skipped("list-home", "no HOME");
		return;
	}
	dir = opendir(home);
	if (!dir) {
		report("list-home", false, errno, "opendir %s", home);
	} else {
		report("list-home", true, 0, "opendir %s", home);
		closedir(dir);
	}
}

/* --- main ----------------------------------------------------------------- */

static void
parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		sscanf(argv[i], "--domid=%u", &own_domid);
		sscanf(argv[i], "--devid=%u", &own_devid);
		sscanf(argv[i], "--evtchn-fd=%d", &evtchn_fd);
		sscanf(argv[i], "--kmod-fd=%d", &kmod_fd);
		sscanf(argv[i], "--store-fd=%d", &store_fd);
	}
}

int
main(int argc, char **argv)
{
	pid_t weston = getppid();
	int i;

	parse_args(argc, argv);
	say("XDA start pid=%d parent=%d uid=%d domid=%u devid=%u "
	    "evtchn-fd=%d kmod-fd=%d store-fd=%d\n", (int)getpid(),
	    (int)weston, (int)getuid(), own_domid, own_devid, evtchn_fd,
	    kmod_fd, store_fd);
	for (i = 0; i < argc; i++)
		say("XDA argv[%d] %s\n", i, argv[i]);
	own_initwait();

	if (!wait_for_target(120)) {
		say("XDA error no target: neither XD_ATTACK_TARGET nor "
		    "xd-attack-target in its backend directory in 120 s\n");
		say("XDA summary attempts=0 succeeded=0 denied=0 skipped=0 "
		    "target=none\n");
	} else {
		say("XDA target dom=%u ref=%u port=%u pid=%d memkb=%u vm=%s "
		    "secret=%s\n", target.dom, target.ref, target.port,
		    target.pid, target.memkb, target.vm, target.secret);
		attempt_gntdev();
		attempt_zcopy_open();
		attempt_zcopy_fd();
		attempt_evtchn();
		attempt_store();
		attempt_privcmd();
		attempt_ptrace(weston);
		attempt_readv();
		attempt_kill(weston);
		attempt_files();
		say("XDA summary attempts=%d succeeded=%d denied=%d "
		    "skipped=%d target=dom%u\n", attempts, succeeded, denied,
		    skipped, target.dom);
	}
	/* A backend that exits is restarted: keep still instead. */
	for (;;)
		pause();
}
