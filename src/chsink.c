/*
 * chsink.c - flowkeepd's ClickHouse output: batches built on the UDP
 * thread, sent by a thread of their own, spooled to disk when they cannot
 * be sent (see chsink.h).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "chsink.h"
#include "chspool.h"
#include "log.h"
#include "promtext.h"
#include "storage/chrow.h"
#include "util.h"

#define BATCH_CAP0	(64 * 1024)
#define DROP_LOG_MS	10000

/* One batch of rows: from the UDP thread or a spool file.  seq orders
 * batches (given at hand-over, after those of the spool found at start);
 * a batch spooled keeps it as its file's number. */
struct chb {
	struct chb	*next;
	uint8_t		*buf;
	size_t		 off, len, cap;	/* the rows: buf[off..off + len) */
	uint32_t	 rows;
	uint64_t	 seq;
	int		 spooled;	/* a spool file's */
};

struct spent {
	uint64_t	 seq, size;
	int		 busy;		/* being sent */
};

struct chserver {
	struct chsink	*ch;
	char		 host[256];
	int		 port;
	char		*uri;
	struct evhttp_connection *conn;
	struct evhttp_request *req;
	struct chb	*inflight;
	int		 pinging;	/* a GET /ping in flight */
	int		 up;
	uint64_t	 retry_at;	/* monotonic ms */
	unsigned	 backoff_ms;
	int		 err;		/* enum evhttp_request_error + 1 */
	struct chsink_server_info info;	/* under ch->mu */
};

struct chsink {
	char		*table, *collector, *spool_dir;
	unsigned	 batch_rows, batch_age_ms, timeout_s, retry_min_ms;
	uint64_t	 queue_max, spool_max;

	/* the UDP thread's */
	struct chb	*cur;
	uint64_t	 cur_born;
	uint64_t	 next_seq;	/* of the next batch handed over */
	uint64_t	 rows_in;
	uint64_t	 drop_logged;
	struct event	*agetimer;

	/* shared, under mu */
	pthread_mutex_t	 mu;
	struct chb	*qhead, *qtail;
	uint64_t	 qbytes;	/* in the queue list */
	int		 stopping;
	struct chsink_stats st;

	/* the sender thread's */
	pthread_t	 th;
	int		 th_started;
	int		 wakefd[2];
	struct event_base *sbase;
	struct event	*wake_ev, *stimer;
	struct spent	*sp;
	unsigned	 nsp, capsp;
	int		 sstop;		/* stopping, as the sender saw it */
	uint64_t	 stop_at;
	uint64_t	 sdrop_logged;
	struct chserver	 srv[CHSINK_MAX_SERVERS];
	unsigned	 nsrv, rr;
};

static void	pump(struct chsink *);

/* ------------------------------------------------------------ batches */

static void
chb_free(struct chb *b)
{
	if (b != NULL) {
		free(b->buf);
		free(b);
	}
}

static void
wake(struct chsink *ch)
{
	char	c = 1;

	(void)!write(ch->wakefd[1], &c, 1);
}

/* Count rows that could not be kept; log now and then (caller holds
 * mu). */
static void
count_drop_locked(struct chsink *ch, uint32_t rows, uint64_t *logged,
    const char *why)
{
	uint64_t now = util_mono_ms();

	ch->st.dropped_rows += rows;
	ch->st.dropped_batches++;
	if (*logged == 0 || now - *logged >= DROP_LOG_MS) {
		*logged = now;
		log_warnx("clickhouse: %s: %" PRIu64 " rows dropped so far",
		    why, ch->st.dropped_rows);
	}
}

/* The UDP thread: give the current batch to the sender. */
static void
handover(struct chsink *ch)
{
	struct chb	*b = ch->cur;

	if (b == NULL || b->rows == 0)
		return;
	ch->cur = NULL;
	b->seq = ch->next_seq++;
	pthread_mutex_lock(&ch->mu);
	if (ch->qbytes + b->len > 2 * ch->queue_max) {
		count_drop_locked(ch, b->rows, &ch->drop_logged,
		    "memory queue full (the sender cannot keep up)");
		pthread_mutex_unlock(&ch->mu);
		chb_free(b);
		return;
	}
	if (ch->qtail != NULL)
		ch->qtail->next = b;
	else
		ch->qhead = b;
	ch->qtail = b;
	ch->qbytes += b->len;
	ch->st.queued_rows += b->rows;
	ch->st.queued_bytes += b->len;
	pthread_mutex_unlock(&ch->mu);
	wake(ch);
}

void
chsink_put(void *arg, const struct flowrec *recs, unsigned n)
{
	struct chsink	*ch = arg;
	struct chb	*b;
	uint8_t		*nb;
	size_t		 ncap;

	for (unsigned i = 0; i < n; i++) {
		ch->rows_in++;
		if ((b = ch->cur) == NULL) {
			if ((b = calloc(1, sizeof(*b))) == NULL ||
			    (b->buf = malloc(BATCH_CAP0)) == NULL) {
				free(b);
				goto nomem;
			}
			b->cap = BATCH_CAP0;
			ch->cur = b;
			ch->cur_born = util_mono_ms();
		}
		if (b->cap - b->len < CHROW_MAX) {
			ncap = 2 * b->cap;
			if ((nb = realloc(b->buf, ncap)) == NULL)
				goto nomem;
			b->buf = nb;
			b->cap = ncap;
		}
		b->len += chrow_encode(&recs[i], ch->collector,
		    b->buf + b->len);
		if (++b->rows >= ch->batch_rows)
			handover(ch);
		continue;
nomem:
		pthread_mutex_lock(&ch->mu);
		count_drop_locked(ch, 1, &ch->drop_logged, "out of memory");
		pthread_mutex_unlock(&ch->mu);
	}
}

void
chsink_tick(struct chsink *ch)
{
	if (ch->cur != NULL && ch->cur->rows > 0 &&
	    util_mono_ms() - ch->cur_born >= ch->batch_age_ms)
		handover(ch);
}

static void
on_age(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	chsink_tick(arg);
}

/* ------------------------------------------------------------ spool */

/* The sender: keep a batch from memory on disk, or count it dropped. */
static void
spool_batch(struct chsink *ch, struct chb *b)
{
	struct spent	*nv;
	uint64_t	 size;
	char		 err[512];
	unsigned	 ncap, i;

	pthread_mutex_lock(&ch->mu);
	ch->st.queued_rows -= b->rows;
	ch->st.queued_bytes -= b->len;
	if (ch->st.spool_bytes + CHSPOOL_HDR + b->len > ch->spool_max) {
		count_drop_locked(ch, b->rows, &ch->sdrop_logged,
		    "spool directory full (clickhouse-spool-max)");
		pthread_mutex_unlock(&ch->mu);
		chb_free(b);
		return;
	}
	pthread_mutex_unlock(&ch->mu);
	if (ch->nsp == ch->capsp) {
		ncap = ch->capsp ? 2 * ch->capsp : 64;
		if ((nv = realloc(ch->sp, ncap * sizeof(*nv))) == NULL) {
			snprintf(err, sizeof(err), "out of memory");
			goto fail;
		}
		ch->sp = nv;
		ch->capsp = ncap;
	}
	size = chspool_write(ch->spool_dir, b->seq, b->rows,
	    b->buf + b->off, b->len, err, sizeof(err));
	if (size == 0)
		goto fail;
	/* in order of seq: a batch that came back from a failed POST is
	 * older than those spooled meanwhile */
	for (i = ch->nsp; i > 0 && ch->sp[i - 1].seq > b->seq; i--)
		;
	memmove(&ch->sp[i + 1], &ch->sp[i], (ch->nsp - i) *
	    sizeof(ch->sp[0]));
	ch->sp[i].seq = b->seq;
	ch->sp[i].size = size;
	ch->sp[i].busy = 0;
	ch->nsp++;
	pthread_mutex_lock(&ch->mu);
	ch->st.spool_files++;
	ch->st.spool_bytes += size;
	ch->st.spooled_batches++;
	ch->st.spooled_rows += b->rows;
	pthread_mutex_unlock(&ch->mu);
	chb_free(b);
	return;
fail:
	pthread_mutex_lock(&ch->mu);
	ch->st.spool_errors++;
	count_drop_locked(ch, b->rows, &ch->sdrop_logged, err);
	pthread_mutex_unlock(&ch->mu);
	chb_free(b);
}

static void
spent_remove(struct chsink *ch, unsigned i)
{
	pthread_mutex_lock(&ch->mu);
	ch->st.spool_files--;
	ch->st.spool_bytes -= ch->sp[i].size;
	pthread_mutex_unlock(&ch->mu);
	memmove(&ch->sp[i], &ch->sp[i + 1], (ch->nsp - i - 1) *
	    sizeof(ch->sp[0]));
	ch->nsp--;
}

static int
spent_find(struct chsink *ch, uint64_t seq)
{
	for (unsigned i = 0; i < ch->nsp; i++)
		if (ch->sp[i].seq == seq)
			return (int)i;
	return -1;
}

/* The oldest spool file not being sent, read and checked; files that do
 * not check out are set aside and counted. */
static struct chb *
spool_next(struct chsink *ch)
{
	const uint8_t	*body;
	struct chb	*b;
	uint8_t		*buf;
	uint32_t	 rows;
	size_t		 len, blen;
	char		 err[512];
	unsigned	 i = 0;

	while (i < ch->nsp) {
		if (ch->sp[i].busy) {
			i++;
			continue;
		}
		if (chspool_read(ch->spool_dir, ch->sp[i].seq, &buf, &len,
		    err, sizeof(err)) != 0) {
			log_warnx("clickhouse spool: %s; setting it aside",
			    err);
			goto bad;
		}
		if (chspool_parse(buf, len, &rows, &body, &blen, err,
		    sizeof(err)) != 0) {
			log_warnx("clickhouse spool: file %" PRIu64 ": %s; "
			    "set aside as bad-chb-%020" PRIu64 ".chb",
			    ch->sp[i].seq, err, ch->sp[i].seq);
			free(buf);
			goto bad;
		}
		if ((b = calloc(1, sizeof(*b))) == NULL) {
			free(buf);
			return NULL;
		}
		b->buf = buf;
		b->off = (size_t)(body - buf);
		b->len = blen;
		b->cap = len;
		b->rows = rows;
		b->seq = ch->sp[i].seq;
		b->spooled = 1;
		ch->sp[i].busy = 1;
		return b;
bad:
		(void)chspool_set_aside(ch->spool_dir, ch->sp[i].seq);
		pthread_mutex_lock(&ch->mu);
		ch->st.spool_bad++;
		pthread_mutex_unlock(&ch->mu);
		spent_remove(ch, i);
	}
	return NULL;
}

/* ------------------------------------------------------------ sending */

static const char *
req_error(int e)
{
	switch (e - 1) {
	case EVREQ_HTTP_TIMEOUT:
		return "timed out";
	case EVREQ_HTTP_EOF:
		return "connection closed";
	case EVREQ_HTTP_INVALID_HEADER:
		return "not an HTTP answer";
	case EVREQ_HTTP_BUFFER_ERROR:
		return "connection refused or reset";
	case EVREQ_HTTP_REQUEST_CANCEL:
		return "cancelled";
	case EVREQ_HTTP_DATA_TOO_LONG:
		return "answer too long";
	default:
		return "cannot connect";
	}
}

static void
on_req_error(enum evhttp_request_error e, void *arg)
{
	struct chserver *s = arg;

	s->err = (int)e + 1;
}

/* A batch back where it came from after a failed POST. */
static void
batch_back(struct chsink *ch, struct chb *b)
{
	int	i;

	if (b->spooled) {
		if ((i = spent_find(ch, b->seq)) >= 0)
			ch->sp[i].busy = 0;
		chb_free(b);
		return;
	}
	pthread_mutex_lock(&ch->mu);
	b->next = ch->qhead;
	ch->qhead = b;
	if (ch->qtail == NULL)
		ch->qtail = b;
	ch->qbytes += b->len;
	pthread_mutex_unlock(&ch->mu);
}

static void
server_failed(struct chserver *s, const char *why)
{
	struct chsink	*ch = s->ch;
	uint64_t	 now = util_mono_ms();

	if (s->up)
		log_warnx("clickhouse %s: %s; marking it down",
		    s->info.name, why);
	else
		log_debug("clickhouse %s: %s", s->info.name, why);
	s->backoff_ms = s->up || s->backoff_ms == 0 ? ch->retry_min_ms :
	    s->backoff_ms * 2;
	if (s->backoff_ms > CHSINK_RETRY_MAX_MS)
		s->backoff_ms = CHSINK_RETRY_MAX_MS;
	s->retry_at = now + s->backoff_ms;
	pthread_mutex_lock(&ch->mu);
	if (s->up || s->info.down_ms == 0)
		s->info.down_ms = util_now_ms();
	s->up = 0;
	s->info.up = 0;
	s->info.errors++;
	ch->st.send_errors++;
	util_strlcpy(s->info.last_error, why, sizeof(s->info.last_error));
	pthread_mutex_unlock(&ch->mu);
}

static void
on_req_done(struct evhttp_request *req, void *arg)
{
	struct chserver	*s = arg;
	struct chsink	*ch = s->ch;
	struct chb	*b = s->inflight;
	struct evbuffer	*in;
	char		 why[160], body[120];
	size_t		 n;
	int		 code, i;

	s->inflight = NULL;
	s->req = NULL;
	if (b == NULL)
		return;
	code = req != NULL ? evhttp_request_get_response_code(req) : 0;
	if (code == 200) {
		pthread_mutex_lock(&ch->mu);
		ch->st.rows_sent += b->rows;
		ch->st.batches_sent++;
		ch->st.bytes_sent += b->len;
		if (!b->spooled) {
			ch->st.queued_rows -= b->rows;
			ch->st.queued_bytes -= b->len;
		} else {
			ch->st.replayed_batches++;
			ch->st.replayed_rows += b->rows;
		}
		s->info.batches++;
		s->info.rows += b->rows;
		s->info.bytes += b->len;
		if (!s->up)
			log_info("clickhouse %s: up", s->info.name);
		s->up = 1;
		s->info.up = 1;
		s->info.down_ms = 0;
		pthread_mutex_unlock(&ch->mu);
		s->backoff_ms = 0;
		if (b->spooled) {
			if (chspool_remove(ch->spool_dir, b->seq) != 0)
				log_warn("clickhouse spool: remove file %"
				    PRIu64, b->seq);
			if ((i = spent_find(ch, b->seq)) >= 0)
				spent_remove(ch, (unsigned)i);
		}
		chb_free(b);
	} else {
		if (code != 0) {
			body[0] = '\0';
			if ((in = evhttp_request_get_input_buffer(req)) !=
			    NULL) {
				n = evbuffer_copyout(in, body,
				    sizeof(body) - 1);
				body[n > 0 ? n : 0] = '\0';
				body[strcspn(body, "\r\n")] = '\0';
			}
			snprintf(why, sizeof(why), "HTTP %d: %s", code, body);
		} else
			snprintf(why, sizeof(why), "%s", req_error(s->err));
		server_failed(s, why);
		batch_back(ch, b);
	}
	s->err = 0;
	pump(ch);
}

/* POST b to s; 0, or -1 with b given back. */
static int
send_batch(struct chserver *s, struct chb *b)
{
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	char			 hostport[300];

	if ((req = evhttp_request_new(on_req_done, s)) == NULL)
		goto fail;
	evhttp_request_set_error_cb(req, on_req_error);
	h = evhttp_request_get_output_headers(req);
	snprintf(hostport, sizeof(hostport), "%s:%d", s->host, s->port);
	evhttp_add_header(h, "Host", hostport);
	evhttp_add_header(h, "Content-Type", "application/octet-stream");
	if (evbuffer_add_reference(evhttp_request_get_output_buffer(req),
	    b->buf + b->off, b->len, NULL, NULL) != 0) {
		evhttp_request_free(req);
		goto fail;
	}
	s->inflight = b;
	s->req = req;
	s->err = 0;
	if (evhttp_make_request(s->conn, req, EVHTTP_REQ_POST, s->uri) != 0) {
		/* libevent has freed req */
		s->inflight = NULL;
		s->req = NULL;
		goto fail;
	}
	return 0;
fail:
	server_failed(s, "cannot make the request");
	batch_back(s->ch, b);
	return -1;
}

/* The next server, round-robin, that is up and free to take a batch. */
static struct chserver *
pick_server(struct chsink *ch)
{
	struct chserver	*s;

	for (unsigned k = 0; k < ch->nsrv; k++) {
		s = &ch->srv[(ch->rr + k) % ch->nsrv];
		if (s->up && s->inflight == NULL && !s->pinging) {
			ch->rr = (ch->rr + k + 1) % ch->nsrv;
			return s;
		}
	}
	return NULL;
}

static void
on_ping_done(struct evhttp_request *req, void *arg)
{
	struct chserver	*s = arg;
	struct chsink	*ch = s->ch;
	char		 why[160];
	int		 code;

	if (!s->pinging)
		return;
	s->pinging = 0;
	s->req = NULL;
	code = req != NULL ? evhttp_request_get_response_code(req) : 0;
	if (code == 200) {
		log_info("clickhouse %s: answers again", s->info.name);
		s->up = 1;
		s->backoff_ms = 0;
		pthread_mutex_lock(&ch->mu);
		s->info.up = 1;
		s->info.down_ms = 0;
		pthread_mutex_unlock(&ch->mu);
	} else {
		if (code != 0)
			snprintf(why, sizeof(why), "HTTP %d to /ping", code);
		else
			snprintf(why, sizeof(why), "%s", req_error(s->err));
		server_failed(s, why);
	}
	s->err = 0;
	pump(ch);
}

/* Ask a server that is down whether it answers again (GET /ping); a
 * batch goes to it only after a 200. */
static void
ping(struct chserver *s)
{
	struct evhttp_request	*req;
	char			 hostport[300];

	if ((req = evhttp_request_new(on_ping_done, s)) == NULL)
		return;
	evhttp_request_set_error_cb(req, on_req_error);
	snprintf(hostport, sizeof(hostport), "%s:%d", s->host, s->port);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    hostport);
	s->pinging = 1;
	s->req = req;
	s->err = 0;
	if (evhttp_make_request(s->conn, req, EVHTTP_REQ_GET, "/ping") != 0) {
		s->pinging = 0;
		s->req = NULL;
		server_failed(s, "cannot make the request");
	}
}

static struct chb *
queue_pop(struct chsink *ch)
{
	struct chb	*b;

	pthread_mutex_lock(&ch->mu);
	if ((b = ch->qhead) != NULL) {
		ch->qhead = b->next;
		if (ch->qhead == NULL)
			ch->qtail = NULL;
		ch->qbytes -= b->len;
		b->next = NULL;
	}
	pthread_mutex_unlock(&ch->mu);
	return b;
}

static unsigned
nbusy(const struct chsink *ch)
{
	unsigned	n = 0;

	for (unsigned i = 0; i < ch->nsrv; i++)
		n += ch->srv[i].inflight != NULL || ch->srv[i].pinging;
	return n;
}

/* Send what can be sent; spool what must be. */
static void
pump(struct chsink *ch)
{
	struct chserver	*s;
	struct chb	*b;
	uint64_t	 now = util_mono_ms();
	unsigned	 i, nup = 0;
	int		 spool_all;

	for (i = 0; !ch->sstop && i < ch->nsrv; i++) {
		s = &ch->srv[i];
		if (!s->up && !s->pinging && s->inflight == NULL &&
		    now >= s->retry_at)
			ping(s);
	}
	while ((s = pick_server(ch)) != NULL) {
		b = ch->sstop ? NULL : spool_next(ch);
		if (b == NULL && (b = queue_pop(ch)) == NULL)
			break;
		(void)send_batch(s, b);
	}
	for (i = 0; i < ch->nsrv; i++)
		nup += ch->srv[i].up;
	spool_all = nup == 0 || (ch->sstop && now >= ch->stop_at);
	for (;;) {
		pthread_mutex_lock(&ch->mu);
		b = NULL;
		if (ch->qhead != NULL && (spool_all ||
		    ch->qbytes > ch->queue_max))
			b = ch->qhead;
		pthread_mutex_unlock(&ch->mu);
		if (b == NULL || (b = queue_pop(ch)) == NULL)
			break;
		spool_batch(ch, b);
	}
	if (ch->sstop) {
		pthread_mutex_lock(&ch->mu);
		b = ch->qhead;
		pthread_mutex_unlock(&ch->mu);
		if (b == NULL && nbusy(ch) == 0)
			event_base_loopbreak(ch->sbase);
	}
}

/* Past the stop deadline: give up on the requests in flight (their
 * batches go to the spool; a server may have taken one already). */
static void
stop_now(struct chsink *ch)
{
	struct chserver	*s;
	struct chb	*b;

	for (unsigned i = 0; i < ch->nsrv; i++) {
		s = &ch->srv[i];
		if (s->pinging) {
			s->pinging = 0;
			evhttp_cancel_request(s->req);
			s->req = NULL;
		}
		if ((b = s->inflight) == NULL)
			continue;
		log_warnx("clickhouse %s: no answer before the stop deadline; "
		    "spooling the batch (it may arrive twice)", s->info.name);
		evhttp_cancel_request(s->req);
		s->inflight = NULL;
		s->req = NULL;
		s->up = 0;
		batch_back(ch, b);
	}
}

static void
on_wake(evutil_socket_t fd, short what, void *arg)
{
	struct chsink	*ch = arg;
	char		 buf[256];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&ch->mu);
	if (ch->stopping && !ch->sstop) {
		ch->sstop = 1;
		ch->stop_at = util_mono_ms() + CHSINK_STOP_MS;
	}
	pthread_mutex_unlock(&ch->mu);
	pump(ch);
}

static void
on_stimer(evutil_socket_t fd, short what, void *arg)
{
	struct chsink	*ch = arg;

	(void)fd;
	(void)what;
	if (ch->sstop && util_mono_ms() >= ch->stop_at)
		stop_now(ch);
	pump(ch);
}

static void *
sender_main(void *arg)
{
	struct chsink	*ch = arg;

	event_base_dispatch(ch->sbase);
	return NULL;
}

/* ------------------------------------------------------------ set-up */

static int
server_init(struct chsink *ch, struct chserver *s, const char *url,
    char *err, size_t errlen)
{
	struct evhttp_uri *u;
	const char	*scheme, *host, *path, *query;
	char		 sql[4096], *enc;
	size_t		 n;
	int		 port;

	s->ch = ch;
	if ((u = evhttp_uri_parse(url)) == NULL ||
	    (scheme = evhttp_uri_get_scheme(u)) == NULL ||
	    strcmp(scheme, "http") != 0 ||
	    (host = evhttp_uri_get_host(u)) == NULL || host[0] == '\0' ||
	    strlen(host) >= sizeof(s->host)) {
		if (u != NULL)
			evhttp_uri_free(u);
		snprintf(err, errlen, "clickhouse-url \"%.200s\": want "
		    "http://HOST:PORT/", url);
		return -1;
	}
	port = evhttp_uri_get_port(u);
	util_strlcpy(s->host, host, sizeof(s->host));
	s->port = port > 0 ? port : 8123;
	path = evhttp_uri_get_path(u);
	query = evhttp_uri_get_query(u);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (%s) FORMAT RowBinary",
	    ch->table, chrow_column_list());
	if ((enc = evhttp_uriencode(sql, -1, 0)) == NULL) {
		evhttp_uri_free(u);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n = strlen(enc) + (path ? strlen(path) : 0) +
	    (query ? strlen(query) : 0) + 16;
	if ((s->uri = malloc(n)) != NULL)
		snprintf(s->uri, n, "%s?%s%squery=%s",
		    path != NULL && path[0] != '\0' ? path : "/",
		    query != NULL ? query : "", query != NULL && query[0] ?
		    "&" : "", enc);
	free(enc);
	evhttp_uri_free(u);
	/* the name shown: host:port only (a query may hold a password) */
	snprintf(s->info.name, sizeof(s->info.name), "%s:%d", s->host,
	    s->port);
	if (s->uri == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->conn = evhttp_connection_base_new(ch->sbase, NULL, s->host,
	    (uint16_t)s->port);
	if (s->conn == NULL) {
		snprintf(err, errlen, "clickhouse %s: cannot make a "
		    "connection", s->info.name);
		return -1;
	}
	evhttp_connection_set_timeout(s->conn, (int)ch->timeout_s);
	evhttp_connection_set_retries(s->conn, 0);
	/* up until shown otherwise: the first batch tells */
	s->up = 1;
	s->info.up = 1;
	return 0;
}

static void
chsink_destroy(struct chsink *ch)
{
	struct chb	*b;

	for (unsigned i = 0; i < ch->nsrv; i++) {
		b = ch->srv[i].inflight;
		ch->srv[i].inflight = NULL;
		if (ch->srv[i].conn != NULL)
			evhttp_connection_free(ch->srv[i].conn);
		chb_free(b);
		free(ch->srv[i].uri);
	}
	while ((b = ch->qhead) != NULL) {
		ch->qhead = b->next;
		chb_free(b);
	}
	chb_free(ch->cur);
	if (ch->agetimer != NULL)
		event_free(ch->agetimer);
	if (ch->wake_ev != NULL)
		event_free(ch->wake_ev);
	if (ch->stimer != NULL)
		event_free(ch->stimer);
	if (ch->sbase != NULL)
		event_base_free(ch->sbase);
	if (ch->wakefd[0] >= 0)
		close(ch->wakefd[0]);
	if (ch->wakefd[1] >= 0)
		close(ch->wakefd[1]);
	pthread_mutex_destroy(&ch->mu);
	free(ch->sp);
	free(ch->table);
	free(ch->collector);
	free(ch->spool_dir);
	free(ch);
}

struct chsink *
chsink_new(const struct chsink_opts *o, struct event_base *base, char *err,
    size_t errlen)
{
	struct chsink	*ch;
	struct chspool_ent *ents = NULL;
	struct timeval	 tv;
	unsigned	 n, stale, i, age_ms;
	uint64_t	 bytes = 0;

	if (o->nurls == 0 || o->nurls > CHSINK_MAX_SERVERS) {
		snprintf(err, errlen, "clickhouse: 1 to %d servers",
		    CHSINK_MAX_SERVERS);
		return NULL;
	}
	if ((ch = calloc(1, sizeof(*ch))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ch->wakefd[0] = ch->wakefd[1] = -1;
	pthread_mutex_init(&ch->mu, NULL);
	ch->table = strdup(o->table != NULL ? o->table :
	    "flowkeep.flows_local");
	ch->collector = strdup(o->collector != NULL ? o->collector : "");
	ch->spool_dir = strdup(o->spool_dir != NULL ? o->spool_dir :
	    "var/clickhouse-spool");
	ch->batch_rows = o->batch_rows > 0 ? o->batch_rows : 10000;
	ch->batch_age_ms = o->batch_age_ms > 0 ? o->batch_age_ms : 1000;
	ch->queue_max = o->queue_max > 0 ? o->queue_max : 64ull << 20;
	ch->spool_max = o->spool_max > 0 ? o->spool_max : 1ull << 30;
	ch->timeout_s = o->timeout_s > 0 ? o->timeout_s : CHSINK_TIMEOUT_S;
	ch->retry_min_ms = o->retry_min_ms > 0 ? o->retry_min_ms :
	    CHSINK_RETRY_MIN_MS;
	if (ch->table == NULL || ch->collector == NULL ||
	    ch->spool_dir == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (pipe2(ch->wakefd, O_NONBLOCK | O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((ch->sbase = event_base_new()) == NULL) {
		snprintf(err, errlen, "event_base_new failed");
		goto fail;
	}
	for (i = 0; i < o->nurls; i++) {
		if (server_init(ch, &ch->srv[i], o->urls[i], err, errlen) != 0)
			goto fail;
		ch->nsrv++;
	}
	if (chspool_scan(ch->spool_dir, &ents, &n, &stale, err,
	    errlen) != 0)
		goto fail;
	if (stale > 0)
		log_warnx("clickhouse spool %s: removed %u files cut short "
		    "by a crash", ch->spool_dir, stale);
	ch->next_seq = 1;
	if (n > 0) {
		if ((ch->sp = calloc(n, sizeof(*ch->sp))) == NULL) {
			free(ents);
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		for (i = 0; i < n; i++) {
			ch->sp[i].seq = ents[i].seq;
			ch->sp[i].size = ents[i].size;
			bytes += ents[i].size;
		}
		ch->nsp = ch->capsp = n;
		ch->next_seq = ents[n - 1].seq + 1;
		log_info("clickhouse spool %s: %u batches (%" PRIu64 " bytes) "
		    "to send", ch->spool_dir, n, bytes);
	}
	free(ents);
	ch->st.spool_files = n;
	ch->st.spool_bytes = bytes;
	ch->wake_ev = event_new(ch->sbase, ch->wakefd[0],
	    EV_READ | EV_PERSIST, on_wake, ch);
	ch->stimer = event_new(ch->sbase, -1, EV_PERSIST, on_stimer, ch);
	tv.tv_sec = 0;
	tv.tv_usec = 100000;
	if (ch->wake_ev == NULL || ch->stimer == NULL ||
	    event_add(ch->wake_ev, NULL) != 0 ||
	    event_add(ch->stimer, &tv) != 0) {
		snprintf(err, errlen, "sender events");
		goto fail;
	}
	if (base != NULL) {
		age_ms = ch->batch_age_ms / 4;
		age_ms = age_ms < 20 ? 20 : age_ms > 1000 ? 1000 : age_ms;
		tv.tv_sec = age_ms / 1000;
		tv.tv_usec = (age_ms % 1000) * 1000;
		ch->agetimer = event_new(base, -1, EV_PERSIST, on_age, ch);
		if (ch->agetimer == NULL || event_add(ch->agetimer, &tv) != 0) {
			snprintf(err, errlen, "batch timer");
			goto fail;
		}
	}
	pthread_mutex_lock(&ch->mu);
	ch->st.nservers = ch->nsrv;
	for (i = 0; i < ch->nsrv; i++)
		ch->st.servers_up += ch->srv[i].up;
	pthread_mutex_unlock(&ch->mu);
	if (pthread_create(&ch->th, NULL, sender_main, ch) != 0) {
		snprintf(err, errlen, "cannot start the sender thread");
		goto fail;
	}
	ch->th_started = 1;
	wake(ch);	/* a spool left from before goes out now */
	return ch;
fail:
	chsink_destroy(ch);
	return NULL;
}

void
chsink_free(struct chsink *ch)
{
	if (ch == NULL)
		return;
	if (ch->agetimer != NULL) {
		event_free(ch->agetimer);
		ch->agetimer = NULL;
	}
	handover(ch);
	if (ch->th_started) {
		pthread_mutex_lock(&ch->mu);
		ch->stopping = 1;
		pthread_mutex_unlock(&ch->mu);
		wake(ch);
		pthread_join(ch->th, NULL);
	}
	chsink_destroy(ch);
}

/* ------------------------------------------------------------ status */

void
chsink_get_stats(struct chsink *ch, struct chsink_stats *out)
{
	pthread_mutex_lock(&ch->mu);
	*out = ch->st;
	out->servers_up = 0;
	for (unsigned i = 0; i < ch->nsrv; i++)
		out->servers_up += ch->srv[i].info.up;
	pthread_mutex_unlock(&ch->mu);
	out->nservers = ch->nsrv;
	out->rows_in = ch->rows_in;
	out->batch_rows = ch->cur != NULL ? ch->cur->rows : 0;
}

void
chsink_get_server(struct chsink *ch, unsigned i,
    struct chsink_server_info *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= ch->nsrv)
		return;
	pthread_mutex_lock(&ch->mu);
	*out = ch->srv[i].info;
	pthread_mutex_unlock(&ch->mu);
}

void
chsink_status_text(struct chsink *ch, FILE *fp)
{
	struct chsink_stats	 st;
	struct chsink_server_info si;
	uint64_t		 now = util_now_ms();

	chsink_get_stats(ch, &st);
	fprintf(fp, "clickhouse: %u of %u servers up; %" PRIu64 " rows in, %"
	    PRIu64 " sent in %" PRIu64 " batches (%" PRIu64 " bytes); %"
	    PRIu64 " rows in the current batch, %" PRIu64 " rows queued (%"
	    PRIu64 " bytes)\n", st.servers_up, st.nservers, st.rows_in,
	    st.rows_sent, st.batches_sent, st.bytes_sent, st.batch_rows,
	    st.queued_rows, st.queued_bytes);
	fprintf(fp, "  spool: %" PRIu64 " files (%" PRIu64 " bytes) waiting, %"
	    PRIu64 " batches spooled, %" PRIu64 " replayed, %" PRIu64
	    " set aside as bad, %" PRIu64 " write errors\n", st.spool_files,
	    st.spool_bytes, st.spooled_batches, st.replayed_batches,
	    st.spool_bad, st.spool_errors);
	fprintf(fp, "  dropped: %" PRIu64 " rows (%" PRIu64 " batches); %"
	    PRIu64 " send errors\n", st.dropped_rows, st.dropped_batches,
	    st.send_errors);
	for (unsigned i = 0; i < st.nservers; i++) {
		chsink_get_server(ch, i, &si);
		fprintf(fp, "  %s: %s", si.name, si.up ? "up" : "down");
		if (!si.up && si.down_ms != 0)
			fprintf(fp, " for %" PRIu64 " s", now > si.down_ms ?
			    (now - si.down_ms) / 1000 : 0);
		fprintf(fp, ", %" PRIu64 " batches, %" PRIu64 " rows, %"
		    PRIu64 " errors", si.batches, si.rows, si.errors);
		if (si.last_error[0] != '\0')
			fprintf(fp, ", last error: %s", si.last_error);
		fputc('\n', fp);
	}
}

void
chsink_status_json(struct chsink *ch, FILE *fp)
{
	struct chsink_stats	 st;
	struct chsink_server_info si;
	uint64_t		 now = util_now_ms();

	chsink_get_stats(ch, &st);
	fprintf(fp, ",\"clickhouse\":{\"rows_in\":%" PRIu64 ",\"rows_sent\":%"
	    PRIu64 ",\"batches_sent\":%" PRIu64 ",\"bytes_sent\":%" PRIu64
	    ",\"batch_rows\":%" PRIu64 ",\"queued_rows\":%" PRIu64
	    ",\"queued_bytes\":%" PRIu64 ",\"spool_files\":%" PRIu64
	    ",\"spool_bytes\":%" PRIu64 ",\"spooled_batches\":%" PRIu64
	    ",\"spooled_rows\":%" PRIu64 ",\"replayed_batches\":%" PRIu64
	    ",\"replayed_rows\":%" PRIu64 ",\"dropped_rows\":%" PRIu64
	    ",\"dropped_batches\":%" PRIu64 ",\"send_errors\":%" PRIu64
	    ",\"spool_bad\":%" PRIu64 ",\"spool_errors\":%" PRIu64
	    ",\"servers_up\":%u,\"servers\":[", st.rows_in, st.rows_sent,
	    st.batches_sent, st.bytes_sent, st.batch_rows, st.queued_rows,
	    st.queued_bytes, st.spool_files, st.spool_bytes,
	    st.spooled_batches, st.spooled_rows, st.replayed_batches,
	    st.replayed_rows, st.dropped_rows, st.dropped_batches,
	    st.send_errors, st.spool_bad, st.spool_errors, st.servers_up);
	for (unsigned i = 0; i < st.nservers; i++) {
		chsink_get_server(ch, i, &si);
		fprintf(fp, "%s{\"server\":", i ? "," : "");
		util_json_str(fp, si.name);
		fprintf(fp, ",\"up\":%s,\"down_s\":%" PRIu64 ",\"batches\":%"
		    PRIu64 ",\"rows\":%" PRIu64 ",\"bytes\":%" PRIu64
		    ",\"errors\":%" PRIu64 ",\"last_error\":", si.up ? "true" :
		    "false", !si.up && si.down_ms != 0 && now > si.down_ms ?
		    (now - si.down_ms) / 1000 : 0, si.batches, si.rows,
		    si.bytes, si.errors);
		util_json_str(fp, si.last_error);
		fputc('}', fp);
	}
	fprintf(fp, "]}");
}

struct chmet {
	const char	*name, *type, *help;
	uint64_t	 v;
};

void
chsink_metrics(struct chsink *ch, FILE *fp)
{
	struct chsink_stats	 st;
	struct chsink_server_info si;
	const char		*kv[2];
	unsigned		 i;

	chsink_get_stats(ch, &st);
	const struct chmet defs[] = {
		{ "flowkeep_clickhouse_rows_in_total", "counter",
		    "Flows handed to the ClickHouse sink.", st.rows_in },
		{ "flowkeep_clickhouse_rows_sent_total", "counter",
		    "Rows ClickHouse took (HTTP 200).", st.rows_sent },
		{ "flowkeep_clickhouse_batches_sent_total", "counter",
		    "Batches ClickHouse took.", st.batches_sent },
		{ "flowkeep_clickhouse_sent_bytes_total", "counter",
		    "RowBinary bytes ClickHouse took.", st.bytes_sent },
		{ "flowkeep_clickhouse_queued_rows", "gauge",
		    "Rows in memory waiting to be sent.", st.queued_rows +
		    st.batch_rows },
		{ "flowkeep_clickhouse_queued_bytes", "gauge",
		    "Bytes of batches in memory waiting to be sent.",
		    st.queued_bytes },
		{ "flowkeep_clickhouse_spool_files", "gauge",
		    "Batches in the spool directory.", st.spool_files },
		{ "flowkeep_clickhouse_spool_bytes", "gauge",
		    "Bytes in the spool directory.", st.spool_bytes },
		{ "flowkeep_clickhouse_spooled_batches_total", "counter",
		    "Batches written to the spool directory.",
		    st.spooled_batches },
		{ "flowkeep_clickhouse_replayed_batches_total", "counter",
		    "Spooled batches sent later.", st.replayed_batches },
		{ "flowkeep_clickhouse_dropped_rows_total", "counter",
		    "Rows that could not be kept (spool full, disk error, "
		    "queue full).", st.dropped_rows },
		{ "flowkeep_clickhouse_send_errors_total", "counter",
		    "Failed POSTs (no connection, timeout, not HTTP 200).",
		    st.send_errors },
		{ "flowkeep_clickhouse_spool_bad_total", "counter",
		    "Spool files set aside as corrupt.", st.spool_bad },
	};

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		prom_family(fp, defs[i].name, defs[i].type, defs[i].help);
		prom_sample(fp, defs[i].name, NULL, 0, defs[i].v);
	}
	prom_family(fp, "flowkeep_clickhouse_server_up", "gauge",
	    "1 while a ClickHouse server takes batches.");
	kv[0] = "server";
	for (i = 0; i < st.nservers; i++) {
		chsink_get_server(ch, i, &si);
		kv[1] = si.name;
		prom_sample(fp, "flowkeep_clickhouse_server_up", kv, 1,
		    (uint64_t)si.up);
	}
	prom_family(fp, "flowkeep_clickhouse_server_errors_total", "counter",
	    "Failed POSTs per server.");
	for (i = 0; i < st.nservers; i++) {
		chsink_get_server(ch, i, &si);
		kv[1] = si.name;
		prom_sample(fp, "flowkeep_clickhouse_server_errors_total", kv,
		    1, si.errors);
	}
}
