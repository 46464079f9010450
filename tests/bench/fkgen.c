/*
 * fkgen - NetFlow load generator for the collector benchmark.
 *
 *   fkgen --to HOST:PORT --version 5|9 [--exporters N] [--rate FLOWS/S]
 *         [--flows TOTAL] [--src-prefix 127.0.100.]
 *
 * Each exporter is a UDP socket bound to its own loopback address
 * (127.0.100.1, .2, ...).  Datagrams are built once per exporter with the
 * project's own encoders (proto/nfenc.h) from synthetic flows, then sent in
 * sendmmsg batches with the sequence number patched in place, paced to the
 * requested flow rate (0 = as fast as possible).  It prints what it sent as
 * one line of key=value pairs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* sendmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/nfenc.h"

#define POOL		512	/* datagrams per exporter */
#define BATCH		32
#define MAX_EXPORTERS	64

struct dgram {
	uint8_t		buf[NFENC_MTU];
	size_t		len;
	unsigned	nflows;		/* data records in it */
};

struct exporter {
	int		fd;
	struct dgram	*pool;
	uint32_t	seq;		/* v5: flows; v9: packets */
	unsigned	next;
};

static void
usage(void)
{
	fprintf(stderr, "usage: fkgen --to HOST:PORT --version 5|9 "
	    "[--exporters N] [--rate FLOWS/S] [--flows TOTAL] "
	    "[--src-prefix 127.0.100.]\n");
	exit(2);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static void
fill_flows(struct flowrec *r, unsigned n, unsigned exporter, uint64_t *seed,
    uint64_t now_ms)
{
	static const uint16_t ports[] = { 443, 80, 53, 22, 123, 8080, 25 };

	memset(r, 0, n * sizeof(*r));
	for (unsigned i = 0; i < n; i++) {
		uint32_t x = rnd(seed);

		r[i].af = FR_AF_INET;
		r[i].src.v4 = 0x0a000000u | (exporter << 16) | (x & 0xffff);
		r[i].dst.v4 = 0xc0a80000u | (rnd(seed) & 0xffff);
		r[i].nexthop.v4 = 0x0a0000fe;
		r[i].sport = 1024 + (x >> 16) % 60000;
		r[i].dport = ports[x % 7];
		r[i].proto = (x & 7) ? 6 : 17;
		r[i].tcp_flags = r[i].proto == 6 ? 0x1b : 0;
		r[i].packets = 1 + rnd(seed) % 100;
		r[i].octets = r[i].packets * (40 + rnd(seed) % 1400);
		r[i].in_if = 1 + x % 8;
		r[i].out_if = 9 + x % 8;
		r[i].src_as = 64512 + x % 100;
		r[i].dst_as = 15169;
		r[i].src_mask = 16;
		r[i].dst_mask = 24;
		r[i].last_ms = now_ms - rnd(seed) % 30000;
		r[i].first_ms = r[i].last_ms - rnd(seed) % 60000;
		r[i].fields = FR_HAS_PACKETS | FR_HAS_OCTETS | FR_HAS_PORTS |
		    FR_HAS_PROTO | FR_HAS_TIMES | FR_HAS_IFINDEX | FR_HAS_AS |
		    FR_HAS_MASK | FR_HAS_NEXTHOP | FR_HAS_SRCADDR |
		    FR_HAS_DSTADDR | FR_HAS_TCPFLAGS;
	}
}

/* Build the datagram pool of one exporter; returns 0 or -1. */
static int
build_pool(struct exporter *ex, int version, unsigned idx)
{
	struct flowrec recs[64];
	struct nfenc enc;
	uint64_t seed = 0x9e3779b97f4a7c15ull * (idx + 1);
	uint64_t now_ms = (uint64_t)time(NULL) * 1000;

	if (nfenc_init(&enc, version) == -1)
		return -1;
	enc.source_id = idx;
	if ((ex->pool = calloc(POOL, sizeof(*ex->pool))) == NULL)
		return -1;
	for (unsigned i = 0; i < POOL; i++) {
		struct dgram *d = &ex->pool[i];
		unsigned skipped = 0, used;

		fill_flows(recs, 64, idx, &seed, now_ms);
		used = nfenc_build(&enc, recs, 64, now_ms, 3600000u, d->buf,
		    &d->len, &skipped);
		d->nflows = used - skipped;
	}
	return 0;
}

static void
patch_seq(struct exporter *ex, struct dgram *d, int version)
{
	uint32_t v = htonl(ex->seq);

	if (version == 5) {
		memcpy(d->buf + 16, &v, 4);
		ex->seq += d->nflows;
	} else {
		memcpy(d->buf + 12, &v, 4);
		ex->seq++;
	}
}

static int
open_exporter(const char *prefix, unsigned idx)
{
	struct sockaddr_in sin;
	char addr[64];
	int fd, sz = 4 << 20;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	snprintf(addr, sizeof(addr), "%s%u", prefix, idx + 1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
parse_to(const char *s, struct sockaddr_in *to)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	memset(to, 0, sizeof(*to));
	to->sin_family = AF_INET;
	to->sin_port = htons((uint16_t)atoi(colon + 1));
	return inet_pton(AF_INET, host, &to->sin_addr) == 1 ? 0 : -1;
}

/* Send one batch from ex; returns flows sent. */
static unsigned
send_batch(struct exporter *ex, int version, struct sockaddr_in *to,
    uint64_t *dgrams, uint64_t *errors)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned flows = 0;
	int n;

	memset(msgs, 0, sizeof(msgs));
	for (unsigned i = 0; i < BATCH; i++) {
		struct dgram *d = &ex->pool[ex->next];

		ex->next = (ex->next + 1) % POOL;
		patch_seq(ex, d, version);
		iov[i].iov_base = d->buf;
		iov[i].iov_len = d->len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = to;
		msgs[i].msg_hdr.msg_namelen = sizeof(*to);
		flows += d->nflows;
	}
	n = sendmmsg(ex->fd, msgs, BATCH, 0);
	if (n < BATCH) {
		(*errors)++;
		/* Sequence numbers were advanced for datagrams not sent: the
		 * collector will see that as loss, which is the truth. */
		return 0;
	}
	*dgrams += BATCH;
	return flows;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "to", required_argument, NULL, 't' },
		{ "version", required_argument, NULL, 'v' },
		{ "exporters", required_argument, NULL, 'x' },
		{ "rate", required_argument, NULL, 'r' },
		{ "flows", required_argument, NULL, 'f' },
		{ "src-prefix", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct exporter ex[MAX_EXPORTERS];
	struct sockaddr_in to;
	const char *prefix = "127.0.100.", *dest = NULL;
	int version = 5, ch;
	unsigned nex = 4;
	double rate = 0, t0, el;
	uint64_t total = 1000000, sent = 0, dgrams = 0, errors = 0;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 't': dest = optarg; break;
		case 'v': version = atoi(optarg); break;
		case 'x': nex = (unsigned)atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'f': total = strtoull(optarg, NULL, 10); break;
		case 's': prefix = optarg; break;
		default: usage();
		}
	}
	if (dest == NULL || parse_to(dest, &to) == -1 ||
	    (version != 5 && version != 9) || nex < 1 || nex > MAX_EXPORTERS)
		usage();
	for (unsigned i = 0; i < nex; i++) {
		ex[i].seq = 0;
		ex[i].next = 0;
		if ((ex[i].fd = open_exporter(prefix, i)) == -1 ||
		    build_pool(&ex[i], version, i) == -1) {
			fprintf(stderr, "fkgen: exporter %u: %s\n", i,
			    strerror(errno));
			return 1;
		}
	}
	t0 = now_s();
	for (unsigned i = 0; sent < total; i = (i + 1) % nex) {
		if (rate > 0) {
			double due = t0 + sent / rate, t;

			while ((t = now_s()) < due) {
				if (due - t > 0.0005)
					usleep((useconds_t)((due - t) * 1e6 / 2));
			}
		}
		sent += send_batch(&ex[i], version, &to, &dgrams, &errors);
	}
	el = now_s() - t0;
	printf("sent_flows=%llu datagrams=%llu send_errors=%llu seconds=%.3f "
	    "rate=%.0f\n", (unsigned long long)sent,
	    (unsigned long long)dgrams, (unsigned long long)errors, el,
	    sent / (el > 0 ? el : 1));
	return 0;
}
