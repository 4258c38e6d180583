/* SPDX-License-Identifier: MIT */
/*
 * A rendered label as a wl_buffer of its own memfd.
 */

#ifndef XD_LABELER_SHM_BUFFER_H
#define XD_LABELER_SHM_BUFFER_H

struct wl_buffer;
struct wl_shm;
struct xd_label_image;

/* An XRGB8888 wl_buffer holding a copy of image, or NULL (errno set). */
struct wl_buffer *
xd_shm_buffer_create(struct wl_shm *shm, const struct xd_label_image *image);

#endif
