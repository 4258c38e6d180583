/* SPDX-License-Identifier: MIT */
/*
 * zcopy-probe: what an open /dev/xen/zcopy file may do (doc/kmod.md,
 * "Who may do what"). A file serves the one domain it was bound to, once:
 * unbound it exports and imports nothing, and it cannot name another
 * domain or be bound again. The ids it gets are its own: another file
 * cannot release its imports or wait for its exports. Its imports are
 * released when it closes: a backend killed while a guest maps its
 * grants leaves nothing once the guest unmaps. And, in "zcopy-probe
 * defaults", what the module allows when loaded without parameters.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xengnttab.h>

#include "zcopy-probe.h"

#define PAGES 4
#define RELEASE_MS 5000

/* Unbound, bound, bound again; exports and imports naming whom. */
static void
binding_checks(xengntshr_handle *gs)
{
	uint32_t refs[1], irefs[1];
	uint8_t *shared, *mem;
	uint64_t id;
	int dev, fd, buf, ret;

	shared = xengntshr_share_pages(gs, 0, 1, refs, 1);
	buf = make_udmabuf(PAGE, &mem);
	dev = open(XEN_ZCOPY_DEVICE, O_RDWR | O_CLOEXEC);
	check(shared && buf >= 0 && dev >= 0,
	      "bind: a shared page, a udmabuf and an unbound file");
	if (!shared || buf < 0 || dev < 0)
		goto out;

	fd = export(dev, 0, refs, 1, 0, NULL);
	check(fd == -EPERM, "bind: EXPORT through an unbound file is EPERM "
	      "(%s)", fd < 0 ? strerror(-fd) : "exported!");
	if (fd >= 0)
		close(fd);
	ret = import_buf(dev, buf, 0, 1, irefs, &id);
	check(ret == -EPERM, "bind: IMPORT through an unbound file is EPERM "
	      "(%s)", ret ? strerror(-ret) : "granted!");
	if (ret == 0)
		import_release(dev, id, 0);

	ret = bind_domain(dev, 0x7ff1);
	check(ret == -EINVAL, "bind: to a reserved domid is EINVAL (%s)",
	      ret ? strerror(-ret) : "bound!");
	ret = bind_domain(dev, 0);
	check(ret == 0, "bind: to domain 0 (loopback) (%s)",
	      ret ? strerror(-ret) : "bound");
	ret = bind_domain(dev, 0);
	check(ret == -EBUSY, "bind: a second BIND, same domain, is EBUSY "
	      "(%s)", ret ? strerror(-ret) : "bound again!");
	ret = bind_domain(dev, 1);
	check(ret == -EBUSY, "bind: a second BIND, another domain, is EBUSY "
	      "(%s)", ret ? strerror(-ret) : "bound again!");

	fd = export(dev, 1, refs, 1, 0, NULL);
	check(fd == -EPERM, "bind: EXPORT naming domain 1 through a file "
	      "bound to 0 is EPERM (%s)",
	      fd < 0 ? strerror(-fd) : "exported!");
	if (fd >= 0)
		close(fd);
	ret = import_buf(dev, buf, 1, 1, irefs, &id);
	check(ret == -EPERM, "bind: IMPORT to domain 1 through a file bound "
	      "to 0 is EPERM (%s)", ret ? strerror(-ret) : "granted!");
	if (ret == 0)
		import_release(dev, id, 0);

	fd = export(dev, 0, refs, 1, 0, NULL);
	check(fd >= 0, "bind: EXPORT naming its own domain works (%s)",
	      fd >= 0 ? "dma-buf" : strerror(-fd));
	if (fd >= 0)
		close(fd);
out:
	if (dev >= 0)
		close(dev);
	if (buf >= 0) {
		close(buf);
		munmap(mem, PAGE);
	}
	if (shared)
		xengntshr_unshare(gs, shared, 1);
}

/* Ids of one file through another: unknown. */
static void
foreign_id_checks(xengntshr_handle *gs)
{
	uint32_t refs[1], irefs[1];
	uint8_t *shared, *mem;
	uint64_t iid = 0, eid = 0;
	int a, b, fd = -1, buf, ret;
	struct xen_zcopy_stats s;

	shared = xengntshr_share_pages(gs, 0, 1, refs, 1);
	buf = make_udmabuf(PAGE, &mem);
	a = open_bound(0);
	b = open_bound(0);
	check(shared && buf >= 0 && a >= 0 && b >= 0,
	      "foreign ids: two files bound to domain 0");
	if (!shared || buf < 0 || a < 0 || b < 0)
		goto out;

	ret = import_buf(a, buf, 0, 1, irefs, &iid);
	check(ret == 0, "foreign ids: file A imports (id %llu)",
	      (unsigned long long)iid);
	if (ret == 0) {
		ret = import_release(b, iid, 0);
		s = stats(a);
		check(ret == -ENOENT && s.imports_live >= 1,
		      "foreign ids: IMPORT_RELEASE of A's id through B is "
		      "ENOENT (%s), the import lives (imports=%llu)",
		      ret ? strerror(-ret) : "released!",
		      (unsigned long long)s.imports_live);
		ret = import_release(b, iid, XEN_ZCOPY_RELEASE_NOWAIT);
		check(ret == -ENOENT, "foreign ids: the same with NOWAIT is "
		      "ENOENT (%s)", ret ? strerror(-ret) : "released!");
		ret = import_release(a, iid, 0);
		check(ret == 0, "foreign ids: A releases its own (%s)",
		      ret ? strerror(-ret) : "released");
	}

	fd = export(a, 0, refs, 1, 0, &eid);
	check(fd >= 0, "foreign ids: file A exports (id %llu)",
	      (unsigned long long)eid);
	if (fd < 0)
		goto out;
	ret = wait_released(b, eid, 0);
	check(ret == -ENOENT, "foreign ids: WAIT_RELEASED of A's export "
	      "through B is ENOENT (%s)", ret ? strerror(-ret) : "woken!");
	ret = wait_released(a, eid, 0);
	check(ret == -ETIMEDOUT, "foreign ids: through A it waits: the "
	      "export is in use (%s)", ret ? strerror(-ret) : "woken!");
	close(fd);
	ret = wait_released(a, eid, 2000);
	check(ret == 0 || ret == -ENOENT, "foreign ids: A's export released "
	      "once closed (%s)", ret ? strerror(-ret) : "woken");
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	if (buf >= 0) {
		close(buf);
		munmap(mem, PAGE);
	}
	if (shared)
		xengntshr_unshare(gs, shared, 1);
}

static bool
imports_back(int dev, const struct xen_zcopy_stats *before)
{
	struct xen_zcopy_stats s = stats(dev);

	return s.imports_live == before->imports_live &&
	       s.grants_live == before->grants_live;
}

/* The child: imports PAGES pages to domain 0, sends their refs, waits. */
static void
importer(int out)
{
	uint32_t refs[PAGES];
	uint8_t *mem;
	uint64_t id;
	int dev, buf, ret;

	dev = open_bound(0);
	buf = make_udmabuf(PAGES * PAGE, &mem);
	if (dev < 0 || buf < 0)
		_exit(1);
	memset(mem, 0xc3, PAGES * PAGE);
	ret = import_buf(dev, buf, 0, PAGES, refs, &id);
	if (ret < 0)
		_exit(2);
	if (write(out, refs, sizeof refs) != sizeof refs)
		_exit(3);
	for (;;)
		pause();
}

/*
 * A backend killed while the guest maps its be-alloc grants: once the
 * guest unmaps, nothing of it is left: no import, no grant.
 */
static void
opener_death_checks(int dev, xengnttab_handle *gt)
{
	struct xen_zcopy_stats before = stats(dev), s;
	uint32_t refs[PAGES];
	uint8_t *guest = NULL, *again;
	int pipefd[2], status, ms;
	pid_t child;
	ssize_t got;

	if (pipe(pipefd) < 0) {
		check(false, "opener dies: pipe: %s", strerror(errno));
		return;
	}
	child = fork();
	if (child == 0) {
		close(pipefd[0]);
		importer(pipefd[1]);
	}
	close(pipefd[1]);
	got = child < 0 ? -1 : read(pipefd[0], refs, sizeof refs);
	close(pipefd[0]);
	check(got == (ssize_t)sizeof refs, "opener dies: a child (pid %d) "
	      "imports %d pages through its own file", (int)child, PAGES);
	if (got != (ssize_t)sizeof refs)
		goto reap;
	guest = xengnttab_map_domain_grant_refs(gt, PAGES, 0, refs,
						PROT_READ);
	check(guest && guest[7] == 0xc3, "opener dies: the grantee maps the "
	      "child's grants and reads its bytes");
reap:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		printf("  child %d killed (signal %d)\n", (int)child,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	if (!guest)
		return;
	s = stats(dev);
	check(s.imports_live == before.imports_live + 1 &&
	      s.grants_live == before.grants_live + PAGES,
	      "opener dies: while the grantee maps, the grants stay "
	      "(imports=%llu grants=%llu)",
	      (unsigned long long)s.imports_live,
	      (unsigned long long)s.grants_live);
	xengnttab_unmap(gt, guest, PAGES);
	/* The module retries ending what the guest mapped each second. */
	for (ms = 0; !imports_back(dev, &before) && ms < RELEASE_MS; ms += 100)
		usleep(100 * 1000);
	s = stats(dev);
	check(imports_back(dev, &before), "opener dies: once the grantee "
	      "unmapped, its import is gone: imports=%llu grants=%llu "
	      "(after %d ms)", (unsigned long long)s.imports_live,
	      (unsigned long long)s.grants_live, ms);
	again = xengnttab_map_domain_grant_refs(gt, PAGES, 0, refs,
						PROT_READ);
	check(again == NULL, "opener dies: its refs no longer map (%s)",
	      again ? "mapped!" : strerror(errno));
	if (again)
		xengnttab_unmap(gt, again, PAGES);
}

void
owner_checks(int dev, xengntshr_handle *gs, xengnttab_handle *gt)
{
	binding_checks(gs);
	foreign_id_checks(gs);
	opener_death_checks(dev, gt);
}

static char
read_flag(const char *path)
{
	char v = '?';
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, " %c", &v) != 1)
			v = '?';
		fclose(f);
	}
	return v;
}

void
defaults_checks(int dev)
{
	struct xen_zcopy_version v = { 0 };
	struct stat st;
	char loopback;
	int ret;

	loopback = read_flag("/sys/module/xen_zcopy/parameters/allow_loopback");
	check(loopback == 'N', "defaults: allow_loopback is %c", loopback);
	ret = bind_domain(dev, 0);
	check(ret == -EPERM, "defaults: binding a file to domain 0 is EPERM "
	      "(%s)", ret ? strerror(-ret) : "bound!");
	ret = ioctl(dev, XEN_ZCOPY_IOC_VERSION, &v) < 0 ? -errno : 0;
	check(ret == 0 && (v.features & XEN_ZCOPY_FEATURE_BIND),
	      "defaults: VERSION offers BIND (features %#x)", v.features);
	ret = stat(XEN_ZCOPY_DEVICE, &st);
	check(ret == 0 && (st.st_mode & 07777) == 0600 && st.st_uid == 0 &&
	      st.st_gid == 0, "defaults: %s is root's alone: mode %04o, "
	      "uid %u, gid %u", XEN_ZCOPY_DEVICE,
	      ret ? 0 : (unsigned)(st.st_mode & 07777),
	      ret ? 0 : (unsigned)st.st_uid, ret ? 0 : (unsigned)st.st_gid);
}
