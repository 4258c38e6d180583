/* SPDX-License-Identifier: MIT */
#ifndef XD_SYSCALL_COUNTER_H
#define XD_SYSCALL_COUNTER_H

#include <stddef.h>
#include <sys/types.h>

/* A count of a process's system calls (every thread, and threads and
 * children it starts after), kept by the kernel on the
 * raw_syscalls:sys_enter tracepoint: the process runs unslowed, nothing
 * stops it per call as strace does. */
struct xd_syscall_counter;

/* NULL with why (a sentence) filled in when the counter cannot be opened:
 * no tracefs, no perf events, no permission, no such process. */
struct xd_syscall_counter *
xd_syscall_counter_open(pid_t pid, char *why, size_t why_len);

/* The system calls since the counter opened; -1 on a read error. */
long long
xd_syscall_counter_read(struct xd_syscall_counter *c);

void
xd_syscall_counter_close(struct xd_syscall_counter *c);

#endif
