/*
 * collector.h - the UDP side of flowkeepd.
 *
 * One socket per listen address (IPv4 and IPv6; "::" is bound IPV6_V6ONLY
 * so that 0.0.0.0 and :: can share a port), read with recvmmsg in batches
 * on libevent read events.  Each datagram is checked against the
 * allow-list, routed to the directory tree of its device (by exporter
 * prefix; no match = the main tree) and decoded by proto_decode with a sink
 * that hands the records to that tree's filemgr.  Kernel drops are counted
 * with SO_RXQ_OVFL.  It does not write files or parse the configuration.
 */
#ifndef FLOWKEEP_COLLECTOR_H
#define FLOWKEEP_COLLECTOR_H

#include <stdint.h>

#include "config.h"
#include "filemgr.h"
#include "proto/proto.h"

#define COLLECTOR_MAX_SOCKETS	(2 * FK_MAX_LISTEN)
#define COLLECTOR_BUFSIZE	9000	/* jumbo exports exist */

struct event_base;
struct collector;

/* One listening socket, for status. */
struct collector_listener_info {
	char		addr[64];	/* "127.0.0.1" or "::" */
	uint16_t	port;
	uint32_t	rcvbuf;		/* SO_RCVBUF actually obtained */
	uint64_t	datagrams;
	uint64_t	kernel_drops;	/* SO_RXQ_OVFL */
};

/* Totals over all sockets. */
struct collector_totals {
	uint64_t	datagrams;
	uint64_t	bytes;
	uint64_t	refused;	/* not on the allow-list */
	uint64_t	corrupt;	/* rejected by the decoder */
	uint64_t	flows;
	uint64_t	kernel_drops;
};

/* Open and bind every listen socket of cfg (before privileges go).  NULL
 * on failure, logged. */
struct collector *collector_open(const struct fk_config *cfg);

/* Register the read events and the decoder context. */
int collector_init(struct collector *c, struct event_base *base,
    struct proto_ctx *proto);

/*
 * Where datagrams go: trees[0] is the main tree, trees[1 + i] the tree of
 * cfg->devices[i].  The allow-list and device prefixes are copied from cfg
 * (called again after a reload).
 */
void collector_set_routes(struct collector *c, const struct fk_config *cfg,
    struct filemgr **trees, unsigned ntrees);

/* The tree an exporter's datagrams go to (NULL before the routes are
 * set). */
struct filemgr *collector_tree_of(const struct collector *c, uint8_t af,
    const fr_addr *a);

/* Also hand every decoded flow to fn (NULL: nobody); e.g. the trackings. */
void collector_set_tap(struct collector *c, fr_sink_fn fn, void *arg);

unsigned collector_listener_count(const struct collector *c);
void collector_listener_get(const struct collector *c, unsigned i,
    struct collector_listener_info *out);
void collector_get_totals(const struct collector *c,
    struct collector_totals *out);

/* The first listen port (for the pidfile name). */
uint16_t collector_port(const struct collector *c);

void collector_free(struct collector *c);

#endif /* FLOWKEEP_COLLECTOR_H */
