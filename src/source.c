/*
 * source.c - the flows of a selection (see source.h).
 *
 * FIRST VERSION: explicit files only, read one after the other, no time
 * window.  To be replaced by the full selection (directories, time range,
 * layouts, parallel readers).
 */
#define _GNU_SOURCE	/* strdup */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/ftreader.h"

#include "source.h"

#define SRC_BATCH	256

struct src {
	struct src_opts	 o;
	char		**paths;
	unsigned	 npaths, next;
	struct ftr	*cur;
	unsigned	 files, failed;
	struct flowrec	 batch[SRC_BATCH];
};

static void
src_warn(struct src *s, const char *msg)
{
	if (s->o.warn != NULL)
		s->o.warn(s->o.warn_arg, msg);
	else
		fprintf(stderr, "flowkeep: %s\n", msg);
}

struct src *
src_open(const char *const *paths, unsigned npaths, const struct src_opts *o,
    char *err, size_t errlen)
{
	struct src *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->paths = calloc(npaths + 1, sizeof(char *))) ==
	    NULL) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (o != NULL)
		s->o = *o;
	for (unsigned i = 0; i < npaths; i++)
		if ((s->paths[i] = strdup(paths[i])) == NULL) {
			s->npaths = i;
			src_close(s);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
	s->npaths = npaths;
	return s;
}

int
src_next(struct src *s, struct flowrec *out)
{
	char err[512];
	int rc;

	for (;;) {
		if (s->cur == NULL) {
			if (s->next >= s->npaths)
				return 0;
			s->cur = ftr_open(s->paths[s->next++], err,
			    sizeof(err));
			if (s->cur == NULL) {
				s->failed++;
				src_warn(s, err);
				continue;
			}
			s->files++;
		}
		if ((rc = ftr_next(s->cur, out)) == 1)
			return 1;
		if (rc < 0) {
			s->failed++;
			src_warn(s, ftr_error(s->cur));
		}
		ftr_close(s->cur);
		s->cur = NULL;
	}
}

int
src_next_batch(struct src *s, const struct flowrec **recs, unsigned *n)
{
	unsigned k = 0;

	while (k < SRC_BATCH && src_next(s, &s->batch[k]) == 1)
		k++;
	*recs = s->batch;
	*n = k;
	return k > 0;
}

unsigned
src_files(const struct src *s)
{
	return s->files;
}

unsigned
src_failed(const struct src *s)
{
	return s->failed;
}

void
src_close(struct src *s)
{
	if (s == NULL)
		return;
	if (s->cur != NULL)
		ftr_close(s->cur);
	for (unsigned i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s);
}
