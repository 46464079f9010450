/*
 * tmpl.c - v9 template cache (per exporter) and field-program compiler.
 */
#include <stdlib.h>
#include <string.h>

#include "flowrec.h"
#include "tmpl.h"

#define TMPL_NBUCKET	256

struct tmpl_cache {
	unsigned	 max;
	unsigned	 max_fields;
	unsigned	 n;
	uint64_t	 tick;
	struct tmpl	**all;			/* n entries */
	struct tmpl	*bucket[TMPL_NBUCKET];
};

static unsigned
tmpl_hash(uint32_t source_id, uint16_t id)
{
	uint32_t h = source_id * 2654435761u ^ id * 40503u;

	return (h ^ h >> 16) & (TMPL_NBUCKET - 1);
}

struct tmpl_cache *
tmpl_cache_new(unsigned max, unsigned max_fields)
{
	struct tmpl_cache *tc;

	if ((tc = calloc(1, sizeof(*tc))) == NULL)
		return NULL;
	tc->max = max > 0 ? max : 1;
	tc->max_fields = max_fields > 0 ? max_fields : 1;
	if ((tc->all = calloc(tc->max, sizeof(*tc->all))) == NULL) {
		free(tc);
		return NULL;
	}
	return tc;
}

static void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->fields);
	free(t->steps);
	free(t);
}

void
tmpl_cache_free(struct tmpl_cache *tc)
{
	unsigned i;

	if (tc == NULL)
		return;
	for (i = 0; i < tc->n; i++)
		tmpl_free(tc->all[i]);
	free(tc->all);
	free(tc);
}

static struct tmpl **
tmpl_slot(struct tmpl_cache *tc, uint32_t source_id, uint16_t id)
{
	struct tmpl **pp = &tc->bucket[tmpl_hash(source_id, id)];

	while (*pp != NULL && ((*pp)->source_id != source_id ||
	    (*pp)->id != id))
		pp = &(*pp)->hnext;
	return pp;
}

struct tmpl *
tmpl_find(struct tmpl_cache *tc, uint32_t source_id, uint16_t id)
{
	struct tmpl *t = *tmpl_slot(tc, source_id, id);

	if (t != NULL)
		t->used = ++tc->tick;
	return t;
}

/* Unlink t from the hash and the array, and free it. */
static void
tmpl_unlink(struct tmpl_cache *tc, struct tmpl *t)
{
	struct tmpl **pp = tmpl_slot(tc, t->source_id, t->id);
	unsigned i;

	if (*pp == t)
		*pp = t->hnext;
	for (i = 0; i < tc->n; i++) {
		if (tc->all[i] == t) {
			tc->all[i] = tc->all[--tc->n];
			break;
		}
	}
	tmpl_free(t);
}

int
tmpl_remove(struct tmpl_cache *tc, uint32_t source_id, uint16_t id)
{
	struct tmpl *t = *tmpl_slot(tc, source_id, id);

	if (t == NULL)
		return 0;
	tmpl_unlink(tc, t);
	return 1;
}

static void
tmpl_evict_lru(struct tmpl_cache *tc)
{
	struct tmpl *lru = NULL;
	unsigned i;

	for (i = 0; i < tc->n; i++)
		if (lru == NULL || tc->all[i]->used < lru->used)
			lru = tc->all[i];
	if (lru != NULL)
		tmpl_unlink(tc, lru);
}

static struct tmpl *
tmpl_build(uint32_t source_id, uint16_t id, int kind,
    const struct tmpl_field *fields, unsigned nfields, unsigned nscope)
{
	struct tmpl *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->source_id = source_id;
	t->id = id;
	t->kind = (uint8_t)kind;
	t->nfields = (uint16_t)nfields;
	t->nscope = (uint16_t)nscope;
	t->fields = malloc((nfields > 0 ? nfields : 1) * sizeof(*fields));
	t->steps = calloc(nfields > 0 ? nfields : 1, sizeof(*t->steps));
	if (t->fields == NULL || t->steps == NULL) {
		tmpl_free(t);
		return NULL;
	}
	if (nfields > 0)
		memcpy(t->fields, fields, nfields * sizeof(*fields));
	if (tmpl_compile(t) == -1) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

struct tmpl *
tmpl_add(struct tmpl_cache *tc, uint32_t source_id, uint16_t id, int kind,
    const struct tmpl_field *fields, unsigned nfields, unsigned nscope,
    int *evicted)
{
	struct tmpl *t;

	*evicted = 0;
	tmpl_remove(tc, source_id, id);
	if (nfields > tc->max_fields || nscope > nfields)
		return NULL;
	if ((t = tmpl_build(source_id, id, kind, fields, nfields,
	    nscope)) == NULL)
		return NULL;
	if (tc->n >= tc->max) {
		tmpl_evict_lru(tc);
		*evicted = 1;
	}
	t->used = ++tc->tick;
	t->hnext = tc->bucket[tmpl_hash(source_id, id)];
	tc->bucket[tmpl_hash(source_id, id)] = t;
	tc->all[tc->n++] = t;
	return t;
}

unsigned
tmpl_count(const struct tmpl_cache *tc)
{
	return tc->n;
}

const struct tmpl *
tmpl_get(const struct tmpl_cache *tc, unsigned i)
{
	return i < tc->n ? tc->all[i] : NULL;
}

/* ------------------------------------------------------------ compiler */

/* Field types (RFC 3954 and vendor numbers we read). */
enum {
	F_IN_BYTES = 1, F_IN_PKTS = 2, F_PROTOCOL = 4, F_TOS = 5,
	F_TCP_FLAGS = 6, F_L4_SRC_PORT = 7, F_IPV4_SRC = 8, F_SRC_MASK = 9,
	F_INPUT_SNMP = 10, F_L4_DST_PORT = 11, F_IPV4_DST = 12,
	F_DST_MASK = 13, F_OUTPUT_SNMP = 14, F_IPV4_NEXT_HOP = 15,
	F_SRC_AS = 16, F_DST_AS = 17, F_BGP_IPV4_NEXT_HOP = 18,
	F_LAST_SWITCHED = 21, F_FIRST_SWITCHED = 22, F_OUT_BYTES = 23,
	F_OUT_PKTS = 24, F_IPV6_SRC = 27, F_IPV6_DST = 28,
	F_IPV6_SRC_MASK = 29, F_IPV6_DST_MASK = 30, F_IPV6_FLOW_LABEL = 31,
	F_ICMP_TYPE = 32, F_SAMPLING_INTERVAL = 34, F_SAMPLER_ID = 48,
	F_SAMPLER_RANDOM_INTERVAL = 50, F_IPV6_NEXT_HOP = 62,
	F_BGP_IPV6_NEXT_HOP = 63, F_IN_PERM_BYTES = 85, F_IN_PERM_PKTS = 86,
	F_ICMP_TYPE_IPV6 = 139,
	F_FLOW_START_S = 150, F_FLOW_END_S = 151, F_FLOW_START_MS = 152,
	F_FLOW_END_MS = 153, F_FWD_DELTA_BYTES = 231,
	F_REV_DELTA_BYTES = 232, F_INIT_PKTS = 298, F_RESP_PKTS = 299,
	F_SELECTOR_ID = 302, F_SAMPLING_PKT_INTERVAL = 305
};

/* Presence of each field of interest, by type, for priority choices. */
struct tmpl_seen {
	uint8_t		have[320];
};

static int
is_int_len(unsigned len)
{
	return len >= 1 && len <= 8;
}

static int
seen(const struct tmpl_seen *s, unsigned type)
{
	return type < sizeof(s->have) && s->have[type];
}

/* Choose the one counter family that feeds a total. */
static int
pick_counter(const struct tmpl_seen *s, unsigned type, const unsigned *pref,
    int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!seen(s, pref[i]))
			continue;
		if (type == pref[i])
			return 1;
		/* 231+232 and 298+299 are summed as a pair */
		if ((pref[i] == F_FWD_DELTA_BYTES &&
		    type == F_REV_DELTA_BYTES) ||
		    (pref[i] == F_INIT_PKTS && type == F_RESP_PKTS))
			return 1;
		return 0;
	}
	return 0;
}

/* Deltas (231/232, 298/299) before the ASA's running totals (85/86). */
static const unsigned oct_pref[] = { F_IN_BYTES, F_OUT_BYTES,
    F_FWD_DELTA_BYTES, F_REV_DELTA_BYTES, F_IN_PERM_BYTES };
static const unsigned pkt_pref[] = { F_IN_PKTS, F_OUT_PKTS, F_INIT_PKTS,
    F_RESP_PKTS, F_IN_PERM_PKTS };

/* Time fields: 0 none, else the op with the highest priority present. */
static int
pick_time(const struct tmpl_seen *s, int first)
{
	if (seen(s, first ? F_FLOW_START_MS : F_FLOW_END_MS))
		return first ? TOP_FIRST_MS : TOP_LAST_MS;
	if (seen(s, first ? F_FLOW_START_S : F_FLOW_END_S))
		return first ? TOP_FIRST_S : TOP_LAST_S;
	return 0;
}

static int
op_time(const struct tmpl_seen *s, unsigned type, unsigned len)
{
	int first = type == F_FIRST_SWITCHED || type == F_FLOW_START_S ||
	    type == F_FLOW_START_MS;
	int best = pick_time(s, first);

	switch (type) {
	case F_FIRST_SWITCHED:
	case F_LAST_SWITCHED:
		if (best != 0)
			return TOP_SKIP;
		if (len == 4)
			return first ? TOP_FIRST_UP : TOP_LAST_UP;
		if (len == 8)
			return first ? TOP_FIRST_MS : TOP_LAST_MS;
		return TOP_SKIP;
	case F_FLOW_START_S:
	case F_FLOW_END_S:
		return best == (first ? TOP_FIRST_S : TOP_LAST_S) ?
		    best : TOP_SKIP;
	default:
		return best;
	}
}

static int
op_addr(const struct tmpl *t, unsigned type, unsigned len,
    const struct tmpl_seen *s)
{
	switch (type) {
	case F_IPV4_SRC:
		return len == 4 && t->af == FR_AF_INET ? TOP_SRC4 : TOP_SKIP;
	case F_IPV4_DST:
		return len == 4 && t->af == FR_AF_INET ? TOP_DST4 : TOP_SKIP;
	case F_IPV6_SRC:
		return len == 16 && t->af == FR_AF_INET6 ? TOP_SRC6 : TOP_SKIP;
	case F_IPV6_DST:
		return len == 16 && t->af == FR_AF_INET6 ? TOP_DST6 : TOP_SKIP;
	case F_IPV4_NEXT_HOP:
		return len == 4 && t->af == FR_AF_INET ? TOP_NH4 : TOP_SKIP;
	case F_BGP_IPV4_NEXT_HOP:
		return len == 4 && t->af == FR_AF_INET &&
		    !seen(s, F_IPV4_NEXT_HOP) ? TOP_NH4 : TOP_SKIP;
	case F_IPV6_NEXT_HOP:
		return len == 16 && t->af == FR_AF_INET6 ? TOP_NH6 : TOP_SKIP;
	case F_BGP_IPV6_NEXT_HOP:
		return len == 16 && t->af == FR_AF_INET6 &&
		    !seen(s, F_IPV6_NEXT_HOP) ? TOP_NH6 : TOP_SKIP;
	}
	return TOP_SKIP;
}

/* The op for an integer-valued field of a data template. */
static int
op_data_int(const struct tmpl_seen *s, unsigned type)
{
	switch (type) {
	case F_IN_BYTES: case F_OUT_BYTES: case F_IN_PERM_BYTES:
	case F_FWD_DELTA_BYTES: case F_REV_DELTA_BYTES:
		return pick_counter(s, type, oct_pref, 5) ? TOP_OCTETS :
		    TOP_SKIP;
	case F_IN_PKTS: case F_OUT_PKTS: case F_IN_PERM_PKTS:
	case F_INIT_PKTS: case F_RESP_PKTS:
		return pick_counter(s, type, pkt_pref, 5) ? TOP_PACKETS :
		    TOP_SKIP;
	case F_PROTOCOL:	return TOP_PROTO;
	case F_TOS:		return TOP_TOS;
	case F_TCP_FLAGS:	return TOP_TCPFLAGS;
	case F_L4_SRC_PORT:	return TOP_SPORT;
	case F_L4_DST_PORT:	return TOP_DPORT;
	case F_ICMP_TYPE: case F_ICMP_TYPE_IPV6:
		return seen(s, F_L4_DST_PORT) ? TOP_SKIP : TOP_ICMP;
	case F_SRC_MASK: case F_IPV6_SRC_MASK:	return TOP_SMASK;
	case F_DST_MASK: case F_IPV6_DST_MASK:	return TOP_DMASK;
	case F_INPUT_SNMP:	return TOP_INIF;
	case F_OUTPUT_SNMP:	return TOP_OUTIF;
	case F_SRC_AS:		return TOP_SRCAS;
	case F_DST_AS:		return TOP_DSTAS;
	case F_IPV6_FLOW_LABEL:	return TOP_FLOWLABEL;
	case F_SAMPLING_INTERVAL: case F_SAMPLER_RANDOM_INTERVAL:
	case F_SAMPLING_PKT_INTERVAL:
		return TOP_SAMPLING;
	case F_SAMPLER_ID: case F_SELECTOR_ID:
		return TOP_SAMPLER_ID;
	}
	return TOP_SKIP;
}

static int
op_options(unsigned type, unsigned len)
{
	if (!is_int_len(len))
		return TOP_SKIP;
	switch (type) {
	case F_SAMPLER_ID: case F_SELECTOR_ID:
		return TOP_OPT_SAMPLER_ID;
	case F_SAMPLING_INTERVAL: case F_SAMPLER_RANDOM_INTERVAL:
	case F_SAMPLING_PKT_INTERVAL:
		return TOP_OPT_INTERVAL;
	}
	return TOP_SKIP;
}

static int
op_for(const struct tmpl *t, const struct tmpl_seen *s, unsigned i)
{
	unsigned type = t->fields[i].type, len = t->fields[i].len;
	int op;

	if (t->kind == TMPL_KIND_OPTIONS)
		return i < t->nscope ? TOP_SKIP : op_options(type, len);
	if ((op = op_addr(t, type, len, s)) != TOP_SKIP)
		return op;
	if (type == F_FIRST_SWITCHED || type == F_LAST_SWITCHED ||
	    (type >= F_FLOW_START_S && type <= F_FLOW_END_MS))
		return is_int_len(len) ? op_time(s, type, len) : TOP_SKIP;
	if (!is_int_len(len))
		return TOP_SKIP;
	return op_data_int(s, type);
}

static uint32_t
op_has(int op)
{
	switch (op) {
	case TOP_OCTETS:	return FR_HAS_OCTETS;
	case TOP_PACKETS:	return FR_HAS_PACKETS;
	case TOP_PROTO:		return FR_HAS_PROTO;
	case TOP_TOS:		return FR_HAS_TOS;
	case TOP_TCPFLAGS:	return FR_HAS_TCPFLAGS;
	case TOP_SPORT: case TOP_DPORT: case TOP_ICMP:
		return FR_HAS_PORTS;
	case TOP_SRC4: case TOP_SRC6:	return FR_HAS_SRCADDR;
	case TOP_DST4: case TOP_DST6:	return FR_HAS_DSTADDR;
	case TOP_NH4: case TOP_NH6:	return FR_HAS_NEXTHOP;
	case TOP_SMASK: case TOP_DMASK:	return FR_HAS_MASK;
	case TOP_INIF: case TOP_OUTIF:	return FR_HAS_IFINDEX;
	case TOP_SRCAS: case TOP_DSTAS:	return FR_HAS_AS;
	case TOP_FIRST_UP: case TOP_LAST_UP: case TOP_FIRST_MS:
	case TOP_LAST_MS: case TOP_FIRST_S: case TOP_LAST_S:
		return FR_HAS_TIMES;
	case TOP_FLOWLABEL:	return FR_HAS_FLOWLABEL;
	}
	return 0;
}

static void
tmpl_scan(struct tmpl *t, struct tmpl_seen *s)
{
	unsigned i, type, len;

	memset(s, 0, sizeof(*s));
	t->af = FR_AF_NONE;
	t->varlen = 0;
	for (i = 0; i < t->nfields; i++) {
		type = t->fields[i].type;
		len = t->fields[i].len;
		if (len == TMPL_VARLEN)
			t->varlen = 1;
		if (i < t->nscope && t->kind == TMPL_KIND_OPTIONS)
			continue;
		if (type < sizeof(s->have) && len != 0 && len != TMPL_VARLEN)
			s->have[type] = 1;
	}
	if ((seen(s, F_IPV4_SRC) || seen(s, F_IPV4_DST)))
		t->af = FR_AF_INET;
	else if (seen(s, F_IPV6_SRC) || seen(s, F_IPV6_DST))
		t->af = FR_AF_INET6;
}

int
tmpl_compile(struct tmpl *t)
{
	struct tmpl_seen s;
	uint32_t off = 0;
	unsigned i;
	int op, npk = 0, perfield;

	tmpl_scan(t, &s);
	perfield = t->varlen || t->kind == TMPL_KIND_OPTIONS;
	t->nsteps = 0;
	t->has = 0;
	t->uses_sampler = 0;
	for (i = 0; i < t->nfields; i++) {
		op = op_for(t, &s, i);
		if (op == TOP_PACKETS)
			npk++;
		if (op == TOP_SAMPLING || op == TOP_SAMPLER_ID ||
		    op >= TOP_OPT_SAMPLER_ID)
			t->uses_sampler = 1;
		t->has |= op_has(op);
		if (perfield) {
			t->steps[i].op = (uint8_t)op;
			t->steps[i].len = 0;
			t->steps[i].off = 0;
			if (t->fields[i].len != TMPL_VARLEN)
				off += t->fields[i].len;
			continue;
		}
		if (op != TOP_SKIP) {
			t->steps[t->nsteps].off = (uint16_t)off;
			t->steps[t->nsteps].len = (uint8_t)t->fields[i].len;
			t->steps[t->nsteps].op = (uint8_t)op;
			t->nsteps++;
		}
		off += t->fields[i].len;
	}
	if (perfield)
		t->nsteps = t->nfields;
	if (off > 65535)
		return -1;
	t->reclen = off;
	t->event = t->kind == TMPL_KIND_DATA && npk == 0;
	return 0;
}
