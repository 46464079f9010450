/*
 * collector.c - UDP listeners, batched receive, allow-list, routing to the
 * device trees and decoding (see collector.h).
 */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "collector.h"
#include "log.h"
#include "util.h"

#define COLLECTOR_MAX_ROUNDS	8	/* recvmmsg calls per read event */

struct listener {
	struct collector	*c;
	int			 fd;
	struct event		*ev;
	struct collector_listener_info info;
};

struct route {
	struct fk_prefix	 pfx[FK_MAX_PREFIXES];
	unsigned		 npfx;
};

struct collector {
	struct listener		 ls[COLLECTOR_MAX_SOCKETS];
	unsigned		 nls;
	struct proto_ctx	*proto;
	unsigned		 batch;

	/* receive buffers, batch of each */
	uint8_t			*bufs;
	struct mmsghdr		*msgs;
	struct iovec		*iov;
	struct sockaddr_storage	*from;
	uint8_t			*cbufs;

	/* routing */
	struct fk_prefix	 allow[FK_MAX_PREFIXES];
	unsigned		 nallow;
	struct route		 dev[FK_MAX_DEVICES];
	struct filemgr		*trees[1 + FK_MAX_DEVICES];
	unsigned		 ntrees;
	struct fr_sink		 tap;		/* every flow, e.g. trackings */
	struct collector_totals	 tot;
};

#define CBUF_SIZE	(CMSG_SPACE(sizeof(uint32_t)) + 64)

/* ------------------------------------------------------------ sockets */

static void
sock_set_rcvbuf(int fd, uint32_t want, uint32_t *got)
{
	int		 v = (int)want, r = 0;
	socklen_t	 sl = sizeof(r);

	if (want > 0) {
		if (geteuid() != 0 || setsockopt(fd, SOL_SOCKET,
		    SO_RCVBUFFORCE, &v, sizeof(v)) != 0) {
			if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v,
			    sizeof(v)) != 0)
				log_warn("setsockopt(SO_RCVBUF, %u)", want);
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r, &sl) != 0)
		r = 0;
	*got = (uint32_t)r;
}

static int
sock_open_one(struct collector *c, const struct addrinfo *ai,
    const struct fk_config *cfg)
{
	struct listener	*l;
	int		 fd, on = 1;
	char		 host[NI_MAXHOST], serv[NI_MAXSERV];

	if (c->nls == COLLECTOR_MAX_SOCKETS) {
		log_warnx("too many listen sockets");
		return -1;
	}
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		util_strlcpy(host, "?", sizeof(host));
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		log_warn("socket for %s", host);
		return -1;
	}
	if (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) != 0)
		log_warn("IPV6_V6ONLY");
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) != 0)
		log_warn("SO_RXQ_OVFL (kernel drops will not be counted)");
	l = &c->ls[c->nls];
	memset(l, 0, sizeof(*l));
	sock_set_rcvbuf(fd, cfg->rcvbuf, &l->info.rcvbuf);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		log_warn("bind %s port %s", host, serv);
		close(fd);
		return -1;
	}
	l->c = c;
	l->fd = fd;
	util_strlcpy(l->info.addr, host, sizeof(l->info.addr));
	l->info.port = (uint16_t)atoi(serv);
	log_info("listening on %s port %s (receive buffer %u bytes)", host,
	    serv, l->info.rcvbuf);
	c->nls++;
	return 0;
}

static int
sock_open_listen(struct collector *c, const struct fk_listen *ls,
    const struct fk_config *cfg)
{
	struct addrinfo	 hints, *res, *ai;
	char		 port[8];
	const char	*host = ls->host;
	int		 rc, ok = 0;

	if (host[0] == '\0' || strcmp(host, "*") == 0)
		host = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", ls->port);
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("%s: %s", ls->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (sock_open_one(c, ai, cfg) == 0)
			ok++;
	freeaddrinfo(res);
	return ok > 0 ? 0 : -1;
}

static int
collector_alloc_bufs(struct collector *c)
{
	size_t	n = c->batch;

	c->bufs = calloc(n, COLLECTOR_BUFSIZE);
	c->msgs = calloc(n, sizeof(*c->msgs));
	c->iov = calloc(n, sizeof(*c->iov));
	c->from = calloc(n, sizeof(*c->from));
	c->cbufs = calloc(n, CBUF_SIZE);
	return c->bufs && c->msgs && c->iov && c->from && c->cbufs ? 0 : -1;
}

struct collector *
collector_open(const struct fk_config *cfg)
{
	struct collector	*c;
	unsigned		 i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->batch = cfg->batch > 0 ? cfg->batch : 64;
	if (c->batch > 1024)
		c->batch = 1024;
	if (collector_alloc_bufs(c) != 0) {
		log_warnx("out of memory");
		collector_free(c);
		return NULL;
	}
	for (i = 0; i < cfg->nlisten; i++) {
		if (sock_open_listen(c, &cfg->listen[i], cfg) != 0) {
			collector_free(c);
			return NULL;
		}
	}
	if (c->nls == 0) {
		log_warnx("nothing to listen on");
		collector_free(c);
		return NULL;
	}
	return c;
}

/* ------------------------------------------------------------ routing */

void
collector_set_routes(struct collector *c, const struct fk_config *cfg,
    struct filemgr **trees, unsigned ntrees)
{
	unsigned	i;

	memcpy(c->allow, cfg->allow, sizeof(c->allow));
	c->nallow = cfg->nallow;
	for (i = 0; i < cfg->ndevices && i < FK_MAX_DEVICES; i++) {
		memcpy(c->dev[i].pfx, cfg->devices[i].exporters,
		    sizeof(c->dev[i].pfx));
		c->dev[i].npfx = cfg->devices[i].nexporters;
	}
	if (ntrees > 1 + FK_MAX_DEVICES)
		ntrees = 1 + FK_MAX_DEVICES;
	for (i = 0; i < ntrees; i++)
		c->trees[i] = trees[i];
	c->ntrees = ntrees;
}

static int
route_allowed(const struct collector *c, const struct proto_src *src)
{
	unsigned	i;

	if (c->nallow == 0)
		return 1;
	for (i = 0; i < c->nallow; i++)
		if (config_prefix_match(&c->allow[i], src->af, &src->addr))
			return 1;
	return 0;
}

static struct filemgr *
route_tree(const struct collector *c, const struct proto_src *src)
{
	unsigned	i, j;

	for (i = 0; i + 1 < c->ntrees; i++)
		for (j = 0; j < c->dev[i].npfx; j++)
			if (config_prefix_match(&c->dev[i].pfx[j], src->af,
			    &src->addr))
				return c->trees[i + 1];
	return c->trees[0];
}

struct filemgr *
collector_tree_of(const struct collector *c, uint8_t af, const fr_addr *a)
{
	struct proto_src	src;

	if (c->ntrees == 0)
		return NULL;
	memset(&src, 0, sizeof(src));
	src.af = af;
	src.addr = *a;
	return route_tree(c, &src);
}

/* ------------------------------------------------------------ receive */

struct sink_ctx {
	const struct fr_sink *tap;
	struct filemgr	*fm;
	uint64_t	 now_ms;
	uint64_t	 nrec;
};

static void
sink_put(void *arg, const struct flowrec *recs, unsigned n)
{
	struct sink_ctx	*s = arg;

	filemgr_put(s->fm, recs, n, s->now_ms);
	if (s->tap->put != NULL)
		s->tap->put(s->tap->arg, recs, n);
	s->nrec += n;
}

static int
src_from_sockaddr(const struct sockaddr_storage *ss, uint64_t now_ms,
    struct proto_src *src)
{
	memset(src, 0, sizeof(*src));
	src->recv_ms = now_ms;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		src->af = FR_AF_INET;
		src->addr.v4 = ntohl(sin->sin_addr.s_addr);
		src->port = ntohs(sin->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		src->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			src->af = FR_AF_INET;
			memcpy(&src->addr.v4, &s6->sin6_addr.s6_addr[12], 4);
			src->addr.v4 = ntohl(src->addr.v4);
		} else {
			src->af = FR_AF_INET6;
			memcpy(src->addr.v6, &s6->sin6_addr, 16);
		}
		return 0;
	}
	return -1;
}

static void
collector_datagram(struct collector *c, const uint8_t *buf, size_t len,
    const struct sockaddr_storage *from, uint64_t now_ms)
{
	struct proto_src	 src;
	struct proto_result	 res;
	struct sink_ctx		 sc;
	struct fr_sink		 sink = { sink_put, &sc };
	int			 rc;

	if (src_from_sockaddr(from, now_ms, &src) != 0)
		return;
	sc.fm = route_tree(c, &src);
	sc.tap = &c->tap;
	sc.now_ms = now_ms;
	sc.nrec = 0;
	c->tot.datagrams++;
	c->tot.bytes += len;
	if (!route_allowed(c, &src)) {
		proto_count_corrupt(c->proto, &src);
		filemgr_count(sc.fm, 0, 0, 1);
		c->tot.refused++;
		return;
	}
	memset(&res, 0, sizeof(res));
	rc = proto_decode(c->proto, &src, buf, len, &sink, &res);
	if (rc < 0) {
		filemgr_count(sc.fm, 0, 0, 1);
		c->tot.corrupt++;
		return;
	}
	filemgr_pdu(sc.fm, res.version, now_ms);
	filemgr_count(sc.fm, res.lost, res.resets, 0);
	c->tot.flows += sc.nrec;
}

void
collector_set_tap(struct collector *c, fr_sink_fn fn, void *arg)
{
	c->tap.put = fn;
	c->tap.arg = arg;
}

static void
collector_prepare(struct collector *c)
{
	unsigned	i;

	for (i = 0; i < c->batch; i++) {
		c->iov[i].iov_base = c->bufs + (size_t)i * COLLECTOR_BUFSIZE;
		c->iov[i].iov_len = COLLECTOR_BUFSIZE;
		memset(&c->msgs[i], 0, sizeof(c->msgs[i]));
		c->msgs[i].msg_hdr.msg_iov = &c->iov[i];
		c->msgs[i].msg_hdr.msg_iovlen = 1;
		c->msgs[i].msg_hdr.msg_name = &c->from[i];
		c->msgs[i].msg_hdr.msg_namelen = sizeof(c->from[i]);
		c->msgs[i].msg_hdr.msg_control = c->cbufs + i * CBUF_SIZE;
		c->msgs[i].msg_hdr.msg_controllen = CBUF_SIZE;
	}
}

static void
collector_note_drops(struct listener *l, struct msghdr *mh)
{
	struct cmsghdr	*cm;
	uint32_t	 drops;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type !=
		    SO_RXQ_OVFL || cm->cmsg_len < CMSG_LEN(sizeof(drops)))
			continue;
		memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
		if (drops > l->info.kernel_drops) {
			l->c->tot.kernel_drops += drops - l->info.kernel_drops;
			l->info.kernel_drops = drops;
		}
	}
}

static void
collector_batch_end(struct collector *c, uint64_t now_ms)
{
	unsigned	i;

	for (i = 0; i < c->ntrees; i++)
		filemgr_batch_end(c->trees[i], now_ms);
}

static void
collector_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct listener		*l = arg;
	struct collector	*c = l->c;
	uint64_t		 now_ms;
	int			 n, i, round;

	for (round = 0; round < COLLECTOR_MAX_ROUNDS; round++) {
		collector_prepare(c);
		n = recvmmsg(fd, c->msgs, c->batch, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("recvmmsg");
			return;
		}
		now_ms = util_now_ms();
		for (i = 0; i < n; i++) {
			collector_note_drops(l, &c->msgs[i].msg_hdr);
			l->info.datagrams++;
			collector_datagram(c, c->iov[i].iov_base,
			    c->msgs[i].msg_len, &c->from[i], now_ms);
		}
		collector_batch_end(c, now_ms);
		if ((unsigned)n < c->batch)
			return;
	}
}

int
collector_init(struct collector *c, struct event_base *base,
    struct proto_ctx *proto)
{
	unsigned	i;

	c->proto = proto;
	for (i = 0; i < c->nls; i++) {
		c->ls[i].ev = event_new(base, c->ls[i].fd, EV_READ | EV_PERSIST,
		    collector_on_read, &c->ls[i]);
		if (c->ls[i].ev == NULL || event_add(c->ls[i].ev, NULL) != 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ info */

unsigned
collector_listener_count(const struct collector *c)
{
	return c->nls;
}

void
collector_listener_get(const struct collector *c, unsigned i,
    struct collector_listener_info *out)
{
	if (i < c->nls)
		*out = c->ls[i].info;
	else
		memset(out, 0, sizeof(*out));
}

void
collector_get_totals(const struct collector *c, struct collector_totals *out)
{
	*out = c->tot;
}

uint16_t
collector_port(const struct collector *c)
{
	return c->nls > 0 ? c->ls[0].info.port : 0;
}

void
collector_free(struct collector *c)
{
	unsigned	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nls; i++) {
		if (c->ls[i].ev != NULL)
			event_free(c->ls[i].ev);
		close(c->ls[i].fd);
	}
	free(c->bufs);
	free(c->msgs);
	free(c->iov);
	free(c->from);
	free(c->cbufs);
	free(c);
}
