/*
 * chrow.c - struct flowrec <-> a ClickHouse RowBinary row, and the DDL of
 * the table that holds such rows (see chrow.h, doc/clickhouse.md).
 *
 * RowBinary is little-endian fixed-width integers in column order, a
 * FixedString(N) as its N bytes, a String as its LEB128 length and bytes,
 * a Date as UInt16 days since 1970-01-01.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/chrow.h"

const struct chrow_col chrow_cols[] = {
	{ "day", "Date" },
	{ "first_ms", "UInt64" },
	{ "last_ms", "UInt64" },
	{ "recv_ms", "UInt64" },
	{ "collector", "String" },
	{ "exp_af", "UInt8" },
	{ "exporter", "FixedString(16)" },
	{ "version", "UInt8" },
	{ "source_id", "UInt32" },
	{ "engine_type", "UInt8" },
	{ "engine_id", "UInt8" },
	{ "sampling", "UInt32" },
	{ "af", "UInt8" },
	{ "src", "FixedString(16)" },
	{ "dst", "FixedString(16)" },
	{ "nexthop", "FixedString(16)" },
	{ "sport", "UInt16" },
	{ "dport", "UInt16" },
	{ "proto", "UInt8" },
	{ "tcp_flags", "UInt8" },
	{ "tos", "UInt8" },
	{ "packets", "UInt64" },
	{ "octets", "UInt64" },
	{ "in_if", "UInt32" },
	{ "out_if", "UInt32" },
	{ "src_as", "UInt32" },
	{ "dst_as", "UInt32" },
	{ "src_mask", "UInt8" },
	{ "dst_mask", "UInt8" },
	{ "src_tag", "UInt32" },
	{ "dst_tag", "UInt32" },
	{ "flow_label", "UInt32" },
	{ "fields", "UInt32" },
	{ "exp_secs", "UInt32" },
	{ "exp_nsecs", "UInt32" },
	{ "uptime_ms", "UInt32" },
	{ NULL, NULL }
};

const char *
chrow_column_list(void)
{
	static char list[512];
	size_t off = 0;
	int i;

	if (list[0] != '\0')
		return list;
	for (i = 0; chrow_cols[i].name != NULL; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
		    i ? ", " : "", chrow_cols[i].name);
	return list;
}

static uint8_t *
put8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}

static uint8_t *
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return p + 4;
}

static uint8_t *
put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return p + 8;
}

void
chrow_addr16(uint8_t af, const fr_addr *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (af == FR_AF_INET) {
		out[10] = 0xff;
		out[11] = 0xff;
		out[12] = (uint8_t)(a->v4 >> 24);
		out[13] = (uint8_t)(a->v4 >> 16);
		out[14] = (uint8_t)(a->v4 >> 8);
		out[15] = (uint8_t)a->v4;
	} else if (af == FR_AF_INET6)
		memcpy(out, a->v6, 16);
}

static uint8_t *
putaddr(uint8_t *p, uint8_t af, const fr_addr *a)
{
	chrow_addr16(af, a, p);
	return p + 16;
}

size_t
chrow_encode(const struct flowrec *r, const char *name, uint8_t *out)
{
	uint8_t *p = out;
	uint64_t day = r->first_ms / 86400000u;
	size_t nl = name != NULL ? strlen(name) : 0;

	if (nl > CHROW_NAME_MAX)
		nl = CHROW_NAME_MAX;
	p = put16(p, day > 0xffff ? 0xffff : (uint16_t)day);
	p = put64(p, r->first_ms);
	p = put64(p, r->last_ms);
	p = put64(p, r->recv_ms);
	if (nl >= 0x80) {
		p = put8(p, (uint8_t)(0x80 | (nl & 0x7f)));
		p = put8(p, (uint8_t)(nl >> 7));
	} else
		p = put8(p, (uint8_t)nl);
	if (nl > 0)
		memcpy(p, name, nl);
	p += nl;
	p = put8(p, r->exp_af);
	p = putaddr(p, r->exp_af, &r->exporter);
	p = put8(p, r->version);
	p = put32(p, r->source_id);
	p = put8(p, r->engine_type);
	p = put8(p, r->engine_id);
	p = put32(p, r->sampling);
	p = put8(p, r->af);
	p = putaddr(p, r->af, &r->src);
	p = putaddr(p, r->af, &r->dst);
	p = putaddr(p, r->af, &r->nexthop);
	p = put16(p, r->sport);
	p = put16(p, r->dport);
	p = put8(p, r->proto);
	p = put8(p, r->tcp_flags);
	p = put8(p, r->tos);
	p = put64(p, r->packets);
	p = put64(p, r->octets);
	p = put32(p, r->in_if);
	p = put32(p, r->out_if);
	p = put32(p, r->src_as);
	p = put32(p, r->dst_as);
	p = put8(p, r->src_mask);
	p = put8(p, r->dst_mask);
	p = put32(p, r->src_tag);
	p = put32(p, r->dst_tag);
	p = put32(p, r->flow_label);
	p = put32(p, r->fields);
	p = put32(p, r->exp_secs);
	p = put32(p, r->exp_nsecs);
	p = put32(p, r->uptime_ms);
	return (size_t)(p - out);
}

/* A bounded little-endian reader. */
struct rd {
	const uint8_t	*p;
	size_t		left;
};

static uint64_t
get(struct rd *d, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)d->p[i] << (8 * i);
	d->p += n;
	d->left -= (size_t)n;
	return v;
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff };

/* 0 ok, -1 when the bytes cannot be an address of family af. */
static int
getaddr(struct rd *d, uint8_t af, fr_addr *a)
{
	const uint8_t *b = d->p;
	static const uint8_t zero[16];

	d->p += 16;
	d->left -= 16;
	switch (af) {
	case FR_AF_INET:
		if (memcmp(b, v4mapped, 12) != 0)
			return -1;
		a->v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
		    (uint32_t)b[14] << 8 | b[15];
		return 0;
	case FR_AF_INET6:
		memcpy(a->v6, b, 16);
		return 0;
	default:
		return memcmp(b, zero, 16) == 0 ? 0 : -1;
	}
}

static int
af_ok(unsigned af)
{
	return af == FR_AF_NONE || af == FR_AF_INET || af == FR_AF_INET6;
}

long
chrow_decode(const uint8_t *p, size_t len, struct flowrec *r, char *name,
    size_t namelen)
{
	struct rd d = { p, len };
	size_t nl, hl;

	if (len < 27)
		return 0;
	/* the name's length prefix sits after day and the three times */
	if (p[26] & 0x80) {
		if (len < 28)
			return 0;
		if (p[27] & 0x80)
			return -1;
		nl = (size_t)(p[26] & 0x7f) | (size_t)p[27] << 7;
		hl = 2;
		if (nl < 0x80)
			return -1;	/* not the shortest spelling */
	} else {
		nl = p[26];
		hl = 1;
	}
	if (nl > CHROW_NAME_MAX)
		return -1;
	if (len < CHROW_FIXED + hl + nl)
		return 0;

	memset(r, 0, sizeof(*r));
	(void)get(&d, 2);	/* day: derived from first_ms */
	r->first_ms = get(&d, 8);
	r->last_ms = get(&d, 8);
	r->recv_ms = get(&d, 8);
	d.p += hl;
	d.left -= hl;
	if (name != NULL && namelen > 0) {
		size_t n = nl < namelen - 1 ? nl : namelen - 1;

		memcpy(name, d.p, n);
		name[n] = '\0';
	}
	d.p += nl;
	d.left -= nl;
	r->exp_af = (uint8_t)get(&d, 1);
	if (!af_ok(r->exp_af) || getaddr(&d, r->exp_af, &r->exporter) != 0)
		return -1;
	r->version = (uint8_t)get(&d, 1);
	r->source_id = (uint32_t)get(&d, 4);
	r->engine_type = (uint8_t)get(&d, 1);
	r->engine_id = (uint8_t)get(&d, 1);
	r->sampling = (uint32_t)get(&d, 4);
	r->af = (uint8_t)get(&d, 1);
	if (!af_ok(r->af) || getaddr(&d, r->af, &r->src) != 0 ||
	    getaddr(&d, r->af, &r->dst) != 0 ||
	    getaddr(&d, r->af, &r->nexthop) != 0)
		return -1;
	r->sport = (uint16_t)get(&d, 2);
	r->dport = (uint16_t)get(&d, 2);
	r->proto = (uint8_t)get(&d, 1);
	r->tcp_flags = (uint8_t)get(&d, 1);
	r->tos = (uint8_t)get(&d, 1);
	r->packets = get(&d, 8);
	r->octets = get(&d, 8);
	r->in_if = (uint32_t)get(&d, 4);
	r->out_if = (uint32_t)get(&d, 4);
	r->src_as = (uint32_t)get(&d, 4);
	r->dst_as = (uint32_t)get(&d, 4);
	r->src_mask = (uint8_t)get(&d, 1);
	r->dst_mask = (uint8_t)get(&d, 1);
	r->src_tag = (uint32_t)get(&d, 4);
	r->dst_tag = (uint32_t)get(&d, 4);
	r->flow_label = (uint32_t)get(&d, 4);
	r->fields = (uint32_t)get(&d, 4);
	r->exp_secs = (uint32_t)get(&d, 4);
	r->exp_nsecs = (uint32_t)get(&d, 4);
	r->uptime_ms = (uint32_t)get(&d, 4);
	return (long)(len - d.left);
}

int
chrow_ident_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= 64)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '_' || (i > 0 && c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

/* A growing string; on failure buf is freed and set NULL. */
struct sbuf {
	char	*buf;
	size_t	len, cap;
};

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->buf == NULL && b->cap != 0)
		return;		/* failed before */
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->buf != NULL ? b->buf + b->len : NULL, room,
		    fmt, ap);
		va_end(ap);
		if (n < 0)
			goto fail;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t ncap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
			char *nb = realloc(b->buf, ncap);

			if (nb == NULL)
				goto fail;
			b->buf = nb;
			b->cap = ncap;
		}
	}
fail:
	free(b->buf);
	b->buf = NULL;
	b->cap = 1;
}

char *
chrow_schema(const struct chrow_schema_opts *o)
{
	const char *db = o->db ? o->db : "flowkeep";
	const char *local = o->local ? o->local : "flows_local";
	const char *dist = o->dist ? o->dist : "flows";
	struct sbuf b = { NULL, 0, 0 };
	char oncl[96] = "";
	int i;

	if (!chrow_ident_ok(db) || !chrow_ident_ok(local) ||
	    !chrow_ident_ok(dist) ||
	    (o->cluster != NULL && !chrow_ident_ok(o->cluster)) ||
	    (o->cluster != NULL && strcmp(local, dist) == 0))
		return NULL;
	if (o->cluster != NULL && o->on_cluster)
		snprintf(oncl, sizeof(oncl), " ON CLUSTER %s", o->cluster);

	sb_printf(&b, "CREATE DATABASE IF NOT EXISTS %s%s;\n\n", db, oncl);
	sb_printf(&b, "CREATE TABLE IF NOT EXISTS %s.%s%s\n(\n", db, local,
	    oncl);
	for (i = 0; chrow_cols[i].name != NULL; i++)
		sb_printf(&b, "    %s %s%s\n", chrow_cols[i].name,
		    chrow_cols[i].type, chrow_cols[i + 1].name ? "," : "");
	sb_printf(&b, ")\nENGINE = MergeTree\nPARTITION BY day\n"
	    "ORDER BY (intDiv(first_ms, 60000), src, dst)\n");
	if (o->ttl_days > 0)
		sb_printf(&b, "TTL day + INTERVAL %u DAY\n", o->ttl_days);
	sb_printf(&b, "SETTINGS index_granularity = 8192");
	if (o->cluster != NULL) {
		sb_printf(&b, ";\n\nCREATE TABLE IF NOT EXISTS %s.%s%s AS %s.%s\n"
		    "ENGINE = Distributed(%s, %s, %s, rand())", db, dist, oncl,
		    db, local, o->cluster, db, local);
	}
	sb_printf(&b, ";\n");
	return b.buf;
}
