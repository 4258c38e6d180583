/* SPDX-License-Identifier: MIT */
/*
 * Every guest display on screen framed and named by the module: for each
 * view, in any layer and under any shell, of a surface whose client is a
 * backend process, the module keeps a frame in the guest's colour with
 * the guest's name, just above that view in its layer. The name is the
 * toolstack's, as the supervisor read it for the backend it launched;
 * nothing a backend sends changes it. The frame lies around the picture
 * (and its sub-surfaces) when that fits on the outputs, else over the
 * picture's edges; it is wider, and the name says so, while the guest
 * holds a seat's keyboard. Look: common/label-style.h; why and what it
 * guarantees: doc/security.md.
 */

#ifndef XD_GUEST_FRAME_H
#define XD_GUEST_FRAME_H

struct xd_module;
struct xd_guest_frames;

struct xd_guest_frames *
xd_guest_frames_create(struct xd_module *module);

void
xd_guest_frames_destroy(struct xd_guest_frames *frames);

/* Something may have moved, restacked or changed focus: look again
 * soon (once, however often it is called before). */
void
xd_guest_frames_update(struct xd_guest_frames *frames);

#endif
