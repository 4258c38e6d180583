/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "shm-file.h"

int
xd_shm_file_create(size_t size, void **map)
{
	int fd = memfd_create("xd-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	XD_ASSERT(fd >= 0, "memfd_create: %s", strerror(errno));
	XD_ASSERT(ftruncate(fd, size) == 0, "ftruncate: %s", strerror(errno));
	*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	XD_ASSERT(*map != MAP_FAILED, "mmap: %s", strerror(errno));
	return fd;
}
