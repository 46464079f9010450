/*
 * filter.h - the filter language (doc/filters.md): an expression in the
 * spirit of nfdump and tcpdump ("src net 10.0.0.0/8 and port 80"), or the
 * fields of FlowViewer's filter form, compiled once into a predicate over
 * struct flowrec.
 *
 * The compiled program is a flat array of typed nodes (n-ary and/or, not,
 * tests on one field) with long lists held as sets: address lists as
 * prefix tables searched longest prefix first, number lists as ranges.
 * filter_match() neither parses nor allocates.
 *
 * A test on a field the exporter did not send (FR_HAS_* clear in
 * flowrec.fields, or an address of the other family) is false; `not`
 * turns that into true, as plain boolean logic does.
 *
 * Limits: parentheses, `not` and saved-filter inclusions nest at most
 * FILTER_MAX_DEPTH deep; saved filters include each other at most
 * FILTER_MAX_NAMED deep; a saved filter file holds at most 64 KiB.
 */
#ifndef FLOWKEEP_FILTER_H
#define FLOWKEEP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"

#define FILTER_MAX_DEPTH	64
#define FILTER_MAX_NAMED	16

struct filter;

/*
 * Compile expr (NULL or blank = every flow).  named_dir holds saved
 * filters usable by name (NULL = none).  NULL on error with a message in
 * err that names the column: "column 17: expected a port number, got
 * \"htp\"".
 */
struct filter *filter_compile(const char *expr, const char *named_dir,
    char *err, size_t errlen);

/* 1 if r passes, else 0.  No allocation, no parsing. */
int filter_match(const struct filter *f, const struct flowrec *r);

void filter_free(struct filter *f);

/*
 * The fields the filter reads, as FR_HAS_* bits plus FILTER_USES_EXPORTER
 * (the exporter address has no bit): a reader that can leave fields out
 * (the column index) loads these.  0 for NULL or a filter of constants.
 */
#define FILTER_USES_EXPORTER	0x80000000u
uint32_t filter_uses(const struct filter *f);

/*
 * The canonical text of a compiled filter (saved filters expanded, numbers
 * in one spelling, lists sorted); it compiles back to the same program.
 * Returns the length of the whole text, like snprintf.
 */
size_t filter_format(const struct filter *f, char *buf, size_t len);

/* The canonical text, owned by f (valid until filter_free). */
const char *filter_text(const struct filter *f);

/* Write the compiled program (a FILE *), one node a line, for
 * `flowkeep filter --program`. */
void filter_dump(const struct filter *f, void *fp);

/*
 * FlowViewer's filter form: one string per form field, NULL or empty when
 * unset.  Each field is a comma-separated list; a leading `-` excludes an
 * entry; ports take `a:b` ranges; addresses take CIDR prefixes and the
 * longest matching prefix decides between includes and excludes.  Fields
 * are AND-ed.  `saved` names a saved filter that is AND-ed as well.
 */
struct filter_form {
	const char	*source_address;
	const char	*dest_address;
	const char	*source_port;
	const char	*dest_port;
	const char	*source_if;
	const char	*dest_if;
	const char	*source_as;
	const char	*dest_as;
	const char	*protocols;
	const char	*tos_fields;
	const char	*tcp_flags;
	const char	*nexthop_ip;
	const char	*exporter;
	const char	*saved;
};

/*
 * The expression equivalent to a form, in a malloc'ed string (caller
 * frees); NULL with a message naming the field in err: "source port:
 * \"htp\" is not a port".
 */
char *filter_form_expr(const struct filter_form *form, char *err,
    size_t errlen);

/* Compile a form: filter_form_expr() then filter_compile(). */
struct filter *filter_compile_form(const struct filter_form *form,
    const char *named_dir, char *err, size_t errlen);

/*
 * Set the form field called name (its FlowViewer form name, e.g.
 * "source_port", or "saved") to value; -1 if there is no such field.
 */
int filter_form_set(struct filter_form *form, const char *name,
    const char *value);

/*
 * What a filter pins, for the tracking index (src/trkindex.h): for each
 * kind of field, a set of values that every flow passing the filter has
 * in that field (a necessary condition, never a sufficient one).  "src
 * net A and dst port 80" pins the address (source side, A) and the port
 * (destination side, 80); "port 80 or port 443" pins the port (either
 * side, 80 and 443); an `or` pins a kind only if each branch does; `not`
 * and tests of other fields pin nothing.  A kind is pinned with an empty
 * set when no flow can pass.  Sets longer than FILTER_PIN_MAX entries are
 * dropped (the kind is then not pinned).  A pin is exact when the whole
 * filter is that condition: one test without excludes ("dst port 443",
 * "host 192.0.2.1", "in if [3, 4]"), or an `or` of such tests on the same
 * field and side.
 */
#define FILTER_PIN_MAX		4096

enum filter_pin_kind {
	FILTER_PIN_ADDR,	/* src/dst address: prefixes */
	FILTER_PIN_PORT,	/* src/dst port (ICMP: type << 8 | code) */
	FILTER_PIN_IF,		/* input (src side) / output interface */
	FILTER_PIN_PROTO,	/* IP protocol */
	FILTER_PIN_EXPORTER,	/* exporter address: prefixes */
	FILTER_PIN_KINDS
};

#define FILTER_PIN_SRC		1	/* the source side (in if) */
#define FILTER_PIN_DST		2	/* the destination side (out if) */

struct filter_pfx {
	uint8_t		af;		/* FR_AF_INET or FR_AF_INET6 */
	uint8_t		len;
	fr_addr		a;		/* host bits clear */
};

struct filter_range {
	uint32_t	lo, hi;		/* inclusive */
};

struct filter_pin {
	int			 pinned;
	int			 exact;	/* the filter passes exactly the flows
					 * that have the field and meet this */
	int			 side;	/* FILTER_PIN_SRC | FILTER_PIN_DST */
	size_t			 n;
	struct filter_pfx	*pfx;	/* ADDR, EXPORTER */
	struct filter_range	*rng;	/* PORT, IF, PROTO */
	/* at the root "and": 1 + the index of the term this pin came from,
	 * and whether that term passes exactly the flows the pin lets
	 * through (see filter_residual) */
	unsigned		 term;
	int			 term_exact;
};

struct filter_pins {
	struct filter_pin	 k[FILTER_PIN_KINDS];
};

/*
 * What is left of f to test for a flow already known to meet its pin of
 * the given kind (a tracking index candidate): f without the root "and"
 * term the pin came from, when that term is exactly the pin.  NULL when
 * nothing can be left out (use f itself) or memory is short.  Free with
 * filter_free.
 */
struct filter *filter_residual(const struct filter *f, int kind);

/*
 * A filter that is a test or an "and" of up to FILTER_CONJ_MAX tests of a
 * number field, their negations, or tests of one IPv4 address (a side
 * named, or the exporter), copied flat for a caller that runs it for many
 * flows (live trackings): filter_conj_match reads no pointer.  0, or -1
 * when f is not such a filter.
 */
#define FILTER_CONJ_MAX	4
struct filter_conj {
	unsigned	 n;
	struct {
		uint8_t	 neg;
		uint8_t	 node[47];	/* a compiled test (filter_int.h) */
	} t[FILTER_CONJ_MAX];
};
int filter_conj(const struct filter *f, struct filter_conj *out);
int filter_conj_match(const struct filter_conj *c, const struct flowrec *r);

/* Fill out (free with filter_pins_free); -1 when out of memory. */
int filter_pins(const struct filter *f, struct filter_pins *out);
void filter_pins_free(struct filter_pins *p);

#endif /* FLOWKEEP_FILTER_H */
