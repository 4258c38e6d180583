/* SPDX-License-Identifier: MIT */
/*
 * Every bound the backend puts on what a guest may ask of displif. Stock
 * xen-drm-front stays far inside them (4095x2047, 4 connectors, a few
 * buffers per connector); they exist so that a hostile guest cannot make
 * dom0 map or allocate without limit. doc/hostile-guests.md explains each.
 */

#ifndef XD_DISPLIF_LIMITS_H
#define XD_DISPLIF_LIMITS_H

/* The bounds every device's XenStore nodes share (XD_MAX_WIDTH,
 * XD_MAX_HEIGHT, XD_MAX_UNIQUE_ID, XD_MAX_XS_VALUE). */
#include "xenbus/xenbus-limits.h"

#define XD_MAX_CONNECTORS	4

/* Per buffer; and the slots of one device. What a guest may hold in
 * total (mapped pages, dom0 memory, buffers, framebuffers) is its budget,
 * kept by the buffer provider layer (buffers/budget.h) for as long as
 * the resource is held, the compositor's hold included. */
#define XD_MAX_BUFFER_BYTES	(128u << 20)
#define XD_MAX_BUFFERS		64
#define XD_MAX_FBS		64

/* Framebuffers on one buffer: a guest shows a buffer through one fb,
 * rarely a few (one per connector); each may cost a copy. */
#define XD_MAX_FBS_PER_BUFFER	4

/* Flips the sink has not completed yet, per connector. */
#define XD_MAX_PENDING_FLIPS	2

/* Requests handled per wake-up before the loop serves others. */
#define XD_MAX_REQUESTS_PER_WAKEUP 64

#endif
