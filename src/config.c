/*
 * config.c - flowkeepd settings: embedded defaults, the configuration file,
 * flow-capture's command line and the canonical print (see config.h).
 *
 * The file grammar is free-form: a statement is a keyword and its
 * arguments; newlines are white space; '#' starts a comment; strings may be
 * bare words or "quoted" (escapes \" \\ \n \t \xHH).  Blocks are { ... }.
 * Every parse error names the file and line.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "storage/chrow.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define CONF_FILE_MAX	(1024 * 1024)
#define TOK_MAX		FK_PATH_MAX

/* ------------------------------------------------------------ helpers */

/* Copy a string, zero-filling the rest so configs compare with memcmp. */
static int
set_str(char *dst, size_t size, const char *src)
{
	size_t	n = strlen(src);

	if (n >= size)
		return -1;
	memset(dst, 0, size);
	memcpy(dst, src, n);
	return 0;
}

static void
errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A short, printable rendering of user text for messages. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 5 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (o >= 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		buf[o++] = (ch >= 0x20 && ch < 0x7f && ch != '"') ? (char)ch :
		    '?';
	}
	buf[o] = '\0';
	return buf;
}

/* Unsigned decimal number with a maximum; 0 or -1. */
static int
parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (v > (max - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Signed decimal in [lo, hi]; 0 or -1. */
static int
parse_int(const char *s, long lo, long hi, long *out)
{
	unsigned long long v;
	int neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (parse_uint(s, 1000000000ULL, &v) == -1)
		return -1;
	*out = neg ? -(long)v : (long)v;
	if (*out < lo || *out > hi)
		return -1;
	return 0;
}

/*
 * flow-capture's -E size: strtoul base 0, then an optional suffix b (x512),
 * K, M or G (uppercase only).
 */
static int
parse_size(const char *s, uint64_t *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'b':
		mul = 512;
		break;
	case 'K':
		mul = 1024;
		break;
	case 'M':
		mul = 1024ULL * 1024;
		break;
	case 'G':
		mul = 1024ULL * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static void
print_size(FILE *fp, uint64_t v)
{
	static const struct { char s; unsigned shift; } units[] = {
		{ 'G', 30 }, { 'M', 20 }, { 'K', 10 }
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t u = (uint64_t)1 << units[i].shift;

		if (v != 0 && v % u == 0) {
			fprintf(fp, "%llu%c", (unsigned long long)(v / u),
			    units[i].s);
			return;
		}
	}
	fprintf(fp, "%llu", (unsigned long long)v);
}

static void
print_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", fp);
		else if (ch == '\t')
			fputs("\\t", fp);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(fp, "\\x%02x", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

/* ------------------------------------------------------------ prefixes */

int
config_parse_prefix(const char *s, struct fk_prefix *p)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	unsigned long long len;
	uint8_t b[16];
	unsigned max;

	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, addr, b) == 1) {
		p->af = FR_AF_INET;
		max = 32;
		p->addr.v4 = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3];
	} else if (inet_pton(AF_INET6, addr, b) == 1) {
		p->af = FR_AF_INET6;
		max = 128;
		memcpy(p->addr.v6, b, 16);
	} else
		return -1;
	if (slash == NULL)
		len = max;
	else if (parse_uint(slash + 1, max, &len) == -1 ||
	    (slash[1] == '0' && slash[2] != '\0'))
		return -1;
	p->len = (uint8_t)len;
	/* clear host bits so the prefix prints and compares canonically */
	if (p->af == FR_AF_INET)
		p->addr.v4 &= len == 0 ? 0 : 0xffffffffu << (32 - len);
	else
		for (unsigned i = 0; i < 16; i++) {
			unsigned keep = len > i * 8 ? (unsigned)len - i * 8 : 0;

			if (keep < 8)
				p->addr.v6[i] &= (uint8_t)(0xff00u >> keep);
		}
	return 0;
}

int
config_prefix_match(const struct fk_prefix *p, uint8_t af, const fr_addr *a)
{
	unsigned i, full, rest;

	if (p->af != af)
		return 0;
	if (af == FR_AF_INET) {
		uint32_t m = p->len == 0 ? 0 : 0xffffffffu << (32 - p->len);

		return (a->v4 & m) == (p->addr.v4 & m);
	}
	if (af != FR_AF_INET6)
		return 0;
	full = p->len / 8;
	rest = p->len % 8;
	if (memcmp(a->v6, p->addr.v6, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	i = full;
	return ((a->v6[i] ^ p->addr.v6[i]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static void
print_prefix(FILE *fp, const struct fk_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t b[4];

	if (p->af == FR_AF_INET) {
		b[0] = (uint8_t)(p->addr.v4 >> 24);
		b[1] = (uint8_t)(p->addr.v4 >> 16);
		b[2] = (uint8_t)(p->addr.v4 >> 8);
		b[3] = (uint8_t)p->addr.v4;
		inet_ntop(AF_INET, b, buf, sizeof(buf));
	} else
		inet_ntop(AF_INET6, p->addr.v6, buf, sizeof(buf));
	fprintf(fp, "%s/%u", buf, p->len);
}

/* Do two prefixes share any address? */
static int
prefix_overlap(const struct fk_prefix *a, const struct fk_prefix *b)
{
	const struct fk_prefix *shorter = a->len <= b->len ? a : b;
	const struct fk_prefix *longer = shorter == a ? b : a;

	if (a->af != b->af)
		return 0;
	return config_prefix_match(shorter, longer->af, &longer->addr);
}

/* ------------------------------------------------------------ defaults */

void
config_defaults(struct fk_config *c)
{
	memset(c, 0, sizeof(*c));
	set_str(c->workdir, sizeof(c->workdir), "var/flows");
	set_str(c->control, sizeof(c->control), "var/flowkeepd.sock");
	set_str(c->statefile, sizeof(c->statefile), "var/flowkeepd.state");
	c->rotations = FK_DEFAULT_ROTATIONS;
	c->nesting = FK_DEFAULT_NESTING;
	c->zlevel = FK_DEFAULT_ZLEVEL;
	c->byte_order = 0;
	c->rcvbuf = FK_DEFAULT_RCVBUF;
	c->batch = 64;
	c->compress_threads = -1;
	c->flush_interval = FK_DEFAULT_FLUSH_INTERVAL;
	set_str(c->trackdir, sizeof(c->trackdir), "var/trackings");
	set_str(c->rrddir, sizeof(c->rrddir), "var/rrd");
	set_str(c->saveddir, sizeof(c->saveddir), "var/saved");
	c->track_step = 300;
	c->track_lateness = 2;
	c->web_workers = 4;
	c->web_timeout = 120;
	c->sample_s = 30;
	statuswarn_defaults(&c->warn);
	set_str(c->ch_table, sizeof(c->ch_table), FK_CH_TABLE_DEFAULT);
	c->ch_batch_rows = FK_CH_BATCH_ROWS;
	c->ch_batch_age = FK_CH_BATCH_AGE;
	c->ch_queue = FK_CH_QUEUE;
	c->ch_spool_max = FK_CH_SPOOL_MAX;
	c->ch_files = 1;
	c->index_on = 1;
	set_str(c->listen[0].host, sizeof(c->listen[0].host), "0.0.0.0");
	c->listen[0].port = FK_DEFAULT_PORT;
	set_str(c->listen[1].host, sizeof(c->listen[1].host), "::");
	c->listen[1].port = FK_DEFAULT_PORT;
	c->nlisten = 2;
}

/* ------------------------------------------------------------ lexer */

enum tok_type { T_EOF, T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_ERROR };

struct lexer {
	const char	*buf;
	size_t		 len;
	size_t		 off;
	unsigned	 line;
};

struct token {
	enum tok_type	type;
	unsigned	line;
	char		text[TOK_MAX];
};

struct parser {
	struct lexer	 lx;
	struct fk_config *c;
	const char	*name;
	char		*err;
	size_t		 errlen;
	int		 failed;
	int		 listen_seen;
	int		 allow_seen;
	struct token	 kw;		/* the statement's keyword */
	struct token	 tok;		/* the last token read */
};

static void
perr(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr(struct parser *p, unsigned line, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errf(p->err, p->errlen, "%s:%u: %s", p->name, line, msg);
}

static int
lx_peek(const struct lexer *lx)
{
	return lx->off < lx->len ? (unsigned char)lx->buf[lx->off] : -1;
}

static int
is_word_char(int ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '#' && ch != '{' &&
	    ch != '}' && ch != '"';
}

static void
lx_skip_space(struct lexer *lx)
{
	int ch;

	while ((ch = lx_peek(lx)) != -1) {
		if (ch == '\n')
			lx->line++;
		else if (ch == '#') {
			while ((ch = lx_peek(lx)) != -1 && ch != '\n')
				lx->off++;
			continue;
		} else if (ch != ' ' && ch != '\t' && ch != '\r')
			break;
		lx->off++;
	}
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One escape after a backslash inside a string; the char or -1. */
static int
lx_escape(struct lexer *lx)
{
	int ch = lx_peek(lx), h, l;

	lx->off++;
	switch (ch) {
	case '"':
	case '\\':
		return ch;
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'x':
		if (lx->off + 2 > lx->len)
			return -1;
		h = hexval((unsigned char)lx->buf[lx->off]);
		l = hexval((unsigned char)lx->buf[lx->off + 1]);
		lx->off += 2;
		if (h < 0 || l < 0 || (h == 0 && l == 0))
			return -1;
		return h << 4 | l;
	default:
		return -1;
	}
}

static void
lx_string(struct lexer *lx, struct token *t)
{
	size_t	o = 0;
	int	ch;

	lx->off++;	/* opening quote */
	t->type = T_STRING;
	for (;;) {
		ch = lx_peek(lx);
		if (ch == -1 || ch == '\n' || ch == '\0') {
			t->type = T_ERROR;
			set_str(t->text, sizeof(t->text),
			    "unterminated string");
			return;
		}
		lx->off++;
		if (ch == '"')
			break;
		if (ch == '\\' && (ch = lx_escape(lx)) == -1) {
			t->type = T_ERROR;
			set_str(t->text, sizeof(t->text),
			    "bad escape in string");
			return;
		}
		if (o + 1 >= sizeof(t->text)) {
			t->type = T_ERROR;
			set_str(t->text, sizeof(t->text), "string too long");
			return;
		}
		t->text[o++] = (char)ch;
	}
	t->text[o] = '\0';
}

static void
lx_next(struct lexer *lx, struct token *t)
{
	size_t	o = 0;
	int	ch;

	lx_skip_space(lx);
	t->line = lx->line;
	t->text[0] = '\0';
	ch = lx_peek(lx);
	if (ch == -1) {
		/* report the end on the last line that has text */
		if (lx->len > 0 && lx->buf[lx->len - 1] == '\n' &&
		    t->line > 1)
			t->line--;
		t->type = T_EOF;
		return;
	}
	if (ch == '{' || ch == '}') {
		lx->off++;
		t->type = ch == '{' ? T_LBRACE : T_RBRACE;
		t->text[0] = (char)ch;
		t->text[1] = '\0';
		return;
	}
	if (ch == '"') {
		lx_string(lx, t);
		return;
	}
	if (!is_word_char(ch)) {
		t->type = T_ERROR;
		snprintf(t->text, sizeof(t->text),
		    "unexpected character 0x%02x", (unsigned)ch);
		return;
	}
	t->type = T_WORD;
	while ((ch = lx_peek(lx)) != -1 && is_word_char(ch)) {
		if (o + 1 >= sizeof(t->text)) {
			t->type = T_ERROR;
			set_str(t->text, sizeof(t->text), "word too long");
			return;
		}
		t->text[o++] = (char)ch;
		lx->off++;
	}
	t->text[o] = '\0';
}

/* ------------------------------------------------------------ arguments */

/* How the last token reads in a message: "x", "{" or end of file. */
static const char *
tok_desc(const struct token *t, char *buf, size_t len)
{
	char s[64];

	if (t->type == T_EOF)
		snprintf(buf, len, "end of file");
	else
		snprintf(buf, len, "\"%s\"", shown(t->text, s, sizeof(s)));
	return buf;
}

/* Read the next token; it must be a word or a string.  0 or -1. */
static int
arg_next(struct parser *p, const char *what)
{
	char d[80];

	lx_next(&p->lx, &p->tok);
	if (p->tok.type == T_ERROR) {
		perr(p, p->tok.line, "%s", p->tok.text);
		return -1;
	}
	if (p->tok.type != T_WORD && p->tok.type != T_STRING) {
		perr(p, p->tok.line, "expected %s after \"%s\", got %s", what,
		    p->kw.text, tok_desc(&p->tok, d, sizeof(d)));
		return -1;
	}
	return 0;
}

static int
arg_bad(struct parser *p, const char *what)
{
	char d[80];

	perr(p, p->tok.line, "expected %s after \"%s\", got %s", what,
	    p->kw.text, tok_desc(&p->tok, d, sizeof(d)));
	return -1;
}

static int
arg_str(struct parser *p, char *dst, size_t size)
{
	if (arg_next(p, "a string") == -1)
		return -1;
	if (set_str(dst, size, p->tok.text) == -1) {
		perr(p, p->tok.line, "%s: too long (at most %zu characters)",
		    p->kw.text, size - 1);
		return -1;
	}
	return 0;
}

static int
arg_range(struct parser *p, long lo, long hi, long *out)
{
	if (arg_next(p, "a number") == -1)
		return -1;
	if (parse_int(p->tok.text, LONG_MIN / 2, LONG_MAX / 2, out) == -1)
		return arg_bad(p, "a number");
	if (*out < lo || *out > hi) {
		perr(p, p->tok.line, "%s must be %ld..%ld, got %ld",
		    p->kw.text, lo, hi, *out);
		return -1;
	}
	return 0;
}

static int
arg_int(struct parser *p, long lo, long hi, int *out)
{
	long v;

	if (arg_range(p, lo, hi, &v) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

static int
arg_uns(struct parser *p, long lo, long hi, unsigned *out)
{
	long v;

	if (arg_range(p, lo, hi, &v) == -1)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
arg_size(struct parser *p, uint64_t max, uint64_t *out)
{
	if (arg_next(p, "a size") == -1)
		return -1;
	if (parse_size(p->tok.text, out) == -1)
		return arg_bad(p, "a size (bytes, or with b, K, M, G)");
	if (*out > max) {
		perr(p, p->tok.line, "%s: %s is too large", p->kw.text,
		    p->tok.text);
		return -1;
	}
	return 0;
}

static int
arg_bool(struct parser *p, int *out)
{
	if (arg_next(p, "yes or no") == -1)
		return -1;
	if (strcmp(p->tok.text, "yes") == 0)
		*out = 1;
	else if (strcmp(p->tok.text, "no") == 0)
		*out = 0;
	else
		return arg_bad(p, "yes or no");
	return 0;
}

static int
arg_onoff(struct parser *p, int *out)
{
	if (arg_next(p, "on or off") == -1)
		return -1;
	if (strcmp(p->tok.text, "on") == 0)
		*out = 1;
	else if (strcmp(p->tok.text, "off") == 0)
		*out = 0;
	else
		return arg_bad(p, "on or off");
	return 0;
}

static int
arg_prefix(struct parser *p, struct fk_prefix *out)
{
	if (arg_next(p, "an address prefix") == -1)
		return -1;
	if (config_parse_prefix(p->tok.text, out) == -1)
		return arg_bad(p, "an address prefix");
	return 0;
}

/* ------------------------------------------------------------ statements */

typedef int (*stmt_fn)(struct parser *);

struct keyword {
	const char	*name;
	stmt_fn		 fn;
};

static int
kw_workdir(struct parser *p)
{
	return arg_str(p, p->c->workdir, sizeof(p->c->workdir));
}

static int
kw_rotations(struct parser *p)
{
	return arg_int(p, 0, 1439, &p->c->rotations);
}

static int
kw_nesting(struct parser *p)
{
	return arg_int(p, -3, 3, &p->c->nesting);
}

static int
kw_compress(struct parser *p)
{
	return arg_int(p, 0, 9, &p->c->zlevel);
}

static int
kw_byte_order(struct parser *p)
{
	static const char *names[] = { "host", "little", "big" };

	if (arg_next(p, "host, little or big") == -1)
		return -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(p->tok.text, names[i]) == 0) {
			p->c->byte_order = i;
			return 0;
		}
	return arg_bad(p, "host, little or big");
}

static int
kw_expire_size(struct parser *p)
{
	return arg_size(p, UINT64_MAX, &p->c->expire_bytes);
}

static int
kw_expire_files(struct parser *p)
{
	return arg_uns(p, 0, 100000000, &p->c->expire_files);
}

static int
kw_record_version(struct parser *p)
{
	long v;

	if (arg_next(p, "a record version") == -1)
		return -1;
	if (strcmp(p->tok.text, "auto") == 0) {
		p->c->version = 0;
		return 0;
	}
	if (parse_int(p->tok.text, 1, 1005, &v) == -1 ||
	    (v != 1 && v != 5 && v != 1005))
		return arg_bad(p, "auto, 1, 5 or 1005");
	p->c->version = (int)v;
	return 0;
}

static int
kw_comment(struct parser *p)
{
	return arg_str(p, p->c->comment, sizeof(p->c->comment));
}

static int
kw_hostname(struct parser *p)
{
	return arg_str(p, p->c->hostname, sizeof(p->c->hostname));
}

static int
kw_foreground(struct parser *p)
{
	return arg_bool(p, &p->c->foreground);
}

static int
kw_keep_umask(struct parser *p)
{
	return arg_bool(p, &p->c->keep_umask);
}

static int
kw_pidfile(struct parser *p)
{
	return arg_str(p, p->c->pidfile, sizeof(p->c->pidfile));
}

static int
kw_rotate_program(struct parser *p)
{
	return arg_str(p, p->c->rotate_prog, sizeof(p->c->rotate_prog));
}

static int
kw_stat_interval(struct parser *p)
{
	return arg_int(p, 0, 60, &p->c->stat_minutes);
}

static int
kw_status_sample(struct parser *p)
{
	return arg_int(p, 1, 300, &p->c->sample_s);
}

static int
kw_debug(struct parser *p)
{
	return arg_int(p, 0, 100, &p->c->debug);
}

/* listen HOST [port N] */
static int
kw_listen(struct parser *p)
{
	struct fk_config *c = p->c;
	struct fk_listen l;
	struct lexer save;
	struct token t;
	long port = FK_DEFAULT_PORT;

	memset(&l, 0, sizeof(l));
	if (arg_str(p, l.host, sizeof(l.host)) == -1)
		return -1;
	save = p->lx;
	lx_next(&p->lx, &t);
	if (t.type == T_WORD && strcmp(t.text, "port") == 0) {
		p->kw = t;	/* messages name "port" */
		if (arg_range(p, 1, 65535, &port) == -1)
			return -1;
	} else
		p->lx = save;
	if (!p->listen_seen) {
		p->listen_seen = 1;
		memset(c->listen, 0, sizeof(c->listen));
		c->nlisten = 0;
	}
	if (c->nlisten >= FK_MAX_LISTEN) {
		perr(p, p->kw.line, "too many listen statements (at most %d)",
		    FK_MAX_LISTEN);
		return -1;
	}
	l.port = (uint16_t)port;
	c->listen[c->nlisten++] = l;
	return 0;
}

static int
kw_allow(struct parser *p)
{
	struct fk_config *c = p->c;
	struct fk_prefix pf;

	if (arg_prefix(p, &pf) == -1)
		return -1;
	if (!p->allow_seen) {
		p->allow_seen = 1;
		memset(c->allow, 0, sizeof(c->allow));
		c->nallow = 0;
	}
	if (c->nallow >= FK_MAX_PREFIXES) {
		perr(p, p->kw.line, "too many allow statements (at most %d)",
		    FK_MAX_PREFIXES);
		return -1;
	}
	c->allow[c->nallow++] = pf;
	return 0;
}

static int
kw_rcvbuf(struct parser *p)
{
	uint64_t v;

	if (arg_size(p, UINT32_MAX, &v) == -1)
		return -1;
	p->c->rcvbuf = (uint32_t)v;
	return 0;
}

/* compress-threads auto|N */
static int
kw_compress_threads(struct parser *p)
{
	long v;

	if (arg_next(p, "\"auto\" or a number") == -1)
		return -1;
	if (strcmp(p->tok.text, "auto") == 0) {
		p->c->compress_threads = -1;
		return 0;
	}
	if (parse_int(p->tok.text, LONG_MIN / 2, LONG_MAX / 2, &v) == -1)
		return arg_bad(p, "\"auto\" or a number");
	if (v < 0 || v > FK_MAX_COMPRESS_THREADS) {
		perr(p, p->tok.line, "%s must be auto or 0..%d, got %ld",
		    p->kw.text, FK_MAX_COMPRESS_THREADS, v);
		return -1;
	}
	p->c->compress_threads = (int)v;
	return 0;
}

static int
kw_flush_interval(struct parser *p)
{
	return arg_uns(p, 0, 3600, &p->c->flush_interval);
}

static int
kw_tracking_dir(struct parser *p)
{
	return arg_str(p, p->c->trackdir, sizeof(p->c->trackdir));
}

static int
kw_rrd_dir(struct parser *p)
{
	return arg_str(p, p->c->rrddir, sizeof(p->c->rrddir));
}

static int
kw_rrdcached(struct parser *p)
{
	return arg_str(p, p->c->rrdcached, sizeof(p->c->rrdcached));
}

/* "http://HOST[:PORT][/PATH][?QUERY]": the shape only; the sink parses
 * it. */
static int
ch_url_ok(const char *u)
{
	size_t	n;

	if (strncmp(u, "http://", 7) != 0)
		return 0;
	u += 7;
	n = strcspn(u, ":/?#");
	if (n == 0)
		return 0;
	if (u[n] == ':') {
		size_t d = strspn(u + n + 1, "0123456789");
		long port;

		if (d == 0 || d > 5)
			return 0;
		port = strtol(u + n + 1, NULL, 10);
		if (port < 1 || port > 65535)
			return 0;
		n += 1 + d;
	}
	if (u[n] == '#')
		return 0;
	for (; u[n] != '\0'; n++)
		if ((unsigned char)u[n] <= 0x20 || u[n] == 0x7f || u[n] == '#')
			return 0;
	return 1;
}

static int
kw_clickhouse_url(struct parser *p)
{
	char	s[64];

	if (p->c->ch_nurls >= FK_MAX_CH_URLS) {
		perr(p, p->kw.line, "too many clickhouse-url (at most %d)",
		    FK_MAX_CH_URLS);
		return -1;
	}
	if (arg_str(p, p->c->ch_urls[p->c->ch_nurls],
	    sizeof(p->c->ch_urls[0])) == -1)
		return -1;
	if (!ch_url_ok(p->c->ch_urls[p->c->ch_nurls])) {
		perr(p, p->tok.line, "clickhouse-url: \"%s\" is not "
		    "http://HOST:PORT/", shown(p->tok.text, s, sizeof(s)));
		memset(p->c->ch_urls[p->c->ch_nurls], 0,
		    sizeof(p->c->ch_urls[0]));
		return -1;
	}
	p->c->ch_nurls++;
	return 0;
}

/* DB.TABLE, both plain identifiers (they go into SQL as they are). */
static int
ch_table_ok(const char *t)
{
	char	db[128];
	const char *dot = strchr(t, '.');

	if (dot == NULL || (size_t)(dot - t) >= sizeof(db))
		return 0;
	memcpy(db, t, (size_t)(dot - t));
	db[dot - t] = '\0';
	return chrow_ident_ok(db) && chrow_ident_ok(dot + 1);
}

static int
kw_clickhouse_table(struct parser *p)
{
	char	s[64];

	if (arg_str(p, p->c->ch_table, sizeof(p->c->ch_table)) == -1)
		return -1;
	if (!ch_table_ok(p->c->ch_table)) {
		perr(p, p->tok.line, "clickhouse-table: \"%s\" is not "
		    "DB.TABLE (letters, digits, _)",
		    shown(p->tok.text, s, sizeof(s)));
		return -1;
	}
	return 0;
}

static int
kw_clickhouse_batch_rows(struct parser *p)
{
	return arg_uns(p, 1, 1000000, &p->c->ch_batch_rows);
}

static int
kw_clickhouse_batch_age(struct parser *p)
{
	return arg_uns(p, 1, 3600, &p->c->ch_batch_age);
}

static int
kw_clickhouse_queue(struct parser *p)
{
	if (arg_size(p, 1ull << 40, &p->c->ch_queue) == -1)
		return -1;
	if (p->c->ch_queue < (1u << 20)) {
		perr(p, p->tok.line, "clickhouse-queue: at least 1M");
		return -1;
	}
	return 0;
}

static int
kw_clickhouse_spool_dir(struct parser *p)
{
	return arg_str(p, p->c->ch_spool_dir, sizeof(p->c->ch_spool_dir));
}

static int
kw_clickhouse_spool_max(struct parser *p)
{
	return arg_size(p, UINT64_MAX, &p->c->ch_spool_max);
}

static int
kw_clickhouse_files(struct parser *p)
{
	return arg_onoff(p, &p->c->ch_files);
}

static int
kw_index(struct parser *p)
{
	return arg_onoff(p, &p->c->index_on);
}

static int
kw_index_dir(struct parser *p)
{
	if (arg_str(p, p->c->index_dir, sizeof(p->c->index_dir)) == -1)
		return -1;
	if (p->c->index_dir[0] == '\0') {
		perr(p, p->tok.line, "index-dir: empty path");
		return -1;
	}
	return 0;
}

static int
kw_collector_name(struct parser *p)
{
	char	s[64];

	if (arg_str(p, p->c->collector_name,
	    sizeof(p->c->collector_name)) == -1)
		return -1;
	for (const char *q = p->c->collector_name; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f) {
			perr(p, p->tok.line, "collector-name: \"%s\" has "
			    "control characters", shown(p->tok.text, s,
			    sizeof(s)));
			return -1;
		}
	return 0;
}

static int
kw_track_step(struct parser *p)
{
	return arg_uns(p, 60, 3600, &p->c->track_step);
}

static int
kw_track_lateness(struct parser *p)
{
	return arg_uns(p, 1, 100, &p->c->track_lateness);
}

static int
kw_batch(struct parser *p)
{
	return arg_uns(p, 1, 1024, &p->c->batch);
}

static int
kw_web_listen(struct parser *p)
{
	return arg_str(p, p->c->web_listen, sizeof(p->c->web_listen));
}

static int
kw_web_workers(struct parser *p)
{
	return arg_uns(p, 1, 64, &p->c->web_workers);
}

static int
kw_web_timeout(struct parser *p)
{
	return arg_uns(p, 1, 3600, &p->c->web_timeout);
}

static int
kw_warn_silent(struct parser *p)
{
	return arg_uns(p, 0, 100000, &p->c->warn.silent_min);
}

static int
kw_warn_loss(struct parser *p)
{
	return arg_uns(p, 0, 100, &p->c->warn.loss_pct);
}

static int
kw_warn_disk(struct parser *p)
{
	return arg_uns(p, 0, 100, &p->c->warn.disk_pct);
}

static int
kw_warn_drops(struct parser *p)
{
	return arg_uns(p, 0, 1440, &p->c->warn.drops_min);
}

static int
kw_warn_clickhouse(struct parser *p)
{
	return arg_uns(p, 0, 1440, &p->c->warn.ch_down_min);
}

static int
kw_web_auth(struct parser *p)
{
	return arg_str(p, p->c->web_auth, sizeof(p->c->web_auth));
}

/* Checked in full where it is used (src/chsource.h): here the scheme. */
static int
kw_source(struct parser *p)
{
	if (arg_str(p, p->c->source, sizeof(p->c->source)) == -1)
		return -1;
	if (strncmp(p->c->source, "clickhouse://", 13) != 0 ||
	    strpbrk(p->c->source, " \t\"'") != NULL) {
		perr(p, p->tok.line, "source: \"%s\" is not "
		    "clickhouse://HOST[:PORT]/DB.TABLE", p->c->source);
		return -1;
	}
	return 0;
}

static int
kw_saved_dir(struct parser *p)
{
	return arg_str(p, p->c->saveddir, sizeof(p->c->saveddir));
}

static int
kw_control(struct parser *p)
{
	return arg_str(p, p->c->control, sizeof(p->c->control));
}

static int
kw_control_readonly(struct parser *p)
{
	return arg_str(p, p->c->control_ro, sizeof(p->c->control_ro));
}

static int
kw_user(struct parser *p)
{
	return arg_str(p, p->c->user, sizeof(p->c->user));
}

static int
kw_chroot(struct parser *p)
{
	return arg_str(p, p->c->chroot, sizeof(p->c->chroot));
}

static int
kw_web_user(struct parser *p)
{
	return arg_str(p, p->c->web_user, sizeof(p->c->web_user));
}

static int
kw_statefile(struct parser *p)
{
	return arg_str(p, p->c->statefile, sizeof(p->c->statefile));
}

/* Read "{" after the keyword (and its name). */
static int
block_open(struct parser *p)
{
	char d[80];

	lx_next(&p->lx, &p->tok);
	if (p->tok.type == T_LBRACE)
		return 0;
	if (p->tok.type == T_ERROR)
		perr(p, p->tok.line, "%s", p->tok.text);
	else
		perr(p, p->tok.line, "expected \"{\" after \"%s\", got %s",
		    p->kw.text, tok_desc(&p->tok, d, sizeof(d)));
	return -1;
}

/*
 * Run the statements of a block until "}" with a keyword table; the
 * keyword in p->kw is the block's and is restored for each entry.
 */
static int run_stmt(struct parser *, const struct keyword *, size_t,
    const char *);

static int
block_body(struct parser *p, const struct keyword *tab, size_t n,
    const char *where)
{
	char d[80];

	for (;;) {
		lx_next(&p->lx, &p->kw);
		if (p->kw.type == T_RBRACE)
			return 0;
		if (p->kw.type == T_EOF) {
			perr(p, p->kw.line, "missing \"}\" at the end of %s",
			    where);
			return -1;
		}
		if (p->kw.type != T_WORD) {
			if (p->kw.type == T_ERROR)
				perr(p, p->kw.line, "%s", p->kw.text);
			else
				perr(p, p->kw.line, "unexpected %s in %s",
				    tok_desc(&p->kw, d, sizeof(d)), where);
			return -1;
		}
		if (run_stmt(p, tab, n, where) == -1)
			return -1;
	}
}

static int
lim_uns(struct parser *p, unsigned *dst, long max)
{
	long v;

	if (arg_next(p, "a number") == -1)
		return -1;
	if (strcmp(p->tok.text, "default") == 0) {
		*dst = 0;
		return 0;
	}
	if (parse_int(p->tok.text, 0, LONG_MAX / 2, &v) == -1)
		return arg_bad(p, "a number or \"default\"");
	if (v < 1 || v > max) {
		perr(p, p->tok.line, "%s must be 1..%ld, got %ld", p->kw.text,
		    max, v);
		return -1;
	}
	*dst = (unsigned)v;
	return 0;
}

static int
lim_exporters(struct parser *p)
{
	return lim_uns(p, &p->c->limits.max_exporters, 1000000);
}

static int
lim_templates(struct parser *p)
{
	return lim_uns(p, &p->c->limits.max_templates, 65535);
}

static int
lim_fields(struct parser *p)
{
	return lim_uns(p, &p->c->limits.max_template_fields, 65535);
}

static int
lim_pending(struct parser *p)
{
	return lim_uns(p, &p->c->limits.max_pending, 1000000);
}

/* A size limit: 1..4 GiB - 1 or "default" (0). */
static int
lim_size(struct parser *p, unsigned *dst)
{
	uint64_t v;

	if (arg_next(p, "a size") == -1)
		return -1;
	if (strcmp(p->tok.text, "default") == 0) {
		*dst = 0;
		return 0;
	}
	if (parse_size(p->tok.text, &v) == -1)
		return arg_bad(p, "a size or \"default\"");
	if (v < 1 || v > UINT32_MAX) {
		perr(p, p->tok.line, "%s must be 1..4294967295 bytes",
		    p->kw.text);
		return -1;
	}
	*dst = (unsigned)v;
	return 0;
}

static int
lim_pending_bytes(struct parser *p)
{
	return lim_size(p, &p->c->limits.max_pending_bytes);
}

static int
lim_pending_total(struct parser *p)
{
	return lim_size(p, &p->c->limits.max_pending_total);
}

static int
lim_pending_ttl(struct parser *p)
{
	unsigned s;

	if (lim_uns(p, &s, 86400) == -1)
		return -1;
	p->c->limits.pending_ttl_ms = s * 1000;
	return 0;
}

static int
lim_samplers(struct parser *p)
{
	return lim_uns(p, &p->c->limits.max_samplers, 65535);
}

static const struct keyword limit_keywords[] = {
	{ "exporters",		lim_exporters },
	{ "templates",		lim_templates },
	{ "template-fields",	lim_fields },
	{ "pending",		lim_pending },
	{ "pending-bytes",	lim_pending_bytes },
	{ "pending-total",	lim_pending_total },
	{ "pending-ttl",	lim_pending_ttl },
	{ "samplers",		lim_samplers },
};

static int
kw_limits(struct parser *p)
{
	if (block_open(p) == -1)
		return -1;
	return block_body(p, limit_keywords,
	    sizeof(limit_keywords) / sizeof(limit_keywords[0]),
	    "the limits block");
}

static struct fk_device *
cur_device(struct parser *p)
{
	return &p->c->devices[p->c->ndevices - 1];
}

static int
dev_workdir(struct parser *p)
{
	struct fk_device *d = cur_device(p);

	return arg_str(p, d->workdir, sizeof(d->workdir));
}

static int
dev_exporter(struct parser *p)
{
	struct fk_device *d = cur_device(p);
	struct fk_prefix pf;

	if (arg_prefix(p, &pf) == -1)
		return -1;
	if (d->nexporters >= FK_MAX_PREFIXES) {
		perr(p, p->kw.line, "too many exporters in device \"%s\" "
		    "(at most %d)", d->name, FK_MAX_PREFIXES);
		return -1;
	}
	d->exporters[d->nexporters++] = pf;
	return 0;
}

static const struct keyword device_keywords[] = {
	{ "workdir",	dev_workdir },
	{ "exporter",	dev_exporter },
};

/* device NAME { workdir DIR exporter PREFIX ... } */
static int
kw_device(struct parser *p)
{
	struct fk_config *c = p->c;
	struct fk_device *d;
	char name[FK_NAME_MAX], s[64];
	unsigned line = p->kw.line;

	if (arg_str(p, name, sizeof(name)) == -1)
		return -1;
	for (unsigned i = 0; i < c->ndevices; i++)
		if (strcmp(c->devices[i].name, name) == 0) {
			perr(p, line, "device \"%s\" is defined twice",
			    shown(name, s, sizeof(s)));
			return -1;
		}
	if (c->ndevices >= FK_MAX_DEVICES) {
		perr(p, line, "too many devices (at most %d)", FK_MAX_DEVICES);
		return -1;
	}
	d = &c->devices[c->ndevices++];
	memset(d, 0, sizeof(*d));
	set_str(d->name, sizeof(d->name), name);
	set_str(d->workdir, sizeof(d->workdir), name);
	if (block_open(p) == -1)
		return -1;
	return block_body(p, device_keywords,
	    sizeof(device_keywords) / sizeof(device_keywords[0]),
	    "the device block");
}

static const struct keyword top_keywords[] = {
	{ "workdir",		kw_workdir },
	{ "rotations",		kw_rotations },
	{ "nesting",		kw_nesting },
	{ "compress",		kw_compress },
	{ "byte-order",		kw_byte_order },
	{ "expire-size",	kw_expire_size },
	{ "expire-files",	kw_expire_files },
	{ "record-version",	kw_record_version },
	{ "comment",		kw_comment },
	{ "hostname",		kw_hostname },
	{ "foreground",		kw_foreground },
	{ "keep-umask",		kw_keep_umask },
	{ "pidfile",		kw_pidfile },
	{ "rotate-program",	kw_rotate_program },
	{ "stat-interval",	kw_stat_interval },
	{ "status-sample",	kw_status_sample },
	{ "debug",		kw_debug },
	{ "listen",		kw_listen },
	{ "allow",		kw_allow },
	{ "rcvbuf",		kw_rcvbuf },
	{ "batch",		kw_batch },
	{ "compress-threads",	kw_compress_threads },
	{ "flush-interval",	kw_flush_interval },
	{ "tracking-dir",	kw_tracking_dir },
	{ "rrd-dir",		kw_rrd_dir },
	{ "rrdcached",		kw_rrdcached },
	{ "track-step",		kw_track_step },
	{ "track-lateness",	kw_track_lateness },
	{ "web-listen",		kw_web_listen },
	{ "web-workers",	kw_web_workers },
	{ "web-timeout",	kw_web_timeout },
	{ "warn-silent",	kw_warn_silent },
	{ "warn-loss",		kw_warn_loss },
	{ "warn-disk",		kw_warn_disk },
	{ "warn-drops",		kw_warn_drops },
	{ "warn-clickhouse",	kw_warn_clickhouse },
	{ "web-auth",		kw_web_auth },
	{ "source",		kw_source },
	{ "saved-dir",		kw_saved_dir },
	{ "control",		kw_control },
	{ "statefile",		kw_statefile },
	{ "index",		kw_index },
	{ "index-dir",		kw_index_dir },
	{ "control-readonly",	kw_control_readonly },
	{ "user",		kw_user },
	{ "web-user",		kw_web_user },
	{ "chroot",		kw_chroot },
	{ "limits",		kw_limits },
	{ "device",		kw_device },
	{ "clickhouse-url",	kw_clickhouse_url },
	{ "clickhouse-table",	kw_clickhouse_table },
	{ "clickhouse-batch-rows", kw_clickhouse_batch_rows },
	{ "clickhouse-batch-age", kw_clickhouse_batch_age },
	{ "clickhouse-queue",	kw_clickhouse_queue },
	{ "clickhouse-spool-dir", kw_clickhouse_spool_dir },
	{ "clickhouse-spool-max", kw_clickhouse_spool_max },
	{ "clickhouse-files",	kw_clickhouse_files },
	{ "collector-name",	kw_collector_name },
};

/* Dispatch the keyword in p->kw through tab. */
static int
run_stmt(struct parser *p, const struct keyword *tab, size_t n,
    const char *where)
{
	char s[64];

	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, p->kw.text) == 0)
			return tab[i].fn(p);
	perr(p, p->kw.line, "unknown keyword \"%s\"%s%s",
	    shown(p->kw.text, s, sizeof(s)), where[0] != '\0' ? " in " : "",
	    where);
	return -1;
}

int
config_parse_buf(struct fk_config *c, const char *buf, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct parser *p;
	char d[80];
	int rc = 0;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		errf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	p->lx.buf = buf;
	p->lx.len = len;
	p->lx.line = 1;
	p->c = c;
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	for (;;) {
		lx_next(&p->lx, &p->kw);
		if (p->kw.type == T_EOF)
			break;
		if (p->kw.type == T_ERROR)
			perr(p, p->kw.line, "%s", p->kw.text);
		else if (p->kw.type != T_WORD)
			perr(p, p->kw.line, "unexpected %s",
			    tok_desc(&p->kw, d, sizeof(d)));
		else
			run_stmt(p, top_keywords, sizeof(top_keywords) /
			    sizeof(top_keywords[0]), "");
		if (p->failed) {
			rc = -1;
			break;
		}
	}
	free(p);
	return rc;
}

int
config_parse_file(struct fk_config *c, const char *path, char *err,
    size_t errlen)
{
	FILE *fp;
	char *buf;
	size_t n;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(CONF_FILE_MAX + 1)) == NULL) {
		fclose(fp);
		errf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, CONF_FILE_MAX + 1, fp);
	if (ferror(fp) || n > CONF_FILE_MAX) {
		errf(err, errlen, "%s: %s", path, ferror(fp) ?
		    "read error" : "file too large (over 1 MiB)");
		rc = -1;
	} else {
		rc = config_parse_buf(c, buf, n, path, err, errlen);
		if (rc == 0 && set_str(c->config_path, sizeof(c->config_path),
		    path) == -1) {
			errf(err, errlen, "%s: path too long", path);
			rc = -1;
		}
	}
	free(buf);
	fclose(fp);
	return rc;
}

/* ------------------------------------------------------------ print */

static void
print_limit(FILE *fp, const char *name, unsigned v)
{
	if (v == 0)
		fprintf(fp, "\t%s default\n", name);
	else
		fprintf(fp, "\t%s %u\n", name, v);
}

static void
print_size_limit(FILE *fp, const char *kw, unsigned v)
{
	if (v == 0) {
		fprintf(fp, "\t%s default\n", kw);
		return;
	}
	fprintf(fp, "\t%s ", kw);
	print_size(fp, v);
	fputc('\n', fp);
}

static void
print_limits(const struct proto_limits *l, FILE *fp)
{
	fputs("limits {\n", fp);
	print_limit(fp, "exporters", l->max_exporters);
	print_limit(fp, "templates", l->max_templates);
	print_limit(fp, "template-fields", l->max_template_fields);
	print_limit(fp, "pending", l->max_pending);
	print_size_limit(fp, "pending-bytes", l->max_pending_bytes);
	print_size_limit(fp, "pending-total", l->max_pending_total);
	print_limit(fp, "pending-ttl", l->pending_ttl_ms / 1000);
	print_limit(fp, "samplers", l->max_samplers);
	fputs("}\n", fp);
}

static void
print_device(const struct fk_device *d, FILE *fp)
{
	fputs("device ", fp);
	print_quoted(fp, d->name);
	fputs(" {\n\tworkdir ", fp);
	print_quoted(fp, d->workdir);
	fputc('\n', fp);
	for (unsigned i = 0; i < d->nexporters; i++) {
		fputs("\texporter ", fp);
		print_prefix(fp, &d->exporters[i]);
		fputc('\n', fp);
	}
	fputs("}\n", fp);
}

static void
print_str(FILE *fp, const char *key, const char *v)
{
	fprintf(fp, "%s ", key);
	print_quoted(fp, v);
	fputc('\n', fp);
}

static void
print_files(const struct fk_config *c, FILE *fp)
{
	static const char *orders[] = { "host", "little", "big" };

	print_str(fp, "workdir", c->workdir);
	fprintf(fp, "rotations %d\n", c->rotations);
	fprintf(fp, "nesting %d\n", c->nesting);
	fprintf(fp, "compress %d\n", c->zlevel);
	fprintf(fp, "byte-order %s\n", c->byte_order >= 0 &&
	    c->byte_order <= 2 ? orders[c->byte_order] : "host");
	fputs("expire-size ", fp);
	print_size(fp, c->expire_bytes);
	fprintf(fp, "\nexpire-files %u\n", c->expire_files);
	if (c->version == 0)
		fputs("record-version auto\n", fp);
	else
		fprintf(fp, "record-version %d\n", c->version);
	print_str(fp, "comment", c->comment);
	print_str(fp, "hostname", c->hostname);
}

static void
print_process(const struct fk_config *c, FILE *fp)
{
	fprintf(fp, "foreground %s\n", c->foreground ? "yes" : "no");
	fprintf(fp, "keep-umask %s\n", c->keep_umask ? "yes" : "no");
	print_str(fp, "pidfile", c->pidfile);
	print_str(fp, "rotate-program", c->rotate_prog);
	fprintf(fp, "stat-interval %d\n", c->stat_minutes);
	if (c->sample_s != 30)	/* older canonical forms stay as they were */
		fprintf(fp, "status-sample %d\n", c->sample_s);
	fprintf(fp, "debug %d\n", c->debug);
}

/* The warning limits, only those changed from the defaults (so that the
 * canonical form of older configs stays what it was). */
static void
print_warn(FILE *fp, const struct statuswarn_limits *w)
{
	struct statuswarn_limits d;

	statuswarn_defaults(&d);
	if (w->silent_min != d.silent_min)
		fprintf(fp, "warn-silent %u\n", w->silent_min);
	if (w->loss_pct != d.loss_pct)
		fprintf(fp, "warn-loss %u\n", w->loss_pct);
	if (w->disk_pct != d.disk_pct)
		fprintf(fp, "warn-disk %u\n", w->disk_pct);
	if (w->drops_min != d.drops_min)
		fprintf(fp, "warn-drops %u\n", w->drops_min);
	if (w->ch_down_min != d.ch_down_min)
		fprintf(fp, "warn-clickhouse %u\n", w->ch_down_min);
}

static void
print_network(const struct fk_config *c, FILE *fp)
{
	for (unsigned i = 0; i < c->nlisten && i < FK_MAX_LISTEN; i++) {
		const char *h = c->listen[i].host;
		int bare = h[0] != '\0';

		for (const char *s = h; *s != '\0'; s++)
			if (!is_word_char((unsigned char)*s))
				bare = 0;
		fputs("listen ", fp);
		if (bare)
			fputs(h, fp);
		else
			print_quoted(fp, h);
		fprintf(fp, " port %u\n", c->listen[i].port);
	}
	for (unsigned i = 0; i < c->nallow && i < FK_MAX_PREFIXES; i++) {
		fputs("allow ", fp);
		print_prefix(fp, &c->allow[i]);
		fputc('\n', fp);
	}
	fputs("rcvbuf ", fp);
	print_size(fp, c->rcvbuf);
	fprintf(fp, "\nbatch %u\n", c->batch);
	if (c->compress_threads < 0)
		fputs("compress-threads auto\n", fp);
	else
		fprintf(fp, "compress-threads %d\n", c->compress_threads);
	fprintf(fp, "flush-interval %u\n", c->flush_interval);
	print_str(fp, "tracking-dir", c->trackdir);
	print_str(fp, "rrd-dir", c->rrddir);
	if (c->rrdcached[0] != '\0')
		print_str(fp, "rrdcached", c->rrdcached);
	fprintf(fp, "track-step %u\ntrack-lateness %u\n", c->track_step,
	    c->track_lateness);
	print_str(fp, "web-listen", c->web_listen);
	fprintf(fp, "web-workers %u\nweb-timeout %u\n", c->web_workers,
	    c->web_timeout);
	print_warn(fp, &c->warn);
	if (c->web_auth[0] != '\0')
		print_str(fp, "web-auth", c->web_auth);
	print_str(fp, "saved-dir", c->saveddir);
	if (c->source[0] != '\0')
		print_str(fp, "source", c->source);
	print_str(fp, "control", c->control);
	print_str(fp, "statefile", c->statefile);
	if (!c->index_on)	/* older canonical forms stay as they were */
		fputs("index off\n", fp);
	if (c->index_dir[0] != '\0')
		print_str(fp, "index-dir", c->index_dir);
	if (c->control_ro[0] != '\0')
		print_str(fp, "control-readonly", c->control_ro);
	if (c->user[0] != '\0')
		print_str(fp, "user", c->user);
	if (c->web_user[0] != '\0')
		print_str(fp, "web-user", c->web_user);
	if (c->chroot[0] != '\0')
		print_str(fp, "chroot", c->chroot);
}

/* The ClickHouse sink, only when it is on or a key differs from its
 * default (older configs keep their canonical form). */
static void
print_clickhouse(const struct fk_config *c, FILE *fp)
{
	for (unsigned i = 0; i < c->ch_nurls && i < FK_MAX_CH_URLS; i++)
		print_str(fp, "clickhouse-url", c->ch_urls[i]);
	if (c->ch_nurls > 0 || strcmp(c->ch_table, FK_CH_TABLE_DEFAULT) != 0)
		print_str(fp, "clickhouse-table", c->ch_table);
	if (c->ch_nurls > 0 || c->ch_batch_rows != FK_CH_BATCH_ROWS)
		fprintf(fp, "clickhouse-batch-rows %u\n", c->ch_batch_rows);
	if (c->ch_nurls > 0 || c->ch_batch_age != FK_CH_BATCH_AGE)
		fprintf(fp, "clickhouse-batch-age %u\n", c->ch_batch_age);
	if (c->ch_nurls > 0 || c->ch_queue != FK_CH_QUEUE) {
		fputs("clickhouse-queue ", fp);
		print_size(fp, c->ch_queue);
		fputc('\n', fp);
	}
	if (c->ch_spool_dir[0] != '\0')
		print_str(fp, "clickhouse-spool-dir", c->ch_spool_dir);
	if (c->ch_nurls > 0 || c->ch_spool_max != FK_CH_SPOOL_MAX) {
		fputs("clickhouse-spool-max ", fp);
		print_size(fp, c->ch_spool_max);
		fputc('\n', fp);
	}
	if (!c->ch_files)
		fputs("clickhouse-files off\n", fp);
	if (c->collector_name[0] != '\0')
		print_str(fp, "collector-name", c->collector_name);
}

void
config_print(const struct fk_config *c, FILE *fp)
{
	fputs("# flowkeepd configuration (canonical form)\n", fp);
	print_files(c, fp);
	print_process(c, fp);
	print_network(c, fp);
	print_clickhouse(c, fp);
	print_limits(&c->limits, fp);
	for (unsigned i = 0; i < c->ndevices && i < FK_MAX_DEVICES; i++)
		print_device(&c->devices[i], fp);
}

/* ------------------------------------------------------------ validate */

static int
validate_ranges(const struct fk_config *c, char *err, size_t errlen)
{
	if (c->workdir[0] == '\0')
		errf(err, errlen, "workdir is empty");
	else if (c->rotations < 0 || c->rotations > 1439)
		errf(err, errlen, "rotations must be 0..1439, got %d",
		    c->rotations);
	else if (c->nesting < -3 || c->nesting > 3)
		errf(err, errlen, "nesting must be -3..3, got %d", c->nesting);
	else if (c->zlevel < 0 || c->zlevel > 9)
		errf(err, errlen, "compress must be 0..9, got %d", c->zlevel);
	else if (c->byte_order < 0 || c->byte_order > 2)
		errf(err, errlen, "bad byte order %d", c->byte_order);
	else if (c->version != 0 && c->version != 1 && c->version != 5 &&
	    c->version != 1005)
		errf(err, errlen, "record version %d is not supported "
		    "(1, 5 or 1005)", c->version);
	else if (c->stat_minutes < 0 || c->stat_minutes > 60)
		errf(err, errlen, "stat-interval must be 0..60, got %d",
		    c->stat_minutes);
	else if (c->sample_s < 1 || c->sample_s > 300)
		errf(err, errlen, "status-sample must be 1..300, got %d",
		    c->sample_s);
	else if (c->batch < 1 || c->batch > 1024)
		errf(err, errlen, "batch must be 1..1024, got %u", c->batch);
	else if (c->control[0] == '\0')
		errf(err, errlen, "control socket path is empty");
	else if (c->nlisten == 0 || c->nlisten > FK_MAX_LISTEN)
		errf(err, errlen, "no listen address");
	else
		return 0;
	return -1;
}

static int
validate_listen(const struct fk_config *c, char *err, size_t errlen)
{
	for (unsigned i = 0; i < c->nlisten; i++) {
		const struct fk_listen *l = &c->listen[i];

		if (l->port == 0) {
			errf(err, errlen, "listen %s: port 0", l->host);
			return -1;
		}
		for (unsigned j = 0; j < i; j++)
			if (c->listen[j].port == l->port &&
			    strcmp(c->listen[j].host, l->host) == 0) {
				errf(err, errlen, "listen %s port %u is given "
				    "twice", l->host, l->port);
				return -1;
			}
	}
	return 0;
}

/* A device directory must stay inside the main one. */
static int
bad_subdir(const char *s)
{
	const char *p = s;

	if (s[0] == '\0' || s[0] == '/')
		return 1;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

static int
validate_devices(const struct fk_config *c, char *err, size_t errlen)
{
	char b1[64], b2[64];

	if (c->ndevices > FK_MAX_DEVICES)
		return -1;
	for (unsigned i = 0; i < c->ndevices; i++) {
		const struct fk_device *d = &c->devices[i];

		if (d->name[0] == '\0') {
			errf(err, errlen, "a device has an empty name");
			return -1;
		}
		if (bad_subdir(d->workdir)) {
			errf(err, errlen, "device \"%s\": workdir must be a "
			    "relative path inside the main workdir",
			    shown(d->name, b1, sizeof(b1)));
			return -1;
		}
		for (unsigned j = 0; j < i; j++) {
			const struct fk_device *o = &c->devices[j];

			if (strcmp(o->name, d->name) == 0) {
				errf(err, errlen, "device \"%s\" is defined "
				    "twice", shown(d->name, b1, sizeof(b1)));
				return -1;
			}
			if (strcmp(o->workdir, d->workdir) == 0) {
				errf(err, errlen, "devices \"%s\" and \"%s\" "
				    "share workdir", shown(o->name, b1,
				    sizeof(b1)), shown(d->name, b2,
				    sizeof(b2)));
				return -1;
			}
			for (unsigned a = 0; a < d->nexporters; a++)
				for (unsigned b = 0; b < o->nexporters; b++)
					if (prefix_overlap(&d->exporters[a],
					    &o->exporters[b])) {
						errf(err, errlen, "devices "
						    "\"%s\" and \"%s\" have "
						    "overlapping exporters",
						    shown(o->name, b1,
						    sizeof(b1)), shown(d->name,
						    b2, sizeof(b2)));
						return -1;
					}
		}
	}
	return 0;
}

int
config_web_listen(const char *spec, char *host, size_t hostlen,
    uint16_t *port)
{
	const char *colon, *h = spec;
	size_t hl;
	long v;

	if (spec[0] == '\0' || strcmp(spec, "none") == 0)
		return 1;
	if (spec[0] == '[') {
		if ((colon = strstr(spec, "]:")) == NULL)
			return -1;
		h = spec + 1;
		hl = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - spec);
		if (memchr(spec, ':', hl) != NULL)
			return -1;	/* a bare v6 address needs brackets */
	}
	if (hl == 0 || hl >= hostlen ||
	    parse_int(colon + 1, 1, 65535, &v) == -1)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)v;
	return 0;
}

static int
validate_web(const struct fk_config *c, char *err, size_t errlen)
{
	char host[256];
	uint16_t port;

	if (config_web_listen(c->web_listen, host, sizeof(host), &port) ==
	    -1) {
		errf(err, errlen, "web-listen: expected HOST:PORT, "
		    "[ADDRESS]:PORT or none, got \"%.60s\"", c->web_listen);
		return -1;
	}
	if (c->web_workers < 1 || c->web_workers > 64 || c->web_timeout < 1 ||
	    c->web_timeout > 3600) {
		errf(err, errlen, "web-workers must be 1..64 and web-timeout "
		    "1..3600");
		return -1;
	}
	return 0;
}

/* path made absolute (a relative one taken from the current directory)
 * into abs; 0 or -1. */
static int
abs_of(const char *path, char *abs, size_t len)
{
	char	cwd[FK_PATH_MAX];

	if (path[0] == '/')
		snprintf(abs, len, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		snprintf(abs, len, "%s/%s", cwd, path[0] ? path : ".");
	else
		return -1;
	return 0;
}

/* 1 when the absolute path abs is dir or below it; a path with ".." is
 * taken to be outside. */
static int
below(const char *dir, const char *abs)
{
	size_t	n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (const char *q = abs; (q = strstr(q, "/..")) != NULL; q++)
		if (q[3] == '/' || q[3] == '\0')
			return 0;
	return strncmp(abs, dir, n) == 0 && (n == 1 || abs[n] == '\0' ||
	    abs[n] == '/');
}

/* 1 when path (a relative one taken from the current directory) is dir
 * or below it. */
static int
chroot_has(const char *dir, const char *path)
{
	char	abs[2 * FK_PATH_MAX + 2];

	return abs_of(path, abs, sizeof(abs)) == 0 && below(dir, abs);
}

/* index-dir must not lie in the data tree (the device trees are inside
 * it): flow-cat and scans of the tree would meet the sidecars. */
static int
validate_index(const struct fk_config *c, char *err, size_t errlen)
{
	char	ix[2 * FK_PATH_MAX + 2], root[2 * FK_PATH_MAX + 2];

	if (!c->index_on || c->index_dir[0] == '\0' ||
	    abs_of(c->index_dir, ix, sizeof(ix)) == -1 ||
	    abs_of(c->workdir, root, sizeof(root)) == -1 || !below(root, ix))
		return 0;
	errf(err, errlen, "index-dir %s is inside the data tree %s (flow-cat "
	    "would read the sidecars)", c->index_dir, c->workdir);
	return -1;
}

/* chroot: the collector's paths must all lie inside it, and what runs or
 * connects outside it cannot be used. */
static int
validate_chroot(const struct fk_config *c, char *err, size_t errlen)
{
	const struct {
		const char *key, *path;
	} paths[] = {
		{ "workdir", c->workdir[0] ? c->workdir : "." },
		{ "rrd-dir", c->rrddir },
		{ "tracking-dir", c->trackdir },
		{ "statefile", c->statefile },
		{ "index-dir", c->index_on && c->index_dir[0] ?
		    c->index_dir : NULL },
	};
	char	out[1024] = "";
	size_t	i;

	if (c->chroot[0] == '\0')
		return 0;
	if (c->chroot[0] != '/') {
		errf(err, errlen, "chroot must be an absolute path");
		return -1;
	}
	if (c->user[0] == '\0') {
		errf(err, errlen, "chroot needs user (the collector chroots "
		    "as root, then becomes user)");
		return -1;
	}
	if (c->rotate_prog[0] != '\0' || c->rrdcached[0] != '\0' ||
	    c->ch_nurls > 0) {
		errf(err, errlen, "chroot %s: cannot be used with %s",
		    c->chroot, c->rotate_prog[0] ? "rotate-program (it "
		    "would run inside it)" : c->rrdcached[0] ? "rrdcached (it "
		    "is given paths as seen inside it)" : "clickhouse-url (its "
		    "names and spool are looked up outside it)");
		return -1;
	}
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (paths[i].path != NULL &&
		    !chroot_has(c->chroot, paths[i].path))
			snprintf(out + strlen(out), sizeof(out) - strlen(out),
			    "%s%s %s", out[0] ? ", " : "", paths[i].key,
			    paths[i].path);
	if (out[0] != '\0') {
		errf(err, errlen, "chroot %s: outside it: %s", c->chroot, out);
		return -1;
	}
	return 0;
}

int
config_validate(const struct fk_config *c, char *err, size_t errlen)
{
	if (validate_ranges(c, err, errlen) == -1 ||
	    validate_listen(c, err, errlen) == -1 ||
	    validate_web(c, err, errlen) == -1 ||
	    validate_devices(c, err, errlen) == -1 ||
	    validate_chroot(c, err, errlen) == -1 ||
	    validate_index(c, err, errlen) == -1)
		return -1;
	if (c->nallow > FK_MAX_PREFIXES) {
		errf(err, errlen, "too many allow entries");
		return -1;
	}
	if (!c->ch_files && c->ch_nurls == 0) {
		errf(err, errlen, "clickhouse-files off needs a "
		    "clickhouse-url (else flows would go nowhere)");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ argv */

struct argstate {
	struct fk_config *c;
	int		 check;
	int		 done;	/* --help / --version printed */
	int		 listen_replaced;
	int		 have_control, have_statefile, have_workdir;
	int		 quickstart;
	int		 npositional;
	char		*err;
	size_t		 errlen;
};

typedef int (*opt_fn)(struct argstate *, const char *opt, const char *arg);

struct option_def {
	const char	*name;	/* "w" for -w, "config" for --config */
	int		 has_arg;
	opt_fn		 fn;
};

static int
opt_range(struct argstate *s, const char *opt, const char *arg, long lo,
    long hi, long *out)
{
	char b[64];

	if (parse_int(arg, lo, hi, out) == 0)
		return 0;
	errf(s->err, s->errlen, "%s: expected %ld..%ld, got \"%s\"", opt, lo,
	    hi, shown(arg, b, sizeof(b)));
	return -1;
}

static int
opt_str(struct argstate *s, const char *opt, const char *arg, char *dst,
    size_t size)
{
	if (set_str(dst, size, arg) == 0)
		return 0;
	errf(s->err, s->errlen, "%s: argument too long (at most %zu "
	    "characters)", opt, size - 1);
	return -1;
}

static int
o_workdir(struct argstate *s, const char *opt, const char *arg)
{
	if (arg[0] == '\0') {
		errf(s->err, s->errlen, "%s: empty directory", opt);
		return -1;
	}
	s->have_workdir = 1;
	return opt_str(s, opt, arg, s->c->workdir, sizeof(s->c->workdir));
}

static int
o_rotations(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (opt_range(s, opt, arg, 0, 1439, &v) == -1)
		return -1;
	s->c->rotations = (int)v;
	return 0;
}

static int
o_nesting(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (opt_range(s, opt, arg, -3, 3, &v) == -1)
		return -1;
	s->c->nesting = (int)v;
	return 0;
}

static int
o_zlevel(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (opt_range(s, opt, arg, 0, 9, &v) == -1)
		return -1;
	s->c->zlevel = (int)v;
	return 0;
}

static int
o_byte_order(struct argstate *s, const char *opt, const char *arg)
{
	char b[64];

	if (strcmp(arg, "little") == 0)
		s->c->byte_order = 1;
	else if (strcmp(arg, "big") == 0)
		s->c->byte_order = 2;
	else {
		errf(s->err, s->errlen, "%s: expected big or little, got "
		    "\"%s\"", opt, shown(arg, b, sizeof(b)));
		return -1;
	}
	return 0;
}

static int
o_expire_size(struct argstate *s, const char *opt, const char *arg)
{
	char b[64];

	if (parse_size(arg, &s->c->expire_bytes) == 0)
		return 0;
	errf(s->err, s->errlen, "%s: bad size \"%s\" (bytes, or with suffix "
	    "b, K, M or G)", opt, shown(arg, b, sizeof(b)));
	return -1;
}

static int
o_expire_files(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (opt_range(s, opt, arg, 0, 100000000, &v) == -1)
		return -1;
	s->c->expire_files = (unsigned)v;
	return 0;
}

static int
o_version(struct argstate *s, const char *opt, const char *arg)
{
	char b[64];
	long v;

	if (parse_int(arg, 1, 1005, &v) == 0 && (v == 1 || v == 5 ||
	    v == 1005)) {
		s->c->version = (int)v;
		return 0;
	}
	errf(s->err, s->errlen, "%s: record version \"%s\" is not supported "
	    "(1, 5 or 1005)", opt, shown(arg, b, sizeof(b)));
	return -1;
}

static int
o_comment(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->comment, sizeof(s->c->comment));
}

static int
o_foreground(struct argstate *s, const char *opt, const char *arg)
{
	s->c->foreground = 1;
	return 0;
}

static int
o_umask(struct argstate *s, const char *opt, const char *arg)
{
	s->c->keep_umask = 1;
	return 0;
}

static int
o_pidfile(struct argstate *s, const char *opt, const char *arg)
{
	if (strcmp(arg, "-") == 0)
		arg = "";
	return opt_str(s, opt, arg, s->c->pidfile, sizeof(s->c->pidfile));
}

static int
o_rotate_prog(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->rotate_prog,
	    sizeof(s->c->rotate_prog));
}

static int
o_stat(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (opt_range(s, opt, arg, 1, 60, &v) == -1)
		return -1;
	s->c->stat_minutes = (int)v;
	return 0;
}

static int
o_debug(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (opt_range(s, opt, arg, 0, 100, &v) == -1)
		return -1;
	s->c->debug = (int)v;
	return 0;
}

static int
o_unsupported(struct argstate *s, const char *opt, const char *arg)
{
	errf(s->err, s->errlen, "flow-capture option %s is not supported by "
	    "flowkeepd", opt);
	return -1;
}

static int
o_help(struct argstate *s, const char *opt, const char *arg)
{
	config_usage(stdout);
	s->done = 1;
	return 0;
}

static int
o_version_info(struct argstate *s, const char *opt, const char *arg)
{
	printf("flowkeepd %s\n", PACKAGE_VERSION);
	s->done = 1;
	return 0;
}

static int
o_config(struct argstate *s, const char *opt, const char *arg)
{
	return 0;	/* read before everything else */
}

static int
o_check(struct argstate *s, const char *opt, const char *arg)
{
	s->check = 1;
	return 0;
}

static int
o_hostname(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->hostname, sizeof(s->c->hostname));
}

static int
o_control(struct argstate *s, const char *opt, const char *arg)
{
	s->have_control = 1;
	return opt_str(s, opt, arg, s->c->control, sizeof(s->c->control));
}

static int
o_statefile(struct argstate *s, const char *opt, const char *arg)
{
	s->have_statefile = 1;
	return opt_str(s, opt, arg, s->c->statefile,
	    sizeof(s->c->statefile));
}

static int
o_compress_threads(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (strcmp(arg, "auto") == 0) {
		s->c->compress_threads = -1;
		return 0;
	}
	if (opt_range(s, opt, arg, 0, FK_MAX_COMPRESS_THREADS, &v) == -1)
		return -1;
	s->c->compress_threads = (int)v;
	return 0;
}

static int
o_flush_interval(struct argstate *s, const char *opt, const char *arg)
{
	long v;

	if (opt_range(s, opt, arg, 0, 3600, &v) == -1)
		return -1;
	s->c->flush_interval = (unsigned)v;
	return 0;
}

static int
o_tracking_dir(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->trackdir, sizeof(s->c->trackdir));
}

static int
o_user(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->user, sizeof(s->c->user));
}

static int
o_saved_dir(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->saveddir, sizeof(s->c->saveddir));
}

static int
o_web_auth(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->web_auth, sizeof(s->c->web_auth));
}

static int
o_rrd_dir(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->rrddir, sizeof(s->c->rrddir));
}

static int
o_rrdcached(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->rrdcached,
	    sizeof(s->c->rrdcached));
}

static int
o_rcvbuf(struct argstate *s, const char *opt, const char *arg)
{
	char b[64];
	uint64_t v;

	if (parse_size(arg, &v) == 0 && v <= UINT32_MAX) {
		s->c->rcvbuf = (uint32_t)v;
		return 0;
	}
	errf(s->err, s->errlen, "%s: bad size \"%s\"", opt,
	    shown(arg, b, sizeof(b)));
	return -1;
}

static int
add_listen(struct argstate *s, const char *host, uint16_t port)
{
	struct fk_config *c = s->c;

	if (!s->listen_replaced) {
		s->listen_replaced = 1;
		memset(c->listen, 0, sizeof(c->listen));
		c->nlisten = 0;
	}
	if (c->nlisten >= FK_MAX_LISTEN) {
		errf(s->err, s->errlen, "too many listen addresses (at most "
		    "%d)", FK_MAX_LISTEN);
		return -1;
	}
	set_str(c->listen[c->nlisten].host, sizeof(c->listen[0].host), host);
	c->listen[c->nlisten++].port = port;
	return 0;
}

/* HOST:PORT or [V6]:PORT */
static int
o_listen(struct argstate *s, const char *opt, const char *arg)
{
	char host[256], b[64];
	const char *colon;
	unsigned long long port;
	size_t hl;

	if (arg[0] == '[') {
		colon = strstr(arg, "]:");
		hl = colon != NULL ? (size_t)(colon - arg - 1) : 0;
		arg++;
		colon = colon != NULL ? colon + 1 : NULL;
	} else {
		colon = strrchr(arg, ':');
		hl = colon != NULL ? (size_t)(colon - arg) : 0;
		if (colon != NULL && memchr(arg, ':', hl) != NULL)
			colon = NULL;	/* bare v6 needs brackets */
	}
	if (colon == NULL || hl == 0 || hl >= sizeof(host) ||
	    parse_uint(colon + 1, 65535, &port) == -1 || port == 0) {
		errf(s->err, s->errlen, "%s: expected HOST:PORT or "
		    "[ADDRESS]:PORT, got \"%s\"", opt, shown(arg, b,
		    sizeof(b)));
		return -1;
	}
	memcpy(host, arg, hl);
	host[hl] = '\0';
	return add_listen(s, host, (uint16_t)port);
}

static int
o_allow(struct argstate *s, const char *opt, const char *arg)
{
	char b[64];

	if (s->c->nallow >= FK_MAX_PREFIXES) {
		errf(s->err, s->errlen, "%s: too many entries", opt);
		return -1;
	}
	if (config_parse_prefix(arg, &s->c->allow[s->c->nallow]) == -1) {
		errf(s->err, s->errlen, "%s: bad address prefix \"%s\"", opt,
		    shown(arg, b, sizeof(b)));
		return -1;
	}
	s->c->nallow++;
	return 0;
}

static int
o_quickstart(struct argstate *s, const char *opt, const char *arg)
{
	s->c->foreground = 1;
	s->quickstart = 1;
	return 0;
}

static int
o_web_listen(struct argstate *s, const char *opt, const char *arg)
{
	return opt_str(s, opt, arg, s->c->web_listen,
	    sizeof(s->c->web_listen));
}

static const struct option_def options[] = {
	{ "w", 1, o_workdir },
	{ "n", 1, o_rotations },
	{ "N", 1, o_nesting },
	{ "z", 1, o_zlevel },
	{ "b", 1, o_byte_order },
	{ "E", 1, o_expire_size },
	{ "e", 1, o_expire_files },
	{ "V", 1, o_version },
	{ "C", 1, o_comment },
	{ "D", 0, o_foreground },
	{ "u", 0, o_umask },
	{ "p", 1, o_pidfile },
	{ "R", 1, o_rotate_prog },
	{ "S", 1, o_stat },
	{ "d", 1, o_debug },
	{ "c", 1, o_unsupported },
	{ "f", 1, o_unsupported },
	{ "F", 1, o_unsupported },
	{ "t", 1, o_unsupported },
	{ "T", 1, o_unsupported },
	{ "x", 1, o_unsupported },
	{ "X", 1, o_unsupported },
	{ "v", 1, o_unsupported },
	{ "h", 0, o_help },
	{ "config", 1, o_config },
	{ "check", 0, o_check },
	{ "hostname", 1, o_hostname },
	{ "control", 1, o_control },
	{ "statefile", 1, o_statefile },
	{ "rcvbuf", 1, o_rcvbuf },
	{ "compress-threads", 1, o_compress_threads },
	{ "flush-interval", 1, o_flush_interval },
	{ "tracking-dir", 1, o_tracking_dir },
	{ "rrd-dir", 1, o_rrd_dir },
	{ "rrdcached", 1, o_rrdcached },
	{ "listen", 1, o_listen },
	{ "allow", 1, o_allow },
	{ "web-listen", 1, o_web_listen },
	{ "web-auth", 1, o_web_auth },
	{ "saved-dir", 1, o_saved_dir },
	{ "user", 1, o_user },
	{ "quickstart", 0, o_quickstart },
	{ "help", 0, o_help },
	{ "version", 0, o_version_info },
};

static const struct option_def *
find_option(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strlen(options[i].name) == len &&
		    strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

/* One address of the positional argument: "0" = none. */
static int
positional_addr(struct argstate *s, const char *a, const char *what,
    struct fk_prefix *p)
{
	char b[64];

	memset(p, 0, sizeof(*p));
	if (a[0] == '\0' || strcmp(a, "0") == 0)
		return 0;
	if (strcmp(what, "localip") == 0)
		return 1;	/* a name is fine, the daemon resolves it */
	if (config_parse_prefix(a, p) == -1) {
		errf(s->err, s->errlen, "%s \"%s\" is not a numeric address",
		    what, shown(a, b, sizeof(b)));
		return -1;
	}
	return 1;
}

static int
positional_allow(struct argstate *s, const struct fk_prefix *remote)
{
	if (remote->af == FR_AF_INET && (remote->addr.v4 >> 28) == 0xe) {
		errf(s->err, s->errlen, "multicast (class D remoteip) is not "
		    "supported");
		return -1;
	}
	if (s->c->nallow >= FK_MAX_PREFIXES) {
		errf(s->err, s->errlen, "too many allow entries");
		return -1;
	}
	s->c->allow[s->c->nallow++] = *remote;
	return 0;
}

/* flow-capture's localip/remoteip/port[/ttl] */
static int
positional(struct argstate *s, const char *arg)
{
	char part[3][256], b[64];
	struct fk_prefix local, remote;
	unsigned long long port = 0;
	const char *p = arg;
	int hl, hr;

	if (s->npositional++ > 0) {
		errf(s->err, s->errlen, "unexpected argument \"%s\"",
		    shown(arg, b, sizeof(b)));
		return -1;
	}
	memset(part, 0, sizeof(part));
	for (int i = 0; i < 3 && *p != '\0'; i++) {
		size_t n = strcspn(p, "/");

		if (n >= sizeof(part[i])) {
			errf(s->err, s->errlen, "address too long");
			return -1;
		}
		memcpy(part[i], p, n);
		p += n;
		if (*p == '/')
			p++;
	}
	if (part[2][0] != '\0' && (parse_uint(part[2], 65535, &port) == -1)) {
		errf(s->err, s->errlen, "bad port \"%s\" in \"%s\"",
		    shown(part[2], b, sizeof(b)), arg);
		return -1;
	}
	if (port == 0)
		port = 9991;
	if ((hl = positional_addr(s, part[0], "localip", &local)) == -1 ||
	    (hr = positional_addr(s, part[1], "remoteip", &remote)) == -1)
		return -1;
	if (hr == 1 && positional_allow(s, &remote) == -1)
		return -1;
	if (hl == 1)
		return add_listen(s, part[0], (uint16_t)port);
	return add_listen(s, hr == 1 && remote.af == FR_AF_INET6 ? "::" :
	    "0.0.0.0", (uint16_t)port);
}

static int
run_option(struct argstate *s, const struct option_def *o, const char *name,
    const char *arg)
{
	return o->fn(s, name, arg != NULL ? arg : "");
}

/* A long option at argv[*i]; advances *i over its argument. */
static int
long_option(struct argstate *s, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	const struct option_def *o = len > 1 ? find_option(name, len) : NULL;
	char opt[64], b[64];

	if (o == NULL) {
		errf(s->err, s->errlen, "unknown option \"%s\"",
		    shown(argv[*i], b, sizeof(b)));
		return -1;
	}
	snprintf(opt, sizeof(opt), "--%s", o->name);
	if (!o->has_arg) {
		if (eq != NULL) {
			errf(s->err, s->errlen, "%s takes no argument", opt);
			return -1;
		}
		return run_option(s, o, opt, NULL);
	}
	if (eq != NULL)
		return run_option(s, o, opt, eq + 1);
	if (*i + 1 >= argc) {
		errf(s->err, s->errlen, "%s needs an argument", opt);
		return -1;
	}
	(*i)++;
	return run_option(s, o, opt, argv[*i]);
}

/* A cluster of short options at argv[*i] (-Du, -z0, -w dir). */
static int
short_options(struct argstate *s, int argc, char **argv, int *i)
{
	const char *p = argv[*i] + 1;
	char opt[3] = "-?";

	for (; *p != '\0'; p++) {
		const struct option_def *o = find_option(p, 1);

		opt[1] = *p;
		if (o == NULL) {
			errf(s->err, s->errlen, "unknown option -%c",
			    isprint((unsigned char)*p) ? *p : '?');
			return -1;
		}
		if (!o->has_arg) {
			if (run_option(s, o, opt, NULL) == -1)
				return -1;
			continue;
		}
		if (p[1] != '\0')
			return run_option(s, o, opt, p + 1);
		if (*i + 1 >= argc) {
			errf(s->err, s->errlen, "option %s needs an argument",
			    opt);
			return -1;
		}
		(*i)++;
		return run_option(s, o, opt, argv[*i]);
	}
	return 0;
}

/* Does a cluster of short options take the next argv as argument? */
static int
short_takes_next(const char *p)
{
	for (; *p != '\0'; p++) {
		const struct option_def *o = find_option(p, 1);

		if (o != NULL && o->has_arg)
			return p[1] == '\0';
	}
	return 0;
}

/* Find --config (either form) and read it first. */
static int
preload_config(struct argstate *s, int argc, char **argv)
{
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
		else if (argv[i][0] == '-' && argv[i][1] != '-' &&
		    short_takes_next(argv[i] + 1) && i + 1 < argc)
			i++;	/* skip the argument of a short option */
	}
	if (path == NULL)
		return 0;
	return config_parse_file(s->c, path, s->err, s->errlen);
}

static int
parse_args(struct argstate *s, int argc, char **argv)
{
	int only_positional = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc;

		if (only_positional || a[0] != '-' || a[1] == '\0')
			rc = positional(s, a);
		else if (strcmp(a, "--") == 0) {
			only_positional = 1;
			continue;
		} else if (a[1] == '-')
			rc = long_option(s, argc, argv, &i);
		else
			rc = short_options(s, argc, argv, &i);
		if (rc == -1)
			return -1;
		if (s->done)
			return 0;
	}
	return 0;
}

/* -w without --control/--statefile moves them into the work directory. */
static int
derive_paths(struct argstate *s)
{
	struct fk_config *c = s->c;
	char buf[FK_PATH_MAX + 32];

	if (!s->have_workdir)
		return 0;
	if (!s->have_control && strcmp(c->control, "var/flowkeepd.sock") == 0) {
		snprintf(buf, sizeof(buf), "%s/.flowkeepd.sock", c->workdir);
		if (set_str(c->control, sizeof(c->control), buf) == -1)
			goto toolong;
	}
	if (!s->have_statefile &&
	    strcmp(c->statefile, "var/flowkeepd.state") == 0) {
		snprintf(buf, sizeof(buf), "%s/.flowkeepd.state", c->workdir);
		if (set_str(c->statefile, sizeof(c->statefile), buf) == -1)
			goto toolong;
	}
	return 0;
toolong:
	errf(s->err, s->errlen, "-w: directory name too long");
	return -1;
}

/* A config file message may span the file and line; keep one line. */
static void
one_line(char *err)
{
	if (err != NULL)
		err[strcspn(err, "\n")] = '\0';
}

int
config_parse_argv(struct fk_config *c, int argc, char **argv, int *check,
    char *err, size_t errlen)
{
	struct argstate s;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.err = err;
	s.errlen = errlen;
	if (check != NULL)
		*check = 0;
	if (preload_config(&s, argc, argv) == -1 ||
	    parse_args(&s, argc, argv) == -1) {
		one_line(err);
		return 2;
	}
	if (s.done)
		return 1;
	if (check != NULL)
		*check = s.check;
	if (s.quickstart && c->web_listen[0] == '\0')
		set_str(c->web_listen, sizeof(c->web_listen),
		    FK_WEB_QUICKSTART);
	if (derive_paths(&s) == -1 || config_validate(c, err, errlen) == -1) {
		one_line(err);
		return 2;
	}
	if (s.check) {
		config_print(c, stdout);
		return 1;
	}
	return 0;
}

void
config_usage(FILE *fp)
{
	fputs(
"usage: flowkeepd [-Du] [-b big|little] [-C comment] [-d level] [-E size]\n"
"                 [-e files] [-N nesting] [-n rotations] [-p pidfile]\n"
"                 [-R program] [-S minutes] [-V 1|5|1005] [-w workdir]\n"
"                 [-z level] [--config file] [--check] [--control path]\n"
"                 [--statefile path] [--hostname name] [--rcvbuf size]\n"
"                 [--listen host:port] [--allow prefix] [--quickstart]\n"
"                 [--web-listen host:port|none] [--web-auth file]\n"
"                 [--saved-dir dir] [--user name]\n"
"                 [--compress-threads auto|n] [--flush-interval seconds]\n"
"                 [--tracking-dir dir] [--rrd-dir dir] [--rrdcached addr]\n"
"                 [--help] [--version] [localip/remoteip/port]\n", fp);
}
