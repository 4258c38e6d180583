/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <png.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

const char *
xd_test_output_dir(void)
{
	const char *dir = getenv("XD_TEST_OUTPUT_DIR");

	if (!dir)
		dir = XD_TEST_OUTPUT_DEFAULT;
	mkdir(dir, 0755);
	return dir;
}

int
xd_image_write_png(const struct xd_image *image, const char *path)
{
	png_structp png;
	png_infop info;
	png_bytep row;
	FILE *f;
	int x, y;

	f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	row = malloc((size_t)image->width * 3);
	if (!png || !info || !row || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		fclose(f);
		return -1;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, image->width, image->height, 8,
		     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < image->height; y++) {
		for (x = 0; x < image->width; x++) {
			uint32_t p = xd_image_pixel(image, x, y);

			row[x * 3 + 0] = p >> 16;
			row[x * 3 + 1] = p >> 8;
			row[x * 3 + 2] = p;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	return fclose(f);
}
