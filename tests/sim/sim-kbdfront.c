/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/io/xenbus.h>

#include "event-loop.h"
#include "sim-hv.h"
#include "sim-kbdfront.h"
#include "sim-xenbus.h"

#define MAX_KEPT 1024
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

struct xd_sim_kbdfront {
	struct xd_sim_hv *hv;
	struct xd_event_loop *loop;
	struct xd_sim_kbdfront_config config;
	char fe_path[96];
	char be_path[96];
	int state;
	int be_state;
	bool probed;
	bool reading;

	struct xd_sim_kbdfront_features features;
	int64_t pfn;
	struct xenkbd_page *page;
	uint32_t gref;
	uint32_t port;

	union xenkbd_in_event kept[MAX_KEPT];
	unsigned int n_kept;
};

static void
write_fe(struct xd_sim_kbdfront *kf, const char *node, uint32_t value)
{
	xd_sim_write_u32(kf->hv, kf->config.domid, kf->fe_path, node, value);
}

static void
set_state(struct xd_sim_kbdfront *kf, int state)
{
	write_fe(kf, "state", (uint32_t)state);
	kf->state = state;
}

/* xenbus_read_unsigned() on the backend's directory. */
static uint32_t
read_be(struct xd_sim_kbdfront *kf, const char *node, uint32_t fallback)
{
	char path[160], *value, *end;
	unsigned long v;

	snprintf(path, sizeof path, "%s/%s", kf->be_path, node);
	value = xd_sim_xs_read(kf->hv, kf->config.domid, path);
	if (!value)
		return fallback;
	v = strtoul(value, &end, 10);
	if (end == value || *end)
		v = fallback;
	free(value);
	return (uint32_t)v;
}

/* input_handler(): everything between in_cons and in_prod. */
static void
events(void *data, uint32_t port)
{
	struct xd_sim_kbdfront *kf = data;
	struct xenkbd_page *page = kf->page;
	uint32_t cons, prod;

	if (!page || !kf->reading)
		return;
	prod = page->in_prod;
	xen_rmb();
	for (cons = page->in_cons; cons != prod; cons++)
		if (kf->n_kept < MAX_KEPT)
			memcpy(&kf->kept[kf->n_kept++],
			       &XENKBD_IN_RING_REF(page, cons),
			       sizeof kf->kept[0]);
	xen_mb();
	page->in_cons = cons;
	xd_sim_evtchn_notify(kf->hv, kf->config.domid, kf->port);
}

static void
transport_free(struct xd_sim_kbdfront *kf)
{
	if (!kf->page)
		return;
	xd_sim_evtchn_close(kf->hv, kf->config.domid, kf->port);
	if (xd_sim_gnt_end(kf->hv, kf->config.domid, kf->gref) == 0)
		xd_sim_mem_free(kf->hv, kf->config.domid, kf->pfn, 1);
	kf->page = NULL;
}

/* xenkbd_probe() + xenkbd_connect_backend(). */
static int
probe(struct xd_sim_kbdfront *kf)
{
	struct xd_sim_kbdfront_features *f = &kf->features;
	uint32_t domid = kf->config.domid;
	bool pointer;

	memset(f, 0, sizeof *f);
	pointer = !read_be(kf, XENKBD_FIELD_FEAT_DSBL_POINTER, 0);
	f->mtouch = read_be(kf, XENKBD_FIELD_FEAT_MTOUCH, 0);
	if (f->mtouch) {
		write_fe(kf, XENKBD_FIELD_REQ_MTOUCH, 1);
		f->mt_contacts = read_be(kf, XENKBD_FIELD_MT_NUM_CONTACTS, 1);
		f->mt_width = read_be(kf, XENKBD_FIELD_MT_WIDTH, 800);
		f->mt_height = read_be(kf, XENKBD_FIELD_MT_HEIGHT, 600);
	}
	if (pointer) {
		f->abs = kf->config.want_abs &&
			 read_be(kf, XENKBD_FIELD_FEAT_ABS_POINTER, 0);
		f->width = read_be(kf, XENKBD_FIELD_WIDTH, 800);
		f->height = read_be(kf, XENKBD_FIELD_HEIGHT, 600);
		if (f->abs)
			write_fe(kf, XENKBD_FIELD_REQ_ABS_POINTER, 1);
		f->raw = f->abs && kf->config.want_raw &&
			 read_be(kf, XENKBD_FIELD_FEAT_RAW_POINTER, 0);
		if (f->raw)
			write_fe(kf, XENKBD_FIELD_REQ_RAW_POINTER, 1);
	}

	kf->pfn = xd_sim_mem_alloc(kf->hv, domid, 1);
	if (kf->pfn < 0)
		return -ENOMEM;
	kf->page = xd_sim_mem_ptr(kf->hv, domid, kf->pfn);
	memset(kf->page, 0, XD_SIM_PAGE_SIZE);
	if (xd_sim_gnt_grant(kf->hv, domid, kf->config.backend_domid,
			     kf->pfn, false, &kf->gref) < 0 ||
	    xd_sim_evtchn_alloc_unbound(kf->hv, domid,
					kf->config.backend_domid, events, kf,
					&kf->port) < 0) {
		kf->page = NULL;
		return -EIO;
	}
	write_fe(kf, XENKBD_FIELD_RING_GREF,
		 kf->config.bad_gref ? kf->gref + 100000 : kf->gref);
	if (kf->config.bad_event_channel) {
		char path[160];

		snprintf(path, sizeof path, "%s/%s", kf->fe_path,
			 XENKBD_FIELD_EVT_CHANNEL);
		xd_sim_xs_write(kf->hv, domid, path,
				kf->config.bad_event_channel);
	} else {
		write_fe(kf, XENKBD_FIELD_EVT_CHANNEL, kf->port);
	}
	kf->probed = true;
	set_state(kf, XenbusStateInitialised);
	return 0;
}

/* xenkbd_backend_changed(). */
static void
backend_changed(void *data, const char *path, const char *token)
{
	struct xd_sim_kbdfront *kf = data;

	kf->be_state = xd_sim_read_state(kf->hv, kf->config.domid,
					 kf->be_path);

	switch (kf->be_state) {
	case XenbusStateInitWait:
	case XenbusStateConnected:
		if (kf->probed && kf->state != XenbusStateConnected)
			set_state(kf, XenbusStateConnected);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		if (kf->state != XenbusStateClosed && kf->probed)
			set_state(kf, XenbusStateClosed);
		break;
	default:
		break;
	}
}

struct xd_sim_kbdfront *
xd_sim_kbdfront_create(struct xd_sim_hv *hv, struct xd_event_loop *loop,
		       const struct xd_sim_kbdfront_config *config)
{
	struct xd_sim_kbdfront *kf = calloc(1, sizeof *kf);
	char path[128];

	if (!kf)
		return NULL;
	kf->hv = hv;
	kf->loop = loop;
	kf->config = *config;
	kf->state = XenbusStateInitialising;
	kf->be_state = XenbusStateUnknown;
	kf->reading = true;
	snprintf(kf->fe_path, sizeof kf->fe_path,
		 "/local/domain/%u/device/vkbd/%u", config->domid,
		 config->devid);
	snprintf(kf->be_path, sizeof kf->be_path,
		 "/local/domain/%u/backend/vinput/%u/%u",
		 config->backend_domid, config->domid, config->devid);
	snprintf(path, sizeof path, "%s/state", kf->be_path);
	if (xd_sim_xs_watch(hv, config->domid, path, "kbd-be",
			    backend_changed, kf) < 0) {
		free(kf);
		return NULL;
	}
	return kf;
}

int
xd_sim_kbdfront_connect(struct xd_sim_kbdfront *kf, int timeout_ms)
{
	int64_t end = xd_sim_now_ms() + timeout_ms;

	/* The guest boots after the backend published its features, as
	 * when the toolstack starts the backend with the domain. */
	while (kf->state != XenbusStateConnected ||
	       kf->be_state != XenbusStateConnected) {
		int64_t left = end - xd_sim_now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		if (kf->probed && (kf->be_state == XenbusStateClosing ||
				   kf->be_state == XenbusStateClosed))
			return -ECONNREFUSED;
		if (!kf->probed && (kf->be_state == XenbusStateInitWait ||
				    kf->be_state == XenbusStateConnected)) {
			if (probe(kf) < 0)
				return -EIO;
			backend_changed(kf, NULL, NULL);
		}
		xd_event_loop_dispatch(kf->loop, left < 50 ? left : 50);
	}
	return 0;
}

void
xd_sim_kbdfront_destroy(struct xd_sim_kbdfront *kf)
{
	char path[128];

	if (!kf)
		return;
	snprintf(path, sizeof path, "%s/state", kf->be_path);
	xd_sim_xs_unwatch(kf->hv, kf->config.domid, path, "kbd-be");
	transport_free(kf);
	free(kf);
}

void
xd_sim_kbdfront_features(struct xd_sim_kbdfront *kf,
			 struct xd_sim_kbdfront_features *out)
{
	*out = kf->features;
}

unsigned int
xd_sim_kbdfront_take(struct xd_sim_kbdfront *kf, union xenkbd_in_event *out,
		     unsigned int max)
{
	unsigned int n = kf->n_kept < max ? kf->n_kept : max;

	memcpy(out, kf->kept, n * sizeof *out);
	memmove(kf->kept, kf->kept + n, (kf->n_kept - n) * sizeof *out);
	kf->n_kept -= n;
	return n;
}

void
xd_sim_kbdfront_set_reading(struct xd_sim_kbdfront *kf, bool reading)
{
	kf->reading = reading;
	if (reading)
		events(kf, kf->port);
}

struct xenkbd_page *
xd_sim_kbdfront_page(struct xd_sim_kbdfront *kf)
{
	return kf->page;
}

int
xd_sim_kbdfront_backend_state(struct xd_sim_kbdfront *kf)
{
	return kf->be_state;
}

void
xd_sim_kbd_event_format(const union xenkbd_in_event *ev, char *buf,
			unsigned int size)
{
	static const char *const mt[] = {
		"down", "up", "motion", "syn", "shape", "orient",
	};
	const struct xenkbd_mtouch *m = &ev->mtouch;

	switch (ev->type) {
	case XENKBD_TYPE_KEY:
		snprintf(buf, size, "key %u %u", ev->key.keycode,
			 ev->key.pressed);
		break;
	case XENKBD_TYPE_POS:
		snprintf(buf, size, "pos %d %d %d", ev->pos.abs_x,
			 ev->pos.abs_y, ev->pos.rel_z);
		break;
	case XENKBD_TYPE_MOTION:
		snprintf(buf, size, "motion %d %d %d", ev->motion.rel_x,
			 ev->motion.rel_y, ev->motion.rel_z);
		break;
	case XENKBD_TYPE_MTOUCH:
		if (m->event_type == XENKBD_MT_EV_DOWN ||
		    m->event_type == XENKBD_MT_EV_MOTION)
			snprintf(buf, size, "mt %s %u %d %d",
				 mt[m->event_type], m->contact_id,
				 m->u.pos.abs_x, m->u.pos.abs_y);
		else if (m->event_type == XENKBD_MT_EV_SYN)
			snprintf(buf, size, "mt syn");
		else if (m->event_type <= XENKBD_MT_EV_ORIENT)
			snprintf(buf, size, "mt %s %u", mt[m->event_type],
				 m->contact_id);
		else
			snprintf(buf, size, "mt ? %u", m->event_type);
		break;
	default:
		snprintf(buf, size, "type %u", ev->type);
		break;
	}
}
