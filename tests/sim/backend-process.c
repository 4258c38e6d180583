/* SPDX-License-Identifier: MIT */

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend-process.h"
#include "harness/harness.h"

int
xd_backend_spawn_args(struct xd_weston *weston, const char *sim_socket,
		      uint32_t domid, bool be_alloc, const char *const *extra)
{
	char domid_arg[32], xen_arg[320];
	const char *argv[24];
	int pid = fork();
	int n = 0;

	XD_ASSERT(pid >= 0, "fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setenv("XDG_RUNTIME_DIR", weston->runtime_dir, 1);
		setenv("WAYLAND_DISPLAY", weston->socket, 1);
		snprintf(domid_arg, sizeof domid_arg, "--domid=%u", domid);
		snprintf(xen_arg, sizeof xen_arg, "--xen=sim:%s", sim_socket);
		argv[n++] = "xen-display-backend";
		argv[n++] = domid_arg;
		argv[n++] = "--devid=0";
		argv[n++] = xen_arg;
		if (be_alloc)
			argv[n++] = "--be-alloc";
		while (extra && *extra && n < 23)
			argv[n++] = *extra++;
		argv[n] = NULL;
		execv(XD_BACKEND_PATH, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int
xd_backend_spawn(struct xd_weston *weston, const char *sim_socket,
		 uint32_t domid, bool be_alloc)
{
	return xd_backend_spawn_args(weston, sim_socket, domid, be_alloc,
				     NULL);
}

void
xd_backend_kill(int pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

bool
xd_backend_alive(int pid)
{
	return pid > 0 && waitpid(pid, NULL, WNOHANG) == 0;
}

/* The parent of process pid, or 0. */
static int
parent_pid(const char *pid)
{
	char path[300], stat[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(stat, 1, sizeof stat - 1, f);
	fclose(f);
	stat[n] = '\0';
	/* "pid (comm) state ppid": comm may hold spaces and parentheses. */
	p = strrchr(stat, ')');
	return p && p[1] == ' ' && p[2] ? atoi(p + 4) : 0;
}

/* Whether /proc/PID/cmdline is a backend's with the word want. */
static bool
backend_cmdline_has(const char *pid, const char *want)
{
	char path[300], cmd[512];
	bool backend = false, found = false;
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(cmd, 1, sizeof cmd - 1, f);
	fclose(f);
	cmd[n] = '\0';
	/* argv is NUL-separated: look at each word. */
	for (i = 0; i < n; i += strlen(cmd + i) + 1) {
		if (strstr(cmd + i, "xen-display-backend"))
			backend = true;
		if (strcmp(cmd + i, want) == 0)
			found = true;
	}
	return backend && found;
}

int
xd_backend_find(const struct xd_weston *weston, uint32_t domid)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	char want[32];
	int pid = 0;

	snprintf(want, sizeof want, "--domid=%u", domid);
	while (proc && !pid && (e = readdir(proc))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (backend_cmdline_has(e->d_name, want) &&
		    parent_pid(e->d_name) == weston->pid)
			pid = atoi(e->d_name);
	}
	if (proc)
		closedir(proc);
	return pid;
}

int
xd_weston_holds_guest_memory(const struct xd_weston *weston, uint32_t domid)
{
	char path[320], link[256], name[64], line[512];
	struct dirent *e;
	DIR *dir;
	FILE *maps;
	int held = 0;
	ssize_t n;

	snprintf(name, sizeof name, "memfd:xd-sim-dom%u ", domid);
	snprintf(path, sizeof path, "/proc/%d/fd", (int)weston->pid);
	dir = opendir(path);
	XD_ASSERT(dir, "opendir %s", path);
	while ((e = readdir(dir))) {
		snprintf(path, sizeof path, "/proc/%d/fd/%s", (int)weston->pid,
			 e->d_name);
		n = readlink(path, link, sizeof link - 2);
		if (n <= 0)
			continue;
		link[n] = ' ';
		link[n + 1] = '\0';
		if (strstr(link, name))
			held++;
	}
	closedir(dir);
	snprintf(path, sizeof path, "/proc/%d/maps", (int)weston->pid);
	maps = fopen(path, "r");
	XD_ASSERT(maps, "open %s", path);
	name[strlen(name) - 1] = '\0';
	while (fgets(line, sizeof line, maps))
		if (strstr(line, name))
			held++;
	fclose(maps);
	return held;
}
