/*
 * ctlproto.c - control protocol request lines (see ctlproto.h).
 *
 * The parser is strict: "FLOWKEEP/1", one space, a known command, then
 * arguments separated by single spaces, printable ASCII only, at most one
 * trailing newline.  Anything else is refused with a short message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"

#define CTL_MAGIC	"FLOWKEEP/1"

struct ctl_cmd_def {
	enum ctl_cmd	 cmd;
	const char	*name;
	int		 max_args;
};

static const struct ctl_cmd_def ctl_cmds[] = {
	{ CTL_STATUS,		"status",	0 },
	{ CTL_STATUS_JSON,	"status-json",	0 },
	{ CTL_ROTATE,		"rotate",	0 },
	{ CTL_RELOAD,		"reload",	0 },
	{ CTL_VERSION_CMD,	"version",	0 },
	{ CTL_METRICS,		"metrics",	0 },
};

#define NCMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static int
ctl_err(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
	return -1;
}

static const struct ctl_cmd_def *
ctl_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strlen(ctl_cmds[i].name) == len &&
		    memcmp(ctl_cmds[i].name, name, len) == 0)
			return &ctl_cmds[i];
	return NULL;
}

const char *
ctl_cmd_name(enum ctl_cmd cmd)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (ctl_cmds[i].cmd == cmd)
			return ctl_cmds[i].name;
	return NULL;
}

/* Check the characters and strip one trailing newline; the length or -1. */
static int
ctl_check_line(const char *line, size_t len, char *err, size_t errlen)
{
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len == 0)
		return ctl_err(err, errlen, "empty request");
	if (len >= CTL_LINE_MAX)
		return ctl_err(err, errlen, "request too long");
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if (ch < 0x20 || ch > 0x7e)
			return ctl_err(err, errlen,
			    "request holds a control or non-ASCII byte");
		if (ch == ' ' && (i == 0 || i + 1 == len || line[i + 1] == ' '))
			return ctl_err(err, errlen,
			    "request has stray spaces");
	}
	return (int)len;
}

/* Split the words after the command into req->argv. */
static int
ctl_split_args(const char *p, const char *end, struct ctl_request *req,
    char *err, size_t errlen)
{
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t n = (sp != NULL ? sp : end) - p;

		if (req->argc >= CTL_MAX_ARGS)
			return ctl_err(err, errlen, "too many arguments");
		if (n >= sizeof(req->argv[0]))
			return ctl_err(err, errlen, "argument too long");
		memcpy(req->argv[req->argc], p, n);
		req->argv[req->argc][n] = '\0';
		req->argc++;
		p += n + (sp != NULL ? 1 : 0);
	}
	return 0;
}

int
ctl_parse_request(const char *line, size_t len, struct ctl_request *req,
    char *err, size_t errlen)
{
	const struct ctl_cmd_def *def;
	const char *p, *end, *sp;
	int n;

	memset(req, 0, sizeof(*req));
	if ((n = ctl_check_line(line, len, err, errlen)) == -1)
		return -1;
	end = line + n;
	if ((size_t)n < sizeof(CTL_MAGIC) ||
	    memcmp(line, CTL_MAGIC " ", sizeof(CTL_MAGIC)) != 0)
		return ctl_err(err, errlen, "not a FLOWKEEP/1 request");
	p = line + sizeof(CTL_MAGIC);
	sp = memchr(p, ' ', (size_t)(end - p));
	if ((def = ctl_find(p, (size_t)((sp != NULL ? sp : end) - p))) ==
	    NULL)
		return ctl_err(err, errlen, "unknown command");
	if (sp != NULL &&
	    ctl_split_args(sp + 1, end, req, err, errlen) == -1)
		return -1;
	if (req->argc > def->max_args) {
		memset(req, 0, sizeof(*req));
		return ctl_err(err, errlen, "too many arguments");
	}
	req->cmd = def->cmd;
	return 0;
}

int
ctl_format_request(char *buf, size_t len, enum ctl_cmd cmd)
{
	const char *name = ctl_cmd_name(cmd);
	int n;

	if (name == NULL || buf == NULL)
		return -1;
	n = snprintf(buf, len, "%s %s\n", CTL_MAGIC, name);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}
