/* SPDX-License-Identifier: MIT */
/*
 * weston --modules=xen-display.so: the module loads, reads its weston.ini
 * sections and says so through its log scope, and rejects a bad section
 * with a message that tells the user what to write instead.
 */

#include <string.h>

#include "harness/harness.h"

static const char config[] =
	"[xen-display]\n"
	"xen=sim:/nonexistent/socket\n"
	"\n"
	"[xen-display]\n"
	"guest=guest1\n"
	"connector=1\n"
	"output=headless\n"
	"placement=position\n"
	"position=10,20\n"
	"\n"
	"[xen-display]\n"
	"guest=typo\n"
	"placement=diagonal\n";

int
main(void)
{
	struct xd_weston_options opt = {
		.config = config,
		.load_module = true,
	};
	struct xd_weston *weston = xd_weston_start(&opt);

	XD_ASSERT(xd_weston_wait_log(weston, "xen-display 0.1.0 loaded", 5000),
		  "the module did not log through its scope");
	XD_ASSERT(xd_weston_wait_log(weston,
		  "config: guest 'guest1' connector 1 -> output 'headless', "
		  "placement position", 0),
		  "the guest1 section was not read");
	XD_ASSERT(xd_weston_wait_log(weston,
		  "unknown placement 'diagonal' (use window, fullscreen, "
		  "scale or position)", 0),
		  "a bad placement was not reported");
	XD_ASSERT(xd_weston_wait_log(weston,
		  "xen access 'sim:/nonexistent/socket'", 0),
		  "the global section was not read");

	xd_weston_stop(weston);
	return 0;
}
