/* SPDX-License-Identifier: MIT */
/*
 * RFB 3.8 (RFC 6143) client for input injection: handshake, Apple-DH
 * authentication, KeyEvent, PointerEvent, and FramebufferUpdateRequest as
 * a barrier. Everything is bounded by a deadline: a test never hangs here.
 */

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "rfb-apple-dh.h"
#include "rfb-client.h"

#define RFB_VERSION "RFB 003.008\n"
#define SECURITY_APPLE_DH 30
#define DH_KEY_LEN 256		/* neatvnc's 2048-bit RFC 3526 group */
#define RETRY_MS 50

enum {
	MSG_SET_PIXEL_FORMAT = 0,
	MSG_SET_ENCODINGS = 2,
	MSG_FB_UPDATE_REQUEST = 3,
	MSG_KEY = 4,
	MSG_POINTER = 5,
};

enum {
	SERVER_FB_UPDATE = 0,
	SERVER_BELL = 2,
	SERVER_CUT_TEXT = 3,
};

struct xd_rfb {
	int fd;
	int width, height;
	int bytes_per_pixel;
};

/* How one handshake attempt ended. */
enum attempt {
	ATTEMPT_OK,
	ATTEMPT_RETRY,		/* something worth a fresh connection */
	ATTEMPT_FAILED,		/* refused: retrying cannot help */
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Reads exactly len bytes before the deadline; false on EOF, error or
 * timeout. */
static bool
read_full(int fd, void *buf, size_t len, long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t *p = buf;
	ssize_t ret;

	while (len > 0) {
		long left = deadline - now_ms();

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return false;
		ret = read(fd, p, len);
		if (ret < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (ret <= 0)
			return false;
		p += ret;
		len -= ret;
	}
	return true;
}

static bool
skip_bytes(int fd, uint64_t len, long deadline)
{
	uint8_t scratch[4096];

	while (len > 0) {
		size_t n = len < sizeof scratch ? len : sizeof scratch;

		if (!read_full(fd, scratch, n, deadline))
			return false;
		len -= n;
	}
	return true;
}

static bool
write_full(int fd, const void *buf, size_t len, long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	const uint8_t *p = buf;
	ssize_t ret;

	while (len > 0) {
		long left = deadline - now_ms();

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return false;
		ret = send(fd, p, len, MSG_NOSIGNAL);
		if (ret < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (ret <= 0)
			return false;
		p += ret;
		len -= ret;
	}
	return true;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static int
tcp_connect(const char *host, int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char service[16];
	int fd = -1;

	snprintf(service, sizeof service, "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* A failure reason (RFC 6143 7.1.2, 7.1.3): u32 length and text. */
static void
read_reason(int fd, char *reason, size_t size, long deadline)
{
	uint8_t len_buf[4];
	uint32_t len;

	snprintf(reason, size, "(no reason given)");
	if (!read_full(fd, len_buf, 4, deadline))
		return;
	len = get32(len_buf);
	if (len >= size)
		len = size - 1;
	if (read_full(fd, reason, len, deadline))
		reason[len] = '\0';
}

static enum attempt
authenticate(int fd, const char *user, const char *password, char *error,
	     size_t error_size, long deadline)
{
	uint8_t head[4], prime[DH_KEY_LEN], server_key[DH_KEY_LEN];
	uint8_t reply[XD_RFB_APPLE_DH_CREDENTIALS + DH_KEY_LEN];
	uint8_t result[4];
	uint16_t key_len;

	if (!read_full(fd, head, sizeof head, deadline))
		return ATTEMPT_RETRY;
	key_len = get16(head + 2);
	/* neatvnc 0.9.1 announces a public key that happens to start with
	 * a zero byte as one byte shorter and sends it truncated (about one
	 * connection in 256): no client can complete that exchange. */
	if (key_len != DH_KEY_LEN)
		return ATTEMPT_RETRY;
	if (!read_full(fd, prime, key_len, deadline) ||
	    !read_full(fd, server_key, key_len, deadline))
		return ATTEMPT_RETRY;

	if (xd_rfb_apple_dh_respond(get16(head), prime, server_key, key_len,
				    user, password, reply,
				    reply + XD_RFB_APPLE_DH_CREDENTIALS) < 0) {
		snprintf(error, error_size, "Apple-DH: user or password too "
			 "long, or no randomness");
		return ATTEMPT_FAILED;
	}
	if (!write_full(fd, reply, sizeof reply, deadline) ||
	    !read_full(fd, result, sizeof result, deadline))
		return ATTEMPT_RETRY;
	if (get32(result) != 0) {
		char reason[256];

		read_reason(fd, reason, sizeof reason, deadline);
		snprintf(error, error_size, "authentication refused: %s",
			 reason);
		return ATTEMPT_FAILED;
	}
	return ATTEMPT_OK;
}

static enum attempt
handshake(struct xd_rfb *rfb, const char *user, const char *password,
	  char *error, size_t error_size, long deadline)
{
	uint8_t version[12], count, types[255], init[24];
	uint8_t choice = SECURITY_APPLE_DH, shared = 1;
	uint8_t encodings[8] = { MSG_SET_ENCODINGS, 0, 0, 1, 0, 0, 0, 0 };
	enum attempt ret;
	bool offered = false;
	int i;

	if (!read_full(rfb->fd, version, sizeof version, deadline))
		return ATTEMPT_RETRY;
	if (memcmp(version, RFB_VERSION, sizeof version) != 0) {
		snprintf(error, error_size, "server speaks %.11s, not 3.8",
			 (char *)version);
		return ATTEMPT_FAILED;
	}
	if (!write_full(rfb->fd, RFB_VERSION, sizeof version, deadline) ||
	    !read_full(rfb->fd, &count, 1, deadline))
		return ATTEMPT_RETRY;
	if (count == 0) {
		char reason[256];

		read_reason(rfb->fd, reason, sizeof reason, deadline);
		snprintf(error, error_size, "server refused: %s", reason);
		return ATTEMPT_FAILED;
	}
	if (!read_full(rfb->fd, types, count, deadline))
		return ATTEMPT_RETRY;
	for (i = 0; i < count; i++)
		offered |= types[i] == SECURITY_APPLE_DH;
	if (!offered) {
		snprintf(error, error_size, "server does not offer Apple-DH "
			 "(security type 30); is TLS disabled?");
		return ATTEMPT_FAILED;
	}
	if (!write_full(rfb->fd, &choice, 1, deadline))
		return ATTEMPT_RETRY;
	ret = authenticate(rfb->fd, user, password, error, error_size,
			   deadline);
	if (ret != ATTEMPT_OK)
		return ret;

	/* neatvnc closes a client that finishes ClientInit before Weston
	 * has drawn the output's first frame. */
	if (!write_full(rfb->fd, &shared, 1, deadline) ||
	    !read_full(rfb->fd, init, sizeof init, deadline) ||
	    !skip_bytes(rfb->fd, get32(init + 20), deadline))
		return ATTEMPT_RETRY;
	rfb->width = get16(init);
	rfb->height = get16(init + 2);
	rfb->bytes_per_pixel = init[4] / 8;

	/* Raw only: framebuffer updates are then trivial to skip. */
	if (!write_full(rfb->fd, encodings, sizeof encodings, deadline))
		return ATTEMPT_RETRY;
	return ATTEMPT_OK;
}

struct xd_rfb *
xd_rfb_connect(const char *host, int port, const char *user,
	       const char *password)
{
	struct xd_rfb *rfb = calloc(1, sizeof *rfb);
	long deadline = now_ms() + XD_RFB_TIMEOUT_MS;
	char error[512] = "timed out";
	enum attempt ret = ATTEMPT_RETRY;

	XD_ASSERT(rfb, "out of memory");
	while (ret == ATTEMPT_RETRY && now_ms() < deadline) {
		rfb->fd = tcp_connect(host, port);
		if (rfb->fd < 0) {
			snprintf(error, sizeof error, "connect: %s",
				 strerror(errno));
			usleep(RETRY_MS * 1000);
			continue;
		}
		ret = handshake(rfb, user, password, error, sizeof error,
				deadline);
		if (ret != ATTEMPT_OK) {
			close(rfb->fd);
			rfb->fd = -1;
		}
		if (ret == ATTEMPT_RETRY) {
			snprintf(error, sizeof error, "connection closed or "
				 "timed out during the handshake");
			usleep(RETRY_MS * 1000);
		}
	}
	XD_ASSERT(ret == ATTEMPT_OK, "RFB connection to %s:%d: %s", host,
		  port, error);
	return rfb;
}

void
xd_rfb_size(const struct xd_rfb *rfb, int *width, int *height)
{
	*width = rfb->width;
	*height = rfb->height;
}

static void
send_message(struct xd_rfb *rfb, const uint8_t *msg, size_t len)
{
	XD_ASSERT(write_full(rfb->fd, msg, len,
			     now_ms() + XD_RFB_TIMEOUT_MS),
		  "RFB: cannot send message %u: %s", msg[0],
		  strerror(errno));
}

void
xd_rfb_key(struct xd_rfb *rfb, uint32_t keysym, bool down)
{
	uint8_t msg[8] = { MSG_KEY, down };

	put32(msg + 4, keysym);
	send_message(rfb, msg, sizeof msg);
}

void
xd_rfb_pointer(struct xd_rfb *rfb, int x, int y, uint32_t buttons)
{
	uint8_t msg[6] = { MSG_POINTER, (uint8_t)buttons };

	XD_ASSERT(x >= 0 && y >= 0 && x <= 0xffff && y <= 0xffff,
		  "pointer position %d,%d out of range", x, y);
	put16(msg + 2, x);
	put16(msg + 4, y);
	send_message(rfb, msg, sizeof msg);
}

/* Reads one server message; true if it was a FramebufferUpdate. */
static bool
read_server_message(struct xd_rfb *rfb, long deadline)
{
	uint8_t type, head[16];
	uint16_t rects, i;
	uint64_t size;

	XD_ASSERT(read_full(rfb->fd, &type, 1, deadline),
		  "RFB: no server message in time (or connection lost)");
	switch (type) {
	case SERVER_FB_UPDATE:
		XD_ASSERT(read_full(rfb->fd, head, 3, deadline),
			  "RFB: short FramebufferUpdate");
		rects = get16(head + 1);
		for (i = 0; i < rects; i++) {
			XD_ASSERT(read_full(rfb->fd, head, 12, deadline),
				  "RFB: short rectangle header");
			XD_ASSERT(get32(head + 8) == 0,
				  "RFB: rectangle encoding %d, asked raw",
				  (int32_t)get32(head + 8));
			size = (uint64_t)get16(head + 4) * get16(head + 6) *
			       rfb->bytes_per_pixel;
			XD_ASSERT(skip_bytes(rfb->fd, size, deadline),
				  "RFB: short rectangle");
		}
		return true;
	case SERVER_BELL:
		return false;
	case SERVER_CUT_TEXT:
		XD_ASSERT(read_full(rfb->fd, head, 7, deadline) &&
			  skip_bytes(rfb->fd, get32(head + 3), deadline),
			  "RFB: short ServerCutText");
		return false;
	default:
		XD_ASSERT(false, "RFB: unexpected server message %u", type);
		return false;
	}
}

void
xd_rfb_sync(struct xd_rfb *rfb)
{
	long deadline = now_ms() + XD_RFB_TIMEOUT_MS;
	uint8_t msg[10] = { MSG_FB_UPDATE_REQUEST, 0 };

	/* Non-incremental, so the server has something to send at once;
	 * one pixel keeps it small. */
	put16(msg + 6, 1);
	put16(msg + 8, 1);
	send_message(rfb, msg, sizeof msg);
	while (!read_server_message(rfb, deadline))
		;
}

struct xd_image *
xd_rfb_capture(struct xd_rfb *rfb)
{
	long deadline = now_ms() + XD_RFB_TIMEOUT_MS;
	/* 32 bits a pixel, depth 24, little endian, true colour, 8 bits a
	 * channel at 16, 8, 0: XRGB8888 words, as xd_image holds. */
	uint8_t format[20] = { MSG_SET_PIXEL_FORMAT, 0, 0, 0, 32, 24, 0, 1,
			       0, 255, 0, 255, 0, 255, 16, 8, 0 };
	uint8_t msg[10] = { MSG_FB_UPDATE_REQUEST, 0 };
	struct xd_image *img = calloc(1, sizeof *img);
	uint8_t type, head[12];
	uint16_t rects, i;
	long covered = 0;

	XD_ASSERT(img, "out of memory");
	img->width = rfb->width;
	img->height = rfb->height;
	img->pixels = calloc((size_t)img->width * img->height, 4);
	XD_ASSERT(img->pixels, "out of memory");
	send_message(rfb, format, sizeof format);
	rfb->bytes_per_pixel = 4;
	/* Non-incremental: the whole framebuffer as it is now. */
	put16(msg + 6, rfb->width);
	put16(msg + 8, rfb->height);
	send_message(rfb, msg, sizeof msg);
	while (covered < (long)img->width * img->height) {
		XD_ASSERT(read_full(rfb->fd, &type, 1, deadline),
			  "RFB: no server message in time (or connection "
			  "lost)");
		if (type != SERVER_FB_UPDATE) {
			XD_ASSERT(type == SERVER_BELL ||
				  (type == SERVER_CUT_TEXT &&
				   read_full(rfb->fd, head, 7, deadline) &&
				   skip_bytes(rfb->fd, get32(head + 3),
					      deadline)),
				  "RFB: unexpected server message %u", type);
			continue;
		}
		XD_ASSERT(read_full(rfb->fd, head, 3, deadline),
			  "RFB: short FramebufferUpdate");
		rects = get16(head + 1);
		for (i = 0; i < rects; i++) {
			int x, y, w, h, r;

			XD_ASSERT(read_full(rfb->fd, head, 12, deadline),
				  "RFB: short rectangle header");
			x = get16(head);
			y = get16(head + 2);
			w = get16(head + 4);
			h = get16(head + 6);
			XD_ASSERT(get32(head + 8) == 0 &&
				  x + w <= img->width && y + h <= img->height,
				  "RFB: rectangle %dx%d+%d+%d encoding %d", w,
				  h, x, y, (int32_t)get32(head + 8));
			/* Little-endian words, as asked, into ours. */
			for (r = 0; r < h; r++) {
				uint8_t *row = (uint8_t *)(img->pixels +
					(size_t)(y + r) * img->width + x);
				int c;

				XD_ASSERT(read_full(rfb->fd, row, (size_t)w * 4,
						    deadline),
					  "RFB: short rectangle");
				for (c = 0; c < w; c++)
					img->pixels[(size_t)(y + r) *
						    img->width + x + c] =
						(uint32_t)row[4 * c] |
						(uint32_t)row[4 * c + 1] << 8 |
						(uint32_t)row[4 * c + 2] << 16;
			}
			covered += (long)w * h;
		}
	}
	return img;
}

void
xd_rfb_close(struct xd_rfb *rfb)
{
	if (rfb->fd >= 0)
		close(rfb->fd);
	free(rfb);
}
