/*
 * render.h - output formats of the report tables behind one vtable
 * { head, row, tail }: a text table for people, CSV (a header line, then
 * one line a row) and JSON (an object with the title and an array of row
 * objects).  The caller formats the cells; a renderer only lays them out,
 * so the formats cannot drift apart.
 *
 * Limits: RENDER_MAXCOLS columns.  Text column widths must be known before
 * the head (render_fit() over the rows).
 */
#ifndef FLOWKEEP_RENDER_H
#define FLOWKEEP_RENDER_H

#include <stdio.h>

#define RENDER_MAXCOLS	16

struct render_col {
	const char	*name;		/* heading (CSV/JSON: the key) */
	int		 number;	/* right-aligned; a JSON number */
	int		 text_only;	/* left out of CSV and JSON */
	int		 data_only;	/* left out of the text table */
	unsigned	 width;		/* text width (render_fit) */
};

struct render_table {
	FILE		*fp;
	const char	*title;		/* text and JSON; NULL = none */
	unsigned	 ncols;
	struct render_col cols[RENDER_MAXCOLS];
	unsigned long	 nrows;		/* rows written so far */
};

struct render_ops {
	const char	*name;
	void		(*head)(struct render_table *t);
	void		(*row)(struct render_table *t, const char *const *cells);
	void		(*tail)(struct render_table *t, const char *note);
};

/* "text", "csv" or "json"; NULL if unknown. */
const struct render_ops *render_find(const char *name);

/* Widen the text columns to fit a row (call for every row, then head). */
void render_fit(struct render_table *t, const char *const *cells);

#endif /* FLOWKEEP_RENDER_H */
