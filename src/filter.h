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

#endif /* FLOWKEEP_FILTER_H */
