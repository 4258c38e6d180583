/* SPDX-License-Identifier: MIT */
#ifndef XD_WAKEUP_FLOOR_H
#define XD_WAKEUP_FLOOR_H

/* CPU time, in us, a process spends per wakeup (woken from read() on a
 * socket by another process, one read and one write), over rounds wakeups
 * period_us apart. */
double
xd_wakeup_floor_us(int rounds, int period_us);

#endif
