/* SPDX-License-Identifier: MIT */
/*
 * Parsers for the XenStore values a frontend or the toolstack controls.
 * Each takes the whole string and accepts only the exact syntax the
 * device protocols (displif, kbdif) define.
 */

#ifndef XD_XS_VALUES_H
#define XD_XS_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "common/decimal.h"

/* "WxH" with 1 <= W <= max_w and 1 <= H <= max_h. */
int
xd_parse_resolution(const char *s, uint32_t max_w, uint32_t max_h,
		    uint32_t *w, uint32_t *h);

/* Printable ASCII without spaces, 1..max_len characters. */
bool
xd_valid_unique_id(const char *s, unsigned int max_len);

/* A "1,2"-style list contains version v. */
bool
xd_version_list_has(const char *list, uint32_t v);

#endif
