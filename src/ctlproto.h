/*
 * ctlproto.h - the control protocol between flowkeepd and `flowkeep`.
 *
 * Over a unix stream socket the client sends one request line:
 *     "FLOWKEEP/1 <command> [arg ...]\n"
 * (at most CTL_LINE_MAX bytes) and the daemon answers with a status line,
 * "OK\n" or "ERR <message>\n", then the body, then closes the connection.
 * Commands: status, status-json, rotate, reload, version, metrics
 * (Prometheus text, src/metrics.c).
 * The request parser is fed by anyone who can open the socket, so it is
 * strict and has a fuzz harness (tests/fuzz via fuzz_config).
 */
#ifndef FLOWKEEP_CTLPROTO_H
#define FLOWKEEP_CTLPROTO_H

#include <stddef.h>

#define CTL_VERSION	1
#define CTL_LINE_MAX	512
#define CTL_MAX_ARGS	8

enum ctl_cmd {
	CTL_STATUS = 1,
	CTL_STATUS_JSON,
	CTL_ROTATE,
	CTL_RELOAD,
	CTL_VERSION_CMD,
	CTL_METRICS
};

struct ctl_request {
	enum ctl_cmd	cmd;
	int		argc;
	char		argv[CTL_MAX_ARGS][64];
};

/* Parse one request line (without or with its trailing newline).  0 or -1
 * with a message. */
int ctl_parse_request(const char *line, size_t len, struct ctl_request *req,
    char *err, size_t errlen);

/* Format a request line for cmd into buf; returns its length or -1. */
int ctl_format_request(char *buf, size_t len, enum ctl_cmd cmd);

/* Name of a command ("status", ...), NULL if unknown. */
const char *ctl_cmd_name(enum ctl_cmd cmd);

#endif /* FLOWKEEP_CTLPROTO_H */
