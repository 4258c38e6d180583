/* SPDX-License-Identifier: MIT */
/*
 * The one rule for every number xen-display reads as text, whoever wrote
 * it (a guest, the toolstack, a command line): decimal digits only, no
 * sign, no spaces, no leading zeros but "0", at most max. A guest's value
 * and an operator's are parsed alike, so no reader is laxer than another.
 */

#ifndef XD_DECIMAL_H
#define XD_DECIMAL_H

#include <stdint.h>

/* The whole of s. 0, -EINVAL (syntax) or -ERANGE (above max). */
int
xd_parse_u32(const char *s, uint32_t max, uint32_t *out);

/* The digits at the start of *s; on success *s points past them. */
int
xd_parse_u32_prefix(const char **s, uint32_t max, uint32_t *out);

#endif
