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

/* Per buffer, and per guest device in total. */
#define XD_MAX_BUFFER_BYTES	(128u << 20)
#define XD_MAX_GUEST_BYTES	(512u << 20)
#define XD_MAX_BUFFERS		64
#define XD_MAX_FBS		64

/* be-alloc buffers cost dom0 memory: a smaller budget. */
#define XD_MAX_BE_ALLOC_BYTES	(256u << 20)

/* Flips the sink has not completed yet, per connector. */
#define XD_MAX_PENDING_FLIPS	2

/* Requests handled per wake-up before the loop serves others. */
#define XD_MAX_REQUESTS_PER_WAKEUP 64

#endif
