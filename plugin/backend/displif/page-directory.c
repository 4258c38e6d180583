/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <string.h>

#include "page-directory.h"

/* The layout of struct xendispl_page_directory, read as plain words so
 * that every word is fetched from shared memory exactly once. */
#define DIR_NEXT 0
#define DIR_REFS 1

static uint32_t
read_word(const void *page, uint32_t index)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)page + index * 4, 4);
	return v;
}

uint32_t
xd_page_directory_parse(const void *page, uint32_t remaining,
			uint32_t *out, uint32_t *next)
{
	uint32_t n = remaining < XD_REFS_PER_DIR_PAGE ?
		     remaining : XD_REFS_PER_DIR_PAGE;

	*next = read_word(page, DIR_NEXT);
	memcpy(out, (const uint8_t *)page + DIR_REFS * 4, n * 4);
	return n;
}

int
xd_page_directory_read(struct xd_xen *xen, uint32_t domid,
		       uint32_t first_ref, uint32_t count, uint32_t *refs)
{
	uint32_t ref = first_ref;
	uint32_t done = 0;
	uint32_t next;
	void *page;

	while (done < count) {
		page = xd_gnt_map(xen, domid, &ref, 1, false);
		if (!page)
			return -EINVAL;
		done += xd_page_directory_parse(page, count - done,
						refs + done, &next);
		xd_gnt_unmap(xen, page, 1);
		ref = next;
	}
	return 0;
}

int
xd_page_directory_write(struct xd_xen *xen, uint32_t domid,
			uint32_t first_ref, uint32_t count,
			const uint32_t *refs)
{
	uint32_t ref = first_ref;
	uint32_t done = 0;
	uint32_t next, n;
	uint8_t *page;

	while (done < count) {
		page = xd_gnt_map(xen, domid, &ref, 1, true);
		if (!page)
			return -EINVAL;
		next = read_word(page, DIR_NEXT);
		n = count - done;
		if (n > XD_REFS_PER_DIR_PAGE)
			n = XD_REFS_PER_DIR_PAGE;
		memcpy(page + DIR_REFS * 4, refs + done, n * 4);
		xd_gnt_unmap(xen, page, 1);
		done += n;
		ref = next;
	}
	return 0;
}
