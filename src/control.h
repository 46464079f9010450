/*
 * control.h - the daemon end of the control socket (protocol: ctlproto.h).
 *
 * A unix stream socket (mode 0660; a stale socket is removed at start)
 * served by libevent: one request line per connection, parsed with
 * ctl_parse_request, answered into the connection's output buffer (never a
 * blocking write), then the connection is closed.  status and status-json
 * describe the daemon, its listeners, every exporter the decoder knows and
 * every directory tree; rotate and reload call back into the daemon.
 */
#ifndef FLOWKEEP_CONTROL_H
#define FLOWKEEP_CONTROL_H

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>

#include "collector.h"
#include "filemgr.h"
#include "proto/proto.h"
#include "statuswarn.h"

struct event_base;
struct control;
struct chsink;

/* Kernel drops sampled every CONTROL_SAMPLE_S seconds (the drops rule of
 * statuswarn.h looks back at most CONTROL_HIST samples). */
#define CONTROL_HIST		64
#define CONTROL_SAMPLE_S	30

struct control_hist {
	uint64_t	t_ms[CONTROL_HIST];
	uint64_t	drops[CONTROL_HIST];
	uint64_t	flows[CONTROL_HIST], datagrams[CONTROL_HIST];
	uint64_t	ch_dropped[CONTROL_HIST];	/* the sink's rows */
	unsigned	n, next;
};

/* What the status commands read, and the daemon's actions.  Owned by the
 * daemon, which keeps it current (trees change on reload). */
struct control_src {
	struct collector	*coll;
	struct proto_ctx	*proto;
	struct filemgr		**trees;
	unsigned		 ntrees;
	struct livetrack	*lt;		/* trackings, or NULL */
	struct chsink		*ch;		/* ClickHouse sink, or NULL */
	uint64_t		 start_ms;
	int			 (*rotate)(void *arg);
	int			 (*reload)(void *arg, char *err, size_t errlen);
	void			*arg;
	const struct statuswarn_limits *warn;	/* NULL = defaults */
	unsigned		 sample_s;	/* 0 = CONTROL_SAMPLE_S */
	struct control_hist	 hist;		/* kept by control.c */
};

/* Listen on path; NULL on failure (logged). */
struct control *control_init(struct event_base *base, const char *path,
    struct control_src *src);

/*
 * control_init() with the socket's mode and owner chosen ((uid_t)-1 and
 * (gid_t)-1 leave them); a readonly socket answers status, metrics and
 * version but refuses rotate and reload.  On any socket rotate and reload
 * are for root and the daemon's own uid only (SO_PEERCRED).
 */
struct control *control_init_mode(struct event_base *base, const char *path,
    struct control_src *src, int readonly, mode_t mode, uid_t owner,
    gid_t group);

/* Write the status as text for people, or as one JSON object. */
void control_status_text(const struct control_src *src, FILE *fp);
void control_status_json(const struct control_src *src, FILE *fp);

/* Take a sample of the kernel drops (control_init's timer does it). */
void control_sample(struct control_src *src, uint64_t now_ms);

/* The warnings of statuswarn.h for the daemon as it is now: fills out,
 * returns how many were found (ctlwarn.c). */
unsigned control_warnings(const struct control_src *src, uint64_t now_ms,
    struct statuswarn *out, unsigned max);

/* The metrics in Prometheus' text format (metrics.c). */
void control_metrics(const struct control_src *src, FILE *fp);

/* Stop listening and remove the socket. */
void control_free(struct control *ctl);

#endif /* FLOWKEEP_CONTROL_H */
