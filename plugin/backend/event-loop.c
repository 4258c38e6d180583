/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "event-loop.h"

#define MAX_EVENTS 32

struct xd_event_source {
	struct xd_event_loop *loop;
	int fd;
	bool is_timer;
	bool removed;
	xd_fd_func_t fd_func;
	xd_timer_func_t timer_func;
	void *data;
	struct xd_event_source *next_removed;
};

struct xd_event_loop {
	int epoll_fd;
	/* Sources removed while their events may still be in the batch
	 * being dispatched; freed once the outermost batch is done (a
	 * handler may run the loop itself, as a simulated guest waiting
	 * for its backend does). */
	struct xd_event_source *removed;
	int depth;
};

struct xd_event_loop *
xd_event_loop_create(void)
{
	struct xd_event_loop *loop = calloc(1, sizeof *loop);

	if (!loop)
		return NULL;
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

static void
free_removed(struct xd_event_loop *loop)
{
	while (loop->removed) {
		struct xd_event_source *source = loop->removed;

		loop->removed = source->next_removed;
		free(source);
	}
}

void
xd_event_loop_destroy(struct xd_event_loop *loop)
{
	free_removed(loop);
	close(loop->epoll_fd);
	free(loop);
}

static struct xd_event_source *
add_source(struct xd_event_loop *loop, int fd, uint32_t events, void *data)
{
	struct xd_event_source *source = calloc(1, sizeof *source);
	struct epoll_event ev = { .events = events, .data.ptr = source };

	if (!source)
		return NULL;
	source->loop = loop;
	source->fd = fd;
	source->data = data;
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(source);
		return NULL;
	}
	return source;
}

struct xd_event_source *
xd_event_loop_add_fd(struct xd_event_loop *loop, int fd, uint32_t events,
		     xd_fd_func_t func, void *data)
{
	struct xd_event_source *source = add_source(loop, fd, events, data);

	if (source)
		source->fd_func = func;
	return source;
}

int
xd_event_source_fd_update(struct xd_event_source *source, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = source };

	return epoll_ctl(source->loop->epoll_fd, EPOLL_CTL_MOD, source->fd,
			 &ev);
}

struct xd_event_source *
xd_event_loop_add_timer(struct xd_event_loop *loop,
			xd_timer_func_t func, void *data)
{
	struct xd_event_source *source;
	int fd;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return NULL;
	source = add_source(loop, fd, EPOLLIN, data);
	if (!source) {
		close(fd);
		return NULL;
	}
	source->is_timer = true;
	source->timer_func = func;
	return source;
}

int
xd_event_source_timer_update(struct xd_event_source *source, uint32_t ms)
{
	struct itimerspec its = {
		.it_value.tv_sec = ms / 1000,
		.it_value.tv_nsec = (long)(ms % 1000) * 1000000,
	};

	return timerfd_settime(source->fd, 0, &its, NULL);
}

void
xd_event_source_remove(struct xd_event_source *source)
{
	struct xd_event_loop *loop = source->loop;

	epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, source->fd, NULL);
	if (source->is_timer)
		close(source->fd);
	source->removed = true;
	source->next_removed = loop->removed;
	loop->removed = source;
}

static void
dispatch_one(struct xd_event_source *source, uint32_t mask)
{
	uint64_t expirations;

	if (source->removed)
		return;
	if (!source->is_timer) {
		source->fd_func(source->fd, mask, source->data);
		return;
	}
	/* A timer re-armed since it fired reads EAGAIN: not due any more. */
	if (read(source->fd, &expirations, sizeof expirations) !=
	    sizeof expirations)
		return;
	source->timer_func(source->data);
}

int
xd_event_loop_get_fd(struct xd_event_loop *loop)
{
	return loop->epoll_fd;
}

int
xd_event_loop_dispatch(struct xd_event_loop *loop, int timeout_ms)
{
	struct epoll_event events[MAX_EVENTS];
	int n, i;

	n = epoll_wait(loop->epoll_fd, events, MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	loop->depth++;
	for (i = 0; i < n; i++)
		dispatch_one(events[i].data.ptr, events[i].events);
	if (--loop->depth == 0)
		free_removed(loop);
	return n;
}
