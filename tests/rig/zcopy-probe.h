/* SPDX-License-Identifier: MIT */
/*
 * What zcopy-probe's modes share (zcopy-probe.c): the check lines, the
 * module's counters and a dom0 dma-buf to import.
 */
#ifndef XD_RIG_ZCOPY_PROBE_H
#define XD_RIG_ZCOPY_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen-zcopy.h"

#define PAGE 4096

struct xengntdev_handle;

/* Prints "PROBE ok|FAIL ..." and counts it for the result line. */
void __attribute__((format(printf, 2, 3)))
check(bool good, const char *fmt, ...);

struct xen_zcopy_stats
stats(int dev);

void
print_stats(int dev);

/* XEN_ZCOPY_IOC_BIND: 0 or -errno. */
int
bind_domain(int dev, uint32_t domid);

/* A new file of the device, bound to domid: its fd, or -errno. */
int
open_bound(uint32_t domid);

/* XEN_ZCOPY_IOC_EXPORT through dev: the dma-buf fd, or -errno. */
int
export(int dev, uint32_t domid, const uint32_t *refs, uint32_t count,
       uint32_t flags, uint64_t *id);

/* XEN_ZCOPY_IOC_WAIT_RELEASED: 0 or -errno. */
int
wait_released(int dev, uint64_t id, uint32_t ms);

/* A dom0 dma-buf of SIZE bytes (udmabuf over a memfd), writable at *mem:
 * its fd, or -errno.
 */
int
make_udmabuf(size_t size, uint8_t **mem);

struct xengntdev_handle;

/* XEN_ZCOPY_IOC_IMPORT of a dma-buf to domid: 0 with *id, or -errno. */
int
import_buf(int dev, int buf, uint32_t domid, uint32_t count, uint32_t *refs,
	   uint64_t *id);

/* XEN_ZCOPY_IOC_IMPORT_RELEASE: 0 or -errno. */
int
import_release(int dev, uint64_t id, uint32_t flags);

/* zcopy-owner.c: a file serves one domain; ids and imports are its own. */
void
owner_checks(int dev, struct xengntdev_handle *gs,
	     struct xengntdev_handle *gt);

/* zcopy-owner.c: "zcopy-probe defaults", the module loaded without
 * parameters.
 */
void
defaults_checks(int dev);

/* zcopy-revoke.c: an export outliving the file that made it. */
void
revoke_checks(int dev, struct xengntdev_handle *gs);

/* zcopy-readback.c: "zcopy-probe readback DOMID". */
void
readback_checks(int dev, uint32_t domid);

/* zcopy-limits.c: "zcopy-probe limits", the page limits per domain. */
void
limits_checks(int dev);

/* zcopy-sandboxed.c: argv is "sandboxed DOMID --kmod-fd=N ...", as
 * xen-display-sandbox runs it. */
void
sandboxed_checks(int argc, char *argv[]);

#endif
