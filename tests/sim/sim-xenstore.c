/* SPDX-License-Identifier: MIT */
/*
 * The simulated XenStore: a flat list of nodes (tests keep it small),
 * parents made on demand as xenstored does, Xen's permission rules cut
 * to what displif needs, and watches that fire on change at or under
 * the watched path, and once when set.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim-hv-internal.h"

#define MAX_PATH 1024
#define MAX_VALUE 4096

static bool
valid_path(const char *p)
{
	size_t len = strlen(p), i;

	if (len < 2 || len > MAX_PATH || p[0] != '/' || p[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++)
		if (p[i] <= ' ' || p[i] > '~' || (p[i] == '/' &&
						   p[i + 1] == '/'))
			return false;
	return true;
}

/* path equals dir or lies below it */
static bool
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

/* A guest reads its own subtree and its devices' backend directories
 * (/local/domain/0/backend/TYPE/DOMID/...); writes only its own. */
static bool
may_access(uint32_t domid, const char *path, bool write)
{
	char own[32];
	const char *p;
	unsigned int d;

	if (domid == 0)
		return true;
	snprintf(own, sizeof own, "/local/domain/%u", domid);
	if (under(path, own))
		return true;
	if (write || strncmp(path, "/local/domain/0/backend/", 24) != 0)
		return false;
	p = strchr(path + 24, '/');
	return p && sscanf(p, "/%u", &d) == 1 && d == domid;
}

static struct sim_node *
find(struct xd_sim_hv *hv, const char *path)
{
	struct sim_node *n;

	for (n = hv->nodes; n; n = n->next)
		if (strcmp(n->path, path) == 0)
			return n;
	return NULL;
}

struct fired {
	struct sim_conn *conn;
	xd_sim_watch_func_t func;
	void *data;
	char *path;
	char *token;
};

/* Collects the watches to fire before firing any, because a callback
 * may add or remove watches. */
static void
fire(struct xd_sim_hv *hv, const char *path, bool removed)
{
	struct fired *list = NULL;
	struct sim_watch *w;
	size_t n = 0, i;

	for (w = hv->watches; w; w = w->next) {
		const char *reported;

		if (under(path, w->path))
			reported = path;
		else if (removed && under(w->path, path))
			reported = w->path;
		else
			continue;
		if (!may_access(w->domid, reported, false))
			continue;
		list = realloc(list, (n + 1) * sizeof *list);
		list[n].conn = w->conn;
		list[n].func = w->func;
		list[n].data = w->data;
		list[n].path = strdup(reported);
		list[n].token = strdup(w->token);
		n++;
	}
	for (i = 0; i < n; i++) {
		if (list[i].conn)
			sim_conn_send_watch(list[i].conn, list[i].path,
					    list[i].token);
		else
			list[i].func(list[i].data, list[i].path,
				     list[i].token);
		free(list[i].path);
		free(list[i].token);
	}
	free(list);
}

static struct sim_node *
make(struct xd_sim_hv *hv, const char *path, uint32_t owner)
{
	struct sim_node *n = find(hv, path);
	char *parent;
	char *slash;

	if (n)
		return n;
	parent = strdup(path);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		make(hv, parent, owner);
	}
	free(parent);
	n = calloc(1, sizeof *n);
	n->path = strdup(path);
	n->value = strdup("");
	n->owner = owner;
	n->next = hv->nodes;
	hv->nodes = n;
	return n;
}

char *
sim_xs_read(struct xd_sim_hv *hv, uint32_t domid, const char *path)
{
	struct sim_node *n;

	if (!valid_path(path)) {
		errno = EINVAL;
		return NULL;
	}
	if (!may_access(domid, path, false)) {
		errno = EACCES;
		return NULL;
	}
	n = find(hv, path);
	if (!n) {
		errno = ENOENT;
		return NULL;
	}
	return strdup(n->value);
}

int
sim_xs_write(struct xd_sim_hv *hv, uint32_t domid, const char *path,
	     const char *value)
{
	struct sim_node *n;

	if (!valid_path(path) || strlen(value) > MAX_VALUE)
		return -EINVAL;
	if (!may_access(domid, path, true))
		return -EACCES;
	n = make(hv, path, domid);
	free(n->value);
	n->value = strdup(value);
	fire(hv, path, false);
	return 0;
}

int
sim_xs_remove(struct xd_sim_hv *hv, uint32_t domid, const char *path)
{
	struct sim_node **np, *n;
	bool any = false;

	if (!valid_path(path))
		return -EINVAL;
	if (!may_access(domid, path, true))
		return -EACCES;
	for (np = &hv->nodes; (n = *np);) {
		if (under(n->path, path)) {
			*np = n->next;
			free(n->path);
			free(n->value);
			free(n);
			any = true;
		} else {
			np = &n->next;
		}
	}
	if (!any)
		return -ENOENT;
	fire(hv, path, true);
	return 0;
}

char *
sim_xs_directory(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		 uint32_t *count, uint32_t *size)
{
	size_t plen = strlen(path), cap = 0, used = 0;
	struct sim_node *n;
	char *out = NULL;

	*count = 0;
	if (!valid_path(path) || !may_access(domid, path, false)) {
		errno = valid_path(path) ? EACCES : EINVAL;
		return NULL;
	}
	if (!find(hv, path)) {
		errno = ENOENT;
		return NULL;
	}
	for (n = hv->nodes; n; n = n->next) {
		const char *name = n->path + plen + 1;
		size_t len;

		if (strncmp(n->path, path, plen) != 0 || n->path[plen] != '/' ||
		    strchr(name, '/'))
			continue;
		len = strlen(name) + 1;
		if (used + len > cap) {
			cap = (used + len) * 2;
			out = realloc(out, cap);
		}
		memcpy(out + used, name, len);
		used += len;
		(*count)++;
	}
	*size = used;
	return out ? out : calloc(1, 1);
}

int
sim_xs_watch(struct xd_sim_hv *hv, uint32_t domid, const char *path,
	     const char *token, struct sim_conn *conn,
	     xd_sim_watch_func_t func, void *data)
{
	struct sim_watch *w;

	if (!valid_path(path) || strlen(token) > 256)
		return -EINVAL;
	if (!may_access(domid, path, false))
		return -EACCES;
	w = calloc(1, sizeof *w);
	w->domid = domid;
	w->path = strdup(path);
	w->token = strdup(token);
	w->conn = conn;
	w->func = func;
	w->data = data;
	w->next = hv->watches;
	hv->watches = w;
	/* As xenstored: a new watch fires once. */
	if (conn)
		sim_conn_send_watch(conn, path, token);
	else
		func(data, path, token);
	return 0;
}

/* conn NULL: in-process watches of domid; path NULL: all of conn's. */
void
sim_xs_unwatch(struct xd_sim_hv *hv, struct sim_conn *conn, uint32_t domid,
	       const char *path, const char *token)
{
	struct sim_watch **wp, *w;

	for (wp = &hv->watches; (w = *wp);) {
		if (w->conn == conn && (conn || w->domid == domid) &&
		    (!path || (strcmp(w->path, path) == 0 &&
			       strcmp(w->token, token) == 0))) {
			*wp = w->next;
			free(w->path);
			free(w->token);
			free(w);
		} else {
			wp = &w->next;
		}
	}
}

void
sim_xs_free_all(struct xd_sim_hv *hv)
{
	struct sim_node *n;
	struct sim_watch *w;

	while ((n = hv->nodes)) {
		hv->nodes = n->next;
		free(n->path);
		free(n->value);
		free(n);
	}
	while ((w = hv->watches)) {
		hv->watches = w->next;
		free(w->path);
		free(w->token);
		free(w);
	}
}

/* --- the in-process API ------------------------------------------- */

char *
xd_sim_xs_read(struct xd_sim_hv *hv, uint32_t domid, const char *path)
{
	return sim_xs_read(hv, domid, path);
}

int
xd_sim_xs_write(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		const char *value)
{
	return sim_xs_write(hv, domid, path, value);
}

int
xd_sim_xs_remove(struct xd_sim_hv *hv, uint32_t domid, const char *path)
{
	return sim_xs_remove(hv, domid, path);
}

int
xd_sim_xs_write_for(struct xd_sim_hv *hv, uint32_t owner_domid,
		    const char *path, const char *value)
{
	return sim_xs_write(hv, 0, path, value);
}

int
xd_sim_xs_watch(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		const char *token, xd_sim_watch_func_t func, void *data)
{
	return sim_xs_watch(hv, domid, path, token, NULL, func, data);
}

void
xd_sim_xs_unwatch(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		  const char *token)
{
	sim_xs_unwatch(hv, NULL, domid, path, token);
}
