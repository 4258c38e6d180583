/* SPDX-License-Identifier: MIT */
#ifndef XD_WAKEUP_FLOOR_H
#define XD_WAKEUP_FLOOR_H

#include <sys/types.h>

/* CPU time, in us, of a single-threaded process so far (schedstat). */
double
xd_process_cpu_us(pid_t pid);

/* Sleeps us microseconds (CLOCK_MONOTONIC). */
void
xd_pause_us(int us);

/* CPU time, in us, a process spends per wakeup (woken from read() on a
 * socket by another process, one read and one write), over rounds wakeups
 * period_us apart. */
double
xd_wakeup_floor_us(int rounds, int period_us);

/* CPU time, in us, the skeleton of a backend spends per flip: woken by a
 * guest's request, which it answers and commits to a compositor, and by
 * the compositor's answer repaint_us later, which it passes on to the
 * guest; flips period_us apart (flip-floor.c). */
double
xd_flip_floor_us(int flips, int period_us, int repaint_us);

#endif
