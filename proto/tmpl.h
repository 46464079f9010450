/*
 * tmpl.h - NetFlow v9 template cache and compiled field programs.
 *
 * One cache belongs to one exporter, so a template is found by (exporter,
 * source_id, template_id).  A cache holds at most `max` templates; adding
 * one more evicts the least recently used and counts it.  Redefining an ID
 * (also switching between data and options kind) replaces the old entry.
 *
 * When a template is added it is compiled into a field program: for every
 * field we use, its offset in the record, its length and the flowrec member
 * it fills (see enum tmpl_op).  Which counter or time field feeds octets,
 * packets, first and last is decided here, once per template, so that the
 * per-record loop in nf9.c only walks the program.  Templates with a
 * variable-length field (length 65535) have no fixed offsets; their records
 * are walked field by field (tmpl_t.varlen).
 *
 * This module does no I/O and allocates only when a template is added.
 */
#ifndef FLOWKEEP_TMPL_H
#define FLOWKEEP_TMPL_H

#include <stddef.h>
#include <stdint.h>

#define TMPL_VARLEN		65535	/* variable-length field marker */
#define TMPL_KIND_DATA		0
#define TMPL_KIND_OPTIONS	1

/* What a field of a record does (the target of a program step). */
enum tmpl_op {
	TOP_SKIP = 0,
	TOP_OCTETS, TOP_OCTETS_ADD, TOP_PACKETS, TOP_PACKETS_ADD,
	TOP_PROTO, TOP_TOS, TOP_TCPFLAGS, TOP_SPORT, TOP_DPORT, TOP_ICMP,
	TOP_SRC4, TOP_DST4, TOP_NH4, TOP_SRC6, TOP_DST6, TOP_NH6,
	TOP_SMASK, TOP_DMASK, TOP_INIF, TOP_OUTIF, TOP_SRCAS, TOP_DSTAS,
	TOP_FIRST_UP, TOP_LAST_UP, TOP_FIRST_MS, TOP_LAST_MS,
	TOP_FIRST_S, TOP_LAST_S, TOP_FLOWLABEL,
	TOP_SAMPLING, TOP_SAMPLER_ID,
	/* options records only */
	TOP_OPT_SAMPLER_ID, TOP_OPT_INTERVAL
};

struct tmpl_field {
	uint16_t	type;
	uint16_t	len;
};

struct tmpl_step {
	uint16_t	off;		/* offset in the record (fixed layout) */
	uint8_t		len;
	uint8_t		op;		/* enum tmpl_op */
};

struct tmpl {
	uint32_t	 source_id;
	uint16_t	 id;
	uint8_t		 kind;		/* TMPL_KIND_* */
	uint8_t		 varlen;	/* has a 65535-length field */
	uint16_t	 nscope;	/* options: leading scope fields */
	uint16_t	 nfields;
	uint32_t	 reclen;	/* fixed record length (min if varlen) */
	uint32_t	 has;		/* FR_HAS_* bits the program sets */
	int		 af;		/* FR_AF_* of the addresses, or 0 */
	uint16_t	 nsteps;
	uint8_t		 event;		/* no packet counter: FR_IS_EVENT */
	uint8_t		 uses_sampler;	/* carries sampler id or interval */
	uint64_t	 used;		/* LRU tick */
	struct tmpl_field *fields;
	struct tmpl_step *steps;	/* fixed-layout data: the used
					 * fields; varlen or options: one
					 * per field (steps[i].op only) */
	struct tmpl	*hnext;
};

struct tmpl_cache;

/* A cache holding at most max templates of at most max_fields fields. */
struct tmpl_cache *tmpl_cache_new(unsigned max, unsigned max_fields);
void tmpl_cache_free(struct tmpl_cache *tc);

/* Find a template; marks it used.  NULL when unknown. */
struct tmpl *tmpl_find(struct tmpl_cache *tc, uint32_t source_id,
    uint16_t id);

/*
 * Add or replace a template from its field list (nscope scope fields first
 * for options).  Returns the entry, or NULL when the definition is refused
 * (too many fields, no memory); a refused definition also removes any old
 * one of that ID.  *evicted is set to 1 when an LRU entry had to go.
 */
struct tmpl *tmpl_add(struct tmpl_cache *tc, uint32_t source_id, uint16_t id,
    int kind, const struct tmpl_field *fields, unsigned nfields,
    unsigned nscope, int *evicted);

/* Remove a template; returns 1 if it existed. */
int tmpl_remove(struct tmpl_cache *tc, uint32_t source_id, uint16_t id);

/* Number of templates held, and the i-th (in no particular order). */
unsigned tmpl_count(const struct tmpl_cache *tc);
const struct tmpl *tmpl_get(const struct tmpl_cache *tc, unsigned i);

/* Compile a template's program (done by tmpl_add; exposed for tests). */
int tmpl_compile(struct tmpl *t);

#endif /* FLOWKEEP_TMPL_H */
