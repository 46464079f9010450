/*
 * cmd_replay.c - `flowkeep replay`: read flow-tools files and send their
 * records as NetFlow v5 or v9 datagrams over UDP, paced by a token bucket.
 *
 * Records that came from one export datagram share its header times, so a
 * replayed v5 file decodes to the same flow times.  Records without them
 * get header times made up from their own first/last times.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "proto/nfenc.h"
#include "storage/ftreader.h"

#define REPLAY_BATCH	64
#define REPLAY_MAX_FILES 4096

struct replay_opts {
	const char	*to;
	const char	*from;
	int		 version;
	unsigned long	 rate;		/* flows/s, 0 = no limit */
	unsigned long	 loop;
	char		**files;
	int		 nfiles;
};

struct bucket {
	double		rate;
	double		burst;
	double		tokens;
	double		last;		/* seconds, monotonic */
};

struct replay {
	struct replay_opts	 o;
	struct nfenc		 enc;
	struct bucket		 tb;
	int			 fd;
	uint64_t		 datagrams, flows, skipped, bytes, refused;
};

static double
mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bucket_init(struct bucket *b, unsigned long rate)
{
	b->rate = (double)rate;
	b->burst = b->rate / 10 > REPLAY_BATCH ? b->rate / 10 : REPLAY_BATCH;
	b->tokens = b->burst;
	b->last = mono_sec();
}

/* Wait until n flows may go. */
static void
bucket_take(struct bucket *b, unsigned n)
{
	double now, need;
	struct timespec ts;

	if (b->rate <= 0)
		return;
	for (;;) {
		now = mono_sec();
		b->tokens += (now - b->last) * b->rate;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last = now;
		if (b->tokens >= n)
			break;
		need = (n - b->tokens) / b->rate;
		ts.tv_sec = (time_t)need;
		ts.tv_nsec = (long)((need - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
	b->tokens -= n;
}

/* ------------------------------------------------------------ options */

static int
parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *out > max ? -1 : 0;
}

static int
replay_bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
replay_bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "flowkeep replay: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return cmd_usage("replay");
}

/* One option at argv[*i]: 1 taken, 0 not an option, or an exit status. */
static int
replay_option(struct replay_opts *o, int argc, char **argv, int *i)
{
	const char *v;
	unsigned long n;
	int r;

	if ((r = cmd_optval(argc, argv, i, "--to", &o->to)) != 0 ||
	    (r = cmd_optval(argc, argv, i, "--from", &o->from)) != 0)
		return r == 1 ? 1 : replay_bad("%s needs a value", argv[*i]);
	if ((r = cmd_optval(argc, argv, i, "--version", &v)) != 0) {
		if (r == -1 || parse_ulong(v, 9, &n) == -1 ||
		    (n != 5 && n != 9))
			return replay_bad("--version must be 5 or 9");
		o->version = (int)n;
		return 1;
	}
	if ((r = cmd_optval(argc, argv, i, "--rate", &v)) != 0) {
		if (r == -1 || parse_ulong(v, 100000000, &o->rate) == -1)
			return replay_bad("--rate needs a number of flows per "
			    "second");
		return 1;
	}
	if ((r = cmd_optval(argc, argv, i, "--loop", &v)) != 0) {
		if (r == -1 || parse_ulong(v, 1000000, &o->loop) == -1 ||
		    o->loop == 0)
			return replay_bad("--loop needs a count of 1 or "
			    "more");
		return 1;
	}
	if (argv[*i][0] == '-' && argv[*i][1] != '\0')
		return replay_bad("unknown option \"%s\"", argv[*i]);
	return 0;
}

static int
replay_args(struct replay_opts *o, int argc, char **argv)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->loop = 1;
	if ((o->files = calloc((size_t)argc, sizeof(char *))) == NULL)
		return 1;
	for (int i = 1; i < argc; i++) {
		if ((r = replay_option(o, argc, argv, &i)) == 1)
			continue;
		if (r != 0)
			return r;
		o->files[o->nfiles++] = argv[i];
	}
	if (o->nfiles == 0)
		return replay_bad("no file given");
	if (o->to == NULL)
		return replay_bad("--to HOST:PORT is required");
	if (o->version == 0)
		return replay_bad("--version 5|9 is required");
	return 0;
}

/* ------------------------------------------------------------ socket */

/* Split HOST:PORT or [V6]:PORT. */
static int
split_hostport(const char *s, char *host, size_t hlen, const char **port)
{
	const char *colon;
	size_t n;

	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (colon == NULL)
			return -1;
		n = (size_t)(colon - s - 1);
		s++;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -1;
		n = (size_t)(colon - s);
		if (memchr(s, ':', n) != NULL)
			return -1;
	}
	if (n == 0 || n >= hlen || colon[1] == '\0')
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static int
replay_socket(struct replay *rp)
{
	struct addrinfo hints, *to = NULL, *from = NULL;
	char host[256];
	const char *port;
	int fd = -1, rc;

	if (split_hostport(rp->o.to, host, sizeof(host), &port) == -1) {
		fprintf(stderr, "flowkeep replay: --to: expected HOST:PORT or "
		    "[ADDRESS]:PORT, got \"%s\"\n", rp->o.to);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &to)) != 0) {
		fprintf(stderr, "flowkeep replay: %s: %s\n", rp->o.to,
		    gai_strerror(rc));
		return -1;
	}
	if (rp->o.from != NULL) {
		hints.ai_family = to->ai_family;
		hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
		if ((rc = getaddrinfo(rp->o.from, NULL, &hints, &from)) != 0) {
			fprintf(stderr, "flowkeep replay: --from %s: %s\n",
			    rp->o.from, gai_strerror(rc));
			goto out;
		}
	}
	if ((fd = socket(to->ai_family, SOCK_DGRAM, 0)) == -1 ||
	    (from != NULL && bind(fd, from->ai_addr, from->ai_addrlen) == -1) ||
	    connect(fd, to->ai_addr, to->ai_addrlen) == -1) {
		fprintf(stderr, "flowkeep replay: %s%s%s: %s\n", rp->o.to,
		    from != NULL ? " from " : "", from != NULL ? rp->o.from :
		    "", strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
out:
	freeaddrinfo(to);
	if (from != NULL)
		freeaddrinfo(from);
	rp->fd = fd;
	return fd == -1 ? -1 : 0;
}

static int
replay_send(struct replay *rp, const uint8_t *buf, size_t len)
{
	for (int tries = 0; tries < 1000; tries++) {
		if (send(rp->fd, buf, len, 0) == (ssize_t)len)
			return 0;
		if (errno == ECONNREFUSED) {	/* an earlier one bounced */
			rp->refused++;
			continue;
		}
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			break;
		usleep(1000);
	}
	fprintf(stderr, "flowkeep replay: send to %s: %s\n", rp->o.to,
	    strerror(errno));
	return -1;
}

/* ------------------------------------------------------------ records */

static int
same_export(const struct flowrec *a, const struct flowrec *b)
{
	return a->exp_secs == b->exp_secs && a->exp_nsecs == b->exp_nsecs &&
	    a->uptime_ms == b->uptime_ms && a->engine_type == b->engine_type &&
	    a->engine_id == b->engine_id;
}

/* Header times for a group: the original ones when known. */
static void
header_times(const struct flowrec *r, unsigned n, uint64_t *now,
    uint32_t *uptime)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	if ((r->fields & FR_HAS_UPTIME) && r->exp_secs != 0) {
		*now = (uint64_t)r->exp_secs * 1000 + r->exp_nsecs / 1000000;
		*uptime = r->uptime_ms;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		lo = r[i].first_ms < lo ? r[i].first_ms : lo;
		hi = r[i].last_ms > hi ? r[i].last_ms : hi;
	}
	*now = hi + 1000;
	*uptime = *now - lo + 60000 > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(*now - lo + 60000);
}

/* Encode and send records that share one export header. */
static int
replay_group(struct replay *rp, const struct flowrec *recs, unsigned n)
{
	uint8_t buf[NFENC_MTU];
	uint64_t now;
	uint32_t uptime;
	unsigned used, skipped;
	size_t len;

	header_times(recs, n, &now, &uptime);
	if (rp->enc.version == 5) {
		rp->enc.engine_type = recs[0].engine_type;
		rp->enc.engine_id = recs[0].engine_id;
	}
	while (n > 0) {
		used = nfenc_build(&rp->enc, recs, n, now, uptime, buf, &len,
		    &skipped);
		if (used == 0 || used > n)
			return -1;
		rp->skipped += skipped;
		if (used > skipped) {
			bucket_take(&rp->tb, used - skipped);
			if (replay_send(rp, buf, len) == -1)
				return -1;
			rp->datagrams++;
			rp->flows += used - skipped;
			rp->bytes += len;
		}
		recs += used;
		n -= used;
	}
	return 0;
}

static int
replay_file(struct replay *rp, const char *path)
{
	struct flowrec recs[REPLAY_BATCH];
	char err[512];
	struct ftr *r;
	unsigned n = 0;
	int got, rc = 0;

	if ((r = ftr_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "flowkeep replay: %s\n", err);
		return -1;
	}
	while (rc == 0 && (got = ftr_next(r, &recs[n])) == 1) {
		if (n > 0 && !same_export(&recs[0], &recs[n])) {
			rc = replay_group(rp, recs, n);
			recs[0] = recs[n];
			n = 1;
		} else if (++n == REPLAY_BATCH) {
			rc = replay_group(rp, recs, n);
			n = 0;
		}
	}
	if (rc == 0 && got == -1) {
		fprintf(stderr, "flowkeep replay: %s\n", ftr_error(r));
		rc = -1;
	}
	if (rc == 0 && n > 0)
		rc = replay_group(rp, recs, n);
	if (ftr_warning(r) != NULL)
		fprintf(stderr, "flowkeep replay: %s\n", ftr_warning(r));
	ftr_close(r);
	return rc;
}

static void
replay_summary(const struct replay *rp, double secs)
{
	printf("replay: %llu datagrams, %llu flows, %llu skipped, %.3f s, "
	    "%.0f flows/s\n", (unsigned long long)rp->datagrams,
	    (unsigned long long)rp->flows, (unsigned long long)rp->skipped,
	    secs, secs > 0 ? (double)rp->flows / secs : 0.0);
}

int
cmd_replay(int argc, char **argv)
{
	static struct replay rp;
	double start;
	int rc = 0;

	memset(&rp, 0, sizeof(rp));
	if ((rc = replay_args(&rp.o, argc, argv)) != 0) {
		free(rp.o.files);
		return rc;
	}
	if (nfenc_init(&rp.enc, rp.o.version) == -1 ||
	    replay_socket(&rp) == -1) {
		free(rp.o.files);
		return 1;
	}
	bucket_init(&rp.tb, rp.o.rate);
	start = mono_sec();
	for (unsigned long l = 0; rc == 0 && l < rp.o.loop; l++)
		for (int i = 0; rc == 0 && i < rp.o.nfiles; i++)
			rc = replay_file(&rp, rp.o.files[i]);
	replay_summary(&rp, mono_sec() - start);
	close(rp.fd);
	free(rp.o.files);
	return rc == 0 ? 0 : 1;
}
