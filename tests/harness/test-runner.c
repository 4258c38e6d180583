/* SPDX-License-Identifier: MIT */
/*
 * main() of a test program made of XD_TEST cases (harness.h): runs the
 * one case named on the command line, as meson runs each case as a test
 * of its own (own timeout, own process, in parallel with the others).
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Weak: a program without cases still links, and runs none. */
extern const struct xd_test __start_xd_test_section[]
	__attribute__((weak));
extern const struct xd_test __stop_xd_test_section[]
	__attribute__((weak));

/* A case's name is its identifier with '-' for '_', as meson names it. */
static bool
name_is(const struct xd_test *t, const char *name)
{
	size_t i;

	for (i = 0; t->name[i]; i++)
		if (name[i] != (t->name[i] == '_' ? '-' : t->name[i]))
			return false;
	return name[i] == '\0';
}

static void
print_names(FILE *f)
{
	const struct xd_test *t;
	size_t i;

	for (t = __start_xd_test_section; t < __stop_xd_test_section; t++) {
		for (i = 0; t->name[i]; i++)
			fputc(t->name[i] == '_' ? '-' : t->name[i], f);
		fputc('\n', f);
	}
}

static size_t
count_cases(void)
{
	return __stop_xd_test_section - __start_xd_test_section;
}

static void
usage(const char *argv0)
{
	fprintf(stderr, "usage: %s CASE [--count N] | --list\ncases:\n",
		argv0);
	print_names(stderr);
}

/*
 * test-NAME CASE [--count N] | --list
 *
 * meson passes --count with the number of XD_TEST( lines it read in the
 * source: a case declared some other way (indented, through a macro) is
 * one meson never runs, so every case of the program then fails.
 */
int
main(int argc, char *argv[])
{
	const struct xd_test *t;
	char *end;
	long count;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		print_names(stdout);
		return 0;
	}
	if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--count") == 0)) {
		usage(argv[0]);
		return 2;
	}
	if (argc == 4) {
		count = strtol(argv[3], &end, 10);
		if (*end || count < 0 || (size_t)count != count_cases()) {
			fprintf(stderr, "%s: meson read %s cases in the "
				"source, the program has %zu: declare each "
				"with XD_TEST(name) at the start of a line "
				"(harness.h)\n", argv[0], argv[3],
				count_cases());
			return 2;
		}
	}
	for (t = __start_xd_test_section; t < __stop_xd_test_section; t++) {
		if (!name_is(t, argv[1]))
			continue;
		t->run();
		/* Weak and undefined: its address is null. */
		if (&xd_test_teardown && xd_test_teardown)
			xd_test_teardown();
		return 0;
	}
	/* Not 77: an unknown case is a failure, never a skip. */
	fprintf(stderr, "%s: no case '%s'\n", argv[0], argv[1]);
	usage(argv[0]);
	return 2;
}
