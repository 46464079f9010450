/*
 * test_config.c - configuration file goldens, flow-capture command lines
 * (checked against what the real flow-capture wrote), -E sizes, prefixes.
 *
 * Goldens: tests/data/config/NAME.conf with NAME.ok (canonical print) or
 * NAME.err (the exact message).  FK_UPDATE_GOLDENS=1 rewrites them (see
 * tests/data/config/README).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/config.h"
#include "storage/expire.h"

#define CONF_DIR	TEST_DATA_DIR "/config"
#define VEC_DIR		SHARED_DIR "/vectors/flow-tools"
#define EXAMPLE \
	TEST_DATA_DIR "/../../contrib/flowkeep.conf.example"

static char *
slurp(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (lenp != NULL)
		*lenp = (size_t)n;
	return buf;
}

static void
spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *
print_str(const struct fk_config *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	config_print(c, fp);
	fclose(fp);
	return out;
}

/* Parse text on top of the defaults; returns 0, or -1 with err. */
static int
parse_text(const char *text, size_t len, const char *name,
    struct fk_config *c, char *err, size_t errlen)
{
	config_defaults(c);
	if (config_parse_buf(c, text, len, name, err, errlen) == -1)
		return -1;
	return config_validate(c, err, errlen);
}

/* Canonical text must parse to the same struct and print the same. */
static void
check_round_trip(const struct fk_config *c, const char *text)
{
	struct fk_config *c2 = malloc(sizeof(*c2));
	char err[512], *again;

	assert_non_null(c2);
	if (parse_text(text, strlen(text), "canonical", c2, err,
	    sizeof(err)) == -1)
		fail_msg("canonical form does not parse: %s", err);
	assert_memory_equal(c, c2, sizeof(*c));
	again = print_str(c2);
	assert_string_equal(again, text);
	free(again);
	free(c2);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcmp(s + n - m, suf) == 0;
}

static void
run_golden(const char *base, int update)
{
	struct fk_config *c = malloc(sizeof(*c));
	char path[1024], okp[1024], errp[1024], err[512], *conf, *want;
	size_t len;
	int rc, is_err;

	assert_non_null(c);
	snprintf(path, sizeof(path), "%s/%s.conf", CONF_DIR, base);
	snprintf(okp, sizeof(okp), "%s/%s.ok", CONF_DIR, base);
	snprintf(errp, sizeof(errp), "%s/%s.err", CONF_DIR, base);
	conf = slurp(path, &len);
	assert_non_null(conf);
	snprintf(path, sizeof(path), "%s.conf", base);
	rc = parse_text(conf, len, path, c, err, sizeof(err));
	if (update) {
		char *out = rc == 0 ? print_str(c) : NULL;

		/* an .err file is written only when there is none yet */
		if (rc == 0)
			spit(okp, out);
		else if (access(errp, F_OK) != 0) {
			char line[600];

			snprintf(line, sizeof(line), "%s\n", err);
			spit(errp, line);
		}
		free(out);
	}
	is_err = access(errp, F_OK) == 0;
	want = slurp(is_err ? errp : okp, NULL);
	if (want == NULL)
		fail_msg("%s.conf has neither .ok nor .err", base);
	if (is_err) {
		want[strcspn(want, "\n")] = '\0';
		if (rc == 0)
			fail_msg("%s.conf: accepted, expected: %s", base, want);
		assert_string_equal(err, want);
	} else {
		char *out;

		if (rc != 0)
			fail_msg("%s.conf: %s", base, err);
		out = print_str(c);
		assert_string_equal(out, want);
		check_round_trip(c, out);
		free(out);
	}
	free(want);
	free(conf);
	free(c);
}

static void
test_goldens(void **state)
{
	const char *update = getenv("FK_UPDATE_GOLDENS");
	DIR *d = opendir(CONF_DIR);
	struct dirent *de;
	unsigned n = 0, nerr = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char base[256];

		if (!has_suffix(de->d_name, ".conf"))
			continue;
		snprintf(base, sizeof(base), "%.*s",
		    (int)(strlen(de->d_name) - 5), de->d_name);
		run_golden(base, update != NULL && update[0] == '1');
		n++;
		nerr += strncmp(base, "bad-", 4) == 0;
	}
	closedir(d);
	assert_true(n >= 10);
	assert_true(nerr >= 5);
}

/* A few facts of the goldens checked field by field, not by print. */
static void
test_full_fields(void **state)
{
	struct fk_config c;
	char err[256], *text;
	size_t len;
	fr_addr a;

	text = slurp(CONF_DIR "/full.conf", &len);
	assert_non_null(text);
	assert_int_equal(parse_text(text, len, "full", &c, err, sizeof(err)),
	    0);
	assert_string_equal(c.workdir, "/var/db/flows");
	assert_int_equal(c.byte_order, 1);
	assert_true(c.expire_bytes == 10ULL * 1024 * 1024 * 1024);
	assert_int_equal(c.version, 5);
	assert_int_equal(c.nlisten, 2);
	assert_string_equal(c.listen[1].host, "::");
	assert_int_equal(c.nallow, 1);
	assert_int_equal(c.rcvbuf, 16u << 20);
	assert_int_equal(c.limits.max_pending_bytes, 1u << 20);
	assert_int_equal(c.limits.pending_ttl_ms, 600000);
	assert_int_equal(c.ndevices, 1);
	assert_string_equal(c.devices[0].name, "core");
	assert_int_equal(c.devices[0].nexporters, 2);
	a.v4 = 0x0a01fffe;
	assert_true(config_prefix_match(&c.devices[0].exporters[0],
	    FR_AF_INET, &a));
	free(text);
}

static void
test_defaults(void **state)
{
	struct fk_config c;
	char err[256];

	config_defaults(&c);
	assert_string_equal(c.workdir, "var/flows");
	assert_string_equal(c.control, "var/flowkeepd.sock");
	assert_string_equal(c.statefile, "var/flowkeepd.state");
	assert_int_equal(c.nlisten, 2);
	assert_string_equal(c.listen[0].host, "0.0.0.0");
	assert_string_equal(c.listen[1].host, "::");
	assert_int_equal(c.listen[0].port, 2055);
	assert_int_equal(c.rotations, 95);
	assert_int_equal(c.nesting, 3);
	assert_int_equal(c.zlevel, 6);
	assert_int_equal(c.byte_order, 0);
	assert_int_equal(c.rcvbuf, 16u * 1024 * 1024);
	assert_int_equal(c.batch, 64);
	assert_string_equal(c.pidfile, "");
	assert_int_equal(c.limits.max_exporters, 0);
	assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
}

/* ------------------------------------------------------------ argv */

/* Run config_parse_argv on a NULL-terminated list with stdout muted. */
static int
run_argv(struct fk_config *c, int *check, char *err, size_t errlen, ...)
{
	char *argv[64];
	int argc = 0, rc, saved, devnull;
	va_list ap;

	argv[argc++] = (char *)"flowkeepd";
	va_start(ap, errlen);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	config_defaults(c);
	err[0] = '\0';
	fflush(stdout);
	saved = dup(1);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	rc = config_parse_argv(c, argc, argv, check, err, errlen);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(devnull);
	return rc;
}

static void
expect_usage_error(const char *want, ...)
{
	struct fk_config c;
	char *argv[16], err[256];
	int argc = 0, check;
	va_list ap;

	argv[argc++] = (char *)"flowkeepd";
	va_start(ap, want);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	config_defaults(&c);
	assert_int_equal(config_parse_argv(&c, argc, argv, &check, err,
	    sizeof(err)), 2);
	assert_null(strchr(err, '\n'));
	assert_string_equal(err, want);
}

static void
test_argv_errors(void **state)
{
	expect_usage_error("-n: expected 0..1439, got \"1440\"", "-n", "1440",
	    NULL);
	expect_usage_error("-N: expected -3..3, got \"4\"", "-N4", NULL);
	expect_usage_error("-z: expected 0..9, got \"x\"", "-zx", NULL);
	expect_usage_error("flow-capture option -X is not supported by "
	    "flowkeepd", "-X", "def", NULL);
	expect_usage_error("flow-capture option -T is not supported by "
	    "flowkeepd", "-T", "def", NULL);
	expect_usage_error("flow-capture option -f is not supported by "
	    "flowkeepd", "-f", "filter.cfg", NULL);
	expect_usage_error("flow-capture option -c is not supported by "
	    "flowkeepd", "-c", "4", NULL);
	expect_usage_error("unknown option -q", "-q", NULL);
	expect_usage_error("unknown option \"--bogus\"", "--bogus", NULL);
	expect_usage_error("option -w needs an argument", "-w", NULL);
	expect_usage_error("--control needs an argument", "--control", NULL);
	expect_usage_error("--check takes no argument", "--check=1", NULL);
	expect_usage_error("-V: record version \"7\" is not supported (1, 5 "
	    "or 1005)", "-V", "7", NULL);
	expect_usage_error("-b: expected big or little, got \"middle\"",
	    "-b", "middle", NULL);
	expect_usage_error("-E: bad size \"10k\" (bytes, or with suffix b, K, "
	    "M or G)", "-E", "10k", NULL);
	expect_usage_error("-S: expected 1..60, got \"61\"", "-S", "61", NULL);
	expect_usage_error("unexpected argument \"0/0/2\"", "0/0/1", "0/0/2",
	    NULL);
	expect_usage_error("bad port \"70000\" in \"0/0/70000\"", "0/0/70000",
	    NULL);
	expect_usage_error("remoteip \"foo\" is not a numeric address",
	    "0/foo/1", NULL);
	expect_usage_error("multicast (class D remoteip) is not supported",
	    "0/239.1.1.1/2055", NULL);
	expect_usage_error("--listen: expected HOST:PORT or [ADDRESS]:PORT, "
	    "got \"::1:5\"", "--listen", "::1:5", NULL);
	expect_usage_error("--allow: bad address prefix \"10/8\"", "--allow",
	    "10/8", NULL);
	expect_usage_error("/nonexistent/x.conf: No such file or directory",
	    "--config", "/nonexistent/x.conf", NULL);
}

static void
test_argv_positional(void **state)
{
	struct fk_config c;
	char err[256];
	int check;
	fr_addr a;

	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "0/0/0",
	    NULL), 0);
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen[0].host, "0.0.0.0");
	assert_int_equal(c.listen[0].port, 9991);
	assert_int_equal(c.nallow, 0);

	assert_int_equal(run_argv(&c, &check, err, sizeof(err),
	    "0/10.0.0.1/2055", NULL), 0);
	assert_int_equal(c.nallow, 1);
	assert_int_equal(c.allow[0].len, 32);
	a.v4 = 0x0a000001;
	assert_true(config_prefix_match(&c.allow[0], FR_AF_INET, &a));
	a.v4 = 0x0a000002;
	assert_false(config_prefix_match(&c.allow[0], FR_AF_INET, &a));
	assert_int_equal(c.listen[0].port, 2055);

	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "127.0.0.1",
	    NULL), 0);
	assert_string_equal(c.listen[0].host, "127.0.0.1");
	assert_int_equal(c.listen[0].port, 9991);

	assert_int_equal(run_argv(&c, &check, err, sizeof(err),
	    "::1/0/2056", "--listen", "[::1]:2057", "--listen",
	    "127.0.0.1:2058", NULL), 0);
	assert_int_equal(c.nlisten, 3);
	assert_string_equal(c.listen[0].host, "::1");
	assert_string_equal(c.listen[1].host, "::1");
	assert_int_equal(c.listen[1].port, 2057);
	assert_string_equal(c.listen[2].host, "127.0.0.1");
}

static void
test_argv_options(void **state)
{
	struct fk_config c;
	char err[256];
	int check;

	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "-Du", "-z0",
	    "-N", "-3", "-n1439", "-b", "big", "-E", "1G", "-e", "10", "-V",
	    "1005", "-C", "a comment", "-p", "-", "-R", "/bin/true", "-S", "5",
	    "-d", "1", "-w", "/tmp/fk", NULL), 0);
	assert_int_equal(c.foreground, 1);
	assert_int_equal(c.keep_umask, 1);
	assert_int_equal(c.zlevel, 0);
	assert_int_equal(c.nesting, -3);
	assert_int_equal(c.rotations, 1439);
	assert_int_equal(c.byte_order, 2);
	assert_true(c.expire_bytes == 1ULL << 30);
	assert_int_equal(c.expire_files, 10);
	assert_int_equal(c.version, 1005);
	assert_string_equal(c.comment, "a comment");
	assert_string_equal(c.pidfile, "");
	assert_string_equal(c.rotate_prog, "/bin/true");
	assert_int_equal(c.stat_minutes, 5);
	assert_int_equal(c.debug, 1);
	assert_string_equal(c.workdir, "/tmp/fk");
	assert_string_equal(c.control, "/tmp/fk/.flowkeepd.sock");
	assert_string_equal(c.statefile, "/tmp/fk/.flowkeepd.state");
	assert_int_equal(c.nlisten, 2);	/* no positional: defaults */

	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "-w", "w",
	    "--control=/run/x.sock", "--statefile", "/var/s",
	    "--hostname", "ftoracle", "--rcvbuf", "4M", "--allow",
	    "192.0.2.0/24", "--quickstart", NULL), 0);
	assert_string_equal(c.control, "/run/x.sock");
	assert_string_equal(c.statefile, "/var/s");
	assert_string_equal(c.hostname, "ftoracle");
	assert_int_equal(c.rcvbuf, 4u << 20);
	assert_int_equal(c.nallow, 1);
	assert_int_equal(c.foreground, 1);

	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "--help",
	    NULL), 1);
	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "-h", NULL),
	    1);
	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "--version",
	    NULL), 1);
	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "--check",
	    NULL), 1);
	assert_int_equal(check, 1);
	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "--", "0/0/5",
	    NULL), 0);
	assert_int_equal(c.listen[0].port, 5);
}

/* --config is read first; the command line wins; -w keeps its control. */
static void
test_argv_config_file(void **state)
{
	char path[] = "/tmp/fktestconfXXXXXX";
	const char *text = "rotations 10\ncompress 2\ncontrol \"/c.sock\"\n"
	    "listen 192.0.2.1 port 7\n";
	struct fk_config c;
	char err[256];
	int fd, check;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(run_argv(&c, &check, err, sizeof(err), "-n", "20",
	    "-w", "/w", "--config", path, NULL), 0);
	assert_int_equal(c.rotations, 20);
	assert_int_equal(c.zlevel, 2);
	assert_string_equal(c.control, "/c.sock");
	assert_string_equal(c.statefile, "/w/.flowkeepd.state");
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.config_path, path);
	assert_int_equal(run_argv(&c, &check, err, sizeof(err),
	    "--config=/dev/null", "0/0/9", NULL), 0);
	assert_int_equal(c.rotations, 95);
	assert_int_equal(c.listen[0].port, 9);
	unlink(path);
}

/* ---------------------------------------------- flow-capture vectors */

struct vec_expect {
	int	zlevel_off;	/* "compress: off" */
	char	comment[256];
	int	version;	/* export version */
	int	depth;		/* directories above the file */
};

static void
vec_expect_read(const char *dir, struct vec_expect *e)
{
	char path[1024], line[512], *text;
	FILE *fp;

	memset(e, 0, sizeof(*e));
	snprintf(path, sizeof(path), "%s/capture-listing.txt", dir);
	text = slurp(path, NULL);
	assert_non_null(text);
	for (char *p = text; *p != '\0' && *p != ' ' && *p != '\n'; p++)
		e->depth += *p == '/';
	free(text);
	snprintf(path, sizeof(path), "find %s/expected -name "
	    "flow-header.txt | head -1 | xargs cat", dir);
	fp = popen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "# compress:") == line)
			e->zlevel_off = strstr(line, "off") != NULL;
		else if (strstr(line, "# comments:") == line)
			snprintf(e->comment, sizeof(e->comment), "%s",
			    line + strspn(line + 11, " ") + 11);
		else if (strstr(line, "# export version:") == line)
			e->version = atoi(line + 17);
	}
	pclose(fp);
}

/*
 * Split cmdline.txt: drop TZ=/hostname= and the program name, put
 * <workdir> in; the words after -C up to the positional form its text.
 */
static int
vec_split(char *line, char **argv, int max, const char *workdir)
{
	char *w[64], *save = NULL;
	int n = 0, argc = 0;
	static char comment[256];

	for (char *t = strtok_r(line, " \n", &save); t != NULL && n < 64;
	    t = strtok_r(NULL, " \n", &save))
		w[n++] = t;
	for (int i = 0; i < n && argc < max - 1; i++) {
		if (strncmp(w[i], "TZ=", 3) == 0 ||
		    strncmp(w[i], "hostname=", 9) == 0)
			continue;
		if (strcmp(w[i], "flow-capture") == 0)
			argv[argc++] = (char *)"flowkeepd";
		else if (strcmp(w[i], "<workdir>") == 0)
			argv[argc++] = (char *)workdir;
		else if (strcmp(w[i], "-C") == 0 && i + 2 < n) {
			comment[0] = '\0';
			for (i++; i < n - 1; i++)
				snprintf(comment + strlen(comment),
				    sizeof(comment) - strlen(comment), "%s%s",
				    comment[0] != '\0' ? " " : "", w[i]);
			i--;
			argv[argc++] = (char *)"-C";
			argv[argc++] = comment;
		} else
			argv[argc++] = w[i];
	}
	argv[argc] = NULL;
	return argc;
}

static void
run_vector(const char *dir)
{
	struct vec_expect e;
	struct fk_config c;
	char path[1024], *line, *argv[64], err[256];
	int argc, check;

	snprintf(path, sizeof(path), "%s/cmdline.txt", dir);
	line = slurp(path, NULL);
	assert_non_null(line);
	vec_expect_read(dir, &e);
	argc = vec_split(line, argv, 64, "/tmp/fkwork");
	config_defaults(&c);
	if (config_parse_argv(&c, argc, argv, &check, err, sizeof(err)) != 0)
		fail_msg("%s: %s", dir, err);
	assert_string_equal(c.workdir, "/tmp/fkwork");
	assert_string_equal(c.control, "/tmp/fkwork/.flowkeepd.sock");
	assert_int_equal(c.foreground, 1);
	assert_int_equal(c.zlevel == 0, e.zlevel_off);
	assert_string_equal(c.comment, e.comment);
	if (c.version != 0)
		assert_int_equal(c.version, e.version);
	assert_int_equal(c.nesting < 0 ? -c.nesting : c.nesting, e.depth);
	assert_int_equal(c.nlisten, 1);
	assert_string_equal(c.listen[0].host, "127.0.0.1");
	assert_int_equal(c.listen[0].port, 19991);
	assert_int_equal(c.nallow, 0);
	free(line);
}

static void
test_vectors_cmdline(void **state)
{
	DIR *d = opendir(VEC_DIR);
	struct dirent *de;
	unsigned n = 0;

	if (d == NULL)
		skip();
	while ((de = readdir(d)) != NULL) {
		char dir[1024], cl[1100];

		snprintf(dir, sizeof(dir), "%s/%s", VEC_DIR, de->d_name);
		snprintf(cl, sizeof(cl), "%s/cmdline.txt", dir);
		if (de->d_name[0] == '.' || access(cl, R_OK) != 0)
			continue;
		run_vector(dir);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

/* ------------------------------------------------------------ -E sizes */

static void
expect_size(const char *arg, int ok, unsigned long long want)
{
	struct fk_config c;
	char err[256];
	int check;

	if (!ok) {
		uint64_t v;

		assert_int_equal(run_argv(&c, &check, err, sizeof(err), "-E",
		    arg, NULL), 2);
		if (expire_parse_size(arg, &v) != -1)
			fail_msg("expire_parse_size accepts \"%s\"", arg);
		return;
	}
	if (run_argv(&c, &check, err, sizeof(err), "-E", arg, NULL) != 0)
		fail_msg("-E %s: %s", arg, err);
	/* the expiry module reads sizes by the same rules */
	{
		uint64_t v;

		assert_int_equal(expire_parse_size(arg, &v), 0);
		assert_true(v == want);
	}
	if (c.expire_bytes != want)
		fail_msg("-E %s: got %llu, want %llu", arg,
		    (unsigned long long)c.expire_bytes, want);
}

static void
test_expire_sizes(void **state)
{
	expect_size("0", 1, 0);
	expect_size("12345", 1, 12345);
	expect_size("10G", 1, 10ULL << 30);
	expect_size("512M", 1, 512ULL << 20);
	expect_size("3K", 1, 3072);
	expect_size("8b", 1, 4096);
	expect_size("0x1000", 1, 4096);
	expect_size("010", 1, 8);		/* strtoul base 0: octal */
	expect_size("18446744073709551615", 1, 18446744073709551615ULL);
	expect_size("10k", 0, 0);
	expect_size("10m", 0, 0);
	expect_size("1GB", 0, 0);
	expect_size("", 0, 0);
	expect_size("-5", 0, 0);
	expect_size(" 5", 0, 0);
	expect_size("08", 0, 0);
	expect_size("18446744073709551616", 0, 0);
	expect_size("17179869184G", 0, 0);
}

/* ------------------------------------------------------------ prefixes */

static void
test_prefixes(void **state)
{
	struct fk_prefix p;
	fr_addr a;

	assert_int_equal(config_parse_prefix("10.0.0.0/8", &p), 0);
	assert_int_equal(p.af, FR_AF_INET);
	assert_int_equal(p.len, 8);
	assert_int_equal(p.addr.v4, 0x0a000000);
	a.v4 = 0x0affffff;
	assert_true(config_prefix_match(&p, FR_AF_INET, &a));
	a.v4 = 0x0b000000;
	assert_false(config_prefix_match(&p, FR_AF_INET, &a));
	assert_false(config_prefix_match(&p, FR_AF_INET6, &a));

	assert_int_equal(config_parse_prefix("0.0.0.0/0", &p), 0);
	a.v4 = 0xdeadbeef;
	assert_true(config_prefix_match(&p, FR_AF_INET, &a));

	assert_int_equal(config_parse_prefix("2001:db8:8000::/33", &p), 0);
	assert_int_equal(p.af, FR_AF_INET6);
	memset(&a, 0, sizeof(a));
	a.v6[0] = 0x20; a.v6[1] = 0x01; a.v6[2] = 0x0d; a.v6[3] = 0xb8;
	a.v6[4] = 0x80; a.v6[15] = 1;
	assert_true(config_prefix_match(&p, FR_AF_INET6, &a));
	a.v6[4] = 0x7f;
	assert_false(config_prefix_match(&p, FR_AF_INET6, &a));

	assert_int_equal(config_parse_prefix("::1", &p), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(config_parse_prefix("192.0.2.9", &p), 0);
	assert_int_equal(p.len, 32);
	/* host bits are cleared */
	assert_int_equal(config_parse_prefix("192.0.2.9/24", &p), 0);
	assert_int_equal(p.addr.v4, 0xc0000200);

	assert_int_equal(config_parse_prefix("10.0.0.0/33", &p), -1);
	assert_int_equal(config_parse_prefix("::/129", &p), -1);
	assert_int_equal(config_parse_prefix("10.0.0.0/", &p), -1);
	assert_int_equal(config_parse_prefix("10.0.0.0/-1", &p), -1);
	assert_int_equal(config_parse_prefix("10.0.0.0/08", &p), -1);
	assert_int_equal(config_parse_prefix("10.0.0/8", &p), -1);
	assert_int_equal(config_parse_prefix(" 10.0.0.0/8", &p), -1);
	assert_int_equal(config_parse_prefix("/8", &p), -1);
	assert_int_equal(config_parse_prefix("", &p), -1);
	assert_int_equal(config_parse_prefix("fe80::1%lo", &p), -1);
	assert_int_equal(config_parse_prefix("10.0.0.0/8/8", &p), -1);
}

/* ------------------------------------------------------------ example */

static void
test_example_config(void **state)
{
	struct fk_config c, c2;
	char err[512], *out, path[] = EXAMPLE;
	int check;

	config_defaults(&c);
	if (config_parse_file(&c, path, err, sizeof(err)) == -1 ||
	    config_validate(&c, err, sizeof(err)) == -1)
		fail_msg("example config: %s", err);
	out = print_str(&c);
	memset(c.config_path, 0, sizeof(c.config_path));
	check_round_trip(&c, out);
	free(out);
	/* and the way an operator runs it */
	assert_int_equal(run_argv(&c2, &check, err, sizeof(err), "--check",
	    "--config", path, NULL), 1);
	assert_int_equal(check, 1);
}

/* A file parse error keeps file:line and stays on one line. */
static void
test_error_messages(void **state)
{
	struct fk_config c;
	char err[64];

	config_defaults(&c);
	assert_int_equal(config_parse_buf(&c, "rotations 1\0", 12, "f", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "f:1: unexpected character 0x00");
	/* a tiny buffer truncates but terminates */
	assert_int_equal(config_parse_buf(&c, "x", 1, "name", err, 8), -1);
	assert_string_equal(err, "name:1:");
	assert_int_equal(config_parse_buf(&c, "comment \"a\\x00b\"", 16, "f",
	    err, sizeof(err)), -1);
	assert_string_equal(err, "f:1: bad escape in string");
	assert_int_equal(config_parse_buf(&c, "", 0, "f", err, sizeof(err)),
	    0);
}

/* The ClickHouse sink's keys: parsed, printed, round trip; bad values
 * refused with the key named. */
static void
test_clickhouse_keys(void **state)
{
	static const char good[] =
	    "clickhouse-url \"http://127.0.0.1:8123/\"\n"
	    "clickhouse-url \"http://ch2.example:9000/x?user=fk\"\n"
	    "clickhouse-table fk.loc\n"
	    "clickhouse-batch-rows 500\n"
	    "clickhouse-batch-age 3\n"
	    "clickhouse-queue 8M\n"
	    "clickhouse-spool-dir \"/tmp/sp\"\n"
	    "clickhouse-spool-max 2G\n"
	    "clickhouse-files off\n"
	    "collector-name \"site a\"\n"
	    "warn-clickhouse 9\n";
	static const char *bad[] = {
	    "clickhouse-url \"https://x:1/\"\n", "clickhouse-url",
	    "clickhouse-url \"http://:80/\"\n", "clickhouse-url",
	    "clickhouse-url \"http://x:99999/\"\n", "clickhouse-url",
	    "clickhouse-url \"http://x/a b\"\n", "clickhouse-url",
	    "clickhouse-table flows\n", "clickhouse-table",
	    "clickhouse-table \"a.b;DROP\"\n", "clickhouse-table",
	    "clickhouse-batch-rows 0\n", "clickhouse-batch-rows",
	    "clickhouse-batch-age 0\n", "clickhouse-batch-age",
	    "clickhouse-queue 1K\n", "clickhouse-queue",
	    "clickhouse-files maybe\n", "clickhouse-files",
	    "clickhouse-files off\n", "clickhouse-files off needs",
	    "collector-name \"a\\nb\"\n", "collector-name",
	};
	struct fk_config *c = malloc(sizeof(*c));
	char err[512], *text;

	(void)state;
	assert_non_null(c);
	if (parse_text(good, sizeof(good) - 1, "ch", c, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(c->ch_nurls, 2);
	assert_string_equal(c->ch_urls[1], "http://ch2.example:9000/x?user=fk");
	assert_string_equal(c->ch_table, "fk.loc");
	assert_int_equal(c->ch_batch_rows, 500);
	assert_int_equal(c->ch_batch_age, 3);
	assert_int_equal(c->ch_queue, 8u << 20);
	assert_int_equal(c->ch_spool_max, 2ull << 30);
	assert_int_equal(c->ch_files, 0);
	assert_string_equal(c->collector_name, "site a");
	assert_int_equal(c->warn.ch_down_min, 9);
	text = print_str(c);
	assert_non_null(strstr(text, "clickhouse-files off\n"));
	check_round_trip(c, text);
	free(text);
	/* defaults: off, nothing printed */
	config_defaults(c);
	assert_int_equal(c->ch_nurls, 0);
	assert_int_equal(c->ch_files, 1);
	assert_int_equal(c->ch_batch_rows, 10000);
	text = print_str(c);
	assert_null(strstr(text, "clickhouse"));
	free(text);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i += 2) {
		if (parse_text(bad[i], strlen(bad[i]), "bad", c, err,
		    sizeof(err)) == 0)
			fail_msg("accepted: %s", bad[i]);
		if (strstr(err, bad[i + 1]) == NULL)
			fail_msg("%s: message \"%s\" does not name %s",
			    bad[i], err, bad[i + 1]);
	}
	free(c);
}

/* index on|off, index-dir: parsed, printed only when not the default,
 * refused when empty, misspelt or inside a data tree; under chroot,
 * index-dir must lie inside it. */
static void
test_index_keys(void **state)
{
	static const char good[] = "workdir \"/srv/f\"\nindex off\n"
	    "index-dir \"/srv/ix\"\n";
	static const char off_inside[] = "workdir \"/srv/f\"\nindex off\n"
	    "index-dir \"/srv/f/ix\"\n";
	static const char *bad[] = {
	    "index 1\n", "bad:1: expected on or off after \"index\"",
	    "\nindex-dir \"\"\n", "bad:2: index-dir: empty path",
	    "index-dir\n", "bad:1: expected a string after \"index-dir\"",
	    "workdir \"/srv/f\"\nindex-dir \"/srv/f/ix\"\n",
	    "index-dir /srv/f/ix is inside the data tree /srv/f",
	    "workdir \"/srv/f\"\nindex-dir \"/srv/f\"\n",
	    "index-dir /srv/f is inside the data tree /srv/f",
	    "workdir \"/srv/f/\"\nindex-dir \"/srv/f/b\"\n",
	    "index-dir /srv/f/b is inside",
	    "user fk\nchroot \"/j\"\nworkdir \"/j/f\"\nrrd-dir \"/j/r\"\n"
	    "tracking-dir \"/j/t\"\nstatefile \"/j/s\"\n"
	    "index-dir \"/var/ix\"\n",
	    "chroot /j: outside it: index-dir /var/ix",
	};
	struct fk_config *c = malloc(sizeof(*c));
	char err[512], *text;

	(void)state;
	assert_non_null(c);
	config_defaults(c);
	assert_int_equal(c->index_on, 1);
	assert_string_equal(c->index_dir, "");
	text = print_str(c);
	assert_null(strstr(text, "index"));
	free(text);
	if (parse_text(good, sizeof(good) - 1, "ix", c, err,
	    sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(c->index_on, 0);
	assert_string_equal(c->index_dir, "/srv/ix");
	text = print_str(c);
	assert_non_null(strstr(text, "index off\nindex-dir \"/srv/ix\"\n"));
	check_round_trip(c, text);
	free(text);
	/* index off: a directory inside the tree is no harm */
	assert_int_equal(parse_text(off_inside, strlen(off_inside), "ix", c,
	    err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i += 2) {
		if (parse_text(bad[i], strlen(bad[i]), "bad", c, err,
		    sizeof(err)) == 0)
			fail_msg("accepted: %s", bad[i]);
		if (strstr(err, bad[i + 1]) == NULL)
			fail_msg("%s: message \"%s\" does not say %s",
			    bad[i], err, bad[i + 1]);
	}
	free(c);
}

/* chroot: needs user, an absolute path, every collector path inside, and
 * neither rrdcached nor rotate-program; canonical print keeps it. */
static void
test_chroot(void **state)
{
	struct fk_config c;
	char err[256];
	static const char ok[] = "user \"fk\" chroot \"/j\" workdir "
	    "\"/j/f\" rrd-dir \"/j/r\" tracking-dir \"/j/t\" statefile "
	    "\"/j/s\"";
	FILE *fp;
	char buf[4096];
	size_t n;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_parse_buf(&c, ok, strlen(ok), "f", err,
	    sizeof(err)), 0);
	assert_int_equal(config_validate(&c, err, sizeof(err)), 0);
	fp = tmpfile();
	assert_non_null(fp);
	config_print(&c, fp);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	assert_non_null(strstr(buf, "chroot \"/j\"\n"));
	/* a path outside, a sibling with the same prefix, a ".." way out */
	snprintf(c.rrddir, sizeof(c.rrddir), "/var/rrd");
	snprintf(c.statefile, sizeof(c.statefile), "/jail/s");
	snprintf(c.trackdir, sizeof(c.trackdir), "/j/../etc");
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "chroot /j: outside it: rrd-dir /var/rrd, "
	    "tracking-dir /j/../etc, statefile /jail/s");
	snprintf(c.rrddir, sizeof(c.rrddir), "/j/r");
	snprintf(c.statefile, sizeof(c.statefile), "/j/s");
	snprintf(c.trackdir, sizeof(c.trackdir), "/j/t");
	snprintf(c.rrdcached, sizeof(c.rrdcached), "/run/rrdcached.sock");
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot be used with rrdcached"));
	c.rrdcached[0] = '\0';
	c.ch_nurls = 1;
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot be used with clickhouse-url"));
	c.ch_nurls = 0;
	c.user[0] = '\0';
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chroot needs user"));
	snprintf(c.user, sizeof(c.user), "fk");
	snprintf(c.chroot, sizeof(c.chroot), "j");
	assert_int_equal(config_validate(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "absolute"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_full_fields),
		cmocka_unit_test(test_argv_errors),
		cmocka_unit_test(test_argv_positional),
		cmocka_unit_test(test_argv_options),
		cmocka_unit_test(test_argv_config_file),
		cmocka_unit_test(test_vectors_cmdline),
		cmocka_unit_test(test_expire_sizes),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_example_config),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_clickhouse_keys),
		cmocka_unit_test(test_chroot),
		cmocka_unit_test(test_index_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
