/* SPDX-License-Identifier: MIT */
/*
 * A guest's display buffer as the layers above the buffer providers see it
 * (buffers/, buffer-provider.h): made by a provider, held by the displif
 * half and by the display sink (display-sink.h).
 */

#ifndef XD_GUEST_BUFFER_H
#define XD_GUEST_BUFFER_H

#include <stdint.h>

struct xd_budget;

/*
 * A guest display buffer (DBUF_CREATE), mapped once when it is created and
 * unmapped when the last reference goes. The displif half holds a reference
 * from DBUF_CREATE to DBUF_DESTROY (or disconnect); a sink holds one for as
 * long as the compositor may still read the buffer. All fields are set by the
 * buffer provider before the sink sees the buffer and never change after.
 */
struct xd_guest_buffer {
	int refcount;
	uint32_t size;		/* bytes, validated against the page count */

	/* Zero-copy view: a dma-buf holding byte 0 of the buffer at
	 * dmabuf_offset, or dmabuf_fd == -1 when the provider has none. The
	 * fd stays owned by the buffer: a sink dup()s it if it must keep it. */
	int dmabuf_fd;
	uint64_t dmabuf_offset;

	/* CPU view of the whole buffer for copy and conversion, or NULL. */
	void *cpu;

	/* Which provider made it ("kmod", "gntdev", "map", "gntshr", "sim",
	 * "sim-map"; see buffers/buffer-provider.h): logs. */
	const char *provider;

	/* The guest's budget (buffers/budget.h), referenced by the buffer,
	 * or NULL (no limits: tests' doubles). The buffer's own pages stay
	 * charged to it until the buffer is destroyed; the Wayland half
	 * charges what it makes for the guest (framebuffers, copies) to it
	 * too. */
	struct xd_budget *budget;

	/* Unmaps and frees; called by xd_guest_buffer_unref() at zero. */
	void (*destroy)(struct xd_guest_buffer *buffer);
};

static inline struct xd_guest_buffer *
xd_guest_buffer_ref(struct xd_guest_buffer *buffer)
{
	buffer->refcount++;
	return buffer;
}

static inline void
xd_guest_buffer_unref(struct xd_guest_buffer *buffer)
{
	if (--buffer->refcount == 0)
		buffer->destroy(buffer);
}

#endif
