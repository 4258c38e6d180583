/* SPDX-License-Identifier: MIT */
/*
 * The backend's file system, network and IPC reach, by Landlock
 * (linux/landlock.h, through syscall(): glibc has no wrappers). Every
 * file access right the running kernel's ABI knows is handled, so what
 * is not allowed below is denied: read and execute beneath /usr, /lib
 * and /lib64, read of /etc/ld.so.cache and of the process's own
 * /proc/PID (sanitizers read /proc/self/maps), the backend executable,
 * the device paths xen-handles.c could not replace by a handle, the
 * flip trace's directory when one is named, and a profiler's when one is
 * (both set only in Weston's environment, by whoever starts it). No TCP bind or connect
 * (ABI 4), no signal to and no abstract Unix socket of a process outside
 * the sandbox (ABI 6). A Landlock domain also confines ptrace: the
 * backend cannot trace, nor read the memory of, Weston or another
 * backend (each backend gets a domain of its own), whatever its uid.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

#define FS_ABI1 (LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | \
	LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
	LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | \
	LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

/* The rights that apply to a file (not a directory) in a rule. */
#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

#define READ_EXEC (LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define DEVICE (LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define WRITE_BENEATH (READ | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_TRUNCATE)

struct ruleset {
	int fd;
	__u64 handled;
};

static int
landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

/* Allows access beneath path (or to the file path). optional: a path
 * that may be absent. */
static int
allow(struct ruleset *rs, const char *path, __u64 access, bool optional)
{
	struct landlock_path_beneath_attr rule = { 0 };
	struct stat st;
	int fd, ret;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0 && optional && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		sb_log("Landlock: cannot open %s: %s\n", path,
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		access &= FS_FILE;
	rule.allowed_access = access & rs->handled;
	rule.parent_fd = fd;
	ret = syscall(SYS_landlock_add_rule, rs->fd,
		      LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	if (ret < 0)
		sb_log("Landlock: cannot allow %s: %s\n", path,
		       strerror(errno));
	close(fd);
	return ret < 0 ? -1 : 0;
}

/*
 * The process's own /proc/PID: execve() keeps the pid. A rule holds the
 * inode, but procfs makes a new inode for /proc/PID whenever its dentry
 * was dropped and is looked up again; an O_PATH fd kept open across the
 * exec (no FD_CLOEXEC) pins the dentry, so the rule keeps matching. It
 * names only the backend's own directory.
 */
static int
allow_own_proc(struct ruleset *rs)
{
	char path[32];

	snprintf(path, sizeof path, "/proc/%d", (int)getpid());
	if (allow(rs, path, READ, false) < 0)
		return -1;
	if (open(path, O_PATH | O_DIRECTORY) < 0)
		sb_log("cannot pin %s: %s\n", path, strerror(errno));
	return 0;
}

/* XD_FLIP_TRACE=DIR (xdw-trace.c, benchmarks): the backend writes its
 * flips-PID.txt there. */
static int
allow_trace(struct ruleset *rs)
{
	const char *dir = getenv("XD_FLIP_TRACE");

	if (!dir || !*dir)
		return 0;
	return allow(rs, dir, WRITE_BENEATH, false);
}

/* XD_PROFILE_DIR=DIR (tools/profile-flip.sh): the backend is started
 * through a profiler kept there, which reads the backend from there and
 * writes its output (and removes its temporary files) there. */
static int
allow_profiler(struct ruleset *rs)
{
	const char *dir = getenv("XD_PROFILE_DIR");

	if (!dir || !*dir)
		return 0;
	return allow(rs, dir, READ_EXEC | WRITE_BENEATH |
		     LANDLOCK_ACCESS_FS_REMOVE_FILE, false);
}

static int
add_rules(struct sb_plan *plan, struct ruleset *rs)
{
	if (allow(rs, "/usr", READ_EXEC, false) < 0 ||
	    allow(rs, "/lib", READ_EXEC, true) < 0 ||
	    allow(rs, "/lib64", READ_EXEC, true) < 0 ||
	    allow(rs, "/etc/ld.so.cache", READ, true) < 0 ||
	    allow(rs, plan->backend, READ_EXEC, false) < 0 ||
	    allow_own_proc(rs) < 0 ||
	    allow_trace(rs) < 0 || allow_profiler(rs) < 0)
		return -1;
	if (plan->allow_gntdev && allow(rs, "/dev/xen/gntdev", DEVICE,
					true) < 0)
		return -1;
	if (plan->allow_gntalloc && allow(rs, "/dev/xen/gntalloc", DEVICE,
					  true) < 0)
		return -1;
	if (plan->allow_xenbus && allow(rs, "/dev/xen/xenbus", DEVICE,
					true) < 0)
		return -1;
	return 0;
}

int
sb_landlock(struct sb_plan *plan)
{
	struct landlock_ruleset_attr attr = { 0 };
	struct ruleset rs;
	int abi = landlock_abi();

	if (abi < 1) {
		if (!plan->allow_unconfined) {
			sb_log("Landlock is not available, so this backend "
			       "would reach every file and device Weston's "
			       "user can: not started. Enable Landlock (add "
			       "landlock to the kernel's lsm= boot parameter, "
			       "or CONFIG_LSM), or set sandbox=false in "
			       "weston.ini's [xen-display] section (unsafe, "
			       "doc/xen-display.ini.5.md)\n");
			return -1;
		}
		sb_log("warning: Landlock is not available and sandbox=false: "
		       "this backend is not confined to its guest's files "
		       "and devices\n");
		return 0;
	}
	attr.handled_access_fs = FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
					  LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			      LANDLOCK_SCOPE_SIGNAL;
	rs.handled = attr.handled_access_fs;
	/* Older kernels take the struct's trailing fields when zero. */
	rs.fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (rs.fd < 0) {
		sb_log("Landlock: cannot create a ruleset (ABI %d): %s\n", abi,
		       strerror(errno));
		return -1;
	}
	if (add_rules(plan, &rs) < 0 ||
	    syscall(SYS_landlock_restrict_self, rs.fd, 0) < 0) {
		if (errno)
			sb_log("Landlock: cannot restrict the backend: %s\n",
			       strerror(errno));
		close(rs.fd);
		return -1;
	}
	close(rs.fd);
	plan->landlocked = true;
	return 0;
}
