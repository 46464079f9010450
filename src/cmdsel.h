/*
 * cmdsel.h - the selection options shared by the listing commands (and any
 * other command that reads flows): explicit files and directories, "-" for
 * standard input, or a time range over the data trees of a configuration.
 *
 *   FILE|DIR|-...          what to read (in this order)
 *   --from T, --to T       time window (timearg.h spellings)
 *   --rule any|start|end|all   which flows of the window (default any)
 *   --device NAME          a device's tree from the configuration
 *                          (repeatable; "all" = every device)
 *   --config FILE          the daemon configuration (default: the built-in
 *                          defaults, data tree var/flows)
 *   --tmp                  also read the open tmp- files
 *   --threads N            reader threads (0 = one per CPU)
 *   --filter EXPR          filter expression (doc/filters.md)
 *   --index-dir DIR        column index sidecars (doc/column-index.md;
 *                          default CMDSEL_INDEX_DIR)
 *   --no-index             read the flow files, never a sidecar
 *   --source URL           clickhouse://HOST[:PORT]/DB.TABLE: read the
 *                          flows of the window from ClickHouse instead of
 *                          files (doc/clickhouse.md)
 *
 * With no paths: the data trees when a window or --device is given, else
 * standard input (like flow-print).
 */
#ifndef FLOWKEEP_CMDSEL_H
#define FLOWKEEP_CMDSEL_H

#include "filter.h"
#include "source.h"

#define CMDSEL_MAX_PATHS	4096
#define CMDSEL_INDEX_DIR	"var/index"	/* beside var/flows */

struct fk_config;

struct cmdsel {
	const char	*paths[CMDSEL_MAX_PATHS];
	unsigned	 npaths;
	char		*owned[CMDSEL_MAX_PATHS];	/* built roots */
	unsigned	 nowned;
	const char	*from, *to, *config, *filter_expr;
	const char	*index_dir;		/* NULL = CMDSEL_INDEX_DIR */
	int		 no_index;
	const char	*source;		/* clickhouse://..., checked */
	const char	*devices[32];
	unsigned	 ndevices;
	struct src_opts	 so;
	struct filter	*filter;		/* NULL = every flow */
	const struct fk_config *cfg;		/* a parsed configuration
						 * (instead of `config`) */
};

void cmdsel_init(struct cmdsel *cs);

/*
 * Try argv[*i] as a selection option or path: 1 taken (and *i advanced
 * past its value), 0 not one of ours (an unknown option), -1 bad value
 * (message printed).
 */
int cmdsel_arg(struct cmdsel *cs, int argc, char **argv, int *i);

/* Resolve times, configuration and devices, compile the filter.  0, or
 * -1 with a message printed (a usage error: exit 2). */
int cmdsel_finish(struct cmdsel *cs);

/* Open the selection (warnings to stderr).  NULL with a message. */
struct src *cmdsel_open(struct cmdsel *cs);

/* Set --source (checked with chsrc_parse_url; not copied): 0, or -1
 * with a message. */
int cmdsel_set_source(struct cmdsel *cs, const char *url, char *err,
    size_t errlen);

/* Append a path (not copied); -1 when CMDSEL_MAX_PATHS are taken. */
int cmdsel_add_path(struct cmdsel *cs, const char *p);

/* cmdsel_finish() and cmdsel_open() without printing: the message goes
 * to err ("--from: ...", "no device ..."); warnings while reading go to
 * cs->so.warn, which the caller sets. */
int cmdsel_resolve(struct cmdsel *cs, char *err, size_t errlen);
struct src *cmdsel_open_err(struct cmdsel *cs, char *err, size_t errlen);

void cmdsel_free(struct cmdsel *cs);

#endif /* FLOWKEEP_CMDSEL_H */
