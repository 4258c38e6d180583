/* SPDX-License-Identifier: MIT */
/*
 * Starting a backend process: xen-display-sandbox (plugin/sandbox/) as a
 * Wayland client of this compositor, with the fds the module hands it.
 */

#ifndef XD_BACKEND_SPAWN_H
#define XD_BACKEND_SPAWN_H

#include <stddef.h>

struct weston_compositor;
struct wl_client;

/* An fd the started program inherits, under its own number, and the
 * option that names it: { store_fd, "store-fd" } gives --store-fd=N. */
struct xd_spawn_fd {
	int fd;
	const char *option;
};

/*
 * Starts argv[0] with argv[1...] (NULL-terminated plain words: no
 * spaces, see supervisor.c), its Wayland connection in WAYLAND_SOCKET
 * and "--OPTION=FD" for each of fds inserted before argv[1]. Nothing else
 * of Weston's is inherited but what Weston leaves without close-on-exec,
 * which the sandbox closes. The fds stay the caller's (close-on-exec, as
 * they were, or set). NULL on failure (logged by Weston).
 */
struct wl_client *
xd_backend_spawn(struct weston_compositor *compositor, char *const argv[],
		 const struct xd_spawn_fd *fds, size_t n_fds);

#endif
