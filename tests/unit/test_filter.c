/*
 * test_filter.c - the filter language against hand-made records.
 *
 * Goldens in tests/data/filter/ (see its README), all written by hand:
 * which of the five records below pass each expression, canonical texts,
 * exact error messages, FlowViewer form fields, saved filters.
 *
 * The records:
 *   web   IPv4 10.1.2.3:40000 -> 192.168.1.10:80 tcp flags SA tos 0,
 *         if 3 -> 5, AS 65001 -> 65002, nexthop 10.255.0.1, exporter
 *         172.16.0.1, engine 1/2, 10 packets 5000 bytes over 2000 ms
 *   dns   IPv4 10.9.9.9:53000 -> 8.8.8.8:53 udp tos 16, if 4 -> 6,
 *         AS 0 -> 15169, nexthop 10.255.0.2, exporter 172.16.0.2,
 *         engine 0/0, 1 packet 80 bytes, 0 ms
 *   v6    IPv6 2001:db8::1:443 -> 2001:db8:1::2:50000 tcp flags S, if
 *         7 -> 8, AS 65001 -> 65003, nexthop 2001:db8::ffff, exporter
 *         2001:db8:ff::1, no engine, 2000 packets 3000000 bytes, 60 s
 *   bare  IPv4 10.1.200.5:1024 -> 10.0.0.1:8080 tcp, only addresses,
 *         ports, protocol, counters and times sent (flags, ToS, ifs, AS
 *         set in the record but not flagged), 5 packets 300 bytes 100 ms
 *   icmp  IPv4 192.168.1.10 -> 10.1.2.3 icmp echo (dport 0x0800), if
 *         5 -> 3, AS 65002 -> 65001, no nexthop, exporter 172.16.0.1,
 *         engine 1/2, 1 packet 84 bytes, 0 ms
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/filter.h"

#define FILTER_DIR	TEST_DATA_DIR "/filter"
#define NAMED_DIR	FILTER_DIR "/named"
#define NREC		5

static const char *const recnames[NREC] = { "web", "dns", "v6", "bare",
    "icmp" };
static struct flowrec recs[NREC];

#define ALL_FIELDS	(FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS | \
	FR_HAS_PROTO | FR_HAS_TCPFLAGS | FR_HAS_TOS | FR_HAS_IFINDEX | \
	FR_HAS_AS | FR_HAS_NEXTHOP | FR_HAS_TIMES | FR_HAS_ENGINE | \
	FR_HAS_SRCADDR | FR_HAS_DSTADDR)

static uint32_t
v4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static void
v6(const char *s, fr_addr *a)
{
	assert_int_equal(inet_pton(AF_INET6, s, a->v6), 1);
}

static void
set_v4(struct flowrec *r, const char *src, const char *dst, const char *nh,
    const char *exp)
{
	r->af = FR_AF_INET;
	r->src.v4 = v4(src);
	r->dst.v4 = v4(dst);
	if (nh != NULL)
		r->nexthop.v4 = v4(nh);
	r->exp_af = FR_AF_INET;
	r->exporter.v4 = v4(exp);
}

static void
set_ports(struct flowrec *r, int proto, int sport, int dport, int flags,
    int tos)
{
	r->proto = (uint8_t)proto;
	r->sport = (uint16_t)sport;
	r->dport = (uint16_t)dport;
	r->tcp_flags = (uint8_t)flags;
	r->tos = (uint8_t)tos;
}

static void
set_route(struct flowrec *r, uint32_t in, uint32_t out, uint32_t sas,
    uint32_t das)
{
	r->in_if = in;
	r->out_if = out;
	r->src_as = sas;
	r->dst_as = das;
}

static void
set_count(struct flowrec *r, uint64_t pkts, uint64_t octets, uint64_t first,
    uint64_t last)
{
	r->packets = pkts;
	r->octets = octets;
	r->first_ms = first;
	r->last_ms = last;
}

static void
make_records(void)
{
	struct flowrec *r = recs;

	memset(recs, 0, sizeof(recs));
	/* web */
	set_v4(r, "10.1.2.3", "192.168.1.10", "10.255.0.1", "172.16.0.1");
	set_ports(r, 6, 40000, 80, 0x12, 0);
	set_route(r, 3, 5, 65001, 65002);
	set_count(r, 10, 5000, 1000, 3000);
	r->engine_type = 1;
	r->engine_id = 2;
	r->fields = ALL_FIELDS;
	/* dns */
	r++;
	set_v4(r, "10.9.9.9", "8.8.8.8", "10.255.0.2", "172.16.0.2");
	set_ports(r, 17, 53000, 53, 0, 16);
	set_route(r, 4, 6, 0, 15169);
	set_count(r, 1, 80, 5000, 5000);
	r->fields = ALL_FIELDS;
	/* v6 */
	r++;
	r->af = FR_AF_INET6;
	v6("2001:db8::1", &r->src);
	v6("2001:db8:1::2", &r->dst);
	v6("2001:db8::ffff", &r->nexthop);
	r->exp_af = FR_AF_INET6;
	v6("2001:db8:ff::1", &r->exporter);
	set_ports(r, 6, 443, 50000, 0x02, 0);
	set_route(r, 7, 8, 65001, 65003);
	set_count(r, 2000, 3000000, 0, 60000);
	r->fields = ALL_FIELDS & ~FR_HAS_ENGINE;
	/* bare */
	r++;
	set_v4(r, "10.1.200.5", "10.0.0.1", "10.255.0.1", "172.16.0.1");
	set_ports(r, 6, 1024, 8080, 0x02, 0);
	set_route(r, 3, 5, 65001, 65002);
	set_count(r, 5, 300, 100, 200);
	r->fields = FR_HAS_SRCADDR | FR_HAS_DSTADDR | FR_HAS_PORTS |
	    FR_HAS_PROTO | FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_TIMES;
	/* icmp */
	r++;
	set_v4(r, "192.168.1.10", "10.1.2.3", NULL, "172.16.0.1");
	set_ports(r, 1, 0, 0x0800, 0, 0);
	set_route(r, 5, 3, 65002, 65001);
	set_count(r, 1, 84, 7000, 7000);
	r->engine_type = 1;
	r->engine_id = 2;
	r->fields = ALL_FIELDS & ~FR_HAS_NEXTHOP;
}

/* ------------------------------------------------------------ goldens */

struct golden {
	char	*buf;
	char	**lines;
	size_t	 n;
};

static void
golden_load(const char *name, struct golden *g)
{
	char path[512];
	FILE *fp;
	long len;

	snprintf(path, sizeof(path), "%s/%s", FILTER_DIR, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	g->buf = malloc((size_t)len + 1);
	assert_non_null(g->buf);
	assert_int_equal(fread(g->buf, 1, (size_t)len, fp), (size_t)len);
	g->buf[len] = '\0';
	fclose(fp);
	g->lines = calloc((size_t)len + 1, sizeof(char *));
	assert_non_null(g->lines);
	g->n = 0;
	for (char *l = strtok(g->buf, "\n"); l != NULL; l = strtok(NULL, "\n"))
		if (l[0] != '#' && l[0] != '\0')
			g->lines[g->n++] = l;
	assert_true(g->n > 0);
}

static void
golden_free(struct golden *g)
{
	free(g->lines);
	free(g->buf);
}

/* Split "left SEP right" at the last SEP. */
static char *
split_last(char *line, const char *sep)
{
	char *p = NULL, *q = line;

	while ((q = strstr(q, sep)) != NULL)
		p = q++;
	if (p == NULL)
		fail_msg("no \"%s\" in golden line: %s", sep, line);
	*p = '\0';
	return p + strlen(sep);
}

/* The names of the records f passes, or "-". */
static void
match_set(const struct filter *f, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < NREC; i++)
		if (filter_match(f, &recs[i]))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			    buf[0] != '\0' ? " " : "", recnames[i]);
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
}

static struct filter *
must_compile(const char *expr)
{
	char err[512];
	struct filter *f = filter_compile(expr, NAMED_DIR, err, sizeof(err));

	if (f == NULL)
		fail_msg("\"%s\": %s", expr, err);
	return f;
}

/* The canonical text compiles to itself and passes the same records. */
static void
check_roundtrip(const struct filter *f, const char *expr)
{
	char m1[128], m2[128];
	struct filter *g = must_compile(filter_text(f));

	if (strcmp(filter_text(f), filter_text(g)) != 0)
		fail_msg("\"%s\": canonical \"%s\" prints as \"%s\"", expr,
		    filter_text(f), filter_text(g));
	match_set(f, m1, sizeof(m1));
	match_set(g, m2, sizeof(m2));
	if (strcmp(m1, m2) != 0)
		fail_msg("\"%s\": canonical form passes %s, not %s", expr, m2,
		    m1);
	filter_free(g);
}

static void
test_match(void **state)
{
	struct golden g;
	char got[128];

	(void)state;
	golden_load("match.txt", &g);
	for (size_t i = 0; i < g.n; i++) {
		char *want = split_last(g.lines[i], " | ");
		struct filter *f = must_compile(g.lines[i]);

		match_set(f, got, sizeof(got));
		if (strcmp(got, want) != 0)
			fail_msg("\"%s\" passes %s, want %s", g.lines[i], got,
			    want);
		check_roundtrip(f, g.lines[i]);
		filter_free(f);
	}
	golden_free(&g);
}

static void
test_canon(void **state)
{
	struct golden g;
	char buf[16];

	(void)state;
	golden_load("canon.txt", &g);
	for (size_t i = 0; i < g.n; i++) {
		char *want = split_last(g.lines[i], " => ");
		struct filter *f = must_compile(g.lines[i]);

		if (strcmp(filter_text(f), want) != 0)
			fail_msg("\"%s\" prints \"%s\", want \"%s\"",
			    g.lines[i], filter_text(f), want);
		assert_int_equal(filter_format(f, buf, sizeof(buf)),
		    strlen(want));
		assert_int_equal(strncmp(buf, want, sizeof(buf) - 1), 0);
		check_roundtrip(f, g.lines[i]);
		filter_free(f);
	}
	golden_free(&g);
}

/* err with NAMED_DIR replaced by "DIR". */
static void
undir(char *err)
{
	char *p = strstr(err, NAMED_DIR);

	if (p != NULL)
		memmove(p + 3, p + strlen(NAMED_DIR), strlen(p +
		    strlen(NAMED_DIR)) + 1), memcpy(p, "DIR", 3);
}

static void
test_errors(void **state)
{
	struct golden g;
	char err[1024];

	(void)state;
	golden_load("errors.txt", &g);
	for (size_t i = 0; i < g.n; i++) {
		char *want = split_last(g.lines[i], " => ");
		struct filter *f = filter_compile(g.lines[i], NAMED_DIR, err,
		    sizeof(err));

		if (f != NULL)
			fail_msg("\"%s\" compiled to \"%s\"", g.lines[i],
			    filter_text(f));
		undir(err);
		if (strcmp(err, want) != 0)
			fail_msg("\"%s\":\n got: %s\nwant: %s", g.lines[i], err,
			    want);
	}
	golden_free(&g);
}

/* "f1=v1;f2=v2" into form (the strings stay in line). */
static void
parse_form(char *line, struct filter_form *form)
{
	memset(form, 0, sizeof(*form));
	for (char *f = strtok(line, ";"); f != NULL; f = strtok(NULL, ";")) {
		char *eq = strchr(f, '=');

		assert_non_null(eq);
		*eq = '\0';
		if (filter_form_set(form, f, eq + 1) == -1)
			fail_msg("no form field \"%s\"", f);
	}
}

static void
check_form_ok(const struct filter_form *form, const char *line,
    char *want)
{
	char *wmatch = split_last(want, " | "), err[512], got[128], *expr;
	struct filter *f, *g;

	if ((expr = filter_form_expr(form, err, sizeof(err))) == NULL)
		fail_msg("%s: %s", line, err);
	if (strcmp(expr, want) != 0)
		fail_msg("%s gives \"%s\", want \"%s\"", line, expr, want);
	if ((f = filter_compile_form(form, NAMED_DIR, err,
	    sizeof(err))) == NULL)
		fail_msg("%s: %s", line, err);
	match_set(f, got, sizeof(got));
	if (strcmp(got, wmatch) != 0)
		fail_msg("%s passes %s, want %s", line, got, wmatch);
	/* the same program as the expression */
	g = must_compile(expr);
	assert_string_equal(filter_text(f), filter_text(g));
	filter_free(f);
	filter_free(g);
	free(expr);
}

static void
test_form(void **state)
{
	struct filter_form form;
	struct golden g;
	char err[512], line[512];

	(void)state;
	golden_load("form.txt", &g);
	for (size_t i = 0; i < g.n; i++) {
		char *want = split_last(g.lines[i], " => ");

		snprintf(line, sizeof(line), "%s", g.lines[i]);
		parse_form(g.lines[i], &form);
		if (want[0] != '!') {
			check_form_ok(&form, line, want);
			continue;
		}
		want += 2;
		if (filter_compile_form(&form, NAMED_DIR, err,
		    sizeof(err)) != NULL)
			fail_msg("%s compiled", line);
		undir(err);
		if (strcmp(err, want) != 0)
			fail_msg("%s:\n got: %s\nwant: %s", line, err, want);
	}
	golden_free(&g);
}

/* ------------------------------------------------------------ specials */

static void
test_empty(void **state)
{
	const char *blank[] = { NULL, "", "   ", "# nothing\n", "\n\t\n" };
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		struct filter *f = filter_compile(blank[i], NULL, err,
		    sizeof(err));

		assert_non_null(f);
		assert_string_equal(filter_text(f), "any");
		for (int j = 0; j < NREC; j++)
			assert_true(filter_match(f, &recs[j]));
		filter_free(f);
	}
}

/* A record that sent nothing passes only "any" and negations. */
static void
test_nothing_sent(void **state)
{
	const char *fail[] = { "src ip 10.1.2.3", "ip 0.0.0.0/0", "port 80",
	    "port != 80", "proto 0", "tos 0", "flags 0", "if 0", "as 0",
	    "bytes 0", "packets >= 0", "duration 0", "bps 0", "pps 0",
	    "engine id 0", "nexthop 0.0.0.0/0", "exporter 0.0.0.0/0",
	    "src ip in [-10.0.0.0/8]", "port in [-80]", "inet", "inet6" };
	struct flowrec r;
	struct filter *f;
	char err[128];

	(void)state;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < sizeof(fail) / sizeof(fail[0]); i++) {
		f = filter_compile(fail[i], NULL, err, sizeof(err));
		assert_non_null(f);
		if (filter_match(f, &r))
			fail_msg("\"%s\" passes a record with no fields",
			    fail[i]);
		filter_free(f);
	}
	f = must_compile("not port 80 and any");
	assert_true(filter_match(f, &r));
	filter_free(f);
}

static void
test_no_named_dir(void **state)
{
	char err[256];

	(void)state;
	assert_null(filter_compile("proto tcp or @web", NULL, err,
	    sizeof(err)));
	assert_string_equal(err, "column 14: no saved filter directory; "
	    "cannot use \"web\"");
}

static void
test_depth(void **state)
{
	char expr[512], err[256];
	struct filter *f;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < FILTER_MAX_DEPTH; i++)
		expr[n++] = '(';
	n += (size_t)snprintf(expr + n, sizeof(expr) - n, "any");
	for (int i = 0; i < FILTER_MAX_DEPTH; i++)
		expr[n++] = ')';
	expr[n] = '\0';
	f = filter_compile(expr, NULL, err, sizeof(err));
	assert_non_null(f);
	filter_free(f);
	memmove(expr + 1, expr, n + 1);
	expr[0] = '!';
	assert_null(filter_compile(expr, NULL, err, sizeof(err)));
	assert_string_equal(err, "column 65: expression nested too deeply "
	    "(more than 64 levels)");
}

static void
test_multiline(void **state)
{
	char err[256];

	(void)state;
	assert_null(filter_compile("proto tcp\n  and port htp\n", NULL, err,
	    sizeof(err)));
	assert_string_equal(err, "line 2, column 12: expected a port number, "
	    "got \"htp\"");
}

/* Long address lists against a plain longest-prefix search. */
static void
test_long_list(void **state)
{
	enum { N = 600 };
	static uint32_t net[N];
	static int len[N], excl[N];
	char *expr = malloc(N * 24 + 32), err[256];
	size_t n;
	struct filter *f;
	struct flowrec r;
	unsigned seed = 12345;

	(void)state;
	assert_non_null(expr);
	n = (size_t)sprintf(expr, "src ip in [");
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		len[i] = 8 + (int)(seed >> 16) % 25;
		seed = seed * 1103515245 + 12345;
		net[i] = (0x0a000000 | (seed & 0x00ffffff)) &
		    (UINT32_MAX << (32 - len[i]));
		excl[i] = (seed >> 28) & 1;
		n += (size_t)sprintf(expr + n, "%s%s%u.%u.%u.%u/%d",
		    i > 0 ? ", " : "", excl[i] ? "-" : "", net[i] >> 24,
		    (net[i] >> 16) & 0xff, (net[i] >> 8) & 0xff, net[i] & 0xff,
		    len[i]);
	}
	sprintf(expr + n, "]");
	f = filter_compile(expr, NULL, err, sizeof(err));
	if (f == NULL)
		fail_msg("%s", err);
	memset(&r, 0, sizeof(r));
	r.af = FR_AF_INET;
	r.fields = FR_HAS_SRCADDR;
	for (int k = 0; k < 20000; k++) {
		int best = -1, want;

		seed = seed * 1103515245 + 12345;
		r.src.v4 = k < N ? net[k] | (seed & 0xff) :
		    0x0a000000 | (seed & 0x00ffffff);
		for (int i = 0; i < N; i++) {
			uint32_t m = UINT32_MAX << (32 - len[i]);

			if ((r.src.v4 & m) == net[i] && (best == -1 ||
			    len[i] > len[best] || (len[i] == len[best] &&
			    excl[i])))
				best = i;
		}
		want = best == -1 ? 0 : !excl[best];
		if (filter_match(f, &r) != want)
			fail_msg("0x%08x: got %d want %d", r.src.v4, !want,
			    want);
	}
	filter_free(f);
	free(expr);
}

/* What filters pin for the tracking index: kind, side, values. */
static const struct {
	const char	*expr;
	int		 kind;		/* FILTER_PIN_*, -1: none of them */
	int		 side;
	const char	*vals;		/* ranges "lo-hi," or prefixes "af/len," */
} pin_cases[] = {
	{ "dst port 80", FILTER_PIN_PORT, 2, "80-80," },
	{ "port 80 or src port 443", FILTER_PIN_PORT, 3, "80-80,443-443," },
	{ "port in [80, 8000-8010, -8005]", FILTER_PIN_PORT, 3,
	    "80-80,8000-8010," },
	{ "port < 3", FILTER_PIN_PORT, 3, "0-2," },
	{ "port > 65534", FILTER_PIN_PORT, 3, "65535-65535," },
	{ "port < 0", FILTER_PIN_PORT, 3, "" },
	{ "port != 80", -1, 0, NULL },
	{ "not port 80", -1, 0, NULL },
	{ "src net 10/8 and dst port 22", FILTER_PIN_ADDR, 1, "4/8," },
	{ "src net 10/8 or dst net 2001:db8::/32", FILTER_PIN_ADDR, 3,
	    "4/8,6/32," },
	{ "ip in [10/8, -10.1/16]", FILTER_PIN_ADDR, 3, "4/8," },
	{ "ip in [-10.1/16]", -1, 0, NULL },
	{ "net 10/8 or port 80", -1, 0, NULL },
	{ "(net 10/8 and port 80) or port 443", FILTER_PIN_PORT, 3,
	    "80-80,443-443," },
	{ "net 10/8 and net 10.1.2.0/24", FILTER_PIN_ADDR, 3, "4/24," },
	{ "in if 3 or out if 4", FILTER_PIN_IF, 3, "3-3,4-4," },
	{ "out if 4", FILTER_PIN_IF, 2, "4-4," },
	{ "proto in [tcp, udp]", FILTER_PIN_PROTO, 3, "6-6,17-17," },
	{ "exporter 192.0.2.1", FILTER_PIN_EXPORTER, 3, "4/32," },
	{ "nexthop 192.0.2.1 or bytes > 5 or any or inet", -1, 0, NULL },
	{ "port 1 and flags 0x02/0x02", FILTER_PIN_PORT, 3, "1-1," },
};

static void
test_pins(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pin_cases) / sizeof(pin_cases[0]);
	    i++) {
		struct filter_pins ps;
		struct filter *f;
		char err[256], got[256] = "";
		int kind = pin_cases[i].kind;

		f = filter_compile(pin_cases[i].expr, NULL, err, sizeof(err));
		assert_non_null(f);
		assert_int_equal(filter_pins(f, &ps), 0);
		for (int k = 0; k < FILTER_PIN_KINDS; k++)
			if (k != kind && k != FILTER_PIN_PORT &&
			    k != FILTER_PIN_ADDR)
				assert_false(ps.k[k].pinned);
		if (kind < 0) {
			assert_false(ps.k[FILTER_PIN_PORT].pinned);
			assert_false(ps.k[FILTER_PIN_ADDR].pinned);
			filter_pins_free(&ps);
			filter_free(f);
			continue;
		}
		assert_true(ps.k[kind].pinned);
		assert_int_equal(ps.k[kind].side, pin_cases[i].side);
		for (size_t j = 0; j < ps.k[kind].n; j++) {
			size_t l = strlen(got);

			if (ps.k[kind].pfx != NULL)
				snprintf(got + l, sizeof(got) - l, "%u/%u,",
				    ps.k[kind].pfx[j].af,
				    ps.k[kind].pfx[j].len);
			else
				snprintf(got + l, sizeof(got) - l, "%u-%u,",
				    ps.k[kind].rng[j].lo,
				    ps.k[kind].rng[j].hi);
		}
		if (strcmp(got, pin_cases[i].vals) != 0)
			fail_msg("%s: got \"%s\"", pin_cases[i].expr, got);
		filter_pins_free(&ps);
		filter_free(f);
	}
}

/*
 * filter_residual: the root "and" without the term an exact pin came
 * from; for flows that meet the pin it decides as the whole filter does,
 * and nothing is left out where the pin is not exactly a term.
 */
static void
test_residual(void **state)
{
	static const struct {
		const char	*expr;
		int		 kind, has;
	} c[] = {
		{ "dst net 192.168.0.0/24 and dst port 443 and proto tcp",
		    FILTER_PIN_ADDR, 1 },
		{ "exporter 127.0.0.2 and in if 2 and not dst port 53",
		    FILTER_PIN_IF, 1 },
		{ "dst port 443 and bytes > 100", FILTER_PIN_PORT, 1 },
		{ "dst port 443", FILTER_PIN_PORT, 0 },		/* no "and" */
		{ "port 80 or port 443", FILTER_PIN_PORT, 0 },
		/* a union of two sides is not taken as exact */
		{ "(src net 10.0.0.0/8 or dst net 10.0.0.0/8) and proto udp",
		    FILTER_PIN_ADDR, 0 },
		{ "net 10.0.0.0/8 and proto udp", FILTER_PIN_ADDR, 1 },
		{ "(src port 80 or dst port 443) and bytes > 1",
		    FILTER_PIN_PORT, 0 },	/* the term is not exact */
		/* nested "and"s are one */
		{ "(port 80 and bytes > 1) and proto tcp", FILTER_PIN_PORT,
		    1 },
	};
	char err[256];
	struct flowrec r;
	uint64_t seed = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct filter *f = filter_compile(c[i].expr, NULL, err,
		    sizeof(err));
		struct filter *rf;
		struct filter_pins ps;
		unsigned agree = 0, pinned = 0;

		assert_non_null(f);
		rf = filter_residual(f, c[i].kind);
		if (!c[i].has) {
			if (rf != NULL)
				fail_msg("%s: a residual", c[i].expr);
			filter_free(f);
			continue;
		}
		if (rf == NULL)
			fail_msg("%s: no residual", c[i].expr);
		assert_int_equal(filter_pins(f, &ps), 0);
		/* random flows; where the pin holds, both decide alike */
		for (int k = 0; k < 20000; k++) {
			uint32_t x;
			int meets = 0;

			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			x = (uint32_t)(seed >> 11);
			r = recs[0];
			r.src.v4 = (x & 1 ? 0x0a000000u : 0xc0a80000u) |
			    (x >> 1 & 0x1ff);
			r.dst.v4 = (x & 2 ? 0x0a000000u : 0xc0a80000u) |
			    (x >> 3 & 0x1ff);
			r.exporter.v4 = 0x7f000001u + (x >> 5) % 3;
			r.exp_af = FR_AF_INET;
			r.sport = (uint16_t)(x & 4 ? 80 : 1000);
			r.dport = (uint16_t)(x & 8 ? 443 : x & 16 ? 53 : 22);
			r.proto = x & 32 ? 17 : 6;
			r.in_if = 1 + (x >> 7) % 3;
			r.octets = (x >> 9) % 300;
			/* the pin, as the index would test it */
			for (size_t j = 0; j < ps.k[c[i].kind].n; j++) {
				const struct filter_pin *p = &ps.k[c[i].kind];

				if (c[i].kind == FILTER_PIN_ADDR) {
					uint32_t m = p->pfx[j].len == 0 ? 0 :
					    0xffffffffu << (32 - p->pfx[j].len);

					if (((p->side & FILTER_PIN_SRC) &&
					    (r.src.v4 & m) == (p->pfx[j].a.v4 & m)) ||
					    ((p->side & FILTER_PIN_DST) &&
					    (r.dst.v4 & m) == (p->pfx[j].a.v4 & m)))
						meets = 1;
				} else {
					uint32_t v1 = c[i].kind == FILTER_PIN_IF ?
					    r.in_if : r.sport;
					uint32_t v2 = c[i].kind == FILTER_PIN_IF ?
					    r.out_if : r.dport;

					if (((p->side & FILTER_PIN_SRC) &&
					    v1 >= p->rng[j].lo && v1 <= p->rng[j].hi) ||
					    ((p->side & FILTER_PIN_DST) &&
					    v2 >= p->rng[j].lo && v2 <= p->rng[j].hi))
						meets = 1;
				}
			}
			if (!meets)
				continue;
			pinned++;
			if (filter_match(f, &r) != filter_match(rf, &r))
				fail_msg("%s: differs", c[i].expr);
			agree += filter_match(f, &r);
		}
		/* the flows tried meet the pin often, and both outcomes */
		assert_true(pinned > 1000);
		assert_true(agree > 0 && agree < pinned);
		filter_pins_free(&ps);
		filter_free(rf);
		filter_free(f);
	}
}

/* Exact pins: the filter is nothing but the pinned condition. */
static void
test_pins_exact(void **state)
{
	static const struct {
		const char	*expr;
		int		 kind, exact;
	} c[] = {
		{ "dst port 443", FILTER_PIN_PORT, 1 },
		{ "port 80 or port 443", FILTER_PIN_PORT, 1 },
		{ "src port 80 or dst port 443", FILTER_PIN_PORT, 0 },
		{ "port in [80, 443]", FILTER_PIN_PORT, 1 },
		{ "port in [80-90, -85]", FILTER_PIN_PORT, 0 },
		{ "port 80 and bytes > 1", FILTER_PIN_PORT, 0 },
		{ "port 80 and port 81", FILTER_PIN_PORT, 0 },
		{ "host 192.0.2.1", FILTER_PIN_ADDR, 1 },
		{ "src ip in [10/8, -10.1/16]", FILTER_PIN_ADDR, 0 },
		{ "in if 3 or in if 4", FILTER_PIN_IF, 1 },
		{ "proto tcp", FILTER_PIN_PROTO, 1 },
	};
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct filter *f = filter_compile(c[i].expr, NULL, err,
		    sizeof(err));
		struct filter_pins ps;

		assert_non_null(f);
		assert_int_equal(filter_pins(f, &ps), 0);
		assert_true(ps.k[c[i].kind].pinned);
		if (ps.k[c[i].kind].exact != c[i].exact)
			fail_msg("%s: exact %d", c[i].expr,
			    ps.k[c[i].kind].exact);
		filter_pins_free(&ps);
		filter_free(f);
	}
}

/* A filter copied flat (filter_conj) decides every flow as the filter
 * does; filters it cannot hold are refused. */
static void
test_conj(void **state)
{
	static const struct {
		const char	*expr;
		int		 ok;
	} c[] = {
		{ "exporter 127.0.0.2 and not dst port 53", 1 },
		{ "dst port 443 and proto tcp", 1 },
		{ "src net 10.0.0.0/8 and bytes > 100 and not in if 2", 1 },
		{ "dst ip 192.168.0.7", 1 },
		{ "proto udp", 1 },
		{ "not port 22", 1 },		/* both sides, a number */
		{ "port 80 and dst port 443 and in if 1 and out if 2", 1 },
		{ "port 80 and dst port 443 and in if 1 and out if 2 and "
		    "proto tcp", 0 },		/* five tests */
		{ "net 10.0.0.0/8 and proto udp", 0 },	/* either side */
		{ "port 80 or port 443", 0 },
		{ "dst port in [80, 443] and proto tcp", 0 },	/* a list */
		{ "src net 2001:db8::/32 and proto tcp", 0 },
		{ "not (port 80 and proto tcp)", 0 },
	};
	char err[256];
	uint64_t seed = 11;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct filter *f = filter_compile(c[i].expr, NULL, err,
		    sizeof(err));
		struct filter_conj cj;
		unsigned pass = 0;

		if (f == NULL)
			fail_msg("%s: %s", c[i].expr, err);
		if ((filter_conj(f, &cj) == 0) != c[i].ok)
			fail_msg("%s: filter_conj %s", c[i].expr, c[i].ok ?
			    "refused it" : "took it");
		if (!c[i].ok) {
			assert_int_equal(cj.n, 0);
			filter_free(f);
			continue;
		}
		for (int k = 0; k < 20000; k++) {
			struct flowrec r;
			uint32_t x;

			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			x = (uint32_t)(seed >> 11);
			r = recs[k % NREC];
			r.src.v4 = (x & 1 ? 0x0a000000u : 0xc0a80000u) |
			    (x >> 1 & 0x1ff);
			r.dst.v4 = (x & 2 ? 0x0a000000u : 0xc0a80007u);
			r.exporter.v4 = 0x7f000001u + (x >> 5) % 3;
			r.exp_af = FR_AF_INET;
			r.sport = (uint16_t)(x & 4 ? 80 : x & 64 ? 22 : 1000);
			r.dport = (uint16_t)(x & 8 ? 443 : x & 16 ? 53 : 22);
			r.proto = x & 32 ? 17 : 6;
			r.in_if = 1 + (x >> 7) % 3;
			r.out_if = 1 + (x >> 9) % 3;
			r.octets = (x >> 11) % 300;
			if (x >> 20 & 1)	/* sometimes a field not sent */
				r.fields &= ~(uint32_t)(x >> 21 & 1 ?
				    FR_HAS_PORTS : FR_HAS_OCTETS);
			if (filter_conj_match(&cj, &r) != filter_match(f, &r))
				fail_msg("%s: differs on flow %d", c[i].expr,
				    k);
			pass += filter_match(f, &r);
		}
		/* both outcomes were seen */
		assert_true(pass > 0 && pass < 20000);
		filter_free(f);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_residual),
		cmocka_unit_test(test_conj),
		cmocka_unit_test(test_pins_exact),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_nothing_sent),
		cmocka_unit_test(test_no_named_dir),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_long_list),
	};

	make_records();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
