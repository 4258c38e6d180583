/* SPDX-License-Identifier: MIT */
/*
 * Creates and wires the halves of one backend process (backend-process.h):
 *
 *   Xen access (xen/) ─┬─ vdispl device (displif/) ── display sink ──┐
 *   buffer providers ──┤  (guest buffers from buffers/)               │
 *                      │                                             │
 *                      └─ vkbd devices (kbdif/) <── input sink ── Wayland
 *                                                                (wayland/)
 *
 * One Xen connection serves every device of the guest: its watches and
 * events are handed to whichever device claims them. The kmod's file
 * bound to the guest serves both its buffers (buffers/) and, dup'd, the
 * Xen access layer's small grant maps.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "backend-process.h"
#include "buffers/budget.h"
#include "buffers/buffers.h"
#include "displif/vdispl-device.h"
#include "kbdif/kbdif-guest.h"
#include "log.h"
#include "wayland/wayland-sink.h"
#include "xen/xen-access.h"
#include "xenbus/xs-nodes.h"
#include "xenbus/xs-values.h"

struct xd_backend_process {
	uint32_t domid;
	bool lost;
	struct xd_xen *xen;
	struct xd_budget *budget;
	struct xd_buffers *buffers;
	struct xd_wayland *wayland;
	struct xd_vdispl_device *vdispl;
	struct xd_kbdif_guest *kbd;		/* device 0 only */
};

static void
on_watch(void *data, const char *path, const char *token)
{
	struct xd_backend_process *b = data;

	if (b->kbd && xd_kbdif_guest_watch(b->kbd, path, token))
		return;
	if (b->vdispl)
		xd_vdispl_device_watch(b->vdispl, path, token);
}

static void
on_event(void *data, uint32_t port)
{
	struct xd_backend_process *b = data;

	if (b->kbd && xd_kbdif_guest_event(b->kbd, port))
		return;
	if (b->vdispl)
		xd_vdispl_device_event(b->vdispl, port);
}

static void
on_lost(void *data)
{
	struct xd_backend_process *b = data;

	xd_log("dom%u: lost the connection to Xen\n", b->domid);
	b->lost = true;
}

static const struct xd_xen_listener xen_listener = {
	.watch = on_watch,
	.event = on_event,
	.lost = on_lost,
};

/* The guest's name, for window titles and logs; "domN" when it has no
 * usable one. */
static void
guest_label(struct xd_backend_process *b, char *label, size_t size)
{
	char dir[64];
	char *name;

	snprintf(dir, sizeof dir, "/local/domain/%u", b->domid);
	name = xd_xs_read_node(b->xen, dir, "name");
	if (name && xd_valid_unique_id(name, 64))
		snprintf(label, size, "%s", name);
	else
		snprintf(label, size, "dom%u", b->domid);
	free(name);
}

struct xd_backend_process *
xd_backend_process_create(struct xd_event_loop *loop, const char *xen,
			  const struct xd_xen_fds *fds, uint32_t domid,
			  uint32_t devid, bool be_alloc,
			  const struct xd_budget_limits *limits, int kmod_fd)
{
	struct xd_backend_process *b;
	char label[72];

	b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->domid = domid;

	b->xen = xd_xen_open(xen, fds, loop, &xen_listener, b);
	if (!b->xen)
		goto fail;
	b->budget = xd_budget_create(domid, limits);
	b->buffers = xd_buffers_create(b->xen);
	if (!b->budget || !b->buffers)
		goto fail;
	/* Every buffer, ring and copy of this guest is charged to it. */
	xd_buffers_set_budget(b->buffers, b->budget);
	if (kmod_fd >= 0)
		xd_buffers_set_kmod_device(b->buffers, kmod_fd);
	/* The kmod's file bound to the guest maps its rings too, before
	 * any is mapped: then this process never opens the grant device,
	 * which maps any domain's grants. */
	kmod_fd = xd_buffers_kmod_device(b->buffers, domid);
	if (kmod_fd >= 0) {
		int ring_fd = fcntl(kmod_fd, F_DUPFD_CLOEXEC, 3);
		int ret = ring_fd < 0 ? -errno :
			  xd_xen_use_kmod(b->xen, ring_fd);

		if (ret < 0) {
			xd_log("dom%u: cannot map the guest's rings through "
			       "the kmod's file: %s\n", domid, strerror(-ret));
			if (ring_fd >= 0)
				close(ring_fd);
			goto fail;
		}
	}
	b->vdispl = xd_vdispl_device_create(b->xen, b->buffers, loop, domid,
					    devid, be_alloc);
	if (!b->vdispl)
		goto fail;

	guest_label(b, label, sizeof label);
	xd_budget_set_label(b->budget, label);
	b->wayland = xd_wayland_create(loop, label, domid);
	if (!b->wayland)
		goto fail;
	if (devid == 0) {
		b->kbd = xd_kbdif_guest_create(b->xen, loop, domid,
					       xd_vdispl_device_connector_mode,
					       b->vdispl);
		if (b->kbd) {
			xd_kbdif_guest_set_budget(b->kbd, b->budget);
			xd_wayland_set_input_handler(b->wayland,
						     xd_kbdif_guest_input,
						     b->kbd);
		} else {
			xd_log("dom%u: cannot watch for vkbd devices: the "
			       "guest gets no input\n", domid);
		}
	}

	if (xd_vdispl_device_start(b->vdispl, &xd_wayland_sink_interface,
				   b->wayland) < 0)
		goto fail;
	xd_log("dom%u: serving vdispl device %u (%s)\n", domid, devid, label);
	xd_log("dom%u: budget: %llu mapped pages, %llu MiB of dom0 memory, "
	       "%llu buffers, %llu framebuffers\n", domid,
	       (unsigned long long)limits->limit[XD_BUDGET_MAPPED_PAGES],
	       (unsigned long long)(limits->limit[XD_BUDGET_MEMORY] >> 20),
	       (unsigned long long)limits->limit[XD_BUDGET_BUFFERS],
	       (unsigned long long)limits->limit[XD_BUDGET_FRAMEBUFFERS]);
	return b;

fail:
	xd_backend_process_destroy(b);
	return NULL;
}

bool
xd_backend_process_alive(struct xd_backend_process *b)
{
	return !b->lost && xd_vdispl_device_present(b->vdispl);
}

int
xd_backend_process_flush(struct xd_backend_process *b)
{
	return xd_wayland_flush(b->wayland);
}

void
xd_backend_process_log_counters(struct xd_backend_process *b)
{
	struct xd_xen_counters c;
	struct timespec cpu;
	struct rusage ru;

	xd_xen_get_counters(b->xen, &c);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	/* Wakeups: the times the process slept and was woken (voluntary
	 * context switches), as bench-backend counts them. */
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		ru.ru_nvcsw = 0;
	xd_log("dom%u: counters: flips %llu, map calls %llu, unmap calls "
	       "%llu, cpu %llu us, wakeups %llu\n", b->domid,
	       (unsigned long long)xd_vdispl_device_flips_done(b->vdispl),
	       (unsigned long long)c.maps, (unsigned long long)c.unmaps,
	       (unsigned long long)cpu.tv_sec * 1000000 + cpu.tv_nsec / 1000,
	       (unsigned long long)ru.ru_nvcsw);
}

void
xd_backend_process_destroy(struct xd_backend_process *b)
{
	if (!b)
		return;
	/* The sink loses the connectors before it goes. */
	xd_vdispl_device_destroy(b->vdispl);
	b->vdispl = NULL;
	if (b->wayland)
		xd_wayland_set_input_handler(b->wayland, NULL, NULL);
	xd_kbdif_guest_destroy(b->kbd);
	if (b->wayland) {
		xd_wayland_flush(b->wayland);
		xd_wayland_destroy(b->wayland);
	}
	xd_buffers_destroy(b->buffers);
	xd_budget_unref(b->budget);
	xd_xen_close(b->xen);
	free(b);
}
