/*
 * cmd.h - the commands of the `flowkeep` operator CLI, one file each.
 *
 * flowkeep.c holds the table that maps a command name to its function and
 * usage line.  A command gets the arguments after its name (argv[0] is the
 * command name) and returns the exit status: 0 done, 1 failed, 2 usage
 * error (after calling cmd_usage()).
 */
#ifndef FLOWKEEP_CMD_H
#define FLOWKEEP_CMD_H

/* `flowkeep status [--json] [--watch [SECONDS]] [--socket PATH]`: ask
 * the daemon (once, or every SECONDS until interrupted). */
int cmd_status(int argc, char **argv);

#define CMD_WATCH_DEFAULT	2	/* seconds */
#define CMD_WATCH_MAX		3600

/* The refreshing view of status (cmd_watch.c): the exit status. */
int cmd_status_watch(const char *path, int kind, unsigned secs);

/* Parse --watch [N] / --watch=N at argv[*i]: 1 (*secs set, *i moved past
 * a value), 0 another option, -1 a bad value. */
int cmd_watch_opt(int argc, char **argv, int *i, unsigned *secs);

/* `flowkeep replay FILE... --to HOST:PORT --version 5|9 [--rate N]
 * [--from ADDR] [--loop N]`: send flow files as NetFlow datagrams. */
int cmd_replay(int argc, char **argv);

/* `flowkeep index [FILE|DIR]... [--from T] [--to T] ...`: build column
 * index sidecars for closed flow files (cmd_index.c). */
int cmd_index(int argc, char **argv);
/* `flowkeep reload [--socket PATH]`: the daemon rereads its configuration
 * and trackings (like SIGHUP). */
int cmd_reload(int argc, char **argv);

/* `flowkeep clickhouse load --url http://HOST:PORT/... [--table DB.TABLE]
 * [--collector NAME] [--batch N] SELECTION`: flows into ClickHouse
 * (cmd_chload.c); argv[0] is "load". */
int cmd_clickhouse_load(int argc, char **argv);

/* `flowkeep graph track NAME [...]`: a tracking's RRD as a PNG. */
int cmd_graph(int argc, char **argv);

/* `flowkeep track list|show|add|rm|restore ...`: tracking definitions. */
int cmd_track(int argc, char **argv);

/* `flowkeep group list|show|add|edit|rm ...`: tracking groups
 * (cmd_group.c, doc/graphs.md). */
int cmd_group(int argc, char **argv);

/* Send one control request (CTL_*) to the daemon at path and print the
 * answer; the exit status. */
int cmd_ctl(const char *path, int kind);

/* $FLOWKEEP_SOCKET or var/flowkeepd.sock. */
const char *cmd_default_socket(void);

/* `flowkeep filter EXPR... [--named-dir DIR] [--form FIELD=VALUE]...
 * [--program]`: compile a filter, print its canonical form. */
int cmd_filter(int argc, char **argv);

/* `flowkeep check [--config FILE]`: validate and print a configuration. */
int cmd_check(int argc, char **argv);

/* The listing commands (cmd_listing.c); SELECTION is FILE|DIR|-...
 * [--from T] [--to T] [--rule any|start|end|all] [--device NAME]
 * [--config FILE] [--tmp] [--threads N] [--filter EXPR] (cmdsel.h). */
int cmd_print(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_header(int argc, char **argv);

/* `flowkeep report TYPE|-f N [options] SELECTION`: a statistics report
 * (cmd_report.c, doc/reports.md). */
int cmd_report(int argc, char **argv);

/* `flowkeep recover FILE...`: repair files a crash left open, rename a
 * tmp- name to its final name (cmd_recover.c, doc/faults.md). */
int cmd_recover(int argc, char **argv);

/* `flowkeep clickhouse schema [...]`: the ClickHouse side
 * (cmd_clickhouse.c, doc/clickhouse.md). */
int cmd_clickhouse(int argc, char **argv);

/* Print "usage: flowkeep <usage of cmd>" on stderr; returns 2. */
int cmd_usage(const char *cmd);

/* Match argv[*i] against a long option that takes a value ("--to X" or
 * "--to=X"); on a match *val is set and *i advanced.  1 match, 0 not this
 * option, -1 the value is missing. */
int cmd_optval(int argc, char **argv, int *i, const char *name,
    const char **val);

#endif /* FLOWKEEP_CMD_H */
