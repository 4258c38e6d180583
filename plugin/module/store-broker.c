/* SPDX-License-Identifier: MIT */
/*
 * The XenStore broker (store-broker.h): one SOCK_SEQPACKET channel per
 * backend, served from Weston's loop on the module's XenStore connection,
 * each request checked by store-policy.c against the guest and device the
 * supervisor launched the backend for.
 *
 * What a backend may not do to Weston: make it wait (its socket is never
 * read or written blocking: a reply it does not take closes its channel;
 * watch events are sent only while its socket has room and are otherwise
 * gathered, one per watch, until it has); make it work without end (16
 * requests a wakeup, then back to the loop; 200 per 100 ms, then its
 * socket is not read until the period ends); make it hold much (one
 * transaction, 32 watches, replies of XenStore's own 4096 bytes at most).
 * A message that breaks the wire (store-wire.h) or names a path that is
 * not one closes the channel: the backend sees its XenStore lost and
 * exits, and the supervisor starts it again.
 */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wayland-server-core.h>

#include "common/clock.h"
#include "common/store-wire.h"
#include "module.h"
#include "store-broker.h"
#include "store-policy.h"
#include "xen/xen-access.h"

#define MAX_PER_DISPATCH 16
#define WINDOW_MS 100
#define MAX_PER_WINDOW 200
/* vdispl's two, kbdif's one and two per vkbd device (4) need 11. */
#define MAX_WATCHES 32
#define TOKEN_PREFIX "xdb:"

struct watch {
	char *path;			/* NULL: free */
	char token[XD_STORE_WIRE_MAX_TOKEN];	/* the backend's */
	bool pending;			/* fired while the socket was full */
};

struct xd_store_channel {
	struct wl_list link;		/* xd_store_broker::channels */
	struct xd_store_broker *broker;	/* NULL once the broker is gone */
	uint32_t id;			/* in our tokens; never reused */
	struct xd_store_scope scope;
	int fd;				/* -1 once closed */
	struct wl_event_source *source;
	struct wl_event_source *window_timer;
	uint64_t window_start_ms;
	unsigned int window_count;
	bool throttled;
	bool refusal_logged;

	uint32_t txn_id;		/* the backend's name for it, or 0 */
	uint32_t txn;			/* the module's */
	uint32_t next_txn_id;

	struct watch watches[MAX_WATCHES];
	unsigned int pending;		/* watches with pending set */

	/* One message, and a byte past the largest to tell a longer one. */
	char buf[XD_STORE_WIRE_MAX_MSG + 1];
};

struct xd_store_broker {
	struct xd_module *module;
	struct xd_xen *xen;
	struct wl_event_loop *loop;
	struct wl_list channels;
	uint32_t next_id;
};

static void
channel_log(struct xd_store_channel *ch, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
channel_log(struct xd_store_channel *ch, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!ch->broker)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	xd_module_log(ch->broker->module, "dom%u: XenStore broker: %s\n",
		      ch->scope.domid, line);
}

/* Ends what the channel holds in XenStore and closes it; the struct
 * stays for its owner. why (logged) is NULL for an ordinary end. */
static void
channel_close(struct xd_store_channel *ch, const char *why)
{
	struct xd_xen *xen = ch->broker ? ch->broker->xen : NULL;
	char token[32];
	int i;

	if (ch->fd < 0)
		return;
	if (why)
		channel_log(ch, "%s; closing the backend's channel", why);
	if (ch->source)
		wl_event_source_remove(ch->source);
	if (ch->window_timer)
		wl_event_source_remove(ch->window_timer);
	ch->source = ch->window_timer = NULL;
	if (xen && ch->txn_id)
		xd_xs_transaction_end(xen, ch->txn, true);
	ch->txn_id = 0;
	for (i = 0; i < MAX_WATCHES; i++) {
		if (!ch->watches[i].path)
			continue;
		snprintf(token, sizeof token, TOKEN_PREFIX "%u:%d", ch->id, i);
		if (xen)
			xd_xs_unwatch(xen, ch->watches[i].path, token);
		free(ch->watches[i].path);
		ch->watches[i].path = NULL;
		ch->watches[i].pending = false;
	}
	ch->pending = 0;
	close(ch->fd);
	ch->fd = -1;
}

static void
update_mask(struct xd_store_channel *ch)
{
	uint32_t mask = 0;

	if (!ch->source)
		return;
	if (!ch->throttled)
		mask |= WL_EVENT_READABLE;
	if (ch->pending)
		mask |= WL_EVENT_WRITABLE;
	wl_event_source_fd_update(ch->source, mask);
}

/* Never blocks: false when the socket had no room (or is broken). */
static bool
send_msg(struct xd_store_channel *ch, const struct xd_store_wire_msg *m,
	 const void *p0, const void *p1)
{
	struct iovec iov[3] = {
		{ (void *)m, sizeof *m },
		{ (void *)p0, m->len0 },
		{ (void *)p1, m->len1 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };
	ssize_t n;

	n = sendmsg(ch->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	return n == (ssize_t)(sizeof *m + m->len0 + m->len1);
}

static void
reply(struct xd_store_channel *ch, const struct xd_store_wire_msg *req,
      int status, uint32_t txn, uint32_t arg, const void *payload,
      uint32_t len)
{
	struct xd_store_wire_msg m = {
		.type = XD_STORE_REPLY, .id = req->id, .txn = txn,
		.status = status, .arg = arg, .len0 = len,
	};

	if (!send_msg(ch, &m, payload, NULL))
		channel_close(ch, "the backend does not take its replies");
}

/* Room for a watch event: its socket at most a quarter full (what poll
 * calls writable), so that a reply always finds room. */
static bool
has_room(struct xd_store_channel *ch)
{
	struct pollfd p = { .fd = ch->fd, .events = POLLOUT };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
}

static bool
send_event(struct xd_store_channel *ch, const char *path, const char *token)
{
	struct xd_store_wire_msg m = {
		.type = XD_STORE_WATCH_EVENT,
		.len0 = strlen(path) + 1, .len1 = strlen(token) + 1,
	};

	if (m.len0 > XD_STORE_WIRE_MAX_PATH + 1)
		return true;	/* not one of its nodes: drop it */
	return has_room(ch) && send_msg(ch, &m, path, token);
}

static void
fire(struct xd_store_channel *ch, int i, const char *path)
{
	struct watch *w = &ch->watches[i];

	if (w->pending)
		return;		/* gathered with the one waiting */
	if (send_event(ch, path, w->token))
		return;
	w->pending = true;
	ch->pending++;
	update_mask(ch);
}

/* The socket has room again: one event per watch that fired meanwhile,
 * on the watched path (a backend reads the nodes again on any event of
 * a token). */
static void
flush_pending(struct xd_store_channel *ch)
{
	int i;

	for (i = 0; i < MAX_WATCHES && ch->pending; i++) {
		struct watch *w = &ch->watches[i];

		if (!w->pending)
			continue;
		if (!send_event(ch, w->path, w->token))
			break;
		w->pending = false;
		ch->pending--;
	}
	update_mask(ch);
}

bool
xd_store_broker_route(struct xd_store_broker *broker, const char *path,
		      const char *token)
{
	struct xd_store_channel *ch;
	unsigned int id, slot;
	int end = 0;

	if (strncmp(token, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0)
		return false;
	if (!broker || sscanf(token + strlen(TOKEN_PREFIX), "%u:%u%n", &id,
			      &slot, &end) != 2 ||
	    token[strlen(TOKEN_PREFIX) + end] || slot >= MAX_WATCHES)
		return true;
	wl_list_for_each(ch, &broker->channels, link) {
		if (ch->id != id)
			continue;
		/* A stale event of a watch gone (the simulator's may come
		 * after the unwatch) goes nowhere. */
		if (ch->fd >= 0 && ch->watches[slot].path)
			fire(ch, slot, path);
		break;
	}
	return true;
}

/* The n bytes of string at p, its NUL last and the only one. */
static bool
c_string(const char *p, uint32_t n, uint32_t max)
{
	return n >= 1 && n <= max && p[n - 1] == '\0' && strlen(p) == n - 1;
}

static int
find_watch(struct xd_store_channel *ch, const char *path, const char *token)
{
	int i;

	for (i = 0; i < MAX_WATCHES; i++)
		if (ch->watches[i].path &&
		    strcmp(ch->watches[i].path, path) == 0 &&
		    strcmp(ch->watches[i].token, token) == 0)
			return i;
	return -1;
}

static int
do_watch(struct xd_store_channel *ch, const char *path, const char *token)
{
	struct xd_xen *xen = ch->broker->xen;
	char ours[32];
	int i, ret;

	if (find_watch(ch, path, token) >= 0)
		return -EEXIST;
	for (i = 0; i < MAX_WATCHES && ch->watches[i].path; i++)
		;
	if (i == MAX_WATCHES)
		return -ENOSPC;
	ch->watches[i].path = strdup(path);
	if (!ch->watches[i].path)
		return -ENOMEM;
	/* handle() checked it fits, its NUL included. */
	memcpy(ch->watches[i].token, token, strlen(token) + 1);
	snprintf(ours, sizeof ours, TOKEN_PREFIX "%u:%d", ch->id, i);
	ret = xd_xs_watch(xen, path, ours);
	if (ret < 0) {
		free(ch->watches[i].path);
		ch->watches[i].path = NULL;
	}
	return ret;
}

static int
do_unwatch(struct xd_store_channel *ch, const char *path, const char *token)
{
	int i = find_watch(ch, path, token);
	char ours[32];

	if (i < 0)
		return -ENOENT;
	snprintf(ours, sizeof ours, TOKEN_PREFIX "%u:%d", ch->id, i);
	free(ch->watches[i].path);
	ch->watches[i].path = NULL;
	if (ch->watches[i].pending) {
		ch->watches[i].pending = false;
		ch->pending--;
		update_mask(ch);
	}
	return xd_xs_unwatch(ch->broker->xen, path, ours);
}

static void
do_read(struct xd_store_channel *ch, const struct xd_store_wire_msg *req,
	uint32_t txn, const char *path)
{
	unsigned int len = 0;
	char *value;

	value = xd_xs_read(ch->broker->xen, txn, path, &len);
	if (!value)
		reply(ch, req, errno > 0 ? -errno : -EIO, 0, 0, NULL, 0);
	else if (len > XD_STORE_WIRE_MAX_PAYLOAD)
		reply(ch, req, -E2BIG, 0, 0, NULL, 0);
	else
		reply(ch, req, 0, 0, 0, value, len);
	free(value);
}

static void
do_directory(struct xd_store_channel *ch,
	     const struct xd_store_wire_msg *req, uint32_t txn,
	     const char *path)
{
	char names[XD_STORE_WIRE_MAX_PAYLOAD], **list;
	unsigned int num = 0, i;
	size_t used = 0, n;

	list = xd_xs_directory(ch->broker->xen, txn, path, &num);
	if (!list) {
		reply(ch, req, errno > 0 ? -errno : -EIO, 0, 0, NULL, 0);
		return;
	}
	for (i = 0; i < num; i++) {
		n = strlen(list[i]) + 1;
		if (n > sizeof names - used)
			break;
		memcpy(names + used, list[i], n);
		used += n;
	}
	free(list);
	if (i < num)
		reply(ch, req, -E2BIG, 0, 0, NULL, 0);
	else
		reply(ch, req, 0, 0, num, names, used);
}

/* One message of n bytes in ch->buf. False: the channel is closed. */
static bool
handle(struct xd_store_channel *ch, size_t n)
{
	struct xd_xen *xen = ch->broker->xen;
	struct xd_store_wire_msg req;
	char *p0 = ch->buf + sizeof req, *p1;
	enum xd_store_access access = XD_STORE_ACCESS_READ;
	uint32_t txn = 0, t;
	int ret;

	if (n < sizeof req) {
		channel_close(ch, "a message shorter than its header");
		return false;
	}
	memcpy(&req, ch->buf, sizeof req);
	if (req.len0 > XD_STORE_WIRE_MAX_PAYLOAD ||
	    req.len1 > XD_STORE_WIRE_MAX_PAYLOAD ||
	    sizeof req + req.len0 + req.len1 != n) {
		channel_close(ch, "a message whose lengths are not its size");
		return false;
	}
	p1 = p0 + req.len0;
	ch->buf[n] = '\0';	/* the byte past: a value's end */

	switch (req.type) {
	case XD_STORE_TXN_START:
	case XD_STORE_TXN_END:
		if (req.len0 || req.len1 || req.arg > 1 ||
		    (req.type == XD_STORE_TXN_START && (req.txn || req.arg)))
			break;
		if (req.type == XD_STORE_TXN_START) {
			if (ch->txn_id) {
				reply(ch, &req, -EBUSY, 0, 0, NULL, 0);
				return ch->fd >= 0;
			}
			ret = xd_xs_transaction_start(xen, &t);
			if (ret == 0) {
				ch->txn = t;
				if (++ch->next_txn_id == 0)
					ch->next_txn_id = 1;
				ch->txn_id = ch->next_txn_id;
			}
			reply(ch, &req, ret, ret == 0 ? ch->txn_id : 0, 0,
			      NULL, 0);
			return ch->fd >= 0;
		}
		if (!ch->txn_id || req.txn != ch->txn_id) {
			reply(ch, &req, -ENOENT, 0, 0, NULL, 0);
			return ch->fd >= 0;
		}
		ch->txn_id = 0;
		ret = xd_xs_transaction_end(xen, ch->txn, req.arg);
		reply(ch, &req, ret, 0, 0, NULL, 0);
		return ch->fd >= 0;
	case XD_STORE_READ:
	case XD_STORE_REMOVE:
	case XD_STORE_DIRECTORY:
	case XD_STORE_WRITE:
	case XD_STORE_WATCH:
	case XD_STORE_UNWATCH:
		if (!c_string(p0, req.len0, XD_STORE_WIRE_MAX_PATH + 1) ||
		    req.arg)
			break;
		if (req.type == XD_STORE_WRITE) {
			/* A value is a string: no NUL inside. */
			if (memchr(p1, '\0', req.len1))
				break;
		} else if (req.type == XD_STORE_WATCH ||
			   req.type == XD_STORE_UNWATCH) {
			if (!c_string(p1, req.len1, XD_STORE_WIRE_MAX_TOKEN) ||
			    req.txn)
				break;
		} else if (req.len1) {
			break;
		}
		if (req.type == XD_STORE_WRITE || req.type == XD_STORE_REMOVE)
			access = XD_STORE_ACCESS_WRITE;
		ret = xd_store_policy_check(&ch->scope, access, p0,
					    req.len0 - 1);
		if (ret == -EINVAL) {
			channel_close(ch, "a path that is not one");
			return false;
		}
		if (ret == -EACCES) {
			if (!ch->refusal_logged)
				channel_log(ch, "refused %s of %.128s (not "
					    "its guest's; further refusals "
					    "are not logged)",
					    access == XD_STORE_ACCESS_WRITE ?
					    "a write" : "a read", p0);
			ch->refusal_logged = true;
			reply(ch, &req, -EACCES, 0, 0, NULL, 0);
			return ch->fd >= 0;
		}
		if (req.txn && req.txn != ch->txn_id) {
			reply(ch, &req, -ENOENT, 0, 0, NULL, 0);
			return ch->fd >= 0;
		}
		txn = req.txn ? ch->txn : 0;
		switch (req.type) {
		case XD_STORE_READ:
			do_read(ch, &req, txn, p0);
			return ch->fd >= 0;
		case XD_STORE_DIRECTORY:
			do_directory(ch, &req, txn, p0);
			return ch->fd >= 0;
		case XD_STORE_WRITE:
			ret = xd_xs_write(xen, txn, p0, p1);
			break;
		case XD_STORE_REMOVE:
			ret = xd_xs_remove(xen, txn, p0);
			break;
		case XD_STORE_WATCH:
			ret = do_watch(ch, p0, p1);
			break;
		default:
			ret = do_unwatch(ch, p0, p1);
			break;
		}
		reply(ch, &req, ret, 0, 0, NULL, 0);
		return ch->fd >= 0;
	default:
		break;
	}
	channel_close(ch, "a malformed request");
	return false;
}

static int
window_ended(void *data)
{
	struct xd_store_channel *ch = data;

	ch->throttled = false;
	ch->window_count = 0;
	ch->window_start_ms = xd_now_ms();
	update_mask(ch);
	return 0;
}

/* Counts one request against the period's; false when the period's
 * are spent: the socket is left unread until the period ends. */
static bool
take_turn(struct xd_store_channel *ch)
{
	uint64_t now = xd_now_ms();

	if (now - ch->window_start_ms >= WINDOW_MS) {
		ch->window_start_ms = now;
		ch->window_count = 0;
	}
	if (ch->window_count < MAX_PER_WINDOW) {
		ch->window_count++;
		return true;
	}
	ch->throttled = true;
	update_mask(ch);
	wl_event_source_timer_update(ch->window_timer,
		(int)(WINDOW_MS - (now - ch->window_start_ms)) + 1);
	return false;
}

static int
channel_ready(int fd, uint32_t mask, void *data)
{
	struct xd_store_channel *ch = data;
	ssize_t n;
	int i;

	if (mask & WL_EVENT_WRITABLE)
		flush_pending(ch);
	for (i = 0; i < MAX_PER_DISPATCH && (mask & WL_EVENT_READABLE); i++) {
		if (!take_turn(ch))
			return 0;
		/* No control buffer: fds a backend sends are dropped. */
		n = recv(ch->fd, ch->buf, sizeof ch->buf,
			 MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			/* The backend went (or sent an empty message). */
			channel_close(ch, NULL);
			return 0;
		}
		if ((size_t)n > XD_STORE_WIRE_MAX_MSG) {
			channel_close(ch, "a message longer than any");
			return 0;
		}
		if (!handle(ch, n))
			return 0;
	}
	if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR))
		channel_close(ch, NULL);
	return 0;
}

int
xd_store_broker_attach(struct xd_store_broker *broker, uint32_t domid,
		       uint32_t devid, struct xd_store_channel **out)
{
	struct xd_store_channel *ch;
	struct xd_store_wire_msg hello = { .type = XD_STORE_HELLO };
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	ch = calloc(1, sizeof *ch);
	if (!ch)
		goto fail;
	ch->broker = broker;
	ch->id = ++broker->next_id;
	ch->scope.self = xd_xen_self_domid(broker->xen);
	ch->scope.domid = domid;
	ch->scope.devid = devid;
	ch->fd = sv[0];
	ch->window_start_ms = xd_now_ms();
	wl_list_insert(&broker->channels, &ch->link);
	hello.arg = ch->scope.self;
	ch->source = wl_event_loop_add_fd(broker->loop, sv[0],
					  WL_EVENT_READABLE, channel_ready,
					  ch);
	ch->window_timer = wl_event_loop_add_timer(broker->loop,
						   window_ended, ch);
	if (!ch->source || !ch->window_timer || !send_msg(ch, &hello, NULL,
							  NULL)) {
		xd_store_channel_destroy(ch);
		close(sv[1]);
		return -ENOMEM;
	}
	*out = ch;
	return sv[1];

fail:
	close(sv[0]);
	close(sv[1]);
	return -ENOMEM;
}

void
xd_store_channel_destroy(struct xd_store_channel *ch)
{
	if (!ch)
		return;
	channel_close(ch, NULL);
	wl_list_remove(&ch->link);
	free(ch);
}

struct xd_store_broker *
xd_store_broker_create(struct xd_module *module, struct xd_xen *xen)
{
	struct xd_store_broker *broker = calloc(1, sizeof *broker);

	if (!broker)
		return NULL;
	broker->module = module;
	broker->xen = xen;
	broker->loop = wl_display_get_event_loop(module->compositor->wl_display);
	wl_list_init(&broker->channels);
	return broker;
}

void
xd_store_broker_destroy(struct xd_store_broker *broker)
{
	struct xd_store_channel *ch, *tmp;

	if (!broker)
		return;
	wl_list_for_each_safe(ch, tmp, &broker->channels, link) {
		channel_close(ch, NULL);
		wl_list_remove(&ch->link);
		wl_list_init(&ch->link);
		ch->broker = NULL;
	}
	free(broker);
}
