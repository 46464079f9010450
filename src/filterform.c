/*
 * filterform.c - FlowViewer's filter form (see filter.h): each field's
 * comma list becomes one term of the expression language, so the form and
 * the expression compile to the same program.  A field with one included
 * entry becomes a plain test ("src port 80"); anything else becomes a list
 * ("src ip in [10.0.0.0/8, -10.1.2.3]"), whose sets give FlowViewer's
 * meaning: addresses by longest prefix, other fields "not excluded and,
 * if there are includes, included".
 *
 * Each entry is checked on its own (only word characters, then compiled
 * as a one-term expression), so an error names the field and the entry.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#define FORM_MAX_ENTRY	128

enum { K_ADDR, K_RANGE, K_NUM, K_NAME };

static const struct formfield {
	const char	*name;		/* FlowViewer's form name */
	size_t		 off;
	const char	*label;		/* for messages */
	const char	*kw;		/* expression keyword */
	int		 kind;
	const char	*what;		/* "is not a port" */
} formfields[] = {
	{ "source_address", offsetof(struct filter_form, source_address),
	    "source address", "src ip", K_ADDR, "an address or prefix" },
	{ "dest_address", offsetof(struct filter_form, dest_address),
	    "dest address", "dst ip", K_ADDR, "an address or prefix" },
	{ "source_port", offsetof(struct filter_form, source_port),
	    "source port", "src port", K_RANGE, "a port" },
	{ "dest_port", offsetof(struct filter_form, dest_port),
	    "dest port", "dst port", K_RANGE, "a port" },
	{ "source_if", offsetof(struct filter_form, source_if),
	    "source interface", "in if", K_RANGE, "an interface index" },
	{ "dest_if", offsetof(struct filter_form, dest_if),
	    "dest interface", "out if", K_RANGE, "an interface index" },
	{ "source_as", offsetof(struct filter_form, source_as),
	    "source AS", "src as", K_NUM, "an AS number" },
	{ "dest_as", offsetof(struct filter_form, dest_as),
	    "dest AS", "dst as", K_NUM, "an AS number" },
	{ "protocols", offsetof(struct filter_form, protocols),
	    "protocol", "proto", K_NUM, "a protocol" },
	{ "tos_fields", offsetof(struct filter_form, tos_fields),
	    "TOS field", "tos", K_NUM, "a TOS value or value/mask" },
	{ "tcp_flags", offsetof(struct filter_form, tcp_flags),
	    "TCP flags", "flags", K_NUM, "a TCP flags value or value/mask" },
	{ "nexthop_ip", offsetof(struct filter_form, nexthop_ip),
	    "next hop", "nexthop", K_ADDR, "an address or prefix" },
	{ "exporter", offsetof(struct filter_form, exporter),
	    "exporter", "exporter", K_ADDR, "an address or prefix" },
	{ "saved", offsetof(struct filter_form, saved),
	    "saved filter", "@", K_NAME, "a saved filter name" },
};

#define NFORMFIELDS	(sizeof(formfields) / sizeof(formfields[0]))

static const char *
field_value(const struct filter_form *form, const struct formfield *ff)
{
	return *(const char *const *)(const void *)((const char *)form +
	    ff->off);
}

int
filter_form_set(struct filter_form *form, const char *name,
    const char *value)
{
	for (size_t i = 0; i < NFORMFIELDS; i++)
		if (strcmp(formfields[i].name, name) == 0) {
			*(const char **)(void *)((char *)form +
			    formfields[i].off) = value;
			return 0;
		}
	return -1;
}

struct strbuf {
	char	*s;
	size_t	 len, cap;
};

static int
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = (b->len + n + 1) * 2;
		char *p = realloc(b->s, nc);

		if (p == NULL)
			return -1;
		b->s = p;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int
sb_str(struct strbuf *b, const char *s)
{
	return sb_add(b, s, strlen(s));
}

/*
 * Check one entry (without its "-") and write its expression spelling
 * into out.  0 ok, -1 with a message.
 */
static int
check_entry(const struct formfield *ff, const char *e, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char probe[FORM_MAX_ENTRY + 32], perr[256];
	struct filter *f;
	size_t len = strlen(e);

	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)e[i]) && strchr("./:_-", e[i]) ==
		    NULL)
			goto bad;
	if (len >= outlen || len > FORM_MAX_ENTRY)
		goto bad;
	memcpy(out, e, len + 1);
	if (ff->kind == K_RANGE) {
		char *c = strchr(out, ':');

		if (c != NULL && strchr(out, '-') == NULL)
			*c = '-';	/* FlowViewer's a:b range */
	}
	snprintf(probe, sizeof(probe), "%s %s", ff->kw, out);
	if ((f = filter_compile(probe, NULL, perr, sizeof(perr))) != NULL) {
		filter_free(f);
		return 0;
	}
	if (strstr(perr, "backwards") != NULL) {
		snprintf(err, errlen, "%s: range %s is backwards", ff->label,
		    e);
		return -1;
	}
	if (strstr(perr, "out of range") != NULL) {
		snprintf(err, errlen, "%s: \"%s\" is out of range", ff->label,
		    e);
		return -1;
	}
bad:
	snprintf(err, errlen, "%s: \"%.*s\" is not %s", ff->label,
	    len > 40 ? 40 : (int)len, e, ff->what);
	return -1;
}

/* The entries of one field: whitespace dropped, split at commas. */
static int
field_expr(const struct formfield *ff, const char *v, struct strbuf *b,
    char *err, size_t errlen)
{
	struct strbuf items = { NULL, 0, 0 };
	char ent[FORM_MAX_ENTRY + 2], spell[FORM_MAX_ENTRY + 2];
	size_t n = 0, nincl = 0, el = 0;
	int rc = 0;

	for (const char *c = v; rc == 0; c++) {
		if (*c != ',' && *c != '\0') {
			if (!isspace((unsigned char)*c) && el < sizeof(ent) - 1)
				ent[el++] = *c;
			continue;
		}
		ent[el] = '\0';
		if (el > 0 && !(ff->kind == K_ADDR && ent[0] == '/')) {
			int excl = ent[0] == '-' && el > 1;

			if ((rc = check_entry(ff, ent + excl, spell,
			    sizeof(spell), err, errlen)) == 0) {
				rc = sb_str(&items, n > 0 ? ", " : "") |
				    sb_str(&items, excl ? "-" : "") |
				    sb_str(&items, spell);
				n++;
				nincl += !excl;
			}
		}
		el = 0;
		if (*c == '\0')
			break;
	}
	if (rc == 0 && n > 0) {
		rc = sb_str(b, b->len > 0 ? " and " : "");
		if (n == 1 && nincl == 1)
			rc |= sb_str(b, ff->kw) | sb_str(b, " ") |
			    sb_str(b, items.s);
		else
			rc |= sb_str(b, ff->kw) | sb_str(b, " in [") |
			    sb_str(b, items.s) | sb_str(b, "]");
		if (rc != 0)
			snprintf(err, errlen, "out of memory");
	}
	free(items.s);
	return rc == 0 ? 0 : -1;
}

static int
saved_expr(const char *v, struct strbuf *b, char *err, size_t errlen)
{
	size_t len = strlen(v);

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && strchr("._-", v[i]) ==
		    NULL) {
			snprintf(err, errlen, "saved filter: \"%.*s\" is not "
			    "a saved filter name", len > 40 ? 40 : (int)len,
			    v);
			return -1;
		}
	if (sb_str(b, b->len > 0 ? " and @" : "@") || sb_str(b, v)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

char *
filter_form_expr(const struct filter_form *form, char *err, size_t errlen)
{
	struct strbuf b = { NULL, 0, 0 };

	if (sb_str(&b, "") == -1) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < NFORMFIELDS; i++) {
		const struct formfield *ff = &formfields[i];
		const char *v = field_value(form, ff);
		int rc;

		if (v == NULL)
			continue;
		if (ff->kind == K_NAME)
			rc = saved_expr(v, &b, err, errlen);
		else
			rc = field_expr(ff, v, &b, err, errlen);
		if (rc == -1) {
			free(b.s);
			return NULL;
		}
	}
	return b.s;
}

struct filter *
filter_compile_form(const struct filter_form *form, const char *named_dir,
    char *err, size_t errlen)
{
	struct filter *f;
	char *expr, msg[512];

	if ((expr = filter_form_expr(form, err, errlen)) == NULL)
		return NULL;
	if ((f = filter_compile(expr, named_dir, msg, sizeof(msg))) == NULL)
		snprintf(err, errlen, "saved filter: %s", msg);
	free(expr);
	return f;
}
