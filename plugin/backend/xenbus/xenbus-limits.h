/* SPDX-License-Identifier: MIT */
/*
 * The bounds on what a guest or the toolstack may write into the XenStore
 * nodes of any of our devices (vdispl and vkbd alike). The bounds that are
 * displif's own are in displif/displif-limits.h; doc/hostile-guests.md
 * explains each.
 */

#ifndef XD_XENBUS_LIMITS_H
#define XD_XENBUS_LIMITS_H

/* XenStore values we read are short; anything longer is refused. */
#define XD_MAX_XS_VALUE		256
#define XD_MAX_UNIQUE_ID	64

/* The largest picture a node or request may name: a connector's mode, a
 * vkbd's pointer range. */
#define XD_MAX_WIDTH		8192u
#define XD_MAX_HEIGHT		8192u

#endif
