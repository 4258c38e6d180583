/* SPDX-License-Identifier: MIT */
/*
 * Guest framebuffers as wl_buffers. Each is imported once, at FB_ATTACH:
 * the guest's dma-buf itself when the compositor takes its format and
 * pitch (zero copy), else shm buffers the pixels are converted into at
 * each flip. A framebuffer lives until the guest detached it and the
 * compositor released it, whichever comes last. Which formats the
 * compositor imports, linux-dmabuf tells here.
 *
 * What a framebuffer makes dom0 hold is charged to its guest's budget
 * (buffers/budget.h, through the budget its guest buffer carries): the
 * framebuffer itself until it is freed, and each shm copy until it is
 * freed. A copy the compositor released is freed at once unless its fb
 * is one of the three a screen showed last (xdw_fb_keep()), and then it
 * is the fb's one spare; a copy that would pass the budget first frees
 * the spares of other fbs.
 *
 * A flip that finds every copy of its fb still held by the compositor is
 * not refused: the screen waits for one (xdw_fb_wait()), as a client of a
 * slow compositor waits for wl_buffer.release, and is told at the release.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "buffers/budget.h"
#include "linux-dmabuf-v1-client-protocol.h"
#include "log.h"
#include "pixel-convert.h"
#include "wayland-sink.h"
#include "xdw-fb-check.h"
#include "xdw-internal.h"

/* More than the compositor ever holds at once (current + pending). */
#define MAX_COPIES 3

/* A format the compositor imports as a dma-buf with the linear layout. */
struct xdw_dmabuf_format {
	uint32_t drm_format;
	struct xdw_dmabuf_format *next;
};

struct xdw_fb_copy {
	struct xdw_fb_copy *next;
	struct xdw_fb *fb;
	struct wl_buffer *buffer;
	void *map;
	size_t size;
	uint64_t charged;	/* bytes, to the guest's budget */
	bool busy;
};

static bool
dmabuf_supports(struct xd_wayland *wayland, uint32_t drm_format)
{
	struct xdw_dmabuf_format *f;

	for (f = wayland->dmabuf_formats; f; f = f->next)
		if (f->drm_format == drm_format)
			return true;
	return false;
}

static void
dmabuf_format(void *data, struct zwp_linux_dmabuf_v1 *dmabuf,
	      uint32_t format)
{
	/* v3 sends modifier events instead; nothing to do. */
}

static void
dmabuf_modifier(void *data, struct zwp_linux_dmabuf_v1 *dmabuf,
		uint32_t format, uint32_t mod_hi, uint32_t mod_lo)
{
	struct xd_wayland *wayland = data;
	uint64_t modifier = (uint64_t)mod_hi << 32 | mod_lo;
	struct xdw_dmabuf_format *f;

	/* Guest buffers are linear: that, or "implicit", will do. */
	if (modifier != DRM_FORMAT_MOD_LINEAR &&
	    modifier != DRM_FORMAT_MOD_INVALID)
		return;
	if (dmabuf_supports(wayland, format))
		return;
	f = calloc(1, sizeof *f);
	if (!f)
		return;
	f->drm_format = format;
	f->next = wayland->dmabuf_formats;
	wayland->dmabuf_formats = f;
}

static const struct zwp_linux_dmabuf_v1_listener dmabuf_listener = {
	dmabuf_format, dmabuf_modifier,
};

void
xdw_fb_bind_dmabuf(struct xd_wayland *w, uint32_t name)
{
	w->dmabuf = wl_registry_bind(w->registry, name,
				     &zwp_linux_dmabuf_v1_interface, 3);
	zwp_linux_dmabuf_v1_add_listener(w->dmabuf, &dmabuf_listener, w);
}

static void
copy_free(struct xdw_fb_copy *copy)
{
	struct xd_budget *budget = copy->fb->fb.buffer->budget;

	wl_buffer_destroy(copy->buffer);
	munmap(copy->map, copy->size);
	xd_budget_uncharge(budget, XD_BUDGET_MEMORY, copy->charged);
	free(copy);
}

/* Unlinks and frees copy, which the compositor does not hold. */
static void
copy_remove(struct xdw_fb_copy *copy)
{
	struct xdw_fb_copy **p;

	for (p = &copy->fb->copies; *p; p = &(*p)->next) {
		if (*p == copy) {
			*p = copy->next;
			break;
		}
	}
	copy_free(copy);
}

/* Frees fb's copies the compositor does not hold. */
static void
fb_free_idle_copies(struct xdw_fb *fb)
{
	struct xdw_fb_copy **p = &fb->copies, *copy;

	while ((copy = *p)) {
		if (copy->busy) {
			p = &copy->next;
			continue;
		}
		*p = copy->next;
		copy_free(copy);
	}
}

static void
fb_destroy(struct xdw_fb *fb)
{
	struct xdw_fb_copy *copy;
	struct xdw_fb_waiter *waiter, *tmp;

	/* Nothing of fb will be shown: its waiters stop waiting. */
	wl_list_for_each_safe(waiter, tmp, &fb->waiters, link)
		xdw_fb_wait_cancel(waiter);
	wl_list_remove(&fb->link);
	if (fb->dmabuf_buffer)
		wl_buffer_destroy(fb->dmabuf_buffer);
	while ((copy = fb->copies)) {
		fb->copies = copy->next;
		copy_free(copy);
	}
	if (fb->cpu_map)
		munmap(fb->cpu_map, fb->cpu_map_size);
	xd_budget_uncharge(fb->fb.buffer->budget, XD_BUDGET_FRAMEBUFFERS, 1);
	xd_guest_buffer_unref(fb->fb.buffer);
	free(fb);
}

static bool
fb_busy(struct xdw_fb *fb)
{
	struct xdw_fb_copy *copy;

	if (fb->dmabuf_busy)
		return true;
	for (copy = fb->copies; copy; copy = copy->next)
		if (copy->busy)
			return true;
	return false;
}

static void
fb_maybe_destroy(struct xdw_fb *fb)
{
	if (fb->detached && !fb_busy(fb))
		fb_destroy(fb);
}

/* The compositor released a buffer of fb: each waiter is told once. Of
 * screens waiting for a copy, one takes it; one that finds it taken by
 * another waits again. */
static void
fb_wake_waiters(struct xdw_fb *fb)
{
	struct xdw_fb_waiter *waiter;
	struct wl_list waiters;

	/* Off fb's list first: a waiter may wait on fb again meanwhile. */
	wl_list_init(&waiters);
	wl_list_insert_list(&waiters, &fb->waiters);
	wl_list_init(&fb->waiters);
	while (!wl_list_empty(&waiters)) {
		waiter = wl_container_of(waiters.next, waiter, link);
		xdw_fb_wait_cancel(waiter);
		waiter->notify(waiter);
	}
}

static void
dmabuf_buffer_release(void *data, struct wl_buffer *buffer)
{
	struct xdw_fb *fb = data;

	fb->dmabuf_busy = false;
	/* A flip waiting for this buffer's release completes. */
	fb_wake_waiters(fb);
	fb_maybe_destroy(fb);
}

static const struct wl_buffer_listener dmabuf_buffer_listener = {
	dmabuf_buffer_release,
};

/* Released: first to a screen waiting for it, else freed, unless it is
 * the spare of an fb a screen showed last (the next flips of a double-
 * or triple-buffering guest reuse it). */
static void
copy_release(void *data, struct wl_buffer *buffer)
{
	struct xdw_fb_copy *copy = data;
	struct xdw_fb *fb = copy->fb;
	struct xdw_fb_copy *other;

	copy->busy = false;
	if (fb->detached) {
		fb_maybe_destroy(fb);
		return;
	}
	/* Waiters commit at once, before the copy could be freed; none
	 * frees a copy of fb. */
	fb_wake_waiters(fb);
	if (copy->busy)
		return;
	for (other = fb->copies; other; other = other->next)
		if (other != copy && !other->busy)
			break;
	if (fb->kept == 0 || other)
		copy_remove(copy);
}

static const struct wl_buffer_listener copy_listener = {
	copy_release,
};

struct import {
	struct wl_buffer *buffer;
	bool done;
};

static void
params_created(void *data, struct zwp_linux_buffer_params_v1 *params,
	       struct wl_buffer *buffer)
{
	struct import *import = data;

	import->buffer = buffer;
	import->done = true;
}

static void
params_failed(void *data, struct zwp_linux_buffer_params_v1 *params)
{
	((struct import *)data)->done = true;
}

static const struct zwp_linux_buffer_params_v1_listener params_listener = {
	params_created, params_failed,
};

/* Asks the compositor to import the guest's dma-buf; waits for its
 * answer on a private queue, so no other event is dispatched meanwhile. */
static const char *
import_dmabuf(struct xdw_fb *fb)
{
	struct xd_wayland *w = fb->wayland;
	struct xd_guest_buffer *buf = fb->fb.buffer;
	uint32_t format = xd_format_opaque(fb->fb.drm_format);
	struct zwp_linux_buffer_params_v1 *params;
	struct import import = { 0 };
	uint64_t offset = buf->dmabuf_offset + fb->fb.offset;

	if (buf->dmabuf_fd < 0)
		return "the buffer provider gave no dma-buf";
	if (!w->dmabuf)
		return "the compositor imports no dma-bufs";
	if (!dmabuf_supports(w, format))
		return "the compositor cannot import this format";
	if (offset > UINT32_MAX)
		return "the data offset is beyond what linux-dmabuf carries";

	params = zwp_linux_dmabuf_v1_create_params(w->dmabuf);
	wl_proxy_set_queue((struct wl_proxy *)params, w->import_queue);
	zwp_linux_buffer_params_v1_add_listener(params, &params_listener,
						&import);
	zwp_linux_buffer_params_v1_add(params, buf->dmabuf_fd, 0, offset,
				       fb->fb.pitch,
				       DRM_FORMAT_MOD_LINEAR >> 32,
				       DRM_FORMAT_MOD_LINEAR & 0xffffffff);
	zwp_linux_buffer_params_v1_create(params, fb->fb.width,
					  fb->fb.height, format, 0);
	while (!import.done)
		if (wl_display_roundtrip_queue(w->display,
					       w->import_queue) < 0)
			break;
	zwp_linux_buffer_params_v1_destroy(params);
	if (!import.buffer)
		return "the compositor refused the import (its log says why)";

	wl_proxy_set_queue((struct wl_proxy *)import.buffer, NULL);
	wl_buffer_add_listener(import.buffer, &dmabuf_buffer_listener, fb);
	fb->dmabuf_buffer = import.buffer;
	return NULL;
}

/* The copy path reads the guest's pixels through a CPU view: the
 * provider's, or a mapping of its dma-buf made once here. */
static int
prepare_copy(struct xdw_fb *fb)
{
	struct xd_guest_buffer *buf = fb->fb.buffer;

	if (buf->cpu) {
		fb->cpu = buf->cpu;
		return 0;
	}
	if (buf->dmabuf_fd < 0)
		return -EINVAL;
	fb->cpu_map_size = buf->dmabuf_offset + buf->size;
	fb->cpu_map = mmap(NULL, fb->cpu_map_size, PROT_READ, MAP_SHARED,
			   buf->dmabuf_fd, 0);
	if (fb->cpu_map == MAP_FAILED) {
		fb->cpu_map = NULL;
		return -errno;
	}
	fb->cpu = (uint8_t *)fb->cpu_map + buf->dmabuf_offset;
	return 0;
}

int
xdw_fb_attach(struct xd_wayland *w, const struct xd_fb *xfb)
{
	struct xdw_fb *fb;
	int ret;

	if (xdw_fb_find(w, xfb->cookie))
		return -EEXIST;
	if (xdw_fb_check(xfb) < 0)
		return -EINVAL;
	if (xd_budget_charge(xfb->buffer->budget, XD_BUDGET_FRAMEBUFFERS,
			     1) < 0)
		return -ENOMEM;
	fb = calloc(1, sizeof *fb);
	if (!fb) {
		xd_budget_uncharge(xfb->buffer->budget,
				   XD_BUDGET_FRAMEBUFFERS, 1);
		return -ENOMEM;
	}
	fb->wayland = w;
	fb->serial = ++w->fb_serial;
	wl_list_init(&fb->waiters);
	fb->fb = *xfb;
	xd_guest_buffer_ref(fb->fb.buffer);
	wl_list_insert(&w->fbs, &fb->link);

	fb->why_copy = import_dmabuf(fb);
	if (!fb->why_copy) {
		xd_log("fb %#llx %ux%u: zero copy (%s dma-buf)\n",
			(unsigned long long)xfb->cookie,
			xfb->width, xfb->height, xfb->buffer->provider);
		return 0;
	}
	ret = prepare_copy(fb);
	if (ret < 0) {
		xd_log("fb %#llx: cannot show it: %s, and no CPU "
			"view to copy from\n",
			(unsigned long long)xfb->cookie, fb->why_copy);
		fb->detached = true;
		fb_destroy(fb);
		return ret;
	}
	xd_log("fb %#llx %ux%u: copied per flip: %s\n",
		(unsigned long long)xfb->cookie, xfb->width,
		xfb->height, fb->why_copy);
	return 0;
}

struct xdw_fb *
xdw_fb_find_serial(struct xd_wayland *w, uint64_t serial)
{
	struct xdw_fb *fb;

	wl_list_for_each(fb, &w->fbs, link)
		if (fb->serial == serial)
			return fb;
	return NULL;
}

void
xdw_fb_keep(struct xdw_fb *fb, bool keep)
{
	if (keep) {
		fb->kept++;
		return;
	}
	if (fb->kept > 0 && --fb->kept == 0)
		fb_free_idle_copies(fb);
}

struct xdw_fb *
xdw_fb_find(struct xd_wayland *w, uint64_t cookie)
{
	struct xdw_fb *fb;

	wl_list_for_each(fb, &w->fbs, link)
		if (!fb->detached && fb->fb.cookie == cookie)
			return fb;
	return NULL;
}

void
xdw_fb_detach(struct xd_wayland *w, uint64_t cookie)
{
	struct xdw_fb *fb = xdw_fb_find(w, cookie);

	if (!fb)
		return;
	fb->detached = true;
	fb_maybe_destroy(fb);
}

void
xdw_fb_destroy_all(struct xd_wayland *w)
{
	struct xdw_fb *fb, *tmp;

	wl_list_for_each_safe(fb, tmp, &w->fbs, link)
		fb_destroy(fb);
	while (w->dmabuf_formats) {
		struct xdw_dmabuf_format *f = w->dmabuf_formats;

		w->dmabuf_formats = f->next;
		free(f);
	}
	if (w->dmabuf)
		zwp_linux_dmabuf_v1_destroy(w->dmabuf);
	w->dmabuf = NULL;
}

/* Charges a copy of size bytes to fb's guest: spares of its other fbs
 * go first if that makes room. */
static int
copy_charge(struct xdw_fb *fb, uint64_t bytes)
{
	struct xd_budget *budget = fb->fb.buffer->budget;
	struct xdw_fb *other;

	if (xd_budget_used(budget, XD_BUDGET_MEMORY) + bytes >
	    xd_budget_limit(budget, XD_BUDGET_MEMORY))
		wl_list_for_each(other, &fb->wayland->fbs, link)
			if (other != fb)
				fb_free_idle_copies(other);
	return xd_budget_charge(budget, XD_BUDGET_MEMORY, bytes);
}

static struct xdw_fb_copy *
copy_create(struct xdw_fb *fb)
{
	struct xd_wayland *w = fb->wayland;
	struct xdw_fb_copy *copy;
	struct wl_shm_pool *pool;
	uint32_t stride = fb->fb.width * 4;
	size_t size = (size_t)stride * fb->fb.height;
	uint64_t pages = ((uint64_t)size + 4095) & ~(uint64_t)4095;
	int fd;

	if (copy_charge(fb, pages) < 0)
		return NULL;
	copy = calloc(1, sizeof *copy);
	if (!copy) {
		xd_budget_uncharge(fb->fb.buffer->budget, XD_BUDGET_MEMORY,
				   pages);
		return NULL;
	}
	copy->fb = fb;
	copy->size = size;
	copy->charged = pages;
	fd = memfd_create("xen-display-copy", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, copy->size) < 0)
		goto err;
	copy->map = mmap(NULL, copy->size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
	if (copy->map == MAP_FAILED)
		goto err;
	pool = wl_shm_create_pool(w->shm, fd, copy->size);
	copy->buffer = wl_shm_pool_create_buffer(pool, 0, fb->fb.width,
						 fb->fb.height, stride,
						 WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	wl_buffer_add_listener(copy->buffer, &copy_listener, copy);
	copy->next = fb->copies;
	fb->copies = copy;
	return copy;

err:
	if (fd >= 0)
		close(fd);
	xd_budget_uncharge(fb->fb.buffer->budget, XD_BUDGET_MEMORY, pages);
	free(copy);
	return NULL;
}

int
xdw_fb_get_buffer(struct xdw_fb *fb, struct wl_buffer **buffer)
{
	struct xdw_fb_copy *copy;
	int n = 0;

	if (fb->dmabuf_buffer) {
		fb->dmabuf_busy = true;
		/* Shown again: a flip that replaced it stops waiting for its
		 * release, which does not come while it is on screen. */
		fb_wake_waiters(fb);
		*buffer = fb->dmabuf_buffer;
		return 0;
	}
	for (copy = fb->copies; copy; copy = copy->next, n++)
		if (!copy->busy)
			break;
	/* The compositor holds every copy fb may have: all but the one it
	 * shows last come back soon, the caller waits for one. */
	if (!copy && n >= MAX_COPIES)
		return -EBUSY;
	if (!copy)
		copy = copy_create(fb);
	if (!copy)
		return -ENOMEM;
	xd_convert_to_xrgb8888(copy->map, fb->fb.width * 4,
			       fb->cpu + fb->fb.offset, fb->fb.pitch,
			       fb->fb.width, fb->fb.height,
			       fb->fb.drm_format);
	copy->busy = true;
	*buffer = copy->buffer;
	return 0;
}

void
xdw_fb_wait(struct xdw_fb *fb, struct xdw_fb_waiter *waiter)
{
	xdw_fb_wait_cancel(waiter);
	wl_list_insert(fb->waiters.prev, &waiter->link);
}

void
xdw_fb_wait_cancel(struct xdw_fb_waiter *waiter)
{
	wl_list_remove(&waiter->link);
	wl_list_init(&waiter->link);
}

const char *
xd_wayland_fb_path(struct xd_wayland *w, uint64_t cookie)
{
	struct xdw_fb *fb = xdw_fb_find(w, cookie);

	if (!fb)
		return NULL;
	return fb->dmabuf_buffer ? "zero copy" : "copy";
}
