/* SPDX-License-Identifier: MIT */
/*
 * Starting and stopping a private Weston (headless or VNC backend) for one
 * test.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>

#include "harness.h"
#include "weston-vnc.h"

#define READY_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 5000
#define POLL_MS 10

/* The one Weston of this test, for the atexit and signal teardown. */
static struct xd_weston *running;

static bool
is_vnc(const struct xd_weston_options *opt)
{
	return opt->backend && strcmp(opt->backend, "vnc") == 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static char *
xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	XD_ASSERT(ret >= 0, "out of memory");
	return s;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	XD_ASSERT(f, "cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void
dump_log(struct xd_weston *w)
{
	char *log = xd_weston_read_log(w);

	fprintf(stderr, "---- weston log (%s) ----\n%s---- end ----\n",
		w->log_path, log ? log : "(none)\n");
	free(log);
}

/* Whether Weston ended on its own; says how on stderr. A crashed
 * Weston leaves no line in its log, and what waits on it (a simulated
 * guest's flip) would only time out. */
static bool
weston_died(struct xd_weston *w)
{
	int status;

	if (w->pid <= 0 || waitpid(w->pid, &status, WNOHANG) != w->pid)
		return false;
	/* Its backend processes go with it. */
	kill(-w->pid, SIGKILL);
	w->pid = -1;
	if (WIFSIGNALED(status))
		fprintf(stderr, "weston died during the test: signal %d (%s)\n",
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		fprintf(stderr, "weston exited during the test, status %d\n",
			WEXITSTATUS(status));
	return true;
}

void
xd_harness_failed(void)
{
	/* What Weston and our module said is the first thing to read. */
	if (running) {
		dump_log(running);
		weston_died(running);
	}
}

static void
stop(struct xd_weston *w, bool at_exit);

static void
teardown_at_exit(void)
{
	if (running)
		stop(running, true);
}

static void
teardown_on_signal(int sig)
{
	/* Kill the group at once; exit() from a handler is not safe. */
	if (running && running->pid > 0)
		kill(-running->pid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_teardown(void)
{
	static bool installed;

	if (installed)
		return;
	installed = true;
	atexit(teardown_at_exit);
	signal(SIGINT, teardown_on_signal);
	signal(SIGTERM, teardown_on_signal);
	signal(SIGSEGV, teardown_on_signal);
	signal(SIGABRT, teardown_on_signal);
}

/* Builds Weston's argv; strings live as long as the process. */
static char **
weston_argv(const struct xd_weston_options *opt, struct xd_weston *w)
{
	static char *argv[32];
	int n = 0;

	argv[n++] = "weston";
	if (is_vnc(opt)) {
		/* Loopback only, a port the kernel picks (read back from
		 * /proc), and no TLS so that a small client can connect. */
		argv[n++] = "--backend=vnc";
		argv[n++] = "--address=127.0.0.1";
		argv[n++] = "--port=0";
		argv[n++] = "--disable-transport-layer-security";
	} else {
		argv[n++] = "--backend=headless";
	}
	argv[n++] = xasprintf("--renderer=%s",
			      opt->renderer ? opt->renderer : "gl");
	argv[n++] = xasprintf("--shell=%s",
			      opt->shell ? opt->shell : "kiosk");
	argv[n++] = xasprintf("--width=%d", opt->width ? opt->width : 320);
	argv[n++] = xasprintf("--height=%d",
			      opt->height ? opt->height : 240);
	if (opt->refresh_mhz > 0)
		argv[n++] = xasprintf("--refresh-rate=%d", opt->refresh_mhz);
	argv[n++] = xasprintf("--socket=%s", w->socket);
	argv[n++] = xasprintf("--log=%s", w->log_path);
	argv[n++] = opt->timeline ?
		    "--logger-scopes=log,xen-display,timeline" :
		    "--logger-scopes=log,xen-display";
	argv[n++] = "--debug";
	argv[n++] = "--idle-time=0";
	if (w->config_path)
		argv[n++] = xasprintf("--config=%s", w->config_path);
	else
		argv[n++] = "--no-config";
	if (opt->load_module && (opt->outputs > 1 || opt->seat))
		argv[n++] = "--modules=" XD_MODULE_PATH ","
			    XD_TEST_OUTPUTS_MODULE;
	else if (opt->load_module)
		argv[n++] = "--modules=" XD_MODULE_PATH;
	else if (opt->outputs > 1 || opt->seat)
		argv[n++] = "--modules=" XD_TEST_OUTPUTS_MODULE;
	argv[n] = NULL;
	return argv;
}

static void
exec_weston(const struct xd_weston_options *opt, struct xd_weston *w)
{
	char **argv = weston_argv(opt, w);
	char *env_copy, *tok, *save = NULL;

	/* Our own process group, so teardown reaches Weston's children
	 * (backend processes) too; and die with the test. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);

	if (is_vnc(opt) && xd_vnc_private_shadow(w) < 0) {
		fprintf(stderr, "private /etc/shadow for weston: %s\n",
			strerror(errno));
		_exit(127);
	}

	setenv("XDG_RUNTIME_DIR", w->runtime_dir, 1);
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("DISPLAY");
	/* Weston is not built with sanitizers; our module is. */
	if (XD_SANITIZER_PRELOAD[0]) {
		const char *asan = getenv("ASAN_OPTIONS");

		setenv("LD_PRELOAD", XD_SANITIZER_PRELOAD, 1);
		/* Weston's own exit-time leaks are not ours to fix; the
		 * backend processes keep leak checking. Freed memory is
		 * filled with a pattern no pointer has, so that a use
		 * after free in Weston's own (uninstrumented) code, such
		 * as kiosk-shell's (doc/hostile-guests.md), crashes every
		 * time rather than when the allocator happens to reuse
		 * the memory. */
		setenv("ASAN_OPTIONS",
		       xasprintf("%s%sdetect_leaks=0:max_free_fill_size=4096:"
				 "free_fill_byte=170", asan ? asan : "",
				 asan ? ":" : ""), 1);
	}
	if (opt->stderr_to_log) {
		int fd = open(w->log_path, O_WRONLY | O_CREAT | O_APPEND |
			      O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(127);
	}
	if (opt->outputs > 1)
		setenv("XD_TEST_OUTPUTS", xasprintf("%d", opt->outputs), 1);
	if (opt->seat)
		setenv("XD_TEST_SEAT", "1", 1);
	if (opt->extra_env) {
		env_copy = strdup(opt->extra_env);
		for (tok = strtok_r(env_copy, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			putenv(tok);
	}

	execvp("weston", argv);
	fprintf(stderr, "exec weston: %s\n", strerror(errno));
	_exit(127);
}

static bool
socket_accepts(struct xd_weston *w)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, ret;

	snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s",
		 w->runtime_dir, w->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	ret = connect(fd, (struct sockaddr *)&addr, sizeof addr);
	close(fd);
	return ret == 0;
}

static void
wait_ready(struct xd_weston *w)
{
	long deadline = now_ms() + READY_TIMEOUT_MS;
	struct wl_display *display;
	int status;

	while (!socket_accepts(w)) {
		if (waitpid(w->pid, &status, WNOHANG) == w->pid) {
			w->pid = -1;
			dump_log(w);
			XD_ASSERT(false, "weston exited during start-up "
				  "(status 0x%x)", status);
		}
		if (now_ms() > deadline) {
			dump_log(w);
			XD_ASSERT(false, "weston did not open its socket in "
				  "%d ms", READY_TIMEOUT_MS);
		}
		sleep_ms(POLL_MS);
	}

	/* The event loop answers only once start-up (modules included)
	 * is complete. */
	display = xd_weston_connect(w);
	XD_ASSERT(wl_display_roundtrip(display) >= 0, "roundtrip failed");
	wl_display_disconnect(display);
}

static void
wait_vnc_port(struct xd_weston *w)
{
	long deadline = now_ms() + READY_TIMEOUT_MS;

	while ((w->vnc_port = xd_vnc_listening_port(w->pid)) < 0) {
		if (now_ms() > deadline) {
			dump_log(w);
			XD_ASSERT(false, "weston's VNC backend listens on no "
				  "loopback port");
		}
		sleep_ms(POLL_MS);
	}
}

struct xd_weston *
xd_weston_start(const struct xd_weston_options *opt)
{
	struct xd_weston *w = calloc(1, sizeof *w);
	char tmpl[] = "/tmp/xd-test-XXXXXX";

	XD_ASSERT(w, "out of memory");
	XD_ASSERT(!running, "one weston per test");
	XD_ASSERT(!is_vnc(opt) || opt->outputs <= 1,
		  "the VNC backend has one output");
	if (is_vnc(opt) && geteuid() != 0) {
		fprintf(stderr, "SKIP: the VNC backend's private /etc/shadow "
			"needs root (tests run as root in the build root)\n");
		exit(XD_TEST_SKIP);
	}
	XD_ASSERT(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
	chmod(tmpl, 0700);
	w->runtime_dir = strdup(tmpl);
	w->socket = strdup("wayland-xd-test");
	w->log_path = xasprintf("%s/%s", w->runtime_dir, "weston.log");
	if (opt->config) {
		w->config_path = xasprintf("%s/%s", w->runtime_dir,
						"weston.ini");
		write_file(w->config_path, opt->config);
	}
	w->vnc_port = -1;
	if (is_vnc(opt))
		xd_vnc_prepare(w);

	install_teardown();
	w->pid = fork();
	XD_ASSERT(w->pid >= 0, "fork: %s", strerror(errno));
	if (w->pid == 0)
		exec_weston(opt, w);
	setpgid(w->pid, w->pid);
	running = w;

	wait_ready(w);
	if (is_vnc(opt))
		wait_vnc_port(w);
	return w;
}

struct wl_display *
xd_weston_connect(struct xd_weston *w)
{
	char path[512];
	struct wl_display *display;

	snprintf(path, sizeof path, "%s/%s", w->runtime_dir, w->socket);
	display = wl_display_connect(path);
	XD_ASSERT(display, "cannot connect to %s", path);
	return display;
}

char *
xd_weston_read_log(struct xd_weston *w)
{
	FILE *f = fopen(w->log_path, "r");
	char *text = NULL;
	size_t size = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

bool
xd_weston_log_has(struct xd_weston *w, const char *text)
{
	char *log = xd_weston_read_log(w);
	bool found = log && strstr(log, text);

	free(log);
	return found;
}

bool
xd_weston_wait_log(struct xd_weston *w, const char *text, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		if (xd_weston_log_has(w, text))
			return true;
		if (now_ms() > deadline)
			return false;
		sleep_ms(POLL_MS);
	}
}

static void
stop(struct xd_weston *w, bool at_exit)
{
	long deadline = now_ms() + STOP_TIMEOUT_MS;
	int status;

	/* A test that passed while Weston crashed under it has failed. At
	 * exit the test has failed already. */
	if (!at_exit && weston_died(w)) {
		dump_log(w);
		exit(EXIT_FAILURE);
	}
	if (w->pid > 0) {
		kill(-w->pid, SIGTERM);
		while (waitpid(w->pid, &status, WNOHANG) == 0) {
			if (now_ms() > deadline) {
				fprintf(stderr, "weston ignored SIGTERM; "
					"killing it\n");
				kill(-w->pid, SIGKILL);
				waitpid(w->pid, &status, 0);
				break;
			}
			sleep_ms(POLL_MS);
		}
		/* Whatever it launched goes too. */
		kill(-w->pid, SIGKILL);
		w->pid = -1;
	}
	if (running == w)
		running = NULL;
	free(w->runtime_dir);
	free(w->socket);
	free(w->log_path);
	free(w->config_path);
	free(w->vnc_user);
	free(w->vnc_password);
	free(w);
}

void
xd_weston_stop(struct xd_weston *w)
{
	stop(w, false);
}
