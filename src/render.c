/*
 * render.c - text, CSV and JSON tables (see render.h).
 */
#include <string.h>

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

static const struct render_ops ops[] = {
	{ "text", text_head, text_row, text_tail },
	{ "csv", csv_head, csv_row, csv_tail },
	{ "json", json_head, json_row, json_tail },
};

const struct render_ops *
render_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}
