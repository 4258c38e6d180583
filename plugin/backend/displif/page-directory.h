/* SPDX-License-Identifier: MIT */
/*
 * displif's page directory: a chain of granted pages, each holding the
 * grant ref of the next directory page and as many buffer refs as fit.
 * The guest writes it; we read each page once, take only as many refs as
 * the buffer's size needs and follow only as many links as that takes, so
 * a loop or a short chain costs nothing and a lie is an error.
 */

#ifndef XD_PAGE_DIRECTORY_H
#define XD_PAGE_DIRECTORY_H

#include <stdint.h>

#include "xen/xen-access.h"

#define XD_REFS_PER_DIR_PAGE ((XD_XEN_PAGE_SIZE - 4u) / 4u)

/* Directory pages needed for count refs. */
static inline uint32_t
xd_page_directory_pages(uint32_t count)
{
	return (count + XD_REFS_PER_DIR_PAGE - 1) / XD_REFS_PER_DIR_PAGE;
}

/* One mapped directory page: copies min(remaining, refs per page) refs
 * to out, the next page's ref to *next; returns how many it copied. */
uint32_t
xd_page_directory_parse(const void *page, uint32_t remaining,
			uint32_t *out, uint32_t *next);

/* Reads count buffer refs from the chain starting at first_ref. */
int
xd_page_directory_read(struct xd_xen *xen, uint32_t domid,
		       uint32_t first_ref, uint32_t count, uint32_t *refs);

/* be-alloc: writes count refs into the guest's chain. */
int
xd_page_directory_write(struct xd_xen *xen, uint32_t domid,
			uint32_t first_ref, uint32_t count,
			const uint32_t *refs);

#endif
