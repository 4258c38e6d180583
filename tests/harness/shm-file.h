/* SPDX-License-Identifier: MIT */

#ifndef XD_TEST_SHM_FILE_H
#define XD_TEST_SHM_FILE_H

#include <stddef.h>

/* A memfd of size bytes, mapped read-write at *map. */
int
xd_shm_file_create(size_t size, void **map);

#endif
