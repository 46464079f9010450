/*
 * cmd_recover.c - `flowkeep recover FILE...`: finish flow files that a
 * crash (or a full disk) left open, as flowkeepd does for its own tree at
 * start-up.  Each file keeps its records up to the last whole one, gets
 * its header closed (DONE, the real count, CAP_END from its mtime) and a
 * tmp-/fk6tmp- name is renamed to its ft-/fk6- name.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "storage/ftwriter.h"
#include "storage/layout.h"

int
cmd_recover(int argc, char **argv)
{
	char		final[4096], err[512];
	struct stat	st;
	const char	*dst;
	long		n;
	int		i, rc = 0;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-' || argv[i][0] == '\0')
			return cmd_usage("recover");
	if (argc < 2)
		return cmd_usage("recover");
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0 || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "flowkeep: recover: %s: not a regular "
			    "file\n", argv[i]);
			rc = 1;
			continue;
		}
		dst = argv[i];
		if (layout_final_name(final, sizeof(final), argv[i]) == 0)
			dst = final;
		n = ftw_repair(argv[i], dst, (uint32_t)st.st_mtime, err,
		    sizeof(err));
		if (n < 0) {
			fprintf(stderr, "flowkeep: recover: %s\n", err);
			rc = 1;
			continue;
		}
		printf("%s -> %s: %ld flows\n", argv[i], dst, n);
	}
	return fflush(stdout) == 0 ? rc : 1;
}
