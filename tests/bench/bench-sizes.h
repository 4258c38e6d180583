/* SPDX-License-Identifier: MIT */
/* The resolutions both benchmarks measure a flip at (doc/performance.md). */

#ifndef XD_BENCH_SIZES_H
#define XD_BENCH_SIZES_H

#include <stdint.h>

#define BENCH_SIZES 3

struct size {
	const char *name;
	uint32_t width, height;
};

static const struct size sizes[BENCH_SIZES] = {
	{ "480p", 640, 480 },
	{ "1080p", 1920, 1080 },
	{ "4k", 3840, 2160 },
};

#endif
