/* SPDX-License-Identifier: MIT */
/*
 * The XenStore broker's policy (plugin/module/store-policy.c): what a
 * backend launched for one guest's device may read and write, the tricky
 * paths included. Each line is a path, what is asked, and the answer.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/harness.h"
#include "store-policy.h"

#define R XD_STORE_ACCESS_READ
#define W XD_STORE_ACCESS_WRITE

struct check {
	const char *path;
	enum xd_store_access access;
	int want;
};

/* Device 0 of guest 11, served from dom0. */
static const struct check dom11_dev0[] = {
	/* What the backend's layers use. */
	{ "/local/domain/11/name", R, 0 },
	{ "/local/domain/11/device/vdispl/0", R, 0 },
	{ "/local/domain/11/device/vdispl/0/state", R, 0 },
	{ "/local/domain/11/device/vdispl/0/0/resolution", R, 0 },
	{ "/local/domain/11/device/vkbd/0/state", R, 0 },
	{ "/local/domain/0/backend/vdispl/11/0", R, 0 },
	{ "/local/domain/0/backend/vdispl/11/0/state", R, 0 },
	{ "/local/domain/0/backend/vdispl/11/0/state", W, 0 },
	{ "/local/domain/0/backend/vdispl/11/0/versions", W, 0 },
	{ "/local/domain/0/backend/vinput/11", R, 0 },
	{ "/local/domain/0/backend/vinput/11/0/state", R, 0 },
	{ "/local/domain/0/backend/vinput/11/0/feature-abs-pointer", W, 0 },

	/* Its own nodes it does not write: the frontend's, its name, the
	 * device directories themselves (a write would make one). */
	{ "/local/domain/11/device/vdispl/0/state", W, -EACCES },
	{ "/local/domain/11/name", W, -EACCES },
	{ "/local/domain/0/backend/vdispl/11/0", W, -EACCES },
	{ "/local/domain/0/backend/vdispl/11", W, -EACCES },
	{ "/local/domain/0/backend/vinput/11/0", W, -EACCES },
	{ "/local/domain/0/backend/vinput/11", W, -EACCES },
	{ "/local/domain/0/backend/vdispl/11/1/state", W, -EACCES },
	/* Another device of the same guest is another backend's. */
	{ "/local/domain/11/device/vdispl/1/state", R, -EACCES },
	{ "/local/domain/0/backend/vdispl/11/1/state", R, -EACCES },

	/* Guest 1 is not guest 11, and the other way round. */
	{ "/local/domain/1/device/vdispl/0", R, -EACCES },
	{ "/local/domain/1/device/vdispl/0/state", R, -EACCES },
	{ "/local/domain/1/name", R, -EACCES },
	{ "/local/domain/110/name", R, -EACCES },
	{ "/local/domain/011/name", R, -EACCES },
	{ "/local/domain/0/backend/vdispl/1/0/state", W, -EACCES },
	{ "/local/domain/0/backend/vdispl/110/0/state", W, -EACCES },
	{ "/local/domain/0/backend/vinput/1/0/state", W, -EACCES },
	{ "/local/domain/11/device/vdispl/00/state", R, -EACCES },
	{ "/local/domain/11/namex", R, -EACCES },
	{ "/local/domain/11/name/x", R, -EACCES },

	/* Other guests' backends, other backends of dom0, the toolstack's
	 * nodes. */
	{ "/local/domain/0/backend/vbd/11/51712/state", R, -EACCES },
	{ "/local/domain/0/backend/vif/11/0/state", W, -EACCES },
	{ "/local/domain/0/backend/vkbd/11/0/state", R, -EACCES },
	{ "/local/domain/0/backend/vdispl", R, -EACCES },
	{ "/local/domain/0/backend", R, -EACCES },
	{ "/local/domain/0/name", R, -EACCES },
	{ "/local/domain/11/memory/target", R, -EACCES },
	{ "/local/domain/11/memory/target", W, -EACCES },
	{ "/local/domain/11/device", R, -EACCES },
	{ "/local/domain/11/device/vdispl", R, -EACCES },
	{ "/local/domain/11", R, -EACCES },
	{ "/local/domain", R, -EACCES },
	{ "/local", R, -EACCES },
	{ "/vm", R, -EACCES },
	{ "/vm/00000000-0000-0000-0000-000000000000/name", W, -EACCES },
	{ "/tool", R, -EACCES },
	{ "/tool/xenstored", W, -EACCES },
	{ "/libxl/11/device/vdispl/0", R, -EACCES },

	/* Not paths: the channel is closed. */
	{ "", R, -EINVAL },
	{ "/", R, -EINVAL },
	{ "local/domain/11/name", R, -EINVAL },
	{ "name", R, -EINVAL },
	{ "domid", R, -EINVAL },
	{ "/local/domain/11/name/", R, -EINVAL },
	{ "/local/domain/11/device/vdispl/0/", W, -EINVAL },
	{ "/local/domain/0/backend/vdispl/11/0/state/", W, -EINVAL },
	{ "/local/domain/11//name", R, -EINVAL },
	{ "//local/domain/11/name", R, -EINVAL },
	{ "/local/domain/11/device/vdispl/0/../../../memory/target", R,
	  -EINVAL },
	{ "/local/domain/0/backend/vdispl/11/0/../../12/0/state", W, -EINVAL },
	{ "/local/domain/11/./name", R, -EINVAL },
	{ "/local/domain/11/device/vdispl/0/..", R, -EINVAL },
	{ "@releaseDomain", R, -EINVAL },
	{ "/local/domain/11/na me", R, -EINVAL },
	{ "/local/domain/11/name\n", R, -EINVAL },
	{ "/local/domain/11/n\xc3\xa4me", R, -EINVAL },
};

/* Device 1 of guest 11: no vkbd (device 0's backend serves them). */
static const struct check dom11_dev1[] = {
	{ "/local/domain/11/name", R, 0 },
	{ "/local/domain/11/device/vdispl/1/state", R, 0 },
	{ "/local/domain/0/backend/vdispl/11/1/state", W, 0 },
	{ "/local/domain/11/device/vdispl/0/state", R, -EACCES },
	{ "/local/domain/0/backend/vdispl/11/0/state", W, -EACCES },
	{ "/local/domain/11/device/vkbd/0/state", R, -EACCES },
	{ "/local/domain/0/backend/vinput/11", R, -EACCES },
	{ "/local/domain/0/backend/vinput/11/0/state", W, -EACCES },
};

/* Served from a driver domain, 5: its backend directory, not dom0's. */
static const struct check dom1_from5[] = {
	{ "/local/domain/5/backend/vdispl/1/0/state", W, 0 },
	{ "/local/domain/5/backend/vinput/1/0/state", R, 0 },
	{ "/local/domain/0/backend/vdispl/1/0/state", R, -EACCES },
	{ "/local/domain/0/backend/vdispl/1/0/state", W, -EACCES },
	{ "/local/domain/1/device/vdispl/0/state", R, 0 },
};

static int
run(const struct xd_store_scope *scope, const struct check *checks,
    size_t n)
{
	int failed = 0, got;
	size_t i;

	for (i = 0; i < n; i++) {
		got = xd_store_policy_check(scope, checks[i].access,
					    checks[i].path,
					    strlen(checks[i].path));
		if (got == checks[i].want)
			continue;
		fprintf(stderr, "self %u, dom%u device %u: %s of '%s': %d, "
			"want %d\n", scope->self, scope->domid, scope->devid,
			checks[i].access == W ? "write" : "read",
			checks[i].path, got, checks[i].want);
		failed++;
	}
	return failed;
}

int
main(void)
{
	static const char bound[] = "/local/domain/11/device/vdispl/0/";
	struct xd_store_scope d11 = { 0, 11, 0 }, d11_1 = { 0, 11, 1 };
	struct xd_store_scope d1 = { 5, 1, 0 };
	char path[4200];
	int failed = 0;
	size_t len;

	failed += run(&d11, dom11_dev0, sizeof dom11_dev0 / sizeof *dom11_dev0);
	failed += run(&d11_1, dom11_dev1,
		      sizeof dom11_dev1 / sizeof *dom11_dev1);
	failed += run(&d1, dom1_from5, sizeof dom1_from5 / sizeof *dom1_from5);

	/* XenStore's bound on a path, 3072 bytes: at it, allowed; past
	 * it, not a path. */
	memset(path, 'a', sizeof path);
	memcpy(path, bound, strlen(bound));
	len = 3072;
	if (xd_store_policy_check(&d11, R, path, len) != 0) {
		fprintf(stderr, "a path of 3072 bytes is refused\n");
		failed++;
	}
	if (xd_store_policy_check(&d11, R, path, len + 1) != -EINVAL) {
		fprintf(stderr, "a path of 3073 bytes is taken\n");
		failed++;
	}
	/* A NUL inside the bytes the broker checks. */
	if (xd_store_policy_check(&d11, R, "/local/domain/11/name\0/x",
				  24) != -EINVAL) {
		fprintf(stderr, "a NUL inside a path is taken\n");
		failed++;
	}
	XD_ASSERT(failed == 0, "%d policy answers wrong", failed);
	printf("store policy: all answers right\n");
	return 0;
}
