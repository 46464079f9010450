/*
 * cmd_graph.c - `flowkeep graph track NAME`: a tracking's RRD as a PNG.
 *
 *   flowkeep graph track NAME [--period day|week|month|year|3y]
 *       [--unit bits|packets|flows] [--size WxH] [--output FILE|-]
 *       [--threshold N] [--rrd-dir DIR] [--config FILE]
 *
 * The RRD is RRDDIR/NAME.rrd (--rrd-dir, else the rrd-dir of --config
 * FILE, else var/rrd); the PNG goes to NAME-PERIOD.png unless --output
 * says otherwise.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/rrdstore.h"

#include "cmd.h"
#include "config.h"

static const struct {
	const char	*name;
	long		 secs;
} periods[] = {
	{ "day", 86400 }, { "week", 7 * 86400 }, { "month", 31 * 86400 },
	{ "year", 366 * 86400 }, { "3y", 3 * 366 * 86400 },
};

static int
graph_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "flowkeep graph: %s\n", why);
	return cmd_usage("graph");
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) >= 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

int
cmd_graph(int argc, char **argv)
{
	static struct fk_config c;
	struct rrd_graph_opts o;
	const char *period = "day", *unit = "bits", *size = "800x300";
	const char *out = NULL, *dir = NULL, *config = NULL, *thr = NULL;
	const char *name = NULL;
	char rrd[4096], png[512], title[256], err[1024], *end;
	long secs = 0;
	int i, rc;

	if (argc < 2 || strcmp(argv[1], "track") != 0)
		return graph_usage(argc < 2 ? NULL : "only `graph track` "
		    "exists so far");
	for (i = 2; i < argc; i++) {
		if ((rc = cmd_optval(argc, argv, &i, "--period", &period)) ||
		    (rc = cmd_optval(argc, argv, &i, "--unit", &unit)) ||
		    (rc = cmd_optval(argc, argv, &i, "--size", &size)) ||
		    (rc = cmd_optval(argc, argv, &i, "--output", &out)) ||
		    (rc = cmd_optval(argc, argv, &i, "--threshold", &thr)) ||
		    (rc = cmd_optval(argc, argv, &i, "--rrd-dir", &dir)) ||
		    (rc = cmd_optval(argc, argv, &i, "--config", &config))) {
			if (rc == -1)
				return graph_usage("an option needs a value");
			continue;
		}
		if (argv[i][0] == '-' || name != NULL)
			return graph_usage(NULL);
		name = argv[i];
	}
	if (name == NULL || !valid_name(name))
		return graph_usage("which tracking? (letters, digits, '-', '_' "
		    "and '.')");
	memset(&o, 0, sizeof(o));
	for (size_t k = 0; k < sizeof(periods) / sizeof(periods[0]); k++)
		if (strcmp(period, periods[k].name) == 0)
			secs = periods[k].secs;
	if (secs == 0)
		return graph_usage("--period is day, week, month, year or 3y");
	if (strcmp(unit, "bits") == 0)
		o.unit = 0;
	else if (strcmp(unit, "packets") == 0)
		o.unit = 1;
	else if (strcmp(unit, "flows") == 0)
		o.unit = 2;
	else
		return graph_usage("--unit is bits, packets or flows");
	if (sscanf(size, "%ux%u", &o.width, &o.height) != 2 ||
	    o.width < 200 || o.width > 4000 || o.height < 100 ||
	    o.height > 3000)
		return graph_usage("--size is WIDTHxHEIGHT, 200x100 to "
		    "4000x3000");
	if (thr != NULL && ((o.threshold = strtod(thr, &end)) <= 0 ||
	    *end != '\0'))
		return graph_usage("--threshold is a number above 0");
	if (dir == NULL) {
		config_defaults(&c);
		if (config != NULL &&
		    config_parse_file(&c, config, err, sizeof(err)) == -1) {
			fprintf(stderr, "flowkeep: %s\n", err);
			return 2;
		}
		dir = c.rrddir;
	}
	snprintf(rrd, sizeof(rrd), "%s/%s.rrd", dir, name);
	if (access(rrd, R_OK) != 0) {
		fprintf(stderr, "flowkeep graph: %s: %s (has flowkeepd written "
		    "a step of this tracking yet?)\n", rrd, strerror(errno));
		return 1;
	}
	if (out == NULL) {
		snprintf(png, sizeof(png), "%s-%s.png", name, period);
		out = png;
	}
	o.end = time(NULL);
	o.start = o.end - secs;
	snprintf(title, sizeof(title), "%s, last %s", name, period);
	o.title = title;
	if (rrdstore_graph(rrd, out, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "flowkeep: %s\n", err);
		return 1;
	}
	if (strcmp(out, "-") != 0)
		printf("%s\n", out);
	return 0;
}
