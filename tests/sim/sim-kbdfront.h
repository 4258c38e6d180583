/* SPDX-License-Identifier: MIT */
/*
 * A simulated xen-kbdfront: the guest side of kbdif as Linux's driver
 * does it (drivers/input/misc/xen-kbdfront.c: features read from the
 * backend when it probes, requests written, event page and port
 * published, Initialised, then Connected on the backend's InitWait), and
 * the toolstack's part of a vkb= device. The events it takes off the
 * page are kept for the test to read.
 */

#ifndef XD_SIM_KBDFRONT_H
#define XD_SIM_KBDFRONT_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/io/kbdif.h>

struct xd_event_loop;
struct xd_sim_hv;
struct xd_sim_kbdfront;

struct xd_sim_kbdfront_config {
	uint32_t domid;
	uint32_t devid;
	uint32_t backend_domid;
	/* The toolstack's vkb= options; NULL / 0 leave a node unset. */
	const char *unique_id;
	uint32_t width, height;
	bool disable_keyboard;
	bool disable_pointer;
	/* The frontend asks for absolute coordinates when offered (Linux
	 * always does); false models a relative-only frontend. */
	bool want_abs;
	bool want_raw;
	/* A hostile frontend: publishes a grant ref it never made. */
	bool bad_gref;
	/* ... or this text as its event-channel node instead of its port. */
	const char *bad_event_channel;
};

/* What libxl writes for vkb = [ 'backend-type=linux,...' ]: the backend
 * directory is backend/vinput, the frontend's device/vkbd. */
int
xd_sim_toolstack_add_vkbd(struct xd_sim_hv *hv,
			  const struct xd_sim_kbdfront_config *config);

void
xd_sim_toolstack_remove_vkbd(struct xd_sim_hv *hv, uint32_t domid,
			     uint32_t devid, uint32_t backend_domid);

struct xd_sim_kbdfront *
xd_sim_kbdfront_create(struct xd_sim_hv *hv, struct xd_event_loop *loop,
		       const struct xd_sim_kbdfront_config *config);

/* Probes once the backend is in InitWait and waits for it to connect. */
int
xd_sim_kbdfront_connect(struct xd_sim_kbdfront *kf, int timeout_ms);

void
xd_sim_kbdfront_destroy(struct xd_sim_kbdfront *kf);

/* What the frontend found at probe time (backend nodes) and asked for. */
struct xd_sim_kbdfront_features {
	bool abs;
	bool raw;
	bool mtouch;
	uint32_t width, height;
	uint32_t mt_width, mt_height, mt_contacts;
};

void
xd_sim_kbdfront_features(struct xd_sim_kbdfront *kf,
			 struct xd_sim_kbdfront_features *out);

/* Copies up to max events received since the last call, oldest first. */
unsigned int
xd_sim_kbdfront_take(struct xd_sim_kbdfront *kf, union xenkbd_in_event *out,
		     unsigned int max);

/* A guest that stops reading its events (false), or reads again. */
void
xd_sim_kbdfront_set_reading(struct xd_sim_kbdfront *kf, bool reading);

/* The shared event page, for hostile tests. */
struct xenkbd_page *
xd_sim_kbdfront_page(struct xd_sim_kbdfront *kf);

/* The backend's XenbusState as last seen. */
int
xd_sim_kbdfront_backend_state(struct xd_sim_kbdfront *kf);

/* One event as text ("key 30 1", "pos 10 20 0", "motion 1 -2 0",
 * "mt down 0 5 6", "mt up 0", "mt motion 0 5 6", "mt syn"). */
void
xd_sim_kbd_event_format(const union xenkbd_in_event *ev, char *buf,
			unsigned int size);

#endif
