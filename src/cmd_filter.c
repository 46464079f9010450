/*
 * cmd_filter.c - `flowkeep filter`: compile a filter expression (or the
 * fields of FlowViewer's form) and print its canonical text, and with
 * --program the compiled nodes; a bad filter prints the message with its
 * column and exits 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "filter.h"

/* Append word to the expression being gathered from argv. */
static int
filter_gather(char **expr, size_t *len, const char *word)
{
	size_t n = strlen(word);
	char *p = realloc(*expr, *len + n + 2);

	if (p == NULL)
		return -1;
	if (*len > 0)
		p[(*len)++] = ' ';
	memcpy(p + *len, word, n + 1);
	*len += n;
	*expr = p;
	return 0;
}

static int
filter_form_arg(struct filter_form *form, const char *arg)
{
	char *eq = strchr(arg, '='), name[32];

	if (eq == NULL || (size_t)(eq - arg) >= sizeof(name))
		return -1;
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	return filter_form_set(form, name, eq + 1);
}

static int
filter_show(struct filter *f, int program)
{
	printf("%s\n", filter_text(f));
	if (program)
		filter_dump(f, stdout);
	filter_free(f);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
cmd_filter(int argc, char **argv)
{
	struct filter_form form;
	const char *dir = NULL, *val;
	char *expr = NULL, err[1024];
	size_t len = 0;
	int program = 0, nform = 0, rc;
	struct filter *f;

	memset(&form, 0, sizeof(form));
	for (int i = 1; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--named-dir", &dir)) ==
		    1)
			continue;
		if (rc == 0 && (rc = cmd_optval(argc, argv, &i, "--form",
		    &val)) == 1 && filter_form_arg(&form, val) == 0) {
			nform++;
			continue;
		}
		if (rc == 0 && strcmp(argv[i], "--program") == 0) {
			program = 1;
			continue;
		}
		if (rc != 0 || filter_gather(&expr, &len, argv[i]) == -1) {
			free(expr);
			return cmd_usage("filter");
		}
	}
	if ((expr == NULL) == (nform == 0)) {
		free(expr);
		return cmd_usage("filter");
	}
	if (expr != NULL)
		f = filter_compile(expr, dir, err, sizeof(err));
	else
		f = filter_compile_form(&form, dir, err, sizeof(err));
	free(expr);
	if (f == NULL) {
		fprintf(stderr, "flowkeep: filter: %s\n", err);
		return 2;
	}
	return filter_show(f, program);
}
