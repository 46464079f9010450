/*
 * test_web_track.c - the Trackings routes: list with thumbnails, a
 * tracking's page (period graphs, definition, notes, alert rules and
 * history), create / edit / note / alerts / archive / restore / remove,
 * groups and the dashboard, each POST answered by a 303 to the next page;
 * and what must write nothing: a POST without or with a wrong CSRF
 * token, traversal and bad names, a filter or alert rule that does not
 * parse, a second line smuggled into a one-line field, values out of
 * range, GET on a POST route.  Script in a name-like or note field is
 * shown escaped.  Back-fill reads a flow file the test writes and its
 * RRD is read back with rrd_fetch.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>

#include "storage/ftwriter.h"
#include "storage/layout.h"
#include "storage/rrdstore.h"
#include "tests/unit/webtest.h"

#define TOKEN	"0123456789abcdef0123456789abcdef"
#define OTHER	"fedcba9876543210fedcba9876543210"
#define COOKIE	"a=b; fk_csrf=" TOKEN

static char dir[256];

/* The Location header of o ("" if none). */
static const char *
location(const struct web_out *o)
{
	for (unsigned i = 0; i < o->nheaders; i++)
		if (strncmp(o->headers[i], "Location: ", 10) == 0)
			return o->headers[i] + 10;
	return "";
}

/* A POST that must answer 303 to loc. */
static void
posted(const char *path, const char *body, const char *loc)
{
	struct web_out o;

	if (wt_post(path, COOKIE, body, &o) != 303 ||
	    strcmp(location(&o), loc) != 0) {
		print_error("%s %s: status %d, Location \"%s\", body:\n"
		    "%.500s\n", path, body, o.status, location(&o),
		    wt_body(&o));
		web_out_free(&o);
		fail();
	}
	web_out_free(&o);
}

/* Everything under dir: names and sizes, recursively, into a string. */
static void
tree(const char *d, FILE *out)
{
	char p[1024];
	struct dirent *de;
	struct stat st;
	DIR *dp = opendir(d);

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, de->d_name);
		if (stat(p, &st) != 0)
			continue;
		fprintf(out, "%s %lld %lld\n", p, (long long)st.st_size,
		    (long long)st.st_mtim.tv_nsec);
		if (S_ISDIR(st.st_mode))
			tree(p, out);
	}
	closedir(dp);
}

static char *
snapshot(void)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	assert_non_null(fp);
	tree(dir, fp);
	fclose(fp);
	return s;
}

/* A request that must be refused with st saying msg, writing nothing. */
static void
refused(const char *path, const char *cookie, const char *body, int st,
    const char *msg)
{
	struct web_out o;
	char *before = snapshot(), *after;
	int rc = wt_post(path, cookie, body, &o);

	after = snapshot();
	if (rc != st || strstr(wt_body(&o), msg) == NULL ||
	    strstr(wt_body(&o), "<form") != NULL ||
	    strcmp(before, after) != 0) {
		print_error("%s %s: status %d, body:\n%.500s\nbefore:\n%s"
		    "after:\n%s", path, body, o.status, wt_body(&o), before,
		    after);
		web_out_free(&o);
		free(before);
		free(after);
		fail();
	}
	web_out_free(&o);
	free(before);
	free(after);
}

static char *
slurp(const char *sub)
{
	char p[512], *buf = calloc(1, 8192);
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	assert_non_null(buf);
	if ((fp = fopen(p, "r")) == NULL) {
		free(buf);
		return NULL;
	}
	(void)!fread(buf, 1, 8191, fp);
	fclose(fp);
	return buf;
}

/* The entries of dir/sub whose name starts with prefix. */
static int
entries_like(const char *sub, const char *prefix)
{
	char p[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	if ((d = opendir(p)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static int
present(const char *sub)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	return access(p, F_OK) == 0;
}

static int
setup(void **state)
{
	char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/fk-wtrack.XXXXXX", tmp != NULL &&
	    tmp[0] != '\0' ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	wt_setup(dir, NULL);
	snprintf(wt_cfg.trackdir, sizeof(wt_cfg.trackdir), "%s/trackings",
	    dir);
	snprintf(wt_cfg.rrddir, sizeof(wt_cfg.rrddir), "%s/rrd", dir);
	snprintf(wt_cfg.control, sizeof(wt_cfg.control), "%s/no.sock", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Count the occurrences of s in the body. */
static int
count(const struct web_out *o, const char *s)
{
	int n = 0;

	for (const char *p = wt_body(o); (p = strstr(p, s)) != NULL; p++)
		n++;
	return n;
}

static void
test_create_list_show(void **state)
{
	struct web_out o;
	char *t;

	(void)state;
	assert_int_equal(wt_run("GET", "/trackings", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "id=\"no-trackings\""));
	assert_non_null(strstr(wt_body(&o), "id=\"track-new\""));
	web_out_free(&o);

	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=web-in"
	    "&filter=proto+tcp+and+dst+port+443&multiplier=10&notes=HTTPS+in",
	    "/tracking?name=web-in&done=created&reload=down");
	t = slurp("trackings/web-in");
	assert_non_null(t);
	assert_string_equal(t, "filter proto tcp and dst port 443\n"
	    "multiplier 10\nnotes HTTPS in\n");
	free(t);
	/* a second create of the same name is refused */
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1"
	    "&name=web-in&filter=", 400, "exists already");

	assert_int_equal(wt_run("GET", "/trackings", "done=created&reload=down",
	    &o), 200);
	assert_non_null(strstr(wt_body(&o), "Tracking created."));
	assert_non_null(strstr(wt_body(&o), "flowkeepd is not running"));
	assert_non_null(strstr(wt_body(&o), "<img class=\"g\" src=\"/track.png?name="
	    "web-in&amp;period=day&amp;width=600&amp;height=300\" width=\"300\" "
	    "height=\"150\""));
	assert_non_null(strstr(wt_body(&o), "href=\"/tracking?name=web-in\""));
	assert_non_null(strstr(wt_body(&o), "proto tcp and dst port 443"));
	assert_null(strstr(wt_body(&o), "id=\"no-trackings\""));
	web_out_free(&o);

	assert_int_equal(wt_run("GET", "/tracking", "name=web-in", &o), 200);
	assert_int_equal(count(&o, "<img class=\"g\" src=\"/track.png?name=web-in&amp;"
	    "period="), 5);
	assert_non_null(strstr(wt_body(&o), "period=3y&amp;width=700"));
	assert_non_null(strstr(wt_body(&o), "id=\"definition\">filter proto "
	    "tcp and dst port 443\nmultiplier 10\n"));
	assert_non_null(strstr(wt_body(&o), "id=\"no-alerts\""));
	assert_non_null(strstr(wt_body(&o), "action=\"/tracking/archive\""));
	assert_non_null(strstr(wt_body(&o), "name=\"csrf\" value=\""));
	web_out_free(&o);
}

static void
test_png(void **state)
{
	struct web_out o;

	(void)state;
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=p1&filter=",
	    "/tracking?name=p1&done=created&reload=down");
	/* no RRD yet: an empty graph, still a PNG */
	assert_int_equal(wt_run("GET", "/track.png", "name=p1&period=week"
	    "&width=300&height=150", &o), 200);
	assert_string_equal(o.ctype, "image/png");
	assert_true(o.len > 100);
	assert_memory_equal(o.body, "\x89PNG\r\n\x1a\n", 8);
	assert_string_equal(o.headers[0], "Cache-Control: no-store");
	web_out_free(&o);
	wt_refused("/track.png", "name=nosuch", 404, "no tracking nosuch");
	wt_refused("/track.png", "name=..%2Fetc%2Fpasswd", 400, "name");
	wt_refused("/track.png", "name=p1&width=99999", 400, "width");
	wt_refused("/track.png", "name=p1&width=abc", 400, "width");
	wt_refused("/track.png", "name=p1&period=24h", 400, "period");
	wt_refused("/track.png", "name=p1&file=%2Fetc", 400, "file");
	wt_refused("/tracking", "name=..%2Fx", 400, "name");
	wt_refused("/tracking", "name=.archive", 400, "name");
	wt_refused("/tracking", "name=nosuch", 404, "no tracking");
	wt_refused("/tracking", "", 400, "name");
}

/* The PNG's size from its IHDR chunk. */
static void
png_size(const struct web_out *o, unsigned *w, unsigned *h)
{
	const unsigned char *b = (const unsigned char *)o->body;

	assert_true(o->len > 24);
	assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
	*w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 |
	    (unsigned)b[18] << 8 | b[19];
	*h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 |
	    (unsigned)b[22] << 8 | b[23];
}

/* With an RRD, the graph is graph.h's (legend and all), at the asked
 * size; without one, the "no data yet" frame of the same size. */
static void
test_png_rrd(void **state)
{
	struct rrd_sample s[48];
	struct web_out o;
	char p[512], err[256];
	time_t now = time(NULL), t0 = now - now % 300 - 49 * 300;
	unsigned w, h;
	size_t empty;

	(void)state;
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=d1&filter=",
	    "/tracking?name=d1&done=created&reload=down");
	assert_int_equal(wt_run("GET", "/track.png", "name=d1&width=700"
	    "&height=200", &o), 200);
	png_size(&o, &w, &h);
	assert_int_equal(w, 700);
	assert_int_equal(h, 200);
	empty = o.len;
	web_out_free(&o);

	snprintf(p, sizeof(p), "%s/rrd", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/rrd/d1.rrd", dir);
	assert_true(rrdstore_ensure(p, 300, t0, err, sizeof(err)) >= 0);
	for (int i = 0; i < 48; i++) {
		s[i].t = t0 + (time_t)(i + 1) * 300;
		s[i].bits = 1e6 * (1 + i % 7);
		s[i].packets = 100 + i;
		s[i].flows = 10;
	}
	assert_int_equal(rrdstore_update(p, s, 48, err, sizeof(err)), 48);
	assert_int_equal(wt_run("GET", "/track.png", "name=d1&width=700"
	    "&height=200&period=day", &o), 200);
	png_size(&o, &w, &h);
	assert_int_equal(w, 700);
	assert_int_equal(h, 200);
	/* a drawn graph holds far more than the empty frame */
	assert_true(o.len > 3 * empty);
	assert_string_equal(o.headers[0], "Cache-Control: max-age=60");
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/track.png", "name=d1&unit=packets"
	    "&period=3y&width=300&height=150", &o), 200);
	png_size(&o, &w, &h);
	assert_int_equal(w, 300);
	web_out_free(&o);
}

#define UPTIME	10000000u

/* A closed flow file in layout 0 under dir/flows, created at t, with n
 * flows of 40 octets, 1 packet, no duration, one a minute from t. */
static void
mkflows(time_t t, unsigned n)
{
	struct ftw_opts fo = { 5, 0, 0, "h", NULL };
	char rel[LAYOUT_PATH_MAX], fin[LAYOUT_PATH_MAX], base[512];
	char path[2200], fpath[2200], err[256];
	struct ftrec r[64];
	struct ftw *w;

	assert_true(n <= 64);
	for (unsigned i = 0; i < n; i++) {
		uint64_t ms = ((uint64_t)t + 60 * i) * 1000;
		uint32_t secs = (uint32_t)(ms / 1000) + 5;
		uint64_t b0 = (uint64_t)secs * 1000;

		memset(&r[i], 0, sizeof(r[i]));
		r[i].unix_secs = secs;
		r[i].sysuptime = UPTIME;
		r[i].first = r[i].last = (uint32_t)(ms - b0 + UPTIME);
		r[i].srcaddr = 0x0a000001;
		r[i].dstaddr = 0xc0a80001;
		r[i].srcport = (uint16_t)(1000 + i);
		r[i].dstport = 443;
		r[i].dpkts = 1;
		r[i].doctets = 40;
		r[i].prot = 6;
	}
	snprintf(base, sizeof(base), "%s/flows", dir);
	mkdir(base, 0755);
	assert_int_equal(layout_path(rel, sizeof(rel), 0, 5, t, LAYOUT_TMP), 0);
	assert_int_equal(layout_path(fin, sizeof(fin), 0, 5, t,
	    LAYOUT_FINAL), 0);
	assert_int_equal(layout_mkdirs(base, rel), 0);
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	snprintf(fpath, sizeof(fpath), "%s/%s", base, fin);
	w = ftw_open(path, &fo, (uint32_t)t, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(ftw_write(w, r, n), 0);
	assert_int_equal(ftw_close(w, (uint32_t)t + 3600, NULL, fpath, err,
	    sizeof(err)), 0);
}

/* The flows the RRD holds over [t0, t1): the sum of flows/s * step. */
static double
rrd_flows(const char *path, time_t t0, time_t t1)
{
	time_t s = t0, e = t1;
	unsigned long step = 300, nds = 0;
	char **names = NULL;
	rrd_value_t *data = NULL, *v;
	double sum = 0;
	int fl = -1;

	assert_int_equal(rrd_fetch_r(path, "AVERAGE", &s, &e, &step, &nds,
	    &names, &data), 0);
	for (unsigned long i = 0; i < nds; i++) {
		if (strcmp(names[i], "flows") == 0)
			fl = (int)i;
		rrd_freemem(names[i]);
	}
	rrd_freemem(names);
	assert_true(fl >= 0);
	v = data;
	for (time_t t = s; t < e; t += (time_t)step, v += nds)
		if (t >= t0 && t < t1 && !isnan(v[fl]))
			sum += v[fl] * (double)step;
	rrd_freemem(data);
	return sum;
}

/* Back-fill from stored flows: the RRD holds them as the CLI would have
 * counted; a second one needs replace (else 400, nothing written) and
 * moves the old RRD aside; a window over two days, in the future or
 * backwards is 400, the long one naming the CLI command. */
static void
test_backfill(void **state)
{
	char p[512], err[256], body[512], loc[128];
	time_t now = time(NULL), t0 = now - now % 3600 - 3 * 3600,
	    t1 = t0 + 3600;

	(void)state;
	snprintf(wt_cfg.workdir, sizeof(wt_cfg.workdir), "%s/flows", dir);
	wt_cfg.track_step = 300;
	mkflows(t0, 30);
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=bf1"
	    "&filter=dst+port+443", "/tracking?name=bf1&done=created"
	    "&reload=down");
	snprintf(body, sizeof(body), "csrf=" TOKEN "&name=bf1&from=%%40%lld"
	    "&to=%%40%lld", (long long)t0, (long long)t1);
	refused("/tracking/backfill", NULL, body, 403, "CSRF");
	snprintf(body, sizeof(body), "csrf=" TOKEN "&name=bf1&from=%%40%lld"
	    "&to=%%40%lld", (long long)t1, (long long)t0);
	refused("/tracking/backfill", COOKIE, body, 400,
	    "to: at least one step");
	refused("/tracking/backfill", COOKIE, "csrf=" TOKEN "&name=bf1"
	    "&from=-1h&to=2030-01-01+10%3A00", 400, "future");
	refused("/tracking/backfill", COOKIE, "csrf=" TOKEN "&name=bf1"
	    "&from=-3d&to=now", 400, "flowkeep track backfill bf1 --from @");
	refused("/tracking/backfill", COOKIE, "csrf=" TOKEN "&name=bf1"
	    "&from=-1h", 400, "required");
	refused("/tracking/backfill", COOKIE, "csrf=" TOKEN "&name=..%2Fbf1"
	    "&from=-2h&to=-1h", 400, "name");
	refused("/tracking/backfill", COOKIE, "csrf=" TOKEN "&name=nosuch"
	    "&from=-2h&to=-1h", 404, "no tracking");

	snprintf(body, sizeof(body), "csrf=" TOKEN "&name=bf1&from=%%40%lld"
	    "&to=%%40%lld", (long long)t0, (long long)t1);
	snprintf(loc, sizeof(loc), "/tracking?name=bf1&done=backfill");
	posted("/tracking/backfill", body, loc);
	snprintf(p, sizeof(p), "%s/rrd/bf1.rrd", dir);
	assert_int_equal(rrdstore_last(p, err, sizeof(err)), t1);
	/* 30 flows started in the window (RRD rates rounded: 1e-2) */
	assert_true(fabs(rrd_flows(p, t0, t1) - 30) < 1e-2);
	refused("/tracking/backfill", COOKIE, body, 400, "replace");
	/* the filter counts: port 80 matches none of them */
	posted("/tracking/save", "csrf=" TOKEN "&name=bf1&filter=dst+port+80",
	    "/tracking?name=bf1&done=changed&reload=down");
	strncat(body, "&replace=1", sizeof(body) - strlen(body) - 1);
	posted("/tracking/backfill", body, loc);
	assert_int_equal(entries_like("rrd", "bf1.rrd.before-backfill-"), 1);
	assert_int_equal(rrdstore_last(p, err, sizeof(err)), t1);
	assert_true(fabs(rrd_flows(p, t0, t1)) < 1e-2);
}

static void
test_refused_posts(void **state)
{
	struct web_out o;

	(void)state;
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=r1"
	    "&filter=port+53", "/tracking?name=r1&done=created&reload=down");
	/* CSRF: no cookie, wrong token, no field */
	refused("/tracking/save", NULL, "csrf=" TOKEN "&create=1&name=r2"
	    "&filter=", 403, "CSRF");
	refused("/tracking/save", "fk_csrf=" OTHER, "csrf=" TOKEN
	    "&create=1&name=r2&filter=", 403, "CSRF");
	refused("/tracking/save", COOKIE, "create=1&name=r2&filter=", 403,
	    "CSRF");
	refused("/tracking/archive", "fk_csrf=" OTHER, "csrf=" TOKEN
	    "&name=r1", 403, "CSRF");
	refused("/tracking/note", NULL, "csrf=" TOKEN "&name=r1&text=x",
	    403, "CSRF");
	/* names */
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1"
	    "&name=..%2Fx&filter=", 400, "name");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1"
	    "&name=.x&filter=", 400, "name");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1"
	    "&name=a%2Fb&filter=", 400, "name");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1"
	    "&name=%3Cscript%3E&filter=", 400, "name");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1"
	    "&filter=", 400, "name");
	refused("/tracking/archive", COOKIE, "csrf=" TOKEN
	    "&name=..%2F..%2Fetc", 400, "name");
	/* contents */
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1&name=r2"
	    "&filter=port+bogus+%28", 400, "filter");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1&name=r2"
	    "&filter=port+80%0Aalert-command+rm+-rf+%2F", 400, "one line");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1&name=r2"
	    "&filter=&multiplier=0", 400, "multiplier");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1&name=r2"
	    "&filter=&multiplier=99999999999", 400, "multiplier");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1&name=r2"
	    "&filter=&multiplier=abc", 400, "multiplier");
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&name=nosuch"
	    "&filter=", 404, "no tracking");
	refused("/tracking/note", COOKIE, "csrf=" TOKEN "&name=r1"
	    "&text=a%0Dalert-command+x", 400, "text");
	refused("/tracking/note", COOKIE, "csrf=" TOKEN "&name=r1", 400,
	    "text");
	refused("/tracking/note", COOKIE, "csrf=" TOKEN "&name=r1&text=x"
	    "&at=yesterday+noon+ish", 400, "at");
	refused("/tracking/alerts", COOKIE, "csrf=" TOKEN "&name=r1"
	    "&alert1=above+lots", 400, "alert1");
	refused("/tracking/alerts", COOKIE, "csrf=" TOKEN "&name=r1"
	    "&alert1=above+5M&alert2=above+1M%0Afilter+x", 400, "alert2");
	refused("/tracking/alerts", COOKIE, "csrf=" TOKEN "&name=r1"
	    "&alert5=above+5M", 400, "alert5");
	refused("/tracking/restore", COOKIE, "csrf=" TOKEN "&name=r1", 404,
	    "no archived");
	refused("/tracking/remove", COOKIE, "csrf=" TOKEN "&name=r1", 400,
	    "archive it first");
	/* a GET on a POST route, a POST on a GET route */
	assert_int_equal(wt_run("GET", "/tracking/save", "name=x&filter=",
	    &o), 405);
	web_out_free(&o);
	refused("/trackings", COOKIE, "csrf=" TOKEN, 405, "not allowed");
	assert_false(present("trackings/r2"));
}

static void
test_edit_note_alerts(void **state)
{
	struct web_out o;
	FILE *fp;
	char p[512], *t;

	(void)state;
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=e1"
	    "&filter=port+80&notes=old", "/tracking?name=e1&done=created"
	    "&reload=down");
	/* an alert-command written by hand is kept by every web edit */
	snprintf(p, sizeof(p), "%s/trackings/e1", dir);
	assert_non_null(fp = fopen(p, "a"));
	fputs("alert-command logger hello\n", fp);
	fclose(fp);
	posted("/tracking/alerts", "csrf=" TOKEN "&name=e1&alert1=above+50M"
	    "&alert2=&alert3=below+1k+packets+for+3",
	    "/tracking?name=e1&done=alerts&reload=down");
	posted("/tracking/note", "csrf=" TOKEN "&name=e1&text=%3Cscript%3E"
	    "alert(1)%3C%2Fscript%3E+uplink&at=%401764300000",
	    "/tracking?name=e1&done=note");
	posted("/tracking/save", "csrf=" TOKEN "&name=e1&filter=port+8080",
	    "/tracking?name=e1&done=changed&reload=down");
	t = slurp("trackings/e1");
	assert_non_null(t);
	assert_non_null(strstr(t, "filter port 8080\n"));
	assert_null(strstr(t, "port 80\n"));
	assert_null(strstr(t, "notes old"));	/* emptied: dropped */
	assert_non_null(strstr(t, "alert-command logger hello\n"));
	assert_non_null(strstr(t, "\nalert above 50M\n"));
	assert_non_null(strstr(t, "\nalert below 1k packets for 3\n"));
	assert_non_null(strstr(t, "\nnote 1764300000 <script>alert(1)"
	    "</script> uplink\n"));
	free(t);

	/* the history shows this tracking's alerts only, escaped */
	snprintf(p, sizeof(p), "%s/rrd", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/rrd/alerts.log", dir);
	assert_non_null(fp = fopen(p, "w"));
	fputs("2026-11-28T10:00:00+0000\te1\tabove 50M\t6.1e+07\t5e+07\t"
	    "b/s\n2026-11-28T11:00:00+0000\te10\tabove 1\t2\t1\tb/s\n"
	    "2026-11-28T12:00:00+0000\te1\tabove 50M\t<b>\t5e+07\tb/s\n", fp);
	fclose(fp);
	assert_int_equal(wt_run("GET", "/tracking", "name=e1&done=note", &o),
	    200);
	assert_non_null(strstr(wt_body(&o), "Note added."));
	assert_non_null(strstr(wt_body(&o), "&lt;script&gt;alert(1)&lt;/"
	    "script&gt; uplink"));
	assert_null(strstr(wt_body(&o), "<script>alert"));
	assert_non_null(strstr(wt_body(&o), "id=\"alert-history\""));
	assert_int_equal(count(&o, "<td>above 50M</td>"), 2);
	assert_null(strstr(wt_body(&o), "above 1<"));
	assert_non_null(strstr(wt_body(&o), "&lt;b&gt;"));
	/* newest first */
	assert_true(strstr(wt_body(&o), "12:00:00") <
	    strstr(wt_body(&o), "10:00:00"));
	assert_non_null(strstr(wt_body(&o), "value=\"above 50M"));
	assert_non_null(strstr(wt_body(&o), "alert-command is kept"));
	web_out_free(&o);

	/* all alert fields empty: the rules go, the command stays */
	posted("/tracking/alerts", "csrf=" TOKEN "&name=e1",
	    "/tracking?name=e1&done=alerts&reload=down");
	t = slurp("trackings/e1");
	assert_null(strstr(t, "\nalert "));
	assert_non_null(strstr(t, "alert-command logger hello\n"));
	free(t);
}

static void
test_archive_restore_remove(void **state)
{
	struct web_out o;

	(void)state;
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=a1&filter=",
	    "/tracking?name=a1&done=created&reload=down");
	posted("/tracking/archive", "csrf=" TOKEN "&name=a1",
	    "/trackings?done=archived&reload=down");
	assert_false(present("trackings/a1"));
	assert_true(present("trackings/.archive/a1"));
	assert_int_equal(wt_run("GET", "/trackings", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "id=\"archived\""));
	assert_non_null(strstr(wt_body(&o), "href=\"/tracking?name=a1&amp;"
	    "archived=1\""));
	assert_null(strstr(wt_body(&o), "track.png?name=a1&amp;period"));
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/tracking", "name=a1&archived=1",
	    &o), 200);
	assert_non_null(strstr(wt_body(&o), "track.png?name=a1&amp;"
	    "archived=1&amp;period=day"));
	assert_non_null(strstr(wt_body(&o), "/tracking/restore"));
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/track.png", "name=a1&archived=1",
	    &o), 200);
	assert_string_equal(o.ctype, "image/png");
	web_out_free(&o);
	/* a new tracking of the archived one's name is refused */
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1&name=a1"
	    "&filter=", 400, "archived");
	posted("/tracking/restore", "csrf=" TOKEN "&name=a1",
	    "/tracking?name=a1&done=restored&reload=down");
	assert_true(present("trackings/a1"));
	posted("/tracking/archive", "csrf=" TOKEN "&name=a1",
	    "/trackings?done=archived&reload=down");
	posted("/tracking/remove", "csrf=" TOKEN "&name=a1",
	    "/trackings?done=removed");
	assert_false(present("trackings/.archive/a1"));
	assert_false(present("trackings/a1"));
}

static void
test_groups_dashboard(void **state)
{
	struct web_out o;
	char *t;

	(void)state;
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=in&filter=",
	    "/tracking?name=in&done=created&reload=down");
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=out&filter=",
	    "/tracking?name=out&done=created&reload=down");
	assert_int_equal(wt_run("GET", "/group", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "id=\"group-edit\""));
	assert_non_null(strstr(wt_body(&o), "<option value=\"in\">in"));
	web_out_free(&o);
	refused("/group/save", COOKIE, "csrf=" TOKEN "&create=1&name=g1"
	    "&m1=in&m2=nosuch", 400, "m2: no tracking nosuch");
	refused("/group/save", COOKIE, "csrf=" TOKEN "&create=1&name=g1"
	    "&m1=..%2Fin", 400, "m1");
	refused("/group/save", COOKIE, "csrf=" TOKEN "&create=1&name=g1"
	    "&m1=in&m2=in", 400, "m2");
	refused("/group/save", COOKIE, "csrf=" TOKEN "&create=1&name=g1",
	    400, "member");
	refused("/group/save", COOKIE, "csrf=" TOKEN "&create=1&name=g1"
	    "&m1=in&s1=sideways", 400, "s1");
	refused("/group/save", NULL, "csrf=" TOKEN "&create=1&name=g1"
	    "&m1=in", 403, "CSRF");
	posted("/group/save", "csrf=" TOKEN "&create=1&name=g1&title=In+%26"
	    "+out&unit=packets&m1=in&s1=above&m2=out&s2=below",
	    "/group?name=g1&done=group");
	t = slurp("groups/g1");
	assert_non_null(t);
	assert_non_null(strstr(t, "title In & out\n"));
	assert_non_null(strstr(t, "unit packets\n"));
	assert_non_null(strstr(t, "member in above"));
	assert_non_null(strstr(t, "member out below"));
	free(t);
	assert_int_equal(wt_run("GET", "/group", "name=g1", &o), 200);
	assert_int_equal(count(&o, "<img class=\"g\" src=\"/group.png?name=g1&amp;"
	    "period="), 5);
	assert_non_null(strstr(wt_body(&o), "In &amp; out"));
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/group.png", "name=g1&period=month"
	    "&width=400&height=150", &o), 200);
	assert_string_equal(o.ctype, "image/png");
	assert_memory_equal(o.body, "\x89PNG", 4);
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/trackings", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "<img class=\"g\" src=\"/group.png?name=g1"));
	web_out_free(&o);
	wt_refused("/group", "name=nosuch", 404, "no group");
	wt_refused("/group.png", "name=..%2Fg1", 400, "name");

	/* the dashboard */
	assert_int_equal(wt_run("GET", "/dashboard", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "id=\"no-dashboard\""));
	web_out_free(&o);
	posted("/dashboard/add", "csrf=" TOKEN "&kind=track&name=in",
	    "/dashboard?done=added");
	posted("/dashboard/add", "csrf=" TOKEN "&kind=group&name=g1",
	    "/dashboard?done=added");
	posted("/dashboard/add", "csrf=" TOKEN "&kind=group&name=g1",
	    "/dashboard?done=added");
	refused("/dashboard/add", COOKIE, "csrf=" TOKEN "&kind=track"
	    "&name=nosuch", 404, "no tracking");
	refused("/dashboard/add", COOKIE, "csrf=" TOKEN "&kind=file"
	    "&name=in", 400, "kind");
	refused("/dashboard/add", "fk_csrf=" OTHER, "csrf=" TOKEN
	    "&kind=track&name=out", 403, "CSRF");
	t = slurp("trackings/.dashboard");
	assert_string_equal(t, "track in\ngroup g1\n");
	free(t);
	assert_int_equal(wt_run("GET", "/dashboard", "done=added", &o), 200);
	assert_non_null(strstr(wt_body(&o), "Added to the dashboard."));
	assert_non_null(strstr(wt_body(&o), "<img class=\"g\" src=\"/track.png?name=in"));
	assert_non_null(strstr(wt_body(&o), "<img class=\"g\" src=\"/group.png?name=g1"));
	web_out_free(&o);
	/* the dashboard file is not a tracking */
	assert_int_equal(wt_run("GET", "/trackings", "", &o), 200);
	assert_null(strstr(wt_body(&o), "name=.dashboard"));
	web_out_free(&o);
	posted("/dashboard/remove", "csrf=" TOKEN "&kind=track&name=in",
	    "/dashboard?done=dropped");
	t = slurp("trackings/.dashboard");
	assert_string_equal(t, "group g1\n");
	free(t);
	refused("/dashboard/remove", COOKIE, "csrf=" TOKEN "&kind=track"
	    "&name=in", 404, "not on the dashboard");
	posted("/group/remove", "csrf=" TOKEN "&name=g1",
	    "/trackings?done=grouprm");
	assert_false(present("groups/g1"));
	assert_true(present("trackings/in"));
}

/* A tracking directory the web user cannot write (privilege separation,
 * doc/security.md): every form is 403 with nothing written and the pages
 * say so.  Root writes anyway: skipped when run as root. */
static void
test_readonly(void **state)
{
	struct web_out o;
	char p[512];

	(void)state;
	if (geteuid() == 0)
		skip();
	posted("/tracking/save", "csrf=" TOKEN "&create=1&name=ro1&filter=",
	    "/tracking?name=ro1&done=created&reload=down");
	snprintf(p, sizeof(p), "%s/trackings", dir);
	assert_int_equal(chmod(p, 0555), 0);
	refused("/tracking/save", COOKIE, "csrf=" TOKEN "&create=1&name=ro2"
	    "&filter=", 403, "not writable");
	refused("/tracking/note", COOKIE, "csrf=" TOKEN "&name=ro1&text=x",
	    403, "not writable");
	refused("/tracking/archive", COOKIE, "csrf=" TOKEN "&name=ro1", 403,
	    "not writable");
	refused("/dashboard/add", COOKIE, "csrf=" TOKEN "&kind=track"
	    "&name=ro1", 403, "not writable");
	refused("/group/save", COOKIE, "csrf=" TOKEN "&create=1&name=g"
	    "&m1=ro1", 403, "not writable");
	assert_int_equal(wt_run("GET", "/tracking", "name=ro1", &o), 200);
	assert_non_null(strstr(wt_body(&o), "id=\"readonly\""));
	web_out_free(&o);
	assert_int_equal(wt_run("GET", "/trackings", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "id=\"readonly\""));
	web_out_free(&o);
	assert_int_equal(chmod(p, 0755), 0);
	assert_int_equal(wt_run("GET", "/trackings", "", &o), 200);
	assert_null(strstr(wt_body(&o), "id=\"readonly\""));
	web_out_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_list_show, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_png, setup, teardown),
		cmocka_unit_test_setup_teardown(test_png_rrd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backfill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_posts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_edit_note_alerts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_archive_restore_remove,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_dashboard, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
