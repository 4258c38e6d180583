/* SPDX-License-Identifier: MIT */
/*
 * Xen's displif and ring headers, included the one way that works in
 * user space: stdint first, a fixed interface version, real barriers.
 */

#ifndef XD_XEN_DISPLIF_H
#define XD_XEN_DISPLIF_H

#include <stdint.h>
#include <string.h>

/* The interface of Xen 4.14, which every supported libxen-dev has. With
 * it, ring.h leaves barriers to its user: memory shared with another
 * domain needs real fences. */
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif
#ifndef xen_mb
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#include <xen/xen.h>
#include <xen/io/ring.h>
#include <xen/io/displif.h>

#endif
