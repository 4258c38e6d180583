/* SPDX-License-Identifier: MIT */
/* The monotonic clock, read one way by the module and the backend. */

#ifndef XD_CLOCK_H
#define XD_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
xd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static inline uint64_t
xd_now_ms(void)
{
	return xd_now_ns() / 1000000;
}

#endif
