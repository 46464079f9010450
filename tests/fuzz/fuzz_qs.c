/*
 * fuzz_qs.c - the query-string whitelist parser over random input, with
 * the Reports page's whitelist (every type of parameter).  A parse that
 * succeeds must hold only values that obey their key: within maxlen,
 * numbers in range, names without '/' or a leading '.', nothing but free
 * text with '<', '>', '"' or control characters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/pages.h"
#include "web/qs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct qs_param *p)
{
	const struct qs_key *k = p->key;
	size_t len = strlen(p->val);

	if (len == 0 || len > k->maxlen)
		abort();
	if (k->type == QS_UINT && (p->num < k->min || p->num > k->max))
		abort();
	if (k->type == QS_NAME && (strchr(p->val, '/') != NULL ||
	    p->val[0] == '.'))
		abort();
	if (k->type != QS_TEXT && strpbrk(p->val, "<>\"'&;\\\n\r\t") != NULL)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p->val[i] < 0x20 && k->type != QS_TEXT)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct qs q;
	char err[256];

	if (qs_parse(&q, (const char *)data, size, page_report_keys, err,
	    sizeof(err)) == -1) {
		if (strlen(err) == 0)
			abort();
		return 0;
	}
	for (unsigned i = 0; i < q.n; i++) {
		check(&q.p[i]);
		if (qs_get(&q, q.p[i].key->name) != q.p[i].val)
			abort();
	}
	return 0;
}
