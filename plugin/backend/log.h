/* SPDX-License-Identifier: MIT */
/*
 * The backend's log. Lines go to the module's 'xen-display' log scope over
 * the private protocol once connected (weston-debug xen-display), and to
 * stderr before that or when run on its own.
 */

#ifndef XD_LOG_H
#define XD_LOG_H

typedef void (*xd_log_handler_t)(void *data, const char *line);

void
xd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Names the guest on stderr lines (the module adds it on its own). */
void
xd_log_set_prefix(const char *prefix);

/* Routes lines to handler from now on; NULL: back to stderr. */
void
xd_log_set_handler(xd_log_handler_t handler, void *data);

#endif
