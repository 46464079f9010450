/*
 * promtext.c - Prometheus text format lines (see promtext.h).
 */
#include <inttypes.h>
#include <stdio.h>

#include "promtext.h"

static void
esc(FILE *fp, const char *s, int quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (*s == '"' && quote)
			fputs("\\\"", fp);
		else
			fputc(*s, fp);
	}
}

void
prom_family(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s ", name);
	esc(fp, help, 0);
	fprintf(fp, "\n# TYPE %s %s\n", name, type);
}

void
prom_label_value(FILE *fp, const char *s)
{
	fputc('"', fp);
	esc(fp, s, 1);
	fputc('"', fp);
}

void
prom_sample(FILE *fp, const char *name, const char *const *kv,
    unsigned nlabels, uint64_t value)
{
	unsigned i;

	fputs(name, fp);
	for (i = 0; i < nlabels; i++) {
		fprintf(fp, "%s%s=", i ? "," : "{", kv[2 * i]);
		prom_label_value(fp, kv[2 * i + 1]);
	}
	fprintf(fp, "%s %" PRIu64 "\n", nlabels ? "}" : "", value);
}
