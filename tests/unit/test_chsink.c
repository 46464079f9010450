/*
 * test_chsink.c - the ClickHouse sink without ClickHouse: spool files
 * (order, tmp- leftovers, every cut and a changed byte refused), the sink
 * against a closed port (every batch spooled in order at stop, rows
 * decoded back equal the flows put), the spool bound (rows past
 * clickhouse-spool-max counted as dropped, never silent), and replay to
 * a small HTTP server in this file (oldest file first, a corrupt file set
 * aside and counted, files kept while the server answers 500 and deleted
 * after its 200s).
 */
#define _GNU_SOURCE

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/chsink.h"
#include "src/chspool.h"
#include "src/log.h"
#include "storage/chrow.h"

static char dir[256];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_chsink.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
mkrec(struct flowrec *r, unsigned i)
{
	memset(r, 0, sizeof(*r));
	r->version = 5;
	r->af = FR_AF_INET;
	r->exp_af = FR_AF_INET;
	r->exporter.v4 = 0x7f000701;
	r->src.v4 = 0xc0000200 | (i & 0xff);
	r->dst.v4 = 0xc6336400 | ((i * 7) & 0xff);
	r->sport = (uint16_t)(1024 + i);
	r->dport = 80;
	r->proto = 6;
	r->packets = 1 + i;
	r->octets = 100ull * (i + 1);
	r->first_ms = 1764000000000ull + i;
	r->last_ms = r->first_ms + 10;
	r->recv_ms = r->last_ms + 10;
}

/* The rows of a body as flow records, checked against mkrec(first..). */
static unsigned
check_rows(const uint8_t *p, size_t len, unsigned first)
{
	struct flowrec	r, want;
	char		name[64];
	unsigned	n = 0;
	long		used;

	while (len > 0) {
		used = chrow_decode(p, len, &r, name, sizeof(name));
		assert_true(used > 0);
		mkrec(&want, first + n);
		assert_int_equal(r.octets, want.octets);
		assert_int_equal(r.src.v4, want.src.v4);
		assert_int_equal(r.first_ms, want.first_ms);
		assert_string_equal(name, "unit");
		p += used;
		len -= (size_t)used;
		n++;
	}
	return n;
}

static size_t
encode(uint8_t *buf, unsigned first, unsigned n)
{
	struct flowrec	r;
	size_t		len = 0;

	for (unsigned i = 0; i < n; i++) {
		mkrec(&r, first + i);
		len += chrow_encode(&r, "unit", buf + len);
	}
	return len;
}

static unsigned
count_files(const char *prefix)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	unsigned	 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* ------------------------------------------------------------ spool */

static void
test_spool_order_and_stale(void **state)
{
	static uint8_t	 body[10 * CHROW_MAX];
	struct chspool_ent *e;
	const uint8_t	*b;
	uint8_t		*buf;
	uint32_t	 rows;
	size_t		 len, blen, n5 = encode(body, 0, 5);
	unsigned	 n, stale;
	char		 err[256], path[512];
	FILE		*fp;

	(void)state;
	/* written out of order: 3, 1, 2; and a tmp- file a crash left */
	assert_true(chspool_write(dir, 3, 5, body, n5, err, sizeof(err)) > 0);
	assert_true(chspool_write(dir, 1, 5, body, n5, err, sizeof(err)) > 0);
	assert_true(chspool_write(dir, 12, 5, body, n5, err, sizeof(err)) > 0);
	snprintf(path, sizeof(path), "%s/tmp-chb-%020u.chb", dir, 13);
	assert_non_null(fp = fopen(path, "w"));
	fputs("half", fp);
	fclose(fp);
	assert_int_equal(chspool_scan(dir, &e, &n, &stale, err, sizeof(err)),
	    0);
	assert_int_equal(n, 3);
	assert_int_equal(stale, 1);
	assert_int_equal(e[0].seq, 1);
	assert_int_equal(e[1].seq, 3);
	assert_int_equal(e[2].seq, 12);
	assert_int_equal(e[0].size, CHSPOOL_HDR + n5);
	free(e);
	assert_int_equal(count_files("tmp-"), 0);
	/* read back: the rows as written */
	assert_int_equal(chspool_read(dir, 3, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(chspool_parse(buf, len, &rows, &b, &blen, err,
	    sizeof(err)), 0);
	assert_int_equal(rows, 5);
	assert_int_equal(check_rows(b, blen, 0), 5);
	free(buf);
}

static void
test_spool_parse_refuses(void **state)
{
	static uint8_t	 body[10 * CHROW_MAX], file[CHSPOOL_HDR + 10 * CHROW_MAX];
	const uint8_t	*b;
	uint32_t	 rows;
	size_t		 blen, n = encode(body, 0, 3);
	char		 err[256];

	(void)state;
	chspool_header(file, 3, body, n);
	memcpy(file + CHSPOOL_HDR, body, n);
	assert_int_equal(chspool_parse(file, CHSPOOL_HDR + n, &rows, &b, &blen,
	    err, sizeof(err)), 0);
	/* cut anywhere: refused */
	for (size_t cut = 0; cut < CHSPOOL_HDR + n; cut++)
		assert_int_equal(chspool_parse(file, cut, &rows, &b, &blen,
		    err, sizeof(err)), -1);
	/* one byte changed anywhere: refused */
	for (size_t i = 0; i < CHSPOOL_HDR + n; i++) {
		file[i] ^= 0x40;
		assert_int_equal(chspool_parse(file, CHSPOOL_HDR + n, &rows,
		    &b, &blen, err, sizeof(err)), -1);
		file[i] ^= 0x40;
	}
	/* a header that claims another row count, CRC right */
	chspool_header(file, 4, body, n);
	assert_int_equal(chspool_parse(file, CHSPOOL_HDR + n, &rows, &b, &blen,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "rows"));
}

/* ------------------------------------------------------------ a tiny server */

struct srv {
	int		 fd;
	uint16_t	 port;
	int		 code;		/* answer to POSTs */
	pthread_t	 th;
	pthread_mutex_t	 mu;
	unsigned	 posts, pings;
	uint8_t		*got;		/* POST bodies, in order */
	size_t		 gotlen;
	int		 stop;
};

static int
read_full(int fd, uint8_t *p, size_t n)
{
	ssize_t	r;

	while (n > 0) {
		if ((r = read(fd, p, n)) <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One connection: requests until the peer closes. */
static void
serve_conn(struct srv *s, int c)
{
	char	 hdr[8192], ans[128];
	size_t	 hl;
	long	 clen;
	uint8_t	*body;
	char	*p;
	int	 code;

	for (;;) {
		hl = 0;
		while (hl < 4 || memcmp(hdr + hl - 4, "\r\n\r\n", 4) != 0) {
			if (hl + 1 >= sizeof(hdr) ||
			    read(c, hdr + hl, 1) != 1)
				return;
			hl++;
		}
		hdr[hl] = '\0';
		clen = 0;
		if ((p = strcasestr(hdr, "Content-Length:")) != NULL)
			clen = strtol(p + 15, NULL, 10);
		body = malloc((size_t)clen + 1);
		if (body == NULL || read_full(c, body, (size_t)clen) != 0) {
			free(body);
			return;
		}
		pthread_mutex_lock(&s->mu);
		if (strncmp(hdr, "GET /ping", 9) == 0) {
			s->pings++;
			code = 200;
		} else {
			s->posts++;
			code = s->code;
			if (code == 200 && strstr(hdr, "INSERT") != NULL) {
				s->got = realloc(s->got, s->gotlen +
				    (size_t)clen);
				memcpy(s->got + s->gotlen, body, (size_t)clen);
				s->gotlen += (size_t)clen;
			}
		}
		pthread_mutex_unlock(&s->mu);
		free(body);
		snprintf(ans, sizeof(ans), "HTTP/1.1 %d X\r\nContent-Length: "
		    "2\r\n\r\nok", code);
		if (write(c, ans, strlen(ans)) < 0)
			return;
	}
}

static void *
srv_main(void *arg)
{
	struct srv	*s = arg;
	int		 c;

	while ((c = accept(s->fd, NULL, NULL)) >= 0) {
		if (s->stop) {
			close(c);
			break;
		}
		serve_conn(s, c);
		close(c);
	}
	return NULL;
}

static void
srv_start(struct srv *s, int code)
{
	struct sockaddr_in sin;
	socklen_t	 sl = sizeof(sin);

	memset(s, 0, sizeof(*s));
	s->code = code;
	pthread_mutex_init(&s->mu, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s->fd, 8), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sin, &sl), 0);
	s->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void
srv_stop(struct srv *s)
{
	struct sockaddr_in sin;
	int		 c;

	s->stop = 1;
	/* wake accept() */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(s->port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	(void)connect(c, (struct sockaddr *)&sin, sizeof(sin));
	close(c);
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->th, NULL);
	close(s->fd);
	free(s->got);
	pthread_mutex_destroy(&s->mu);
}

/* A port nobody listens on. */
static uint16_t
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t	 sl = sizeof(sin);
	int		 fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t	 port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static struct chsink *
sink(uint16_t port, unsigned batch_rows, uint64_t spool_max)
{
	struct chsink_opts o;
	struct chsink	*ch;
	char		 url[64], err[256];

	memset(&o, 0, sizeof(o));
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", port);
	o.urls[0] = url;
	o.nurls = 1;
	o.table = "flowkeep.flows_local";
	o.collector = "unit";
	o.batch_rows = batch_rows;
	o.batch_age_ms = 3600000;
	o.queue_max = 1 << 20;
	o.spool_dir = dir;
	o.spool_max = spool_max;
	o.retry_min_ms = 50;
	ch = chsink_new(&o, NULL, err, sizeof(err));
	if (ch == NULL)
		fprintf(stderr, "chsink_new: %s\n", err);
	assert_non_null(ch);
	return ch;
}

static void
put(struct chsink *ch, unsigned first, unsigned n)
{
	struct flowrec	r;

	for (unsigned i = 0; i < n; i++) {
		mkrec(&r, first + i);
		chsink_put(ch, &r, 1);
	}
}

/* Poll the sink's stats until cond holds (5 s at most). */
#define WAIT_FOR(ch, st, cond) do {					\
	for (int _i = 0; _i < 500; _i++) {				\
		chsink_get_stats((ch), &(st));				\
		if (cond)						\
			break;						\
		usleep(10000);						\
	}								\
	chsink_get_stats((ch), &(st));					\
	assert_true(cond);						\
} while (0)

/* ------------------------------------------------------------ the sink */

static void
test_down_spools_in_order(void **state)
{
	struct chspool_ent *e;
	struct chsink_stats st;
	struct chsink	*ch;
	const uint8_t	*b;
	uint8_t		*buf;
	uint32_t	 rows;
	size_t		 len, blen;
	unsigned	 n, stale, i, first = 0;
	char		 err[256];

	(void)state;
	ch = sink(closed_port(), 10, 1ull << 30);
	put(ch, 0, 95);		/* 9 full batches and 5 rows open */
	WAIT_FOR(ch, st, st.spooled_batches == 9 && st.servers_up == 0);
	assert_int_equal(st.rows_in, 95);
	assert_int_equal(st.batch_rows, 5);
	assert_int_equal(st.rows_sent, 0);
	assert_true(st.send_errors >= 1);
	chsink_free(ch);	/* the open batch goes to the spool too */
	assert_int_equal(chspool_scan(dir, &e, &n, &stale, err, sizeof(err)),
	    0);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		assert_int_equal(chspool_read(dir, e[i].seq, &buf, &len, err,
		    sizeof(err)), 0);
		assert_int_equal(chspool_parse(buf, len, &rows, &b, &blen, err,
		    sizeof(err)), 0);
		assert_int_equal(check_rows(b, blen, first), rows);
		first += rows;
		free(buf);
	}
	assert_int_equal(first, 95);
	free(e);
	/* a new sink finds them */
	ch = sink(closed_port(), 10, 1ull << 30);
	chsink_get_stats(ch, &st);
	assert_int_equal(st.spool_files, 10);
	chsink_free(ch);
	assert_int_equal(count_files("chb-"), 10);
}

static void
test_spool_bound_counts_drops(void **state)
{
	struct chsink_stats st;
	struct chsink	*ch;
	uint8_t		 one[CHROW_MAX];
	size_t		 fsz;

	(void)state;
	fsz = CHSPOOL_HDR + 10 * encode(one, 0, 1);	/* one file of 10 */
	/* room for 3 files of 10 rows */
	ch = sink(closed_port(), 10, 3 * fsz + fsz / 2);
	put(ch, 0, 100);
	WAIT_FOR(ch, st, st.spooled_batches + st.dropped_batches == 10);
	assert_int_equal(st.spooled_batches, 3);
	assert_int_equal(st.spool_files, 3);
	assert_int_equal(st.dropped_rows, 70);
	assert_int_equal(st.spooled_rows + st.dropped_rows, st.rows_in);
	chsink_free(ch);
	assert_int_equal(count_files("chb-"), 3);
}

static void
test_replay_oldest_first_and_bad_set_aside(void **state)
{
	static uint8_t	 body[20 * CHROW_MAX];
	struct chsink_stats st;
	struct chsink	*ch;
	struct srv	 s;
	size_t		 n;
	char		 err[256], path[512];
	FILE		*fp;

	(void)state;
	/* files 1..4 of 10 rows each (rows 0..39); file 3 damaged */
	for (unsigned f = 1; f <= 4; f++) {
		n = encode(body, (f - 1) * 10, 10);
		assert_true(chspool_write(dir, f, 10, body, n, err,
		    sizeof(err)) > 0);
	}
	snprintf(path, sizeof(path), "%s/chb-%020u.chb", dir, 3);
	assert_non_null(fp = fopen(path, "r+"));
	fseek(fp, CHSPOOL_HDR + 7, SEEK_SET);
	fputc('!', fp);
	fclose(fp);
	/* the server refuses first: the files stay */
	srv_start(&s, 500);
	ch = sink(s.port, 10, 1ull << 30);
	WAIT_FOR(ch, st, st.send_errors >= 2);
	assert_int_equal(count_files("chb-"), 4);
	assert_int_equal(st.rows_sent, 0);
	assert_int_equal(st.spool_files, 4);
	/* then takes them, oldest first; file 3 is set aside on the way */
	pthread_mutex_lock(&s.mu);
	s.code = 200;
	pthread_mutex_unlock(&s.mu);
	WAIT_FOR(ch, st, st.spool_files == 0);
	assert_int_equal(st.replayed_batches, 3);
	assert_int_equal(st.rows_sent, 30);
	assert_int_equal(st.spool_bad, 1);
	assert_int_equal(count_files("chb-"), 0);
	assert_int_equal(count_files("bad-chb-"), 1);
	pthread_mutex_lock(&s.mu);
	/* rows 0-9, 10-19, then 30-39: file 3 is not sent */
	assert_int_equal(s.gotlen % 3, 0);
	assert_int_equal(check_rows(s.got, s.gotlen / 3 * 2, 0), 20);
	assert_int_equal(check_rows(s.got + s.gotlen / 3 * 2, s.gotlen / 3,
	    30), 10);
	assert_true(s.pings >= 1);
	pthread_mutex_unlock(&s.mu);
	/* new rows now go straight to the server */
	put(ch, 100, 10);
	WAIT_FOR(ch, st, st.rows_sent == 40);
	chsink_free(ch);
	srv_stop(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spool_order_and_stale,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_parse_refuses,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_down_spools_in_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_bound_counts_drops,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_replay_oldest_first_and_bad_set_aside, setup,
		    teardown),
	};

	log_init("test_chsink", 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
