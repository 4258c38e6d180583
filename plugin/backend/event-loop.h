/* SPDX-License-Identifier: MIT */
/*
 * A small epoll loop for the backend process: file descriptors and timers.
 * Every event source of the process (Wayland connection, XenStore watches,
 * event channels, timers) hangs off one loop, so the process has one thread.
 */

#ifndef XD_EVENT_LOOP_H
#define XD_EVENT_LOOP_H

#include <stdint.h>

struct xd_event_loop;
struct xd_event_source;

/* mask holds EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits as epoll reported. */
typedef void (*xd_fd_func_t)(int fd, uint32_t mask, void *data);
typedef void (*xd_timer_func_t)(void *data);

struct xd_event_loop *
xd_event_loop_create(void);

void
xd_event_loop_destroy(struct xd_event_loop *loop);

struct xd_event_source *
xd_event_loop_add_fd(struct xd_event_loop *loop, int fd, uint32_t events,
		     xd_fd_func_t func, void *data);

int
xd_event_source_fd_update(struct xd_event_source *source, uint32_t events);

/* A one-shot timer, disarmed until xd_event_source_timer_update(). */
struct xd_event_source *
xd_event_loop_add_timer(struct xd_event_loop *loop,
			xd_timer_func_t func, void *data);

/* Arms the timer to fire once after ms milliseconds; 0 disarms it. */
int
xd_event_source_timer_update(struct xd_event_source *source, uint32_t ms);

void
xd_event_source_remove(struct xd_event_source *source);

/* Waits up to timeout_ms (-1: forever) and dispatches what is ready.
 * Returns the number of sources dispatched, or -1 with errno set. */
/* The epoll fd: readable when a source is ready, so that this loop can
 * run inside another one (the module runs it inside Weston's). */
int
xd_event_loop_get_fd(struct xd_event_loop *loop);

int
xd_event_loop_dispatch(struct xd_event_loop *loop, int timeout_ms);

#endif
