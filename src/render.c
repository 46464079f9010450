/*
 * render.c - text, CSV, JSON and HTML tables (see render.h).
 */
#include <string.h>

#include "htmlesc.h"
#include "render.h"

void
render_fit(struct render_table *t, const char *const *cells)
{
	for (unsigned i = 0; i < t->ncols; i++) {
		size_t n = strlen(t->cols[i].name);
		size_t c = cells != NULL ? strlen(cells[i]) : 0;

		if (c > n)
			n = c;
		if (n > t->cols[i].width)
			t->cols[i].width = (unsigned)n;
	}
}

/* ---------------------------------------------------------------- text */

static void
text_cells(struct render_table *t, const char *const *cells)
{
	int first = 1;

	for (unsigned i = 0; i < t->ncols; i++) {
		const struct render_col *c = &t->cols[i];
		int w = (int)c->width;

		if (c->data_only)
			continue;
		if (!first)
			fputs("  ", t->fp);
		if (c->number)
			fprintf(t->fp, "%*s", w, cells[i]);
		else if (i + 1 == t->ncols)
			fputs(cells[i], t->fp);
		else
			fprintf(t->fp, "%-*s", w, cells[i]);
		first = 0;
	}
	fputc('\n', t->fp);
}

static void
text_head(struct render_table *t)
{
	const char *names[RENDER_MAXCOLS];

	if (t->title != NULL)
		fprintf(t->fp, "%s\n\n", t->title);
	for (unsigned i = 0; i < t->ncols; i++)
		names[i] = t->cols[i].name;
	text_cells(t, names);
}

static void
text_row(struct render_table *t, const char *const *cells)
{
	text_cells(t, cells);
	t->nrows++;
}

static void
text_tail(struct render_table *t, const char *note)
{
	if (note != NULL && *note != '\0')
		fprintf(t->fp, "\n%s\n", note);
}

/* ---------------------------------------------------------------- CSV */

static void
csv_cell(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
csv_cells(struct render_table *t, const char *const *cells)
{
	int first = 1;

	for (unsigned i = 0; i < t->ncols; i++) {
		if (t->cols[i].text_only)
			continue;
		if (!first)
			fputc(',', t->fp);
		csv_cell(t->fp, cells[i]);
		first = 0;
	}
	fputc('\n', t->fp);
}

static void
csv_head(struct render_table *t)
{
	const char *names[RENDER_MAXCOLS];

	for (unsigned i = 0; i < t->ncols; i++)
		names[i] = t->cols[i].name;
	csv_cells(t, names);
}

static void
csv_row(struct render_table *t, const char *const *cells)
{
	csv_cells(t, cells);
	t->nrows++;
}

static void
csv_tail(struct render_table *t, const char *note)
{
	(void)t;
	(void)note;
}

/* ---------------------------------------------------------------- JSON */

static void
json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static void
json_head(struct render_table *t)
{
	fputs("{", t->fp);
	if (t->title != NULL) {
		fputs("\"report\": ", t->fp);
		json_str(t->fp, t->title);
		fputs(", ", t->fp);
	}
	fputs("\"rows\": [", t->fp);
}

static void
json_row(struct render_table *t, const char *const *cells)
{
	int first = 1;

	fputs(t->nrows ? ",\n  {" : "\n  {", t->fp);
	for (unsigned i = 0; i < t->ncols; i++) {
		const struct render_col *c = &t->cols[i];

		if (c->text_only)
			continue;
		if (!first)
			fputs(", ", t->fp);
		json_str(t->fp, c->name);
		fputs(": ", t->fp);
		if (c->number && cells[i][0] != '\0')
			fputs(cells[i], t->fp);
		else if (c->number)
			fputs("null", t->fp);
		else
			json_str(t->fp, cells[i]);
		first = 0;
	}
	fputc('}', t->fp);
	t->nrows++;
}

static void
json_tail(struct render_table *t, const char *note)
{
	fputs(t->nrows ? "\n]" : "]", t->fp);
	if (note != NULL && *note != '\0') {
		fputs(", \"note\": ", t->fp);
		json_str(t->fp, note);
	}
	fputs("}\n", t->fp);
}

/* ---------------------------------------------------------------- HTML */

/* "&expr=..." of the current filter expression, if any. */
static void
html_expr(struct render_table *t)
{
	if (t->expr == NULL || *t->expr == '\0')
		return;
	fputs("&amp;expr=", t->fp);
	htmlesc_url(t->fp, t->expr);
}

static void
html_sort_link(struct render_table *t, const struct render_col *c)
{
	int cur = t->cur_sort != NULL && strcmp(t->cur_sort, c->sort) == 0;
	int asc = cur ? !t->cur_asc : !c->number;

	fputs("<a href=\"", t->fp);
	htmlesc_text(t->fp, t->href);
	html_expr(t);
	fputs("&amp;sort=", t->fp);
	htmlesc_url(t->fp, c->sort);
	fputs(asc ? "&amp;order=asc\">" : "&amp;order=desc\">", t->fp);
	htmlesc_text(t->fp, c->name);
	if (cur)
		fputs(t->cur_asc ? " &#9650;" : " &#9660;", t->fp);
	fputs("</a>", t->fp);
}

static void
html_head(struct render_table *t)
{
	fputs("<table class=\"rpt\">\n", t->fp);
	if (t->title != NULL) {
		fputs("<caption>", t->fp);
		htmlesc_text(t->fp, t->title);
		fputs("</caption>\n", t->fp);
	}
	fputs("<thead><tr>", t->fp);
	for (unsigned i = 0; i < t->ncols; i++) {
		const struct render_col *c = &t->cols[i];

		if (c->data_only)
			continue;
		fputs(c->number ? "<th class=\"num\">" : "<th>", t->fp);
		if (t->href != NULL && c->sort != NULL)
			html_sort_link(t, c);
		else
			htmlesc_text(t->fp, c->name);
		fputs("</th>", t->fp);
	}
	fputs("</tr></thead>\n<tbody>\n", t->fp);
}

/* A link to the page with "kw value" and-ed to the filter. */
static void
html_drill(struct render_table *t, const char *kw, const char *value,
    const char *text)
{
	fputs("<a href=\"", t->fp);
	htmlesc_text(t->fp, t->href);
	if (t->cur_sort != NULL) {
		fputs("&amp;sort=", t->fp);
		htmlesc_url(t->fp, t->cur_sort);
		fputs(t->cur_asc ? "&amp;order=asc" : "&amp;order=desc", t->fp);
	}
	fputs("&amp;expr=", t->fp);
	if (t->expr != NULL && *t->expr != '\0') {
		fputs("%28", t->fp);
		htmlesc_url(t->fp, t->expr);
		fputs("%29%20and%20", t->fp);
	}
	htmlesc_url(t->fp, kw);
	fputs("%20", t->fp);
	htmlesc_url(t->fp, value);
	fputs("\" title=\"add to the filter\">", t->fp);
	htmlesc_text(t->fp, text);
	fputs("</a>", t->fp);
}

static void
html_row(struct render_table *t, const char *const *cells)
{
	fputs("<tr>", t->fp);
	for (unsigned i = 0; i < t->ncols; i++) {
		const struct render_col *c = &t->cols[i];
		const char *raw = c->raw > 0 && c->raw <= t->ncols ?
		    cells[c->raw - 1] : cells[i];

		if (c->data_only)
			continue;
		fputs(c->number ? "<td class=\"num\"" : "<td", t->fp);
		if (raw != cells[i]) {
			fputs(" data-v=\"", t->fp);
			htmlesc_text(t->fp, raw);
			fputc('"', t->fp);
		}
		fputc('>', t->fp);
		if (t->href != NULL && c->filter_kw != NULL && *raw != '\0')
			html_drill(t, c->filter_kw, raw, cells[i]);
		else
			htmlesc_text(t->fp, cells[i]);
		fputs("</td>", t->fp);
	}
	fputs("</tr>\n", t->fp);
	t->nrows++;
}

static void
html_tail(struct render_table *t, const char *note)
{
	fputs("</tbody></table>\n", t->fp);
	if (note != NULL && *note != '\0') {
		fputs("<p class=\"note\">", t->fp);
		htmlesc_text(t->fp, note);
		fputs("</p>\n", t->fp);
	}
}

static const struct render_ops ops[] = {
	{ "text", text_head, text_row, text_tail },
	{ "csv", csv_head, csv_row, csv_tail },
	{ "json", json_head, json_row, json_tail },
	{ "html", html_head, html_row, html_tail },
};

const struct render_ops *
render_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}
