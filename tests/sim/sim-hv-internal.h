/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor's state, shared by its files:
 *   sim-hv.c        domains and their memory
 *   sim-xenstore.c  the tree, permissions, watches
 *   sim-evtchn.c    event channels
 *   sim-grant.c     grant tables and mappings
 *   sim-server.c    backend processes on the Unix socket
 */

#ifndef XD_SIM_HV_INTERNAL_H
#define XD_SIM_HV_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim-hv.h"

#define SIM_MAX_DOMAINS 64
#define SIM_MAX_PORTS 256		/* per domain */
#define SIM_MAX_GRANTS 65536		/* per domain */
#define SIM_FIRST_REF 8			/* as Linux: refs 0-7 are reserved */
#define SIM_DOM0_PAGES (1u << 17)	/* 512 MiB for be-alloc, sparse */

struct sim_conn;

struct sim_port {
	bool used;
	bool bound;
	uint32_t remote_domid;
	uint32_t remote_port;
	/* Who hears notifications: a backend connection, or a guest's
	 * in-process handler. */
	struct sim_conn *conn;
	xd_sim_event_func_t func;
	void *data;
};

struct sim_grant {
	bool used;
	bool readonly;
	uint32_t to_domid;
	uint32_t pfn;
	uint32_t map_count;
};

struct sim_domain {
	bool exists;
	bool dying;
	uint32_t domid;
	int memfd;
	uint8_t *mem;
	uint32_t mem_pages;
	uint8_t *page_used;		/* one byte per page */
	struct sim_port ports[SIM_MAX_PORTS];
	struct sim_grant *grants;	/* SIM_MAX_GRANTS */
	uint32_t next_ref;
	uint32_t pages_mapped;		/* by other domains */
	uint32_t live_grants;
};

struct sim_node {
	struct sim_node *next;
	char *path;
	char *value;
	uint32_t owner;			/* who may write it, beside dom0 */
};

struct sim_watch {
	struct sim_watch *next;
	uint32_t domid;
	char *path;
	char *token;
	struct sim_conn *conn;		/* or func */
	xd_sim_watch_func_t func;
	void *data;
};

/* A mapping made by a backend connection: the refs it holds. */
struct sim_mapping {
	struct sim_mapping *next;
	uint32_t handle;
	uint32_t domid;			/* whose grants */
	uint32_t count;
	uint32_t *refs;
	bool be_alloc;			/* pages of dom0 to free at unmap */
	uint32_t first_pfn;
};

struct xd_sim_hv {
	struct xd_event_loop *loop;
	struct sim_domain domains[SIM_MAX_DOMAINS];
	struct sim_node *nodes;
	struct sim_watch *watches;
	struct sim_conn *conns;
	int listen_fd;
	struct xd_event_source *listen_source;
	char *socket_path;
	uint32_t next_txn;
	uint32_t next_handle;
	uint64_t map_calls;
	uint64_t unmap_calls;
};

struct sim_domain *
sim_domain(struct xd_sim_hv *hv, uint32_t domid);

int
sim_domain_memfd(struct xd_sim_hv *hv, uint32_t domid);

/* sim-xenstore.c */
char *
sim_xs_read(struct xd_sim_hv *hv, uint32_t domid, const char *path);
int
sim_xs_write(struct xd_sim_hv *hv, uint32_t domid, const char *path,
	     const char *value);
int
sim_xs_remove(struct xd_sim_hv *hv, uint32_t domid, const char *path);
/* Names joined by NULs in a malloc'd block; *count, *size set. */
char *
sim_xs_directory(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		 uint32_t *count, uint32_t *size);
int
sim_xs_watch(struct xd_sim_hv *hv, uint32_t domid, const char *path,
	     const char *token, struct sim_conn *conn,
	     xd_sim_watch_func_t func, void *data);
void
sim_xs_unwatch(struct xd_sim_hv *hv, struct sim_conn *conn, uint32_t domid,
	       const char *path, const char *token);
void
sim_xs_free_all(struct xd_sim_hv *hv);

/* sim-evtchn.c */
int
sim_evtchn_bind(struct xd_sim_hv *hv, uint32_t domid, struct sim_conn *conn,
		uint32_t remote_domid, uint32_t remote_port, uint32_t *port);
void
sim_evtchn_close(struct xd_sim_hv *hv, uint32_t domid, uint32_t port);
int
sim_evtchn_notify(struct xd_sim_hv *hv, uint32_t domid, uint32_t port);
void
sim_evtchn_drop_conn(struct xd_sim_hv *hv, struct sim_conn *conn);

/* sim-grant.c: checks and counts a map of refs of domid by to_domid;
 * pfns[count] get the pages. */
int
sim_grant_map(struct xd_sim_hv *hv, uint32_t domid, uint32_t to_domid,
	      const uint32_t *refs, uint32_t count, bool writable,
	      uint32_t *pfns);
void
sim_grant_unmap(struct xd_sim_hv *hv, uint32_t domid, const uint32_t *refs,
		uint32_t count);

/* sim-server.c */
int
sim_server_listen(struct xd_sim_hv *hv, const char *path);
void
sim_server_close(struct xd_sim_hv *hv);
uint32_t
sim_server_count(struct xd_sim_hv *hv);
uint32_t
sim_server_pages_held(struct xd_sim_hv *hv, uint32_t domid);
void
sim_conn_send_watch(struct sim_conn *conn, const char *path,
		    const char *token);
void
sim_conn_send_event(struct sim_conn *conn, uint32_t port);

#endif
