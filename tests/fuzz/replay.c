/* SPDX-License-Identifier: MIT */
/*
 * Runs a libFuzzer target over files, without libFuzzer: the seed corpus
 * becomes a regression test in the default (gcc, sanitized) test run.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	uint8_t *buf;
	FILE *f = fopen(path, "rb");
	long len;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len > 0 ? len : 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int
main(int argc, char *argv[])
{
	char path[4096];
	struct dirent *e;
	int i, n = 0;
	DIR *dir;

	for (i = 1; i < argc; i++) {
		dir = opendir(argv[i]);
		if (!dir) {
			if (run_file(argv[i]) < 0)
				return 1;
			n++;
			continue;
		}
		while ((e = readdir(dir))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i],
				 e->d_name);
			if (run_file(path) < 0)
				return 1;
			n++;
		}
		closedir(dir);
	}
	printf("%d inputs ran clean\n", n);
	return n > 0 ? 0 : 1;
}
