/* SPDX-License-Identifier: MIT */
/*
 * zcopy-probe: an export outliving the /dev/xen/zcopy file that made it,
 * as when a guest's backend exits while the compositor (its GL driver)
 * still holds the guest's dma-buf, and one revoked by it (REVOKE: the
 * backend is done with the buffer). The module must take the grants back
 * at once; the holder keeps a harmless mapping: it reads a dummy page,
 * and a write through it faults rather than reaching what another
 * mapping (another holder, another guest's holder) reads.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xengnttab.h>

#include "zcopy-probe.h"

#define PAGES 16

static bool
reads_zeroes(const volatile uint8_t *view, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (view[i])
			return false;
	return true;
}

static sigjmp_buf fault_jump;
static volatile sig_atomic_t fault_signal;

static void
on_fault(int sig)
{
	fault_signal = sig;
	siglongjmp(fault_jump, 1);
}

/* Writes v at p: 0 once written, or the signal that stopped the write. */
static int
try_write(volatile uint8_t *p, uint8_t v)
{
	struct sigaction sa = { .sa_handler = on_fault }, old_bus, old_segv;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	fault_signal = 0;
	if (sigsetjmp(fault_jump, 1) == 0)
		*p = v;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return fault_signal;
}

static const char *
write_result(int sig)
{
	return sig == SIGBUS ? "SIGBUS" : sig == SIGSEGV ? "SIGSEGV" :
	       "written";
}

static int
revoke_export(int dev, uint64_t id)
{
	struct xen_zcopy_revoke r = { .id = id };

	return ioctl(dev, XEN_ZCOPY_IOC_REVOKE, &r) < 0 ? -errno : 0;
}

/* REVOKE of one export, by the file that made it only. */
static void
revoke_ioctl_checks(int dev, xengntshr_handle *gs)
{
	struct xen_zcopy_stats before, s;
	uint32_t refs[PAGES];
	uint8_t *shared, *view = MAP_FAILED;
	uint64_t id = 0;
	int owner, fd, ret;

	shared = xengntshr_share_pages(gs, 0, PAGES, refs, 1);
	check(shared != NULL, "REVOKE: share %d dom0 pages", PAGES);
	if (!shared)
		return;
	memset(shared, 0xa5, PAGES * PAGE);
	before = stats(dev);
	owner = open_bound(0);
	fd = owner < 0 ? owner : export(owner, 0, refs, PAGES, 0, &id);
	check(fd >= 0, "REVOKE: export: %s",
	      fd >= 0 ? "dma-buf" : strerror(-fd));
	if (fd < 0)
		goto out;
	view = mmap(NULL, PAGES * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	check(view != MAP_FAILED && view[3] == 0xa5,
	      "REVOKE: the holder maps the granter's pixels");
	ret = revoke_export(dev, id);
	check(ret == -ENOENT, "REVOKE: another file cannot revoke it (%s)",
	      ret ? strerror(-ret) : "revoked");
	ret = revoke_export(owner, id);
	s = stats(dev);
	check(ret == 0 && s.pages_mapped == before.pages_mapped &&
	      s.exports_live == before.exports_live + 1,
	      "REVOKE: by its file, the grants go while the dma-buf lives: "
	      "exports=%llu pages=%llu (%s)",
	      (unsigned long long)s.exports_live,
	      (unsigned long long)s.pages_mapped,
	      ret ? strerror(-ret) : "revoked");
	if (view != MAP_FAILED)
		check(reads_zeroes(view, PAGES * PAGE),
		      "REVOKE: the holder's mapping reads a dummy page");
	ret = revoke_export(owner, id);
	check(ret == -ENOENT, "REVOKE: a second time is ENOENT (%s)",
	      ret ? strerror(-ret) : "revoked");
	if (view != MAP_FAILED)
		munmap(view, PAGES * PAGE);
	close(fd);
	s = stats(dev);
	check(s.exports_live == before.exports_live &&
	      s.pages_mapped == before.pages_mapped,
	      "REVOKE: the holder gone, nothing is left: exports=%llu "
	      "pages=%llu", (unsigned long long)s.exports_live,
	      (unsigned long long)s.pages_mapped);
out:
	if (owner >= 0)
		close(owner);
	xengntshr_unshare(gs, shared, PAGES);
}

/* The file that made an export closes while a holder maps it. */
static void
owner_close_checks(int dev, xengntshr_handle *gs)
{
	struct xen_zcopy_stats before, s;
	uint32_t refs[PAGES];
	uint8_t *shared, *view, *again;
	uint64_t id = 0;
	int owner, fd, ret;

	shared = xengntshr_share_pages(gs, 0, PAGES, refs, 1);
	check(shared != NULL, "revoke: share %d dom0 pages", PAGES);
	if (!shared)
		return;
	memset(shared, 0x5a, PAGES * PAGE);
	before = stats(dev);

	/* The exporter (a backend) and a holder of its dma-buf (Weston). */
	owner = open_bound(0);
	fd = owner < 0 ? owner : export(owner, 0, refs, PAGES, 0, &id);
	check(fd >= 0, "revoke: export through a second file: %s",
	      fd >= 0 ? "dma-buf" : strerror(-fd));
	if (fd < 0)
		goto out;
	view = mmap(NULL, PAGES * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	check(view != MAP_FAILED && view[PAGE + 1] == 0x5a,
	      "revoke: the holder maps the granter's pixels");
	if (view == MAP_FAILED) {
		close(fd);
		goto out;
	}

	close(owner);
	owner = -1;
	s = stats(dev);
	check(s.exports_live == before.exports_live + 1 &&
	      s.pages_mapped == before.pages_mapped,
	      "revoke: the exporter closed, the grants are unmapped while "
	      "the dma-buf lives: exports=%llu pages=%llu",
	      (unsigned long long)s.exports_live,
	      (unsigned long long)s.pages_mapped);
	ret = wait_released(dev, id, 0);
	check(ret == 0 || ret == -ENOENT, "revoke: release-wait done (%s)",
	      ret ? strerror(-ret) : "woken");
	check(reads_zeroes(view, PAGES * PAGE),
	      "revoke: the holder's mapping reads a dummy page, not the "
	      "granter's pixels");
	shared[7] = 0x11;
	check(view[7] == 0, "revoke: the granter's changes no longer show");
	again = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	check(again == MAP_FAILED && errno == ENODEV,
	      "revoke: a new mapping is refused (%s)",
	      again == MAP_FAILED ? strerror(errno) : "mapped");
	if (again != MAP_FAILED)
		munmap(again, PAGE);
	munmap(view, PAGES * PAGE);
	close(fd);
	s = stats(dev);
	check(s.exports_live == before.exports_live &&
	      s.pages_mapped == before.pages_mapped,
	      "revoke: the holder gone, nothing is left: exports=%llu "
	      "pages=%llu", (unsigned long long)s.exports_live,
	      (unsigned long long)s.pages_mapped);
out:
	if (owner >= 0)
		close(owner);
	xengntshr_unshare(gs, shared, PAGES);
}

/*
 * A writable export mapped writable by two holders and read by a third;
 * revoked. A write through the first (never touched: a write fault) and
 * through the second (read first: the dummy page's read-only PTE) must
 * fault, and the reader must see zeroes: no holder can write where
 * another reads.
 */
static void
readonly_checks(int dev, xengntshr_handle *gs)
{
	size_t size = PAGES * PAGE;
	uint8_t *shared, *w1 = MAP_FAILED, *w2 = MAP_FAILED, *r = MAP_FAILED;
	uint32_t refs[PAGES];
	uint64_t id = 0;
	int owner, fd, ret, sig;

	shared = xengntshr_share_pages(gs, 0, PAGES, refs, 1);
	check(shared != NULL, "revoked read-only: share %d dom0 pages", PAGES);
	if (!shared)
		return;
	memset(shared, 0x3c, size);
	owner = open_bound(0);
	fd = owner < 0 ? owner : export(owner, 0, refs, PAGES, 0, &id);
	check(fd >= 0, "revoked read-only: a writable export: %s",
	      fd >= 0 ? "dma-buf" : strerror(-fd));
	if (fd < 0)
		goto out;
	w1 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	w2 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	r = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	check(w1 != MAP_FAILED && w2 != MAP_FAILED && r != MAP_FAILED &&
	      w2[9] == 0x3c && r[9] == 0x3c,
	      "revoked read-only: two writable mappings and a read-only "
	      "one read the granter's pixels");
	if (w1 == MAP_FAILED || w2 == MAP_FAILED || r == MAP_FAILED)
		goto unmap;
	ret = revoke_export(owner, id);
	check(ret == 0, "revoked read-only: REVOKE (%s)",
	      ret ? strerror(-ret) : "revoked");

	sig = try_write(w1 + PAGE + 5, 0x77);
	printf("  write of 0x77 through an untouched writable mapping: %s\n",
	       write_result(sig));
	check(sig != 0, "revoked read-only: a write through a revoked "
	      "mapping faults (%s)", write_result(sig));
	check(w2[PAGE + 5] == 0 && r[PAGE + 5] == 0,
	      "revoked read-only: the other mappings read 0 there, not the "
	      "write (%#x, %#x)", w2[PAGE + 5], r[PAGE + 5]);
	sig = try_write(w2 + PAGE + 6, 0x66);
	printf("  write of 0x66 through a mapping that read the dummy page: "
	       "%s\n", write_result(sig));
	check(sig != 0, "revoked read-only: a write to the dummy page's "
	      "read-only PTE faults (%s)", write_result(sig));
	check(reads_zeroes(r, size), "revoked read-only: the reader sees "
	      "zeroes everywhere");
unmap:
	if (w1 != MAP_FAILED)
		munmap(w1, size);
	if (w2 != MAP_FAILED)
		munmap(w2, size);
	if (r != MAP_FAILED)
		munmap(r, size);
	close(fd);
out:
	if (owner >= 0)
		close(owner);
	xengntshr_unshare(gs, shared, PAGES);
}

void
revoke_checks(int dev, xengntshr_handle *gs)
{
	owner_close_checks(dev, gs);
	revoke_ioctl_checks(dev, gs);
	readonly_checks(dev, gs);
}
