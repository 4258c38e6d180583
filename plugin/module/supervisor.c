/* SPDX-License-Identifier: MIT */

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <weston.h>

#include "backend-spawn.h"
#include "budget-share.h"
#include "common/clock.h"
#include "module-config.h"
#include "module.h"
#include "store-broker.h"
#include "supervisor.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 8000
/* A backend that ran this long was healthy: start backing off afresh. */
#define STABLE_MS 10000
/* A backend whose device is gone exits by itself once it has let go of
 * the guest's memory in the compositor (xdw-blank.c); after this long it
 * is stopped. */
#define RETIRE_GRACE_MS 2000

struct xd_supervisor {
	struct xd_module *module;
	struct wl_list processes;	/* struct xd_backend_process::link */
};

/* Weston splits the command line on spaces and takes no quoting: only
 * plain words go in. */
static bool
is_plain_word(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-/:", *s))
			return false;
	return true;
}

static void launch(struct xd_backend_process *proc);
static void process_destroy(struct xd_backend_process *proc);
static void start_held_back(struct xd_supervisor *sup);

static int
restart_timer_fired(void *data)
{
	launch(data);
	return 0;
}

static void
client_destroyed(struct wl_listener *listener, void *data)
{
	struct xd_backend_process *proc =
		wl_container_of(listener, proc, client_destroy);
	struct xd_module *module = proc->module;
	struct wl_event_loop *loop =
		wl_display_get_event_loop(module->compositor->wl_display);

	wl_list_remove(&proc->client_destroy.link);
	proc->client = NULL;
	xd_store_channel_destroy(proc->store);
	proc->store = NULL;
	if (proc->retire_timer) {
		struct xd_supervisor *sup = proc->supervisor;

		xd_module_log(module, "%s: backend for device %u exited\n",
			      proc->label, proc->devid);
		process_destroy(proc);
		/* Its share is free: a backend held back may fit now. */
		start_held_back(sup);
		return;
	}
	if (xd_now_ms() - proc->started_ms > STABLE_MS)
		proc->backoff_ms = BACKOFF_MIN_MS;
	xd_module_log(module, "%s: backend for device %u exited; restarting in "
	       "%u ms\n", proc->label, proc->devid, proc->backoff_ms);
	if (!proc->restart_timer)
		proc->restart_timer = wl_event_loop_add_timer(loop,
			restart_timer_fired, proc);
	wl_event_source_timer_update(proc->restart_timer, proc->backoff_ms);
	proc->backoff_ms *= 2;
	if (proc->backoff_ms > BACKOFF_MAX_MS)
		proc->backoff_ms = BACKOFF_MAX_MS;
}

/* The sandbox's command line, backend_path's after "--": written into
 * words and split there into a NULL-terminated argv (the caller frees
 * the array), or NULL when it does not fit. */
static char **
launch_argv(struct xd_backend_process *proc, const char *backend_path,
	    char *words, size_t size)
{
	struct xd_module_config *config = proc->module->config;
	const uint64_t *share = proc->share.limit;
	char **argv;
	size_t n = 0;
	char *w;

	/* This device's share of its guest's budget (give_share()). */
	if (snprintf(words, size, "%s --domid=%u --xen=%s%s%s -- "
		     "%s --domid=%u --devid=%u --xen=%s%s "
		     "--budget-mapped-pages=%llu --budget-memory-mib=%llu "
		     "--budget-buffers=%llu --budget-framebuffers=%llu",
		     config->sandbox_path, proc->domid, config->xen,
		     config->be_alloc ? " --be-alloc" : "",
		     config->sandbox ? "" : " --allow-unconfined",
		     backend_path, proc->domid, proc->devid,
		     config->xen, config->be_alloc ? " --be-alloc" : "",
		     (unsigned long long)share[XD_BUDGET_MAPPED_PAGES],
		     (unsigned long long)(share[XD_BUDGET_MEMORY] >> 20),
		     (unsigned long long)share[XD_BUDGET_BUFFERS],
		     (unsigned long long)share[XD_BUDGET_FRAMEBUFFERS]) >=
	    (int)size)
		return NULL;
	argv = calloc(size / 2 + 2, sizeof *argv);
	if (!argv)
		return NULL;
	for (w = strtok(words, " "); w; w = strtok(NULL, " "))
		argv[n++] = w;
	return argv;
}

static void
launch(struct xd_backend_process *proc)
{
	struct xd_module *module = proc->module;
	struct xd_module_config *config = module->config;
	/* The fds a backend inherits from the module: the sandbox passes
	 * each on. */
	struct xd_spawn_fd fds[1];
	size_t n_fds = 0;
	char words[1024];
	char **argv;
	int store_fd;
	/* The guest's own backend= if its section has one. */
	const char *backend_path =
		xd_module_config_backend_path(config, proc->guest_name,
					      proc->domid);

	if (!is_plain_word(backend_path) ||
	    !is_plain_word(config->sandbox_path) ||
	    !is_plain_word(config->xen)) {
		xd_module_log(module, "backend path '%s', sandbox path '%s' "
		       "or xen '%s' has characters weston cannot pass; use "
		       "plain paths\n", backend_path,
		       config->sandbox_path, config->xen);
		return;
	}
	argv = launch_argv(proc, backend_path, words, sizeof words);
	if (!argv) {
		xd_module_log(module, "%s: the backend's command line is too "
			      "long; use shorter paths\n", proc->label);
		return;
	}
	/* Its XenStore: a channel to the broker, for its guest alone. */
	store_fd = module->broker ?
		   xd_store_broker_attach(module->broker, proc->domid,
					  proc->devid, &proc->store) : -ENOTCONN;
	if (store_fd < 0) {
		xd_module_log(module, "%s: no XenStore channel for device %u: "
			      "%s; backend not started\n", proc->label,
			      proc->devid, strerror(-store_fd));
		free(argv);
		return;
	}
	proc->started_ms = xd_now_ms();
	proc->starts++;
	fds[n_fds].fd = store_fd;
	fds[n_fds].option = "store-fd";
	n_fds++;
	proc->client = xd_backend_spawn(module->compositor, argv, fds, n_fds);
	close(store_fd);
	free(argv);
	if (!proc->client) {
		xd_store_channel_destroy(proc->store);
		proc->store = NULL;
		xd_module_log(module, "%s: cannot start %s; check [xen-display] "
		       "backend= and sandbox-path=\n", proc->label,
		       config->sandbox_path);
		return;
	}
	proc->client_destroy.notify = client_destroyed;
	wl_client_add_destroy_listener(proc->client, &proc->client_destroy);
	xd_module_log(module, "%s: backend for device %u started (start %u)\n",
	       proc->label, proc->devid, proc->starts);
}

static void
stop(struct xd_backend_process *proc)
{
	if (proc->restart_timer) {
		wl_event_source_remove(proc->restart_timer);
		proc->restart_timer = NULL;
	}
	xd_store_channel_destroy(proc->store);
	proc->store = NULL;
	if (!proc->client)
		return;
	wl_list_remove(&proc->client_destroy.link);
	/* Closing its Wayland connection ends the backend: it exits on a
	 * lost compositor. (No kill(): the peer credentials of a socketpair
	 * name Weston itself, not the child.) */
	wl_client_destroy(proc->client);
	proc->client = NULL;
}

/*
 * The share of its guest's budget that proc's backend gets: the budget
 * split equally among the guest's devices found (devices), no more than
 * what its other backends leave of it; and only while all guests'
 * mapped pages stay within the cap. False (logged once) when there is
 * no room: the backend is held back until there is.
 */
static bool
give_share(struct xd_supervisor *sup, struct xd_backend_process *proc)
{
	struct xd_module_config *config = sup->module->config;
	const struct xd_budget_limits *guest =
		xd_module_config_budget(config, proc->guest_name, proc->domid);
	size_t devices = proc->guest_devices;
	struct xd_budget_limits held = { { 0 } };
	struct xd_backend_process *other;
	enum xd_share_result result;
	uint64_t total = 0;
	int i;

	wl_list_for_each(other, &sup->processes, link) {
		if (other == proc || other->held_back)
			continue;
		total += other->share.limit[XD_BUDGET_MAPPED_PAGES];
		if (other->domid != proc->domid)
			continue;
		for (i = 0; i < XD_BUDGET_KINDS; i++)
			held.limit[i] += other->share.limit[i];
	}
	result = xd_budget_share(guest, devices, &held, total,
				 config->mapped_pages_total, &proc->share);
	if (result == XD_SHARE_GUEST_FULL) {
		if (!proc->held_back)
			xd_module_log(sup->module, "%s: display device %u not "
				"started: the guest's other display devices "
				"hold its whole budget; it starts when they "
				"go, or raise the guest's budget-* options in "
				"its [xen-display] section\n", proc->label,
				proc->devid);
		return false;
	}
	if (result == XD_SHARE_TOTAL_FULL) {
		uint64_t share = proc->share.limit[XD_BUDGET_MAPPED_PAGES];

		if (!proc->held_back)
			xd_module_log(sup->module, "%s: display device %u not "
				"started: its budget of %llu mapped pages "
				"would take all guests' displays to %llu, past "
				"budget-mapped-pages-total=%llu (dom0's grant "
				"maps are shared with disk and network "
				"backends); it starts when other guests go, or "
				"raise budget-mapped-pages-total= in the "
				"[xen-display] section without guest= (and "
				"dom0's gnttab_max_maptrack_frames), or lower "
				"this guest's budget-mapped-pages=\n",
				proc->label, proc->devid,
				(unsigned long long)share,
				(unsigned long long)(total + share),
				(unsigned long long)config->mapped_pages_total);
		return false;
	}
	return true;
}

static void
guest_add(struct xd_supervisor *sup, uint32_t domid, uint32_t devid,
	  const char *name, size_t devices)
{
	struct xd_backend_process *proc;

	proc = calloc(1, sizeof *proc);
	if (!proc)
		return;
	proc->supervisor = sup;
	proc->module = sup->module;
	proc->domid = domid;
	proc->devid = devid;
	proc->backoff_ms = BACKOFF_MIN_MS;
	if (name && is_plain_word(name))
		proc->label = strdup(name);
	else if (asprintf(&proc->label, "dom%u", domid) < 0)
		proc->label = NULL;
	wl_list_insert(&sup->processes, &proc->link);
	xd_module_log(sup->module, "%s: display device %u found\n", proc->label,
	       devid);
	proc->guest_name = name ? strdup(name) : NULL;
	proc->guest_devices = devices;
	proc->held_back = !give_share(sup, proc);
	if (!proc->held_back)
		launch(proc);
}

/* Backends held back for their budget, once others have gone. */
static void
start_held_back(struct xd_supervisor *sup)
{
	struct xd_backend_process *proc;

	wl_list_for_each(proc, &sup->processes, link) {
		if (!proc->held_back || proc->retire_timer ||
		    !give_share(sup, proc))
			continue;
		proc->held_back = false;
		xd_module_log(sup->module, "%s: display device %u: its "
			      "budget fits now\n", proc->label, proc->devid);
		launch(proc);
	}
}

/* Devices of domid in devs. */
static size_t
guest_devices(const struct xd_guest_device *devs, size_t n, uint32_t domid)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (devs[i].domid == domid)
			count++;
	return count;
}

static void
process_destroy(struct xd_backend_process *proc)
{
	if (proc->retire_timer)
		wl_event_source_remove(proc->retire_timer);
	stop(proc);
	wl_list_remove(&proc->link);
	free(proc->label);
	free(proc->guest_name);
	free(proc);
}

static int
retire_timer_fired(void *data)
{
	struct xd_backend_process *proc = data;
	struct xd_supervisor *sup = proc->supervisor;

	xd_module_log(proc->module, "%s: backend for device %u did not exit "
		      "in %d ms; stopped\n", proc->label, proc->devid,
		      RETIRE_GRACE_MS);
	process_destroy(proc);
	start_held_back(sup);
	return 0;
}

/* The device is gone: the backend notices too, releases what the
 * compositor holds of the guest and exits. Give it the time to. */
static void
retire(struct xd_backend_process *proc)
{
	struct wl_event_loop *loop =
		wl_display_get_event_loop(proc->module->compositor->wl_display);

	if (proc->restart_timer) {
		wl_event_source_remove(proc->restart_timer);
		proc->restart_timer = NULL;
	}
	if (!proc->client) {
		process_destroy(proc);
		return;
	}
	proc->retire_timer = wl_event_loop_add_timer(loop, retire_timer_fired,
						     proc);
	if (!proc->retire_timer) {
		process_destroy(proc);
		return;
	}
	wl_event_source_timer_update(proc->retire_timer, RETIRE_GRACE_MS);
}

static bool
listed(const struct xd_guest_device *devs, size_t n, uint32_t domid,
       uint32_t devid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (devs[i].domid == domid && devs[i].devid == devid)
			return true;
	return false;
}

static struct xd_backend_process *
find(struct xd_supervisor *sup, uint32_t domid, uint32_t devid)
{
	struct xd_backend_process *proc;

	wl_list_for_each(proc, &sup->processes, link)
		if (proc->domid == domid && proc->devid == devid &&
		    !proc->retire_timer)
			return proc;
	return NULL;
}

void
xd_supervisor_sync(struct xd_supervisor *sup,
		   const struct xd_guest_device *devs, size_t n)
{
	struct xd_backend_process *proc, *tmp;
	size_t i;

	wl_list_for_each_safe(proc, tmp, &sup->processes, link) {
		if (proc->retire_timer ||
		    listed(devs, n, proc->domid, proc->devid))
			continue;
		xd_module_log(sup->module, "%s: display device %u gone; backend "
		       "stopping\n", proc->label, proc->devid);
		retire(proc);
	}
	wl_list_for_each(proc, &sup->processes, link)
		if (proc->held_back)
			proc->guest_devices = guest_devices(devs, n,
							    proc->domid);
	start_held_back(sup);
	for (i = 0; i < n; i++)
		if (!find(sup, devs[i].domid, devs[i].devid))
			guest_add(sup, devs[i].domid, devs[i].devid,
				  devs[i].name,
				  guest_devices(devs, n, devs[i].domid));
}

struct xd_backend_process *
xd_supervisor_find_client(struct xd_supervisor *sup, struct wl_client *client)
{
	struct xd_backend_process *proc;

	wl_list_for_each(proc, &sup->processes, link)
		if (proc->client == client)
			return proc;
	return NULL;
}

struct xd_backend_process *
xd_supervisor_find_surface(struct xd_supervisor *sup,
			   struct weston_surface *surface)
{
	if (!surface || !surface->resource)
		return NULL;
	return xd_supervisor_find_client(sup,
			wl_resource_get_client(surface->resource));
}

struct xd_supervisor *
xd_supervisor_create(struct xd_module *module)
{
	struct xd_supervisor *sup = calloc(1, sizeof *sup);

	if (!sup)
		return NULL;
	sup->module = module;
	wl_list_init(&sup->processes);
	return sup;
}

void
xd_supervisor_destroy(struct xd_supervisor *sup)
{
	struct xd_backend_process *proc, *tmp;

	wl_list_for_each_safe(proc, tmp, &sup->processes, link)
		process_destroy(proc);
	free(sup);
}
