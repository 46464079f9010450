/*
 * config.h - flowkeepd settings: flow-capture's command line, long options
 * and the configuration file, all filling one struct fk_config.
 *
 * Precedence: embedded defaults, then the config file (--config), then the
 * command line.  config_print() writes the canonical form of a config (what
 * `flowkeepd --check` prints); parsing that output gives the same struct.
 * Limits are fixed arrays (FK_MAX_*): the config is plain data.
 */
#ifndef FLOWKEEP_CONFIG_H
#define FLOWKEEP_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/flowrec.h"
#include "proto/proto.h"
#include "statuswarn.h"

#define FK_MAX_LISTEN		8
#define FK_MAX_PREFIXES		64	/* allow-list, per device */
#define FK_MAX_DEVICES		32
#define FK_NAME_MAX		64
#define FK_PATH_MAX		1024
#define FK_MAX_CH_URLS		16	/* = CHSINK_MAX_SERVERS */
#define FK_CH_URL_MAX		512
#define FK_CH_TABLE_DEFAULT	"flowkeep.flows_local"
#define FK_CH_BATCH_ROWS	10000
#define FK_CH_BATCH_AGE		1	/* seconds */
#define FK_CH_QUEUE		(64ull << 20)
#define FK_CH_SPOOL_MAX		(1ull << 30)

#define FK_DEFAULT_PORT		2055
#define FK_DEFAULT_ROTATIONS	95
#define FK_DEFAULT_NESTING	3
#define FK_DEFAULT_ZLEVEL	6
#define FK_DEFAULT_RCVBUF	(16u * 1024 * 1024)
#define FK_MAX_COMPRESS_THREADS	16
#define FK_DEFAULT_FLUSH_INTERVAL 5	/* seconds */

struct fk_prefix {
	uint8_t		af;		/* FR_AF_INET / FR_AF_INET6 */
	uint8_t		len;		/* prefix length */
	fr_addr		addr;		/* v4 host order, as in flowrec */
};

struct fk_listen {
	char		host[256];	/* "" or "*" = any; numeric or name */
	uint16_t	port;
};

/* A group of exporters with its own directory tree (FlowViewer @devices). */
struct fk_device {
	char		name[FK_NAME_MAX];
	char		workdir[FK_PATH_MAX];	/* relative to the main one */
	struct fk_prefix exporters[FK_MAX_PREFIXES];
	unsigned	nexporters;
};

struct fk_config {
	/* flow-capture compatible (its option letter in brackets) */
	char		workdir[FK_PATH_MAX];	/* [-w] */
	int		rotations;		/* [-n] 0..1439 */
	int		nesting;		/* [-N] -3..3 */
	int		zlevel;			/* [-z] 0..9 */
	int		byte_order;		/* [-b] 0 host, 1 little, 2 big */
	uint64_t	expire_bytes;		/* [-E] 0 = off */
	unsigned	expire_files;		/* [-e] 0 = off */
	int		version;		/* [-V] 0 = from first PDU */
	char		comment[256];		/* [-C] */
	int		foreground;		/* [-D] */
	int		keep_umask;		/* [-u] */
	char		pidfile[FK_PATH_MAX];	/* [-p] "" = none */
	char		rotate_prog[FK_PATH_MAX]; /* [-R] */
	int		stat_minutes;		/* [-S] 0 = off */
	int		sample_s;		/* status-sample: seconds
						 * between counter samples
						 * (rates, warnings) */
	int		debug;			/* [-d] (>0: dry-run expiry) */

	/* where to listen: the positional localip/remoteip/port adds one
	 * listener and, when remoteip is not 0, one allow-list entry */
	struct fk_listen listen[FK_MAX_LISTEN];
	unsigned	nlisten;

	/* exporters allowed (empty = all) */
	struct fk_prefix allow[FK_MAX_PREFIXES];
	unsigned	nallow;

	struct fk_device devices[FK_MAX_DEVICES];
	unsigned	ndevices;

	/* flowkeep's own */
	char		control[FK_PATH_MAX];	/* control socket path */
	char		statefile[FK_PATH_MAX];	/* templates/sampling state */
	char		control_ro[FK_PATH_MAX]; /* "" or a status-only control
						 * socket, mode 0666 */
	/* privilege separation (src/privsep.h): used when started as root */
	char		user[FK_NAME_MAX];	/* "" = stay as we are */
	char		web_user[FK_NAME_MAX];	/* web child; "" = nobody */
	char		chroot[FK_PATH_MAX];	/* "" or the collector's root
						 * (with user) */
	char		hostname[68];		/* CAP_HOSTNAME override */
	uint32_t	rcvbuf;			/* SO_RCVBUF bytes */
	unsigned	batch;			/* recvmmsg batch, default 64 */
	int		compress_threads;	/* zlib workers, -1 = auto,
						 * 0 = inline (flow-capture's
						 * exact compressed bytes) */
	unsigned	flush_interval;		/* seconds between flushes of
						 * the open file, 0 = when full */
	char		trackdir[FK_PATH_MAX];	/* tracking definitions */
	char		rrddir[FK_PATH_MAX];	/* one RRD per tracking */
	char		rrdcached[FK_PATH_MAX];	/* "" or rrdcached's address */
	unsigned	track_step;		/* seconds per RRD step */
	unsigned	track_lateness;		/* steps before a step is
						 * final */
	/* the built-in web listener (web/httpd.h) */
	char		web_listen[280];	/* "HOST:PORT", "[V6]:PORT",
						 * "none" or "" (= none;
						 * --quickstart: 127.0.0.1:8080) */
	unsigned	web_workers;		/* concurrent requests */
	unsigned	web_timeout;		/* seconds per request */
	struct statuswarn_limits warn;		/* warn-silent, warn-loss,
						 * warn-disk, warn-drops */
	char		web_auth[FK_PATH_MAX];	/* "" or the htpasswd-style
						 * user file (basic auth) */
	char		saveddir[FK_PATH_MAX];	/* saved reports, filters */
	/* column index sidecars (doc/column-index.md) */
	int		index_on;		/* index on|off */
	char		index_dir[FK_PATH_MAX];	/* "" = "index" beside
						 * the statefile */
	char		source[FK_PATH_MAX];	/* clickhouse://... the web's
						 * reports read (empty: files) */
	struct proto_limits limits;
	char		config_path[FK_PATH_MAX];

	/* the ClickHouse sink (src/chsink.h, doc/clickhouse.md); off while
	 * no clickhouse-url is given */
	char		ch_urls[FK_MAX_CH_URLS][FK_CH_URL_MAX];
	unsigned	ch_nurls;
	char		ch_table[132];		/* "db.table" */
	unsigned	ch_batch_rows;
	unsigned	ch_batch_age;		/* seconds */
	uint64_t	ch_queue;		/* bytes in memory */
	char		ch_spool_dir[FK_PATH_MAX]; /* "" = clickhouse-spool
						 * beside the statefile */
	uint64_t	ch_spool_max;		/* bytes on disk */
	int		ch_files;		/* 0: the sink only, no flow
						 * files */
	char		collector_name[256];	/* in every row; "" = the
						 * host name */
};

#define FK_WEB_QUICKSTART	"127.0.0.1:8080"

/* Fill in the embedded defaults (as the quick start runs). */
void config_defaults(struct fk_config *c);

/*
 * Parse a config file held in memory; `name` is used in messages.  Errors
 * say "name:line: message".  Returns 0 or -1.
 */
int config_parse_buf(struct fk_config *c, const char *buf, size_t len,
    const char *name, char *err, size_t errlen);
int config_parse_file(struct fk_config *c, const char *path,
    char *err, size_t errlen);

/*
 * Parse flowkeepd's argv: flow-capture's options and positional
 * localip/remoteip/port, plus long options (--config FILE, --check,
 * --hostname NAME, --control PATH, --statefile PATH, --rcvbuf N,
 * --compress-threads auto|N, --flush-interval SECONDS, --tracking-dir DIR,
 * --rrd-dir DIR, --listen
 * HOST:PORT, --web-listen HOST:PORT|none, --web-auth FILE, --saved-dir
 * DIR, --quickstart, --help,
 * --version).  A --config file is read
 * first so that the command line overrides it.  Returns 0 to run, 1 when
 * the work is done (--help, --version, --check printed), 2 for a usage
 * error (message in err).  *check is set for --check.
 */
int config_parse_argv(struct fk_config *c, int argc, char **argv,
    int *check, char *err, size_t errlen);

/* Check cross-field rules (ranges, duplicate devices); 0 or -1. */
int config_validate(const struct fk_config *c, char *err, size_t errlen);

/* Write the canonical form. */
void config_print(const struct fk_config *c, FILE *fp);

/* The usage text for flowkeepd. */
void config_usage(FILE *fp);

/* Split web-listen's "HOST:PORT" / "[V6]:PORT" into host and port: 0;
 * 1 for "none" or ""; -1 if malformed. */
int config_web_listen(const char *spec, char *host, size_t hostlen,
    uint16_t *port);

/* Parse "a.b.c.d/len", "v6::/len" or a bare address into p; 0 or -1. */
int config_parse_prefix(const char *s, struct fk_prefix *p);
int config_prefix_match(const struct fk_prefix *p, uint8_t af,
    const fr_addr *a);

#endif /* FLOWKEEP_CONFIG_H */
