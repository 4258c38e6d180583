/* SPDX-License-Identifier: MIT */
/*
 * dom0 input devices for the rig's input scenario: a keyboard, an
 * absolute mouse with a wheel (as QEMU's USB tablet) and a touchscreen,
 * made with uinput, so that Weston's DRM backend gets them through the
 * kernel and libinput exactly as it gets a user's devices. Their axes
 * span WIDTHxHEIGHT, the output's size, so a position here is the same
 * position on the output.
 *
 *   uinput-inject --size WIDTHxHEIGHT
 *
 * Commands on stdin, one per line, each answered "done LINE" on stdout
 * once the event is written:
 *   move X Y | button CODE 0|1 | wheel CLICKS (> 0: up) | key CODE 0|1
 *   touch-down SLOT X Y | touch-move SLOT X Y | touch-up SLOT
 * "ready" is printed once the devices exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/uinput.h>

static int width = 1024, height = 768;

static void
die(const char *what)
{
	fprintf(stderr, "uinput-inject: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
set_bit(int fd, unsigned long request, int bit)
{
	if (ioctl(fd, request, bit) < 0)
		die("UI_SET_*BIT");
}

static void
abs_axis(int fd, int code, int max)
{
	struct uinput_abs_setup abs = { .code = code };

	abs.absinfo.minimum = 0;
	abs.absinfo.maximum = max;
	set_bit(fd, UI_SET_ABSBIT, code);
	if (ioctl(fd, UI_ABS_SETUP, &abs) < 0)
		die("UI_ABS_SETUP");
}

static int
open_device(void)
{
	int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK);

	if (fd < 0)
		die("/dev/uinput");
	return fd;
}

static void
create(int fd, const char *name, int product)
{
	struct uinput_setup setup = { 0 };

	setup.id.bustype = BUS_VIRTUAL;
	setup.id.vendor = 0x5844;	/* "XD" */
	setup.id.product = product;
	snprintf(setup.name, sizeof setup.name, "%s", name);
	if (ioctl(fd, UI_DEV_SETUP, &setup) < 0 ||
	    ioctl(fd, UI_DEV_CREATE) < 0)
		die("UI_DEV_CREATE");
}

static void
emit(int fd, int type, int code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	if (write(fd, &ev, sizeof ev) != sizeof ev)
		die("write");
}

static void
sync_frame(int fd)
{
	emit(fd, EV_SYN, SYN_REPORT, 0);
}

/* A contact of the touchscreen at (x, y), in its slot and as the single
 * touch position legacy readers use. */
static void
touch_at(int fd, int slot, int x, int y)
{
	emit(fd, EV_ABS, ABS_MT_SLOT, slot);
	emit(fd, EV_ABS, ABS_MT_POSITION_X, x);
	emit(fd, EV_ABS, ABS_MT_POSITION_Y, y);
	emit(fd, EV_ABS, ABS_X, x);
	emit(fd, EV_ABS, ABS_Y, y);
}

int
main(int argc, char *argv[])
{
	int kbd, mouse, touch, code, a, b, c, i;
	char line[128];

	if (argc == 3 && strcmp(argv[1], "--size") == 0 &&
	    sscanf(argv[2], "%dx%d", &width, &height) != 2)
		return 2;

	kbd = open_device();
	set_bit(kbd, UI_SET_EVBIT, EV_KEY);
	for (i = KEY_ESC; i <= KEY_MICMUTE; i++)
		set_bit(kbd, UI_SET_KEYBIT, i);
	create(kbd, "xen-display rig keyboard", 1);

	mouse = open_device();
	set_bit(mouse, UI_SET_EVBIT, EV_KEY);
	set_bit(mouse, UI_SET_EVBIT, EV_ABS);
	set_bit(mouse, UI_SET_EVBIT, EV_REL);
	set_bit(mouse, UI_SET_KEYBIT, BTN_LEFT);
	set_bit(mouse, UI_SET_KEYBIT, BTN_RIGHT);
	set_bit(mouse, UI_SET_KEYBIT, BTN_MIDDLE);
	set_bit(mouse, UI_SET_RELBIT, REL_WHEEL);
	abs_axis(mouse, ABS_X, width - 1);
	abs_axis(mouse, ABS_Y, height - 1);
	create(mouse, "xen-display rig tablet", 2);

	touch = open_device();
	set_bit(touch, UI_SET_EVBIT, EV_KEY);
	set_bit(touch, UI_SET_EVBIT, EV_ABS);
	set_bit(touch, UI_SET_KEYBIT, BTN_TOUCH);
	set_bit(touch, UI_SET_PROPBIT, INPUT_PROP_DIRECT);
	abs_axis(touch, ABS_X, width - 1);
	abs_axis(touch, ABS_Y, height - 1);
	abs_axis(touch, ABS_MT_SLOT, 9);
	abs_axis(touch, ABS_MT_TRACKING_ID, 65535);
	abs_axis(touch, ABS_MT_POSITION_X, width - 1);
	abs_axis(touch, ABS_MT_POSITION_Y, height - 1);
	create(touch, "xen-display rig touchscreen", 3);

	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "move %d %d", &a, &b) == 2) {
			emit(mouse, EV_ABS, ABS_X, a);
			emit(mouse, EV_ABS, ABS_Y, b);
			sync_frame(mouse);
		} else if (sscanf(line, "button %d %d", &code, &a) == 2) {
			emit(mouse, EV_KEY, code, a);
			sync_frame(mouse);
		} else if (sscanf(line, "wheel %d", &a) == 1) {
			emit(mouse, EV_REL, REL_WHEEL, a);
			sync_frame(mouse);
		} else if (sscanf(line, "key %d %d", &code, &a) == 2) {
			emit(kbd, EV_KEY, code, a);
			sync_frame(kbd);
		} else if (sscanf(line, "touch-down %d %d %d", &a, &b, &c) == 3) {
			touch_at(touch, a, b, c);
			emit(touch, EV_ABS, ABS_MT_TRACKING_ID, 100 + a);
			emit(touch, EV_KEY, BTN_TOUCH, 1);
			sync_frame(touch);
		} else if (sscanf(line, "touch-move %d %d %d", &a, &b, &c) == 3) {
			touch_at(touch, a, b, c);
			sync_frame(touch);
		} else if (sscanf(line, "touch-up %d", &a) == 1) {
			emit(touch, EV_ABS, ABS_MT_SLOT, a);
			emit(touch, EV_ABS, ABS_MT_TRACKING_ID, -1);
			emit(touch, EV_KEY, BTN_TOUCH, 0);
			sync_frame(touch);
		} else {
			printf("error %s\n", line);
			fflush(stdout);
			continue;
		}
		printf("done %s\n", line);
		fflush(stdout);
	}
	return 0;
}
