/*
 * statuswarn.h - the warning rules of `flowkeep status` and the web
 * Status page, in one place: status_warnings() turns a snapshot of the
 * daemon's counters into short, plain sentences.
 *
 * Rules (each off when its limit is 0; limits are the config keys
 * warn-silent, warn-loss, warn-disk and warn-drops, see flowkeep.conf(5)):
 *   silent  an exporter sent nothing for silent_min minutes or more;
 *   loss    an exporter lost more than loss_pct percent of what it sent
 *           (sequence gaps: v5 flows, v9 packets; since the daemon started);
 *   disk    a filesystem holding a directory tree is more than disk_pct
 *           percent full;
 *   drops   the kernel dropped datagrams (receive buffer overflow) within
 *           the last drops_min minutes;
 *   clickhouse  a ClickHouse server of the sink has been down for
 *           ch_down_min minutes or more, or the sink dropped rows (spool
 *           full, disk error) within the last ch_down_min minutes
 *           (warn-clickhouse).
 * The function is pure (no I/O, no clock): the caller fills the snapshot.
 * The daemon does so for its status, status-json and metrics answers
 * (control_warnings in control.h); the answers carry the sentences.
 */
#ifndef FLOWKEEP_STATUSWARN_H
#define FLOWKEEP_STATUSWARN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STATUSWARN_MAX		64	/* sentences kept per snapshot */

#define STATUSWARN_SILENT_MIN	10	/* defaults */
#define STATUSWARN_LOSS_PCT	1
#define STATUSWARN_DISK_PCT	90
#define STATUSWARN_DROPS_MIN	5
#define STATUSWARN_CH_DOWN_MIN	5

struct statuswarn_limits {
	unsigned	silent_min;
	unsigned	loss_pct;
	unsigned	disk_pct;
	unsigned	drops_min;
	unsigned	ch_down_min;
};

/* One server of the ClickHouse sink. */
struct statuswarn_chserver {
	char		name[64];	/* host:port */
	uint64_t	down_s;		/* seconds down, 0 = up */
	char		last_error[96];
};

/* One exporter as status shows it. */
struct statuswarn_exporter {
	char		addr[64];
	uint64_t	silent_s;	/* seconds since its last datagram */
	uint64_t	flows, lost;	/* v5/v7: flows decoded, flows lost */
	uint64_t	packets, lost_packets;	/* v9: datagrams, lost */
};

/* The filesystem of one directory tree (statvfs). */
struct statuswarn_disk {
	char		name[64];	/* device, "" = the main tree */
	uint64_t	total, avail;	/* bytes */
};

struct statuswarn_in {
	const struct statuswarn_exporter *exp;
	unsigned	nexp;
	const struct statuswarn_disk *disk;
	unsigned	ndisk;
	uint64_t	drops_now;	/* kernel drops, all sockets */
	uint64_t	drops_before;	/* the same drops_min minutes ago (or
					 * at the oldest sample) */
	uint64_t	drops_span_s;	/* seconds between the two */
	const struct statuswarn_chserver *ch;	/* the sink's servers */
	unsigned	nch;
	uint64_t	ch_dropped_now;	/* rows the sink dropped, ever */
	uint64_t	ch_dropped_before; /* the same ch_down_min ago */
	uint64_t	ch_span_s;
};

enum statuswarn_kind {
	STATUSWARN_SILENT = 1,
	STATUSWARN_LOSS,
	STATUSWARN_DISK,
	STATUSWARN_DROPS,
	STATUSWARN_CLICKHOUSE
};

struct statuswarn {
	enum statuswarn_kind kind;
	char		subject[64];	/* exporter address, device, "kernel" */
	char		text[192];	/* the sentence, without "warning: " */
};

/* The limits of the defaults above. */
void statuswarn_defaults(struct statuswarn_limits *lim);

/* Apply the rules: fill out[0..max-1]; the number of warnings found
 * (those past max are counted but not written). */
unsigned status_warnings(const struct statuswarn_in *in,
    const struct statuswarn_limits *lim, struct statuswarn *out,
    unsigned max);

/* Name of a kind ("silent", "loss", "disk", "drops", "clickhouse"). */
const char *statuswarn_kind_name(enum statuswarn_kind kind);

#endif /* FLOWKEEP_STATUSWARN_H */
