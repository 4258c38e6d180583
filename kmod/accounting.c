// SPDX-License-Identifier: GPL-2.0
/*
 * What the module may hold and what it holds: its limits (the module's
 * parameters), the counters STATS reports, and the guest pages each domain
 * has mapped or been granted. It calls nothing else in the module; export,
 * import and the ioctls read it.
 *
 * The defaults come from dom0's grant maptrack (doc/kmod.md): Xen gives a
 * domain 1024 maptrack frames of 256 entries, 262144 grant maps, which
 * blkback, netback and qemu share with us. Display guests together take at
 * most half of it; one guest at most 16384 pages, a 3840x2160 XRGB8888
 * connector double-buffered (2 x 8100 pages).
 */

#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/xarray.h>

#include "zcopy.h"

unsigned int max_pages_per_buffer = 16384;	/* 64 MiB: a 4K frame */
module_param(max_pages_per_buffer, uint, 0644);
MODULE_PARM_DESC(max_pages_per_buffer, "Pages one export or import may hold");

unsigned int max_pages_per_domain = 16384;	/* a 4K connector, 2 buffers */
module_param(max_pages_per_domain, uint, 0644);
MODULE_PARM_DESC(max_pages_per_domain,
		 "Guest pages one domain may have mapped or granted");

unsigned int max_pages_total = 131072;	/* half of dom0's maptrack */
module_param(max_pages_total, uint, 0644);
MODULE_PARM_DESC(max_pages_total, "Guest pages mapped or granted in all");

/*
 * Off: a file bound to domain 0 would export dom0's own grants (other
 * dom0 processes' shared pages) and grant dom0's pages to dom0; only the
 * tests need that, and set it at insmod.
 */
bool allow_loopback;
module_param(allow_loopback, bool, 0644);
MODULE_PARM_DESC(allow_loopback,
		 "Allow binding to domain 0: dom0's own grants (tests only)");

struct zcopy_stats zcopy_stats;

static DEFINE_XARRAY(domain_pages);	/* domid -> pages mapped */
static DEFINE_MUTEX(accounting_lock);
static unsigned long pages_total;

/* At most a few refusal lines every 5 s, whatever a guest does. */
static DEFINE_RATELIMIT_STATE(refusal_rs, 5 * HZ, 3);

/*
 * Counted per domain, whoever asks: every open file, every export and
 * every import for that domain draw on the same count, so a guest served
 * by several backends (or one that reopens the device) gets no more.
 */
int zcopy_account_pages(domid_t domid, unsigned int count)
{
	const char *limit_name = NULL;
	unsigned long used, held = 0;
	unsigned int limit = 0;
	int ret = 0;

	mutex_lock(&accounting_lock);
	used = xa_to_value(xa_load(&domain_pages, domid));
	if (used + count > max_pages_per_domain) {
		limit_name = "max_pages_per_domain";
		limit = max_pages_per_domain;
		held = used;
	} else if (pages_total + count > max_pages_total) {
		limit_name = "max_pages_total";
		limit = max_pages_total;
		held = pages_total;
	} else {
		ret = xa_err(xa_store(&domain_pages, domid,
				      xa_mk_value(used + count), GFP_KERNEL));
		if (!ret)
			pages_total += count;
	}
	mutex_unlock(&accounting_lock);
	if (limit_name) {
		if (__ratelimit(&refusal_rs))
			pr_warn("xen-zcopy: domain %u: %u pages refused: %lu held, %s is %u\n",
				domid, count, held, limit_name, limit);
		ret = -ENOSPC;
	}
	return ret;
}

void zcopy_unaccount_pages(domid_t domid, unsigned int count)
{
	unsigned long used;

	mutex_lock(&accounting_lock);
	used = xa_to_value(xa_load(&domain_pages, domid));
	used -= min_t(unsigned long, used, count);
	if (used)
		xa_store(&domain_pages, domid, xa_mk_value(used), GFP_KERNEL);
	else
		xa_erase(&domain_pages, domid);
	pages_total -= min_t(unsigned long, pages_total, count);
	mutex_unlock(&accounting_lock);
}
