/*
 * render.h - output formats of the report tables behind one vtable
 * { head, row, tail }: a text table for people, CSV (a header line, then
 * one line a row), JSON (an object with the title and an array of row
 * objects) and HTML (a table for the web pages; every cell escaped).  The
 * caller formats the cells; a renderer only lays them out, so the formats
 * cannot drift apart.
 *
 * HTML shows the columns the text table shows.  When the table carries
 * links (render_table.href), a heading with a sort name links to the same
 * page sorted by it, and a cell of a column with a filter keyword links to
 * the same page with "KEYWORD VALUE" and-ed to the filter expression
 * (drill-down).
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
	/* HTML only */
	const char	*sort;		/* sort= value of the heading's link */
	const char	*filter_kw;	/* drill-down keyword ("src ip") */
	unsigned	 raw;		/* 1 + index of the column holding
					 * this cell's plain value (links,
					 * sorting), 0 = this column */
};

struct render_table {
	FILE		*fp;
	const char	*title;		/* text and JSON; NULL = none */
	unsigned	 ncols;
	struct render_col cols[RENDER_MAXCOLS];
	unsigned long	 nrows;		/* rows written so far */
	/* HTML links, NULL = none: the page's URL with its query string
	 * up to (not including) the sort and filter parameters, which are
	 * appended as "&sort=..." and "&expr=..." */
	const char	*href;
	const char	*expr;		/* the current filter expression */
	const char	*cur_sort;	/* the current sort name */
	int		 cur_asc;	/* ... ascending */
};

struct render_ops {
	const char	*name;
	void		(*head)(struct render_table *t);
	void		(*row)(struct render_table *t, const char *const *cells);
	void		(*tail)(struct render_table *t, const char *note);
};

/* "text", "csv", "json" or "html"; NULL if unknown. */
const struct render_ops *render_find(const char *name);

/* Widen the text columns to fit a row (call for every row, then head). */
void render_fit(struct render_table *t, const char *const *cells);

#endif /* FLOWKEEP_RENDER_H */
