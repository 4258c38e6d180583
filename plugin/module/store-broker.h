/* SPDX-License-Identifier: MIT */
/*
 * The XenStore broker: a backend process holds no XenStore connection of
 * its own (dom0's may read and write any node, the toolstack's too), only
 * one end of a socketpair to the module, which performs its XenStore
 * operations on the module's connection, for its own guest's nodes alone
 * (store-policy.h). The wire: common/store-wire.h; the backend's end:
 * backend/xen/xen-broker-store.c (--store-fd=N).
 *
 * The broker serves every channel from Weston's loop and never waits on
 * a backend: a bounded number of requests per wakeup and per 100 ms,
 * bounded replies, and a channel whose backend does not read what it is
 * sent is closed (its watch events are gathered while it is busy).
 * Closing a channel removes its watches and aborts its transaction.
 */

#ifndef XD_STORE_BROKER_H
#define XD_STORE_BROKER_H

#include <stdbool.h>
#include <stdint.h>

struct xd_module;
struct xd_xen;
struct xd_store_broker;
struct xd_store_channel;

/* xen: the module's XenStore connection (guest-watch.c's), which must
 * outlive the broker. NULL on allocation failure. */
struct xd_store_broker *
xd_store_broker_create(struct xd_module *module, struct xd_xen *xen);

/* Closes every channel; what the supervisor holds of them stays valid
 * until it destroys them. */
void
xd_store_broker_destroy(struct xd_store_broker *broker);

/* A channel for the backend of guest domid's vdispl device devid.
 * Returns the backend's end of the socketpair (close-on-exec; the
 * caller passes it to the child and closes its copy) and *out, or a
 * negative errno. */
int
xd_store_broker_attach(struct xd_store_broker *broker, uint32_t domid,
		       uint32_t devid, struct xd_store_channel **out);

/* The backend is gone. NULL is ignored. */
void
xd_store_channel_destroy(struct xd_store_channel *channel);

/* Called by the module's XenStore listener for every watch event: true
 * when the token is a channel's (the event went to its backend, or to
 * nobody when the channel is gone), false for the module's own. */
bool
xd_store_broker_route(struct xd_store_broker *broker, const char *path,
		      const char *token);

#endif
