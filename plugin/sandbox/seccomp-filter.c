/* SPDX-License-Identifier: MIT */
/*
 * The backend's system calls, by seccomp (libseccomp). Denied with EPERM,
 * not killed, so that a library probing for a feature carries on:
 * - socket(): every connection the backend has is handed to it (Wayland,
 *   the simulator, the XenStore broker); none may be made.
 * - what reaches other processes: process_vm_readv/writev, kcmp,
 *   pidfd_getfd, pidfd_send_signal, and kill, tkill, tgkill,
 *   rt_(tg)sigqueueinfo to any pid but its own (Landlock's signal scope
 *   says the same on ABI 6).
 * - the kernel's wider attack surface a display backend never needs:
 *   bpf, perf_event_open, userfaultfd, io_uring, keys, namespaces
 *   (unshare, setns, clone with CLONE_NEW*; clone3, whose flags a filter
 *   cannot read, answers ENOSYS so that the C library falls back to
 *   clone), mounts, pivot_root, chroot, modules, kexec, file handles,
 *   personality, device nodes, port I/O, acct, swap, reboot, syslog.
 *
 * ptrace is left to Landlock, which allows it only inside the backend's
 * own domain: LeakSanitizer (the tests' ASan builds) stops the process's
 * threads with ptrace from a helper at exit, which a seccomp denial would
 * break. Without Landlock (sandbox=false) seccomp denies ptrace too.
 */

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

static const char *const denied[] = {
	"socket",
	"process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	"pidfd_send_signal",
	"bpf", "perf_event_open", "userfaultfd",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"keyctl", "add_key", "request_key",
	"unshare", "setns",
	"mount", "umount", "umount2", "fsopen", "fsconfig", "fsmount",
	"fspick", "move_mount", "open_tree", "mount_setattr",
	"pivot_root", "chroot",
	"init_module", "finit_module", "delete_module",
	"kexec_load", "kexec_file_load",
	"open_by_handle_at", "name_to_handle_at",
	"personality",
	"mknod", "mknodat",
	"ioperm", "iopl",
	"acct", "swapon", "swapoff", "reboot", "syslog",
};

/* Signals: the first argument (pid, tgid or tid) must be our own. */
static const char *const own_pid_only[] = {
	"kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
};

static const unsigned long clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC,
	CLONE_NEWUTS, CLONE_NEWCGROUP,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
deny_all(scmp_filter_ctx ctx, const char *name, int err)
{
	int nr = seccomp_syscall_resolve_name(name);

	/* A call this architecture does not have cannot be made. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
}

static int
add_rules(scmp_filter_ctx ctx, const struct sb_plan *plan)
{
	scmp_datum_t self = (scmp_datum_t)getpid();
	size_t i;
	int ret = 0, nr;

	for (i = 0; i < N(denied) && ret == 0; i++)
		ret = deny_all(ctx, denied[i], EPERM);
	if (ret == 0 && !plan->landlocked)
		ret = deny_all(ctx, "ptrace", EPERM);
	if (ret == 0)
		ret = deny_all(ctx, "clone3", ENOSYS);
	for (i = 0; i < N(own_pid_only) && ret == 0; i++) {
		nr = seccomp_syscall_resolve_name(own_pid_only[i]);
		if (nr != __NR_SCMP_ERROR)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr,
					       1, SCMP_A0(SCMP_CMP_NE, self));
	}
	for (i = 0; i < N(clone_ns_flags) && ret == 0; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				       SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ,
					       clone_ns_flags[i],
					       clone_ns_flags[i]));
	return ret;
}

int
sb_seccomp(const struct sb_plan *plan)
{
	scmp_filter_ctx ctx;
	int ret;

	/* Calls of another architecture (int 0x80, x32) kill, libseccomp's
	 * default for a foreign architecture. */
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		sb_log("seccomp: cannot create a filter; not started\n");
		return -1;
	}
	ret = add_rules(ctx, plan);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0) {
		sb_log("seccomp: cannot load the filter: %s; a kernel with "
		       "CONFIG_SECCOMP_FILTER is needed; not started\n",
		       strerror(-ret));
		return -1;
	}
	return 0;
}
