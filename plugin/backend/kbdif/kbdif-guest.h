/* SPDX-License-Identifier: MIT */
/*
 * All vkbd devices of one guest, and which of them gets the input of
 * which connector. A vkbd whose unique-id (written by the toolstack,
 * vkb=[ 'unique-id=...' ]) equals a connector's unique-id gets that
 * connector's input only; one without gets the input of every connector
 * of the guest's display.
 *
 * libxl puts a vkb= device with backend-type=linux (a backend other than
 * QEMU: us) under backend/vinput, and one QEMU serves under backend/vkbd;
 * we serve vinput only, so that we never take a device QEMU serves.
 */

#ifndef XD_KBDIF_GUEST_H
#define XD_KBDIF_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "input-sink.h"

struct xd_budget;
struct xd_event_loop;
struct xd_xen;
struct xd_kbdif_guest;

/* The picture size of the connector with unique_id (NULL: the first),
 * from the guest's display configuration: the default pointer range of
 * a vkbd bound to it. -ENOENT when unknown. */
typedef int (*xd_kbdif_mode_func_t)(void *data, const char *unique_id,
				    uint32_t *width, uint32_t *height);

/* Watches /local/domain/SELF/backend/vinput/DOMID (token "vkbd") and
 * serves every device that appears there. */
struct xd_kbdif_guest *
xd_kbdif_guest_create(struct xd_xen *xen, struct xd_event_loop *loop,
		      uint32_t domid, xd_kbdif_mode_func_t mode,
		      void *mode_data);

/* The guest's budget (buffers/budget.h), which outlives g: its vkbd
 * devices' event pages are charged to it. Before any device appears. */
void
xd_kbdif_guest_set_budget(struct xd_kbdif_guest *guest,
			  struct xd_budget *budget);

void
xd_kbdif_guest_destroy(struct xd_kbdif_guest *guest);

/* A watch fired; true when it was one of ours. */
bool
xd_kbdif_guest_watch(struct xd_kbdif_guest *guest, const char *path,
		     const char *token);

/* An event channel fired; true when it was one of ours. */
bool
xd_kbdif_guest_event(struct xd_kbdif_guest *guest, uint32_t local_port);

/* Input for one of the guest's connectors (an xd_input_handler_t). */
void
xd_kbdif_guest_input(void *guest, const struct xd_input_event *event);

#endif
