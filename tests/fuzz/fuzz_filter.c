/*
 * fuzz_filter.c - compile random text as a filter expression (first byte
 * even) or as FlowViewer form fields (odd: one field a line, in
 * struct filter_form's order), then match it against fixed records.  A
 * filter that compiles must print a canonical text that compiles to the
 * same text and passes the same records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/filter.h"

static const char *const formnames[] = { "source_address", "dest_address",
    "source_port", "dest_port", "source_if", "dest_if", "source_as",
    "dest_as", "protocols", "tos_fields", "tcp_flags", "nexthop_ip",
    "exporter", "saved" };

static struct flowrec recs[3];

static void
make_records(void)
{
	memset(recs, 0, sizeof(recs));
	recs[0].af = recs[0].exp_af = FR_AF_INET;
	recs[0].src.v4 = 0x0a010203;
	recs[0].dst.v4 = 0xc0a8010a;
	recs[0].exporter.v4 = 0xac100001;
	recs[0].sport = 40000;
	recs[0].dport = 80;
	recs[0].proto = 6;
	recs[0].tcp_flags = 0x12;
	recs[0].packets = 10;
	recs[0].octets = 5000;
	recs[0].last_ms = 2000;
	recs[0].fields = 0x0000ffffu;
	recs[1] = recs[0];
	recs[1].af = FR_AF_INET6;
	recs[1].src.v6[0] = 0x20;
	recs[1].src.v6[1] = 0x01;
	recs[1].dst.v6[15] = 1;
	recs[1].octets = UINT64_MAX;
	recs[1].last_ms = 0;
	/* recs[2]: nothing sent */
}

static unsigned
matches(const struct filter *f)
{
	unsigned m = 0;

	for (unsigned i = 0; i < 3; i++)
		m |= (unsigned)filter_match(f, &recs[i]) << i;
	return m;
}

static struct filter *
compile_form(char *text)
{
	struct filter_form form;
	char err[256], *line = text;
	size_t i = 0;

	memset(&form, 0, sizeof(form));
	while (line != NULL && i < sizeof(formnames) / sizeof(formnames[0])) {
		char *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl++ = '\0';
		filter_form_set(&form, formnames[i++], line);
		line = nl;
	}
	return filter_compile_form(&form, NULL, err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter *f, *g;
	char err[256], *text;

	if (size < 1 || size > 16384)
		return 0;
	if (recs[0].af == 0)
		make_records();
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		f = compile_form(text);
	else
		f = filter_compile(text, NULL, err, sizeof(err));
	free(text);
	if (f == NULL)
		return 0;
	if ((g = filter_compile(filter_text(f), NULL, err,
	    sizeof(err))) == NULL || strcmp(filter_text(f),
	    filter_text(g)) != 0 || matches(f) != matches(g)) {
		fprintf(stderr, "canonical text \"%s\" does not compile back "
		    "the same: %s\n", filter_text(f), g != NULL ?
		    filter_text(g) : err);
		abort();
	}
	filter_free(g);
	filter_free(f);
	return 0;
}
