/* SPDX-License-Identifier: MIT */
/*
 * Guest input reader of the Xen-in-QEMU rig: opens the evdev devices
 * Linux's xen-kbdfront registers and prints every key, button, axis and
 * touch event they deliver as "XDG input ..." console lines for dom0:
 *
 *   XDG input-start seconds=S
 *   XDG input-device dev=kbd|ptr|mt path=/dev/input/eventN
 *   XDG input dev=DEV type=key|abs|rel code=C value=V
 *   XDG input-done devices=N
 *
 *   xd-input-client [--seconds S]
 *
 * Devices are looked for (by name) for the whole run: xen-kbdfront may
 * register them after this starts. Static, no libraries.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/input.h>

#define MAX_DEVICES 8

struct device {
	int fd;
	const char *kind;
	char path[300];
};

static struct device devices[MAX_DEVICES];
static int num_devices;

static const char *
kind_of(const char *name)
{
	if (strcmp(name, "Xen Virtual Keyboard") == 0)
		return "kbd";
	if (strcmp(name, "Xen Virtual Pointer") == 0)
		return "ptr";
	if (strcmp(name, "Xen Virtual Multi-touch") == 0)
		return "mt";
	return NULL;
}

static int
known(const char *path)
{
	int i;

	for (i = 0; i < num_devices; i++)
		if (strcmp(devices[i].path, path) == 0)
			return 1;
	return 0;
}

static void
scan(void)
{
	struct dirent *e;
	char path[300], name[128];
	const char *kind;
	DIR *dir = opendir("/dev/input");
	int fd;

	while (dir && (e = readdir(dir)) && num_devices < MAX_DEVICES) {
		if (strncmp(e->d_name, "event", 5) != 0 ||
		    strlen(e->d_name) > 16)
			continue;
		snprintf(path, sizeof path, "/dev/input/%s", e->d_name);
		if (known(path))
			continue;
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof name);
		ioctl(fd, EVIOCGNAME(sizeof name - 1), name);
		kind = kind_of(name);
		if (!kind) {
			close(fd);
			continue;
		}
		devices[num_devices].fd = fd;
		devices[num_devices].kind = kind;
		snprintf(devices[num_devices].path, sizeof path, "%s", path);
		num_devices++;
		printf("XDG input-device dev=%s path=%s\n", kind, path);
		fflush(stdout);
	}
	if (dir)
		closedir(dir);
}

static void
drain(struct device *d)
{
	static const char *const types[] = {
		[EV_KEY] = "key", [EV_REL] = "rel", [EV_ABS] = "abs",
	};
	struct input_event ev[64];
	ssize_t n;
	size_t i;

	while ((n = read(d->fd, ev, sizeof ev)) > 0) {
		for (i = 0; i < (size_t)n / sizeof ev[0]; i++) {
			if (ev[i].type != EV_KEY && ev[i].type != EV_REL &&
			    ev[i].type != EV_ABS)
				continue;
			printf("XDG input dev=%s type=%s code=%u value=%d\n",
			       d->kind, types[ev[i].type], ev[i].code,
			       ev[i].value);
		}
		fflush(stdout);
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	double seconds = 60, end;
	struct pollfd fds[MAX_DEVICES];
	int i;

	if (argc == 3 && strcmp(argv[1], "--seconds") == 0)
		seconds = atof(argv[2]);
	end = now_s() + seconds;
	printf("XDG input-start seconds=%g\n", seconds);
	fflush(stdout);
	while (now_s() < end) {
		scan();
		for (i = 0; i < num_devices; i++) {
			fds[i].fd = devices[i].fd;
			fds[i].events = POLLIN;
		}
		/* Wake at least every 200 ms to look for new devices. */
		if (poll(fds, num_devices, 200) <= 0)
			continue;
		for (i = 0; i < num_devices; i++)
			if (fds[i].revents & POLLIN)
				drain(&devices[i]);
	}
	printf("XDG input-done devices=%d\n", num_devices);
	return 0;
}
