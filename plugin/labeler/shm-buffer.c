/* SPDX-License-Identifier: MIT */
/*
 * A label is drawn once and never again (the module gives its surface
 * the label role and the labeler never commits it again), so the buffer
 * is filled once: the memfd is sealed against resizing, and neither our
 * mapping, the fd nor the pool outlives this call. The compositor keeps
 * the pool's memory for as long as the wl_buffer lives.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <wayland-client.h>

#include "label-render.h"
#include "shm-buffer.h"

struct wl_buffer *
xd_shm_buffer_create(struct wl_shm *shm, const struct xd_label_image *image)
{
	size_t size = (size_t)image->stride * image->height;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	void *map;
	int fd, saved;

	fd = memfd_create("xen-display-label", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, size) < 0)
		goto err;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		goto err;
	memcpy(map, image->pixels, size);
	munmap(map, size);
	/* Weston's shm reads would fault on a file shrunk under them. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
		  F_SEAL_SEAL) < 0)
		goto err;

	pool = wl_shm_create_pool(shm, fd, size);
	buffer = wl_shm_pool_create_buffer(pool, 0, image->width,
					   image->height, image->stride,
					   WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buffer;

err:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}
