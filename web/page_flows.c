/*
 * page_flows.c - the flow listing of the Reports page (type=flows): the
 * selected flows one per row, in file order, at most `lines` of them,
 * as an HTML table, CSV or JSON.  The columns are those of flow-print's
 * wide formats (start, end, exporter, addresses, ports, protocol, flags,
 * ToS, interfaces, AS numbers, packets, octets).  When more flows match
 * than `lines`, the listing stops there and says so (HTML: a note above
 * the table; CSV/JSON: nothing more is read).
 */
#define _GNU_SOURCE	/* open_memstream */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pages.h"
#include "src/filter.h"
#include "src/htmlesc.h"
#include "src/util.h"
#include "websel.h"

enum fmt { F_HTML, F_CSV, F_JSON };

static const char *const heads[] = { "start", "end", "exporter",
    "src_ip", "src_port", "dst_ip", "dst_port", "proto", "tcp_flags", "tos",
    "in_if", "out_if", "src_as", "dst_as", "packets", "octets", NULL };

static void
put_time(FILE *fp, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char b[32];

	if (gmtime_r(&t, &tm) == NULL || strftime(b, sizeof(b),
	    "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(b, sizeof(b), "@%" PRIu64, ms / 1000);
	fprintf(fp, "%s.%03uZ", b, (unsigned)(ms % 1000));
}

/* Cell i of flow r, unescaped (addresses and numbers only). */
static void
cell(FILE *fp, const struct flowrec *r, unsigned i)
{
	char a[64];

	switch (i) {
	case 0: put_time(fp, r->first_ms); break;
	case 1: put_time(fp, r->last_ms); break;
	case 2: fputs(util_addr_str(r->exp_af, &r->exporter, a, sizeof(a)),
	    fp); break;
	case 3: fputs(util_addr_str(r->af, &r->src, a, sizeof(a)), fp); break;
	case 4: fprintf(fp, "%u", r->sport); break;
	case 5: fputs(util_addr_str(r->af, &r->dst, a, sizeof(a)), fp); break;
	case 6: fprintf(fp, "%u", r->dport); break;
	case 7: fprintf(fp, "%u", r->proto); break;
	case 8: fprintf(fp, "0x%02x", r->tcp_flags); break;
	case 9: fprintf(fp, "0x%02x", r->tos); break;
	case 10: fprintf(fp, "%" PRIu32, r->in_if); break;
	case 11: fprintf(fp, "%" PRIu32, r->out_if); break;
	case 12: fprintf(fp, "%" PRIu32, r->src_as); break;
	case 13: fprintf(fp, "%" PRIu32, r->dst_as); break;
	case 14: fprintf(fp, "%" PRIu64, r->packets); break;
	default: fprintf(fp, "%" PRIu64, r->octets); break;
	}
}

static void
row(FILE *fp, const struct flowrec *r, enum fmt f, uint64_t n)
{
	fputs(f == F_HTML ? "<tr>" : f == F_JSON ? (n > 0 ? ",\n{" : "{") :
	    "", fp);
	for (unsigned i = 0; heads[i] != NULL; i++) {
		if (f == F_HTML)
			fputs(i >= 10 || i == 4 || i == 6 || i == 7 ?
			    "<td class=\"num\">" :
			    "<td>", fp);
		else if (f == F_JSON)
			fprintf(fp, "%s\"%s\": %s", i ? ", " : "", heads[i],
			    i == 4 || i == 6 || i == 7 || i >= 10 ? "" : "\"");
		else if (i > 0)
			fputc(',', fp);
		cell(fp, r, i);
		if (f == F_HTML)
			fputs("</td>", fp);
		else if (f == F_JSON && !(i == 4 || i == 6 || i == 7 ||
		    i >= 10))
			fputc('"', fp);
	}
	fputs(f == F_HTML ? "</tr>\n" : f == F_JSON ? "}" : "\n", fp);
}

static void
title(FILE *fp, enum fmt f)
{
	if (f == F_JSON) {
		fputs("{\"report\": \"flows\", \"rows\": [\n", fp);
		return;
	}
	fputs(f == F_HTML ? "<table class=\"rpt\" id=\"flows\"><thead><tr>" :
	    "", fp);
	for (unsigned i = 0; heads[i] != NULL; i++)
		fprintf(fp, f == F_HTML ? "<th>%s</th>" : "%s%s", f == F_HTML ?
		    heads[i] : i ? "," : "", heads[i]);
	fputs(f == F_HTML ? "</tr></thead><tbody>\n" : "\n", fp);
}

/* Write up to limit flows of the selection; the number written, and
 * *more set when another one matched. */
static uint64_t
list(FILE *fp, struct src *s, const struct filter *flt, uint64_t limit,
    enum fmt f, int *more)
{
	struct flowrec r;
	uint64_t n = 0;

	*more = 0;
	while (src_next(s, &r) == 1) {
		if (flt != NULL && !filter_match(flt, &r))
			continue;
		if (n == limit) {
			*more = 1;
			break;
		}
		row(fp, &r, f, n++);
	}
	return n;
}

int
page_flows_list(FILE *fp, struct websel *ws, uint64_t limit,
    const char *output)
{
	enum fmt f = output == NULL || strcmp(output, "html") == 0 ? F_HTML :
	    strcmp(output, "csv") == 0 ? F_CSV : F_JSON;
	char *body = NULL;
	size_t len = 0;
	FILE *tmp;
	struct src *s;
	uint64_t n;
	int more;

	if ((s = websel_open(ws)) == NULL)
		return -1;
	if (f != F_HTML) {
		title(fp, f);
		n = list(fp, s, ws->cs.filter, limit, f, &more);
		if (f == F_JSON)
			fprintf(fp, "\n], \"truncated\": %s}\n", more ? "true" :
			    "false");
		src_close(s);
		return 0;
	}
	/* HTML: the note on a cut comes before the table */
	if ((tmp = open_memstream(&body, &len)) == NULL) {
		src_close(s);
		return -1;
	}
	n = list(tmp, s, ws->cs.filter, limit, f, &more);
	fclose(tmp);
	src_close(s);
	if (more)
		fprintf(fp, "<p class=\"warn\" id=\"cut\">Only the first %"
		    PRIu64 " flows are shown: more match.  Narrow the filter "
		    "or the window, or raise Cutoff lines.</p>\n", n);
	else
		fprintf(fp, "<p class=\"note\">%" PRIu64 " flows.</p>\n", n);
	title(fp, f);
	fwrite(body, 1, len, fp);
	fputs("</tbody></table>\n", fp);
	free(body);
	return 0;
}
