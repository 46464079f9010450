/*
 * ftdump - print every record of flow files as one TSV line, for tests:
 *
 *   exporter src dst sport dport proto packets octets in_if out_if nexthop
 *   src_as dst_as tos flags first_ms last_ms sampling
 *
 * Reads flow-tools files and flowkeep's IPv6 sibling files through
 * storage/ftreader.h.  Exit status 1 if a file cannot be read.
 */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "storage/ftreader.h"

static const char *
addr_str(uint8_t af, const fr_addr *a, char *buf, size_t len)
{
	uint32_t	n;

	if (af == FR_AF_INET) {
		n = htonl(a->v4);
		inet_ntop(AF_INET, &n, buf, (socklen_t)len);
	} else if (af == FR_AF_INET6)
		inet_ntop(AF_INET6, a->v6, buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void
dump_rec(const struct flowrec *r)
{
	char	ex[64], s[64], d[64], nh[64];

	printf("%s\t%s\t%s\t%u\t%u\t%u\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu32
	    "\t%" PRIu32 "\t%s\t%" PRIu32 "\t%" PRIu32 "\t%u\t%u\t%" PRIu64
	    "\t%" PRIu64 "\t%" PRIu32 "\n",
	    addr_str(r->exp_af, &r->exporter, ex, sizeof(ex)),
	    addr_str(r->af, &r->src, s, sizeof(s)),
	    addr_str(r->af, &r->dst, d, sizeof(d)),
	    r->sport, r->dport, r->proto, r->packets, r->octets,
	    r->in_if, r->out_if, addr_str(r->af, &r->nexthop, nh, sizeof(nh)),
	    r->src_as, r->dst_as, r->tos, r->tcp_flags, r->first_ms,
	    r->last_ms, r->sampling);
}

static int
dump_file(const char *path)
{
	struct ftr	*r;
	struct flowrec	 rec;
	char		 err[256];
	int		 rc;

	if ((r = ftr_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ftdump: %s\n", err);
		return -1;
	}
	while ((rc = ftr_next(r, &rec)) == 1)
		dump_rec(&rec);
	if (rc < 0)
		fprintf(stderr, "ftdump: %s\n", ftr_error(r));
	if (ftr_warning(r) != NULL)
		fprintf(stderr, "ftdump: %s\n", ftr_warning(r));
	ftr_close(r);
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	int	i, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: ftdump file...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (dump_file(argv[i]) != 0)
			bad = 1;
	return bad;
}
