/* SPDX-License-Identifier: MIT */
/*
 * The XenStore broker's wire, between the module (module/store-broker.c)
 * and a backend it launched (backend/xen/xen-broker-store.c), on one
 * SOCK_SEQPACKET socketpair per backend: every message is one packet, a
 * header and exactly len0 + len1 bytes of payload after it. The backend
 * holds no XenStore connection of its own: it asks the module, which
 * performs the operation only on its guest's nodes (store-policy.h).
 *
 * Requests are those of struct xd_xen_store_ops, one at a time: the
 * backend waits for the reply (same id) before its next request, and
 * keeps the watch events that arrive meanwhile. Fixed sizes, both sides
 * are the same machine's processes (native byte order).
 *
 *   request         payload                     reply
 *   READ            path\0                      value (len0 bytes)
 *   WRITE           path\0 value (len1 bytes)   -
 *   REMOVE          path\0                      -
 *   DIRECTORY       path\0                      names, each \0-ended;
 *                                               arg = count
 *   WATCH           path\0 token\0              -
 *   UNWATCH         path\0 token\0              -
 *   TXN_START       -                           txn = the channel's id
 *   TXN_END         - (txn; arg = abort)        status -EAGAIN: retry
 *
 * From the module, unrequested: HELLO once, first (arg = the domain
 * whose /local/domain/N/backend the backend serves: the module's own),
 * and WATCH_EVENT (path\0 token\0, the token the backend gave).
 */

#ifndef XD_STORE_WIRE_H
#define XD_STORE_WIRE_H

#include <stdint.h>

/* XenStore's own bounds (xen/io/xs_wire.h): a message's payload, and an
 * absolute path. */
#define XD_STORE_WIRE_MAX_PAYLOAD	4096u
#define XD_STORE_WIRE_MAX_PATH		3072u
/* A backend's watch token, its NUL included (ours are under 48). */
#define XD_STORE_WIRE_MAX_TOKEN		64u

enum xd_store_wire_type {
	XD_STORE_READ = 1,
	XD_STORE_WRITE,
	XD_STORE_REMOVE,
	XD_STORE_DIRECTORY,
	XD_STORE_WATCH,
	XD_STORE_UNWATCH,
	XD_STORE_TXN_START,
	XD_STORE_TXN_END,

	XD_STORE_REPLY = 100,		/* id: the request's */
	XD_STORE_HELLO,
	XD_STORE_WATCH_EVENT,
};

struct xd_store_wire_msg {
	uint32_t type;		/* enum xd_store_wire_type */
	uint32_t id;		/* request's, echoed by its reply */
	uint32_t txn;		/* the channel's transaction, or 0 */
	int32_t status;		/* replies: 0 or a negative errno */
	uint32_t arg;		/* see the table above */
	uint32_t len0;		/* first part of the payload */
	uint32_t len1;		/* second part, or 0 */
};

_Static_assert(sizeof(struct xd_store_wire_msg) == 28,
	       "the broker's header has a fixed size");

#define XD_STORE_WIRE_MAX_MSG \
	(sizeof(struct xd_store_wire_msg) + XD_STORE_WIRE_MAX_PAYLOAD)

#endif
