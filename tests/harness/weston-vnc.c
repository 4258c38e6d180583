/* SPDX-License-Identifier: MIT */
/*
 * Letting a test authenticate to its Weston's VNC backend.
 *
 * Weston 14 accepts a VNC client only as the user it runs as, checked
 * by PAM service "weston-remote-access" (Debian: the login stack, so
 * pam_unix and /etc/shadow). Rather than change any PAM file or any real
 * password, the harness gives Weston a private mount namespace in which
 * /etc/shadow is a file of ours holding a password made for this run.
 * The real PAM stack runs unchanged, and nothing outside Weston's
 * namespace sees the difference. Binding needs root (CAP_SYS_ADMIN), as
 * the tests have in the build root.
 */

#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "weston-vnc.h"

#define PASSWORD_LEN 20
#define LOOPBACK_HEX 0x0100007f	/* 127.0.0.1 as /proc/net/tcp prints it */
#define TCP_LISTEN 0x0a

static char *
shadow_path(struct xd_weston *w)
{
	char *path;

	XD_ASSERT(asprintf(&path, "%s/shadow", w->runtime_dir) >= 0,
		  "out of memory");
	return path;
}

void
xd_vnc_prepare(struct xd_weston *w)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint8_t bytes[PASSWORD_LEN];
	char password[PASSWORD_LEN + 1];
	struct passwd *pw = getpwuid(getuid());
	const char *salt, *hash;
	char *path;
	FILE *f;
	int i;

	XD_ASSERT(pw, "no passwd entry for uid %d", (int)getuid());
	XD_ASSERT(getrandom(bytes, sizeof bytes, 0) == sizeof bytes,
		  "getrandom: %s", strerror(errno));
	for (i = 0; i < PASSWORD_LEN; i++)
		password[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
	password[PASSWORD_LEN] = '\0';

	salt = crypt_gensalt(NULL, 0, NULL, 0);
	XD_ASSERT(salt, "crypt_gensalt: %s", strerror(errno));
	hash = crypt(password, salt);
	XD_ASSERT(hash && hash[0] != '*', "crypt failed");

	path = shadow_path(w);
	f = fopen(path, "w");
	XD_ASSERT(f, "cannot write %s: %s", path, strerror(errno));
	fchmod(fileno(f), 0600);
	/* No ageing fields: the account never expires. */
	fprintf(f, "%s:%s:::::::\n", pw->pw_name, hash);
	fclose(f);
	free(path);

	w->vnc_user = strdup(pw->pw_name);
	w->vnc_password = strdup(password);
}

int
xd_vnc_private_shadow(struct xd_weston *w)
{
	char *path = shadow_path(w);
	int ret;

	if (unshare(CLONE_NEWNS) < 0)
		return -1;
	/* A new namespace still shares propagation with the one it came
	 * from: without this, the bind below could reach the real
	 * /etc/shadow of the host. Never bind if it fails. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	ret = mount(path, "/etc/shadow", NULL, MS_BIND, NULL);
	free(path);
	return ret;
}

/* Whether process pid has socket inode open. */
static bool
owns_socket(pid_t pid, unsigned long inode)
{
	char dir[64], link[PATH_MAX], want[64], target[64];
	struct dirent *de;
	bool found = false;
	DIR *d;
	ssize_t n;

	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
	snprintf(want, sizeof want, "socket:[%lu]", inode);
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		snprintf(link, sizeof link, "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strcmp(target, want) == 0;
	}
	closedir(d);
	return found;
}

int
xd_vnc_listening_port(pid_t pid)
{
	unsigned int addr, port, state;
	unsigned long inode;
	char path[64], line[512];
	int found = -1;
	FILE *f;

	/* The network namespace is shared: pick Weston's own socket. */
	snprintf(path, sizeof path, "/proc/%d/net/tcp", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		if (sscanf(line, " %*u: %x:%x %*x:%*x %x %*x:%*x %*x:%*x "
			   "%*x %*u %*u %lu", &addr, &port, &state,
			   &inode) != 4)
			continue;
		if (state == TCP_LISTEN && addr == LOOPBACK_HEX &&
		    owns_socket(pid, inode))
			found = port;
	}
	fclose(f);
	return found;
}
