/* SPDX-License-Identifier: MIT */
/*
 * The Wayland half's own check of a guest framebuffer before it is
 * imported or copied from (xdw-fb.c). The displif half validated the same
 * fields; the copy path reads guest memory by them, so the sink checks
 * again rather than trust a contract. Arithmetic alone, no compositor:
 * the fuzzer calls it (tests/fuzz/fuzz-fb-check.c).
 */

#ifndef XD_XDW_FB_CHECK_H
#define XD_XDW_FB_CHECK_H

#include "display-sink.h"

/* 0 when fb is not empty, its lines, at its pitch from its offset, lie
 * inside its buffer in a format we convert, and its XRGB8888 copy fits a
 * wl_shm pool; -EINVAL otherwise. */
int
xdw_fb_check(const struct xd_fb *fb);

#endif
