/* SPDX-License-Identifier: MIT */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend-process.h"
#include "harness/harness.h"

int
xd_backend_spawn(struct xd_weston *weston, const char *sim_socket,
		 uint32_t domid, bool be_alloc)
{
	char domid_arg[32], xen_arg[320];
	int pid = fork();

	XD_ASSERT(pid >= 0, "fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setenv("XDG_RUNTIME_DIR", weston->runtime_dir, 1);
		setenv("WAYLAND_DISPLAY", weston->socket, 1);
		snprintf(domid_arg, sizeof domid_arg, "--domid=%u", domid);
		snprintf(xen_arg, sizeof xen_arg, "--xen=sim:%s", sim_socket);
		execl(XD_BACKEND_PATH, "xen-display-backend", domid_arg,
		      "--devid=0", xen_arg,
		      be_alloc ? "--be-alloc" : (char *)NULL, (char *)NULL);
		_exit(127);
	}
	return pid;
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
