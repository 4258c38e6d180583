/* SPDX-License-Identifier: MIT */
/*
 * xen-display-labeler (plugin/labeler/main.c) as the module sees it,
 * against a compositor of the test's own (libwayland-server: wl_shm, a
 * wl_compositor that records commits, the labeler global): a draw event
 * comes back as set_label with a committed buffer of the size asked,
 * rendered as label-render.c renders it; discard destroys the surface;
 * the connection closing ends the labeler with 0. And without its
 * compositor, it says so and fails cleanly.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wayland-server.h>

#include "common/label-style.h"
#include "harness/harness.h"
#include "label-render.h"
#include "xen-display-private-v1-server-protocol.h"

struct fake {
	struct wl_display *display;
	struct wl_client *client;
	struct wl_resource *labeler;
	struct wl_resource *pending;	/* attached, not yet committed */
	struct wl_resource *surface;	/* the one set_label named */
	uint32_t width, height;		/* its committed buffer's */
	uint32_t *pixels;		/* a copy of it */
	uint32_t set_label_id;
	int set_labels;
	int surfaces_alive;
};

static void
surface_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void
surface_attach(struct wl_client *client, struct wl_resource *resource,
	       struct wl_resource *buffer, int32_t x, int32_t y)
{
	struct fake *f = wl_resource_get_user_data(resource);

	f->pending = buffer;
}

static void
surface_commit(struct wl_client *client, struct wl_resource *resource)
{
	struct fake *f = wl_resource_get_user_data(resource);
	struct wl_shm_buffer *shm = wl_shm_buffer_get(f->pending);
	int32_t stride, y;
	const uint8_t *data;

	XD_ASSERT(shm, "commit without a wl_shm buffer");
	XD_ASSERT(wl_shm_buffer_get_format(shm) == WL_SHM_FORMAT_XRGB8888,
		  "format %#x", wl_shm_buffer_get_format(shm));
	f->width = wl_shm_buffer_get_width(shm);
	f->height = wl_shm_buffer_get_height(shm);
	stride = wl_shm_buffer_get_stride(shm);
	free(f->pixels);
	f->pixels = malloc((size_t)f->width * f->height * 4);
	XD_ASSERT(f->pixels, "malloc");
	wl_shm_buffer_begin_access(shm);
	data = wl_shm_buffer_get_data(shm);
	for (y = 0; y < (int32_t)f->height; y++)
		memcpy(f->pixels + (size_t)y * f->width,
		       data + (size_t)y * stride, (size_t)f->width * 4);
	wl_shm_buffer_end_access(shm);
}

static void
surface_damage(struct wl_client *client, struct wl_resource *resource,
	       int32_t x, int32_t y, int32_t width, int32_t height)
{
}

static void
surface_frame(struct wl_client *client, struct wl_resource *resource,
	      uint32_t callback)
{
	XD_ASSERT(false, "the labeler asked for a frame callback");
}

static void
surface_set_region(struct wl_client *client, struct wl_resource *resource,
		   struct wl_resource *region)
{
}

static void
surface_set_int(struct wl_client *client, struct wl_resource *resource,
		int32_t value)
{
}

static const struct wl_surface_interface surface_impl = {
	.destroy = surface_destroy,
	.attach = surface_attach,
	.damage = surface_damage,
	.frame = surface_frame,
	.set_opaque_region = surface_set_region,
	.set_input_region = surface_set_region,
	.commit = surface_commit,
	.set_buffer_transform = surface_set_int,
	.set_buffer_scale = surface_set_int,
	.damage_buffer = surface_damage,
};

static void
surface_gone(struct wl_resource *resource)
{
	struct fake *f = wl_resource_get_user_data(resource);

	f->surfaces_alive--;
	if (f->surface == resource)
		f->surface = NULL;
}

static void
compositor_create_surface(struct wl_client *client,
			  struct wl_resource *resource, uint32_t id)
{
	struct fake *f = wl_resource_get_user_data(resource);
	struct wl_resource *surface;

	surface = wl_resource_create(client, &wl_surface_interface,
				     wl_resource_get_version(resource), id);
	XD_ASSERT(surface, "wl_resource_create");
	wl_resource_set_implementation(surface, &surface_impl, f,
				       surface_gone);
	f->surfaces_alive++;
}

static void
compositor_create_region(struct wl_client *client,
			 struct wl_resource *resource, uint32_t id)
{
	XD_ASSERT(false, "the labeler made a region");
}

static const struct wl_compositor_interface compositor_impl = {
	.create_surface = compositor_create_surface,
	.create_region = compositor_create_region,
};

static void
bind_compositor(struct wl_client *client, void *data, uint32_t version,
		uint32_t id)
{
	struct wl_resource *r = wl_resource_create(client,
						   &wl_compositor_interface,
						   version, id);

	wl_resource_set_implementation(r, &compositor_impl, data, NULL);
}

static void
labeler_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void
labeler_set_label(struct wl_client *client, struct wl_resource *resource,
		  uint32_t id, struct wl_resource *surface)
{
	struct fake *f = wl_resource_get_user_data(resource);

	f->set_labels++;
	f->set_label_id = id;
	f->surface = surface;
}

static const struct xen_display_labeler_v1_interface labeler_impl = {
	.destroy = labeler_destroy,
	.set_label = labeler_set_label,
};

static void
bind_labeler(struct wl_client *client, void *data, uint32_t version,
	     uint32_t id)
{
	struct fake *f = data;

	f->labeler = wl_resource_create(client,
					&xen_display_labeler_v1_interface,
					version, id);
	wl_resource_set_implementation(f->labeler, &labeler_impl, f, NULL);
}

/* Runs the compositor until cond holds or the labeler is gone. */
static void
run_until(struct fake *f, bool (*cond)(struct fake *))
{
	struct wl_event_loop *loop = wl_display_get_event_loop(f->display);
	int i;

	for (i = 0; i < 500 && !cond(f); i++) {
		wl_display_flush_clients(f->display);
		wl_event_loop_dispatch(loop, 10);
	}
	XD_ASSERT(cond(f), "the labeler did not answer");
}

static bool
bound(struct fake *f)
{
	return f->labeler != NULL;
}

static bool
has_label(struct fake *f)
{
	return f->set_labels > 0 && f->surface && f->pixels;
}

static bool
discarded(struct fake *f)
{
	return f->surfaces_alive == 0;
}

static pid_t
spawn_labeler(int fd, int err_fd)
{
	char env[32];
	pid_t pid = fork();

	XD_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		snprintf(env, sizeof env, "%d", fd);
		setenv("WAYLAND_SOCKET", env, 1);
		if (err_fd >= 0)
			dup2(err_fd, STDERR_FILENO);
		execl(XD_LABELER_PATH, XD_LABELER_PATH, (char *)NULL);
		_exit(127);
	}
	return pid;
}

XD_TEST(draws_and_discards)
{
	struct fake f = { 0 };
	struct xd_label_image *want;
	int sv[2], status;
	pid_t pid;

	f.display = wl_display_create();
	XD_ASSERT(f.display, "wl_display_create");
	XD_ASSERT(wl_display_init_shm(f.display) == 0, "wl_shm");
	XD_ASSERT(wl_global_create(f.display, &wl_compositor_interface, 4,
				   &f, bind_compositor), "wl_compositor");
	XD_ASSERT(wl_global_create(f.display,
				   &xen_display_labeler_v1_interface, 1, &f,
				   bind_labeler), "labeler global");
	/* The child's end without close-on-exec, as the module hands it. */
	XD_ASSERT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0,
		  "socketpair: %s", strerror(errno));
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	f.client = wl_client_create(f.display, sv[0]);
	XD_ASSERT(f.client, "wl_client_create");
	pid = spawn_labeler(sv[1], -1);
	close(sv[1]);

	run_until(&f, bound);
	xen_display_labeler_v1_send_draw(f.labeler, 7, "guest-7",
					 XD_LABEL_DEFAULT_COLOR,
					 XD_LABEL_HEIGHT, XD_LABEL_MAX_WIDTH);
	run_until(&f, has_label);
	XD_ASSERT(f.set_labels == 1 && f.set_label_id == 7,
		  "%d set_label, id %u", f.set_labels, f.set_label_id);
	want = xd_label_render("guest-7", XD_LABEL_DEFAULT_COLOR,
			       XD_LABEL_HEIGHT, XD_LABEL_MAX_WIDTH);
	XD_ASSERT(want, "render");
	XD_ASSERT(f.width == want->width && f.height == want->height,
		  "buffer %ux%u, rendered %ux%u", f.width, f.height,
		  want->width, want->height);
	XD_ASSERT(memcmp(f.pixels, want->pixels,
			 (size_t)want->stride * want->height) == 0,
		  "the buffer is not the rendered label");
	xd_label_image_destroy(want);
	xd_label_render_release();

	xen_display_labeler_v1_send_discard(f.labeler, 7);
	run_until(&f, discarded);

	/* The module letting it go. */
	wl_client_destroy(f.client);
	XD_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	XD_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "labeler status %#x after the connection closed", status);
	free(f.pixels);
	wl_display_destroy(f.display);
}

/* A compositor without the labeler global (any other than Weston with
 * xen-display.so, or a client the module did not launch): refused with a
 * line saying what is missing. */
XD_TEST(without_global)
{
	struct wl_display *display = wl_display_create();
	struct wl_event_loop *loop;
	char err[512] = "";
	int sv[2], pipefd[2], status, i;
	pid_t pid;
	ssize_t n;

	XD_ASSERT(display, "wl_display_create");
	loop = wl_display_get_event_loop(display);
	XD_ASSERT(wl_display_init_shm(display) == 0, "wl_shm");
	XD_ASSERT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0,
		  "socketpair: %s", strerror(errno));
	XD_ASSERT(pipe2(pipefd, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	XD_ASSERT(wl_client_create(display, sv[0]), "wl_client_create");
	pid = spawn_labeler(sv[1], pipefd[1]);
	close(sv[1]);
	close(pipefd[1]);
	for (i = 0; i < 500 && waitpid(pid, &status, WNOHANG) == 0; i++) {
		wl_display_flush_clients(display);
		wl_event_loop_dispatch(loop, 10);
	}
	XD_ASSERT(i < 500, "the labeler did not exit");
	n = read(pipefd[0], err, sizeof err - 1);
	close(pipefd[0]);
	XD_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		  "status %#x, stderr: %s", status, err);
	XD_ASSERT(n > 0 && strstr(err, "xen_display_labeler_v1") &&
		  strstr(err, "wl_compositor"), "stderr: %s", err);
	wl_display_destroy(display);
}

/* Without its compositor, the labeler says so and fails, cleanly. */
XD_TEST(without_compositor)
{
	char dir[] = "/tmp/xd-labeler-XXXXXX";
	char err[512] = "";
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	XD_ASSERT(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	XD_ASSERT(pipe2(pipefd, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	XD_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		unsetenv("WAYLAND_SOCKET");
		setenv("XDG_RUNTIME_DIR", dir, 1);
		setenv("WAYLAND_DISPLAY", "xd-no-compositor", 1);
		execl(XD_LABELER_PATH, XD_LABELER_PATH, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	n = read(pipefd[0], err, sizeof err - 1);
	close(pipefd[0]);
	XD_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	rmdir(dir);
	XD_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		  "status %#x, stderr: %s", status, err);
	XD_ASSERT(n > 0 && strstr(err, "xen-display-labeler: cannot connect"),
		  "stderr: %s", err);
}
