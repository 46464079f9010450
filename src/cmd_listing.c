/*
 * cmd_listing.c - the listing commands: `flowkeep print` (flow-print's
 * formats, CSV, JSON), `flowkeep cat` (one flow-tools stream out of a
 * selection, like flow-cat) and `flowkeep header` (like flow-header).
 *
 * The text formats copy flow-print's column layouts so that the output of
 * the formats the vectors cover is byte-identical to flow-print's.
 */
#define _GNU_SOURCE	/* timegm, localtime_r */

#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "storage/ftconv.h"
#include "storage/ftreader.h"
#include "storage/ftwriter.h"
#include "storage/layout.h"

#include "cmd.h"
#include "cmdsel.h"

/* "-z6" style: a short option with its value attached; 1 or 0. */
static int
short_attached(const char *a, char opt, const char **val)
{
	if (a[0] != '-' || a[1] != opt || a[2] < '0' || a[2] > '9')
		return 0;
	*val = a + 2;
	return 1;
}

/* ---------------------------------------------------------------- header */

static const char *const agg_names[] = { "", "AS", "Protocol Port",
    "Source Prefix", "Destination Prefix", "Prefix", "Destination",
    "Source Destination", "Full Flow", "ToS AS", "ToS Protocol Port",
    "ToS Source Prefix", "ToS Destination Prefix", "ToS Prefix",
    "ToS Prefix Port" };

static void
hdr_time(FILE *fp, const char *label, uint32_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[64];

	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S %z", &tm);
	fprintf(fp, "# %-22s%s\n", label, buf);
}

static void
hdr_u32(FILE *fp, const char *label, uint32_t v)
{
	fprintf(fp, "# %-22s%" PRIu32 "\n", label, v);
}

/* The flow-header block of h. */
static void
print_ft_header(FILE *fp, const struct ft_header *h)
{
	int stream = (h->flags & FT_HEADER_FLAG_STREAMING) != 0;
	int pre = (h->flags & FT_HEADER_FLAG_PRELOADED) != 0;
	int counters = !stream || pre;
	int done = (h->flags & (FT_HEADER_FLAG_DONE |
	    FT_HEADER_FLAG_PRELOADED)) != 0;
	uint32_t has = h->present;
	struct in_addr a;
	char ip[INET_ADDRSTRLEN];

#define HAS(t) ((has & (1u << (t))) != 0)
	fprintf(fp, "#\n");
	fprintf(fp, "# %-22s%s\n", "mode:", stream ? "streaming" : "normal");
	if (h->flags & FT_HEADER_FLAG_XLATE)
		fprintf(fp, "# %-22s%s\n", "translated:", "yes");
	if (!stream && HAS(FT_TLV_CAP_HOSTNAME))
		fprintf(fp, "# %-22s%s\n", "capture hostname:", h->hostname);
	if (!stream && HAS(FT_TLV_EXPORTER_IP)) {
		a.s_addr = htonl(h->exporter_ip);
		inet_ntop(AF_INET, &a, ip, sizeof(ip));
		fprintf(fp, "# %-22s%s\n", "exporter IP address:", ip);
	}
	if (counters && HAS(FT_TLV_CAP_START))
		hdr_time(fp, "capture start:", h->cap_start);
	if (counters && done && HAS(FT_TLV_CAP_END)) {
		hdr_time(fp, "capture end:", h->cap_end);
		fprintf(fp, "# %-22s%" PRIu32 " seconds\n", "capture period:",
		    h->cap_end - h->cap_start);
	}
	fprintf(fp, "# %-22s%s\n", "compress:",
	    h->flags & FT_HEADER_FLAG_COMPRESS ? "on" : "off");
	fprintf(fp, "# %-22s%s\n", "byte order:",
	    h->byte_order == FT_LITTLE_ENDIAN ? "little" :
	    h->byte_order == FT_BIG_ENDIAN ? "big" : "BROKEN");
	hdr_u32(fp, "stream version:", h->s_version);
	hdr_u32(fp, "export version:", h->d_version);
	if (h->d_version == FT_VER_8) {
		hdr_u32(fp, "export agg_version:", h->agg_version);
		fprintf(fp, "# %-22s%u (%s)\n", "export agg_method:",
		    h->agg_method, h->agg_method < 15 ?
		    agg_names[h->agg_method] : "Unknown");
	}
	if (counters && HAS(FT_TLV_FLOW_LOST))
		hdr_u32(fp, "lost flows:", h->counters.flow_lost);
	if (counters && HAS(FT_TLV_FLOW_MISORDERED))
		hdr_u32(fp, "misordered flows:", h->counters.flow_misordered);
	if (counters && HAS(FT_TLV_PKT_CORRUPT))
		hdr_u32(fp, "corrupt packets:", h->counters.pkt_corrupt);
	if (counters && HAS(FT_TLV_SEQ_RESET))
		hdr_u32(fp, "sequencer resets:", h->counters.seq_reset);
	if (HAS(FT_TLV_COMMENTS))
		fprintf(fp, "# %-22s%s\n", "comments:", h->comments);
	if (done)
		hdr_u32(fp, "capture flows:", h->counters.flow_count);
	else if (!stream)
		fprintf(fp, "# note, incomplete flow file\n");
	fprintf(fp, "#\n");
#undef HAS
}

int
cmd_header(int argc, char **argv)
{
	static char *stdin_only[] = { "header", "-" };
	char err[512];
	struct ftr *r;
	int rc = 0, n;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cmd_usage("header");
	if (argc < 2) {
		argc = 2;
		argv = stdin_only;
	}
	n = argc - 1;
	for (int i = 1; i < argc; i++) {
		if ((r = ftr_open(argv[i], err, sizeof(err))) == NULL) {
			fprintf(stderr, "flowkeep: %s\n", err);
			rc = 1;
			continue;
		}
		if (n > 1)
			printf("%s# file: %s\n", i > 1 ? "\n" : "", argv[i]);
		print_ft_header(stdout, ftr_header(r));
		ftr_close(r);
	}
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}

/* ---------------------------------------------------------------- print */

enum out_kind { OUT_TEXT, OUT_CSV, OUT_JSON };

/*
 * Formatted minutes, direct-mapped by minute: the text up to the minute
 * and the time_t where that local minute starts.  Offsets from UTC and
 * their changes fall on whole minutes, so the seconds are t - start.
 */
#define LT_SLOTS	64

struct lt_slot {
	time_t	start;		/* -1 = empty */
	char	str[40];	/* "MMDD.hh:mm:" or "YYYY-MM-DDThh:mm:" */
	size_t	len;
};

struct lt_cache {
	struct lt_slot	slot[LT_SLOTS];
	int		init;
};

struct printer {
	FILE		*fp;
	int		 format;
	int		 wide;
	enum out_kind	 out;
	unsigned	 nfields;
	int		 fields[32];
	uint64_t	 count;
	int		 checked;
	struct lt_cache	 lt, iso;
};

/*
 * Hand-made formatting of rows (printf costs several times as much on a
 * few million lines).  Each helper writes at d and returns the new end;
 * a row is at most a few hundred bytes, held in a local buffer.
 */
static char *
put_u64(char *d, uint64_t v)
{
	char t[20];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*d++ = t[--n];
	return d;
}

/* "%-wu": left-justified in w columns. */
static char *
put_ul(char *d, uint64_t v, unsigned w)
{
	char *s = d;

	d = put_u64(d, v);
	while ((unsigned)(d - s) < w)
		*d++ = ' ';
	return d;
}

/* "%wu": right-justified in w columns. */
static char *
put_ur(char *d, uint64_t v, unsigned w)
{
	char t[24], *e = put_u64(t, v);
	unsigned n = (unsigned)(e - t);

	while (n < w--)
		*d++ = ' ';
	memcpy(d, t, n);
	return d + n;
}

/* "%-w.ps": at most p bytes of s, left-justified in w columns. */
static char *
put_sl(char *d, const char *s, size_t n, unsigned w, unsigned p)
{
	if (n > p)
		n = p;
	memcpy(d, s, n);
	d += n;
	while (n++ < w)
		*d++ = ' ';
	return d;
}

/* "%z.zx" with z zero digits, then left-justified in w columns. */
static char *
put_hex(char *d, uint32_t v, unsigned z, unsigned w)
{
	static const char hx[] = "0123456789abcdef";
	char t[8];
	unsigned n = 0, k;

	do {
		t[n++] = hx[v & 15];
		v >>= 4;
	} while (v != 0);
	for (k = n; k < z; k++)
		*d++ = '0';
	while (n > 0)
		*d++ = t[--n];
	for (k = k > z ? k : z; k < w; k++)
		*d++ = ' ';
	return d;
}

static char *
put_str(char *d, const char *s)
{
	size_t n = strlen(s);

	memcpy(d, s, n);
	return d + n;
}

/* An address as text at d; returns the end. */
static char *
put_addr(char *d, int af, const fr_addr *a)
{
	if (af == FR_AF_INET6) {
		inet_ntop(AF_INET6, a->v6, d, INET6_ADDRSTRLEN);
		return d + strlen(d);
	}
	for (int sh = 24; sh >= 0; sh -= 8) {
		unsigned o = (a->v4 >> sh) & 255;

		if (o >= 100) {
			*d++ = (char)('0' + o / 100);
			*d++ = (char)('0' + o / 10 % 10);
		} else if (o >= 10)
			*d++ = (char)('0' + o / 10);
		*d++ = (char)('0' + o % 10);
		if (sh > 0)
			*d++ = '.';
	}
	return d;
}

/* An address in "%-w.ps"; IPv6 addresses (of fk6- files, which
 * flow-print never sees) are not cut. */
static char *
put_addr_l(char *d, int af, const fr_addr *a, unsigned w, unsigned p)
{
	char t[INET6_ADDRSTRLEN + 8];
	char *e = put_addr(t, af, a);

	return put_sl(d, t, (size_t)(e - t), w, af == FR_AF_INET6 ?
	    (unsigned)sizeof(t) : p);
}

static char *
put_3ms(char *d, uint64_t ms)
{
	unsigned m = (unsigned)(ms % 1000);

	*d++ = (char)('0' + m / 100);
	*d++ = (char)('0' + m / 10 % 10);
	*d++ = (char)('0' + m % 10);
	return d;
}

/* The cache slot of t's minute, local (utc == 0) or UTC. */
static const struct lt_slot *
lt_get(struct lt_cache *c, time_t t, int utc)
{
	struct lt_slot *sl;
	struct tm tm;
	char buf[96];

	if (!c->init) {
		for (unsigned i = 0; i < LT_SLOTS; i++)
			c->slot[i].start = -1;
		c->init = 1;
	}
	sl = &c->slot[(uint64_t)(t / 60) % LT_SLOTS];
	if (sl->start >= 0 && t >= sl->start && t - sl->start < 60)
		return sl;
	if (utc) {
		gmtime_r(&t, &tm);
		snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min);
	} else {
		localtime_r(&t, &tm);
		snprintf(buf, sizeof(buf), "%02d%02d.%02d:%02d:",
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	}
	sl->len = strlen(buf);
	if (sl->len >= sizeof(sl->str))
		sl->len = sizeof(sl->str) - 1;
	memcpy(sl->str, buf, sl->len);
	/* a leap second (tm_sec 60) is not cached */
	sl->start = tm.tm_sec < 60 ? t - tm.tm_sec : -1;
	if (sl->start < 0) {
		memcpy(sl->str + sl->len, "60", 2);
		sl->len += 2;
	}
	return sl;
}

static char *
put_minsec(char *d, const struct lt_slot *sl, time_t t, uint64_t ms)
{
	unsigned sec = (unsigned)(t - sl->start);

	memcpy(d, sl->str, sl->len);
	d += sl->len;
	if (sl->start >= 0) {
		*d++ = (char)('0' + sec / 10);
		*d++ = (char)('0' + sec % 10);
	}
	*d++ = '.';
	return put_3ms(d, ms);
}

/* MMDD.hh:mm:ss.mmm in local time, as flow-print. */
static char *
put_lt(char *d, struct lt_cache *c, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);

	return put_minsec(d, lt_get(c, t, 0), t, ms);
}

/* ISO 8601 in UTC with milliseconds: 2023-11-14T22:12:20.123Z. */
static char *
put_iso(char *d, struct lt_cache *c, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);

	d = put_minsec(d, lt_get(c, t, 1), t, ms);
	*d++ = 'Z';
	return d;
}

static void
put_line(struct printer *p, const char *line, const char *end)
{
	fwrite_unlocked(line, 1, (size_t)(end - line), p->fp);
}

/* flow-print's header line(s) of a format. */
static int
text_title(struct printer *p)
{
	FILE *fp = p->fp;

	switch (p->format) {
	case 0:
		fputs("Sif  SrcIPaddress     Dif  DstIPaddress      Pr SrcP "
		    "DstP  Pkts       Octets\n", fp);
		break;
	case 1:
		fputs("Sif  SrcIPaddress     DIf  DstIPaddress      Pr SrcP "
		    "DstP  Pkts  Octets\n StartTime          EndTime         "
		    "    Active   B/Pk Ts Fl\n\n", fp);
		break;
	case 2:
		fputs("Sif SrcIPaddress     DIf DstIPaddress    Pr SrcP DstP "
		    "Pkts       Octets\n StartTime          EndTime          "
		    "   Active   B/Pk Ts Fl\n\n", fp);
		break;
	case 3:
		fputs(p->wide ? "srcIP            dstIP            prot   "
		    "srcPort           dstPort           octets      "
		    "packets\n" :
		    "srcIP            dstIP            prot  srcPort  dstPort  "
		    "octets      packets\n", fp);
		break;
	case 4:
		fputs(p->wide ? "Sif  Dif  srcIP               dstIP          "
		    "     prot   srcAS             dstAS             octets  "
		    "    packets\n" :
		    "srcIP              dstIP              prot  srcAS  dstAS  "
		    "octets      packets\n", fp);
		break;
	case 5:
		fputs("Start             End               Sif   SrcIPaddress "
		    "   SrcP  DIf   DstIPaddress    DstP    P Fl Pkts       "
		    "Octets\n\n", fp);
		break;
	case 6:
		fputs("   Source           Destination              Packets  "
		    "             Bytes\n", fp);
		break;
	case 9:
		fputs("srcTag      dstTag      srcIP            dstIP         "
		    "   octets      packets\n", fp);
		break;
	default:
		return -1;
	}
	return 0;
}

/* flow-print refuses a format whose fields the records lack. */
static int
text_check(struct printer *p, const struct flowrec *r)
{
	uint32_t need = 0;

	p->checked = 1;
	if (p->format == 4)
		need = FR_HAS_AS | FR_HAS_MASK;
	else if (p->format == 9)
		need = FR_HAS_TAGS;
	if ((r->fields & need) != need) {
		fprintf(stderr, "flowkeep: Flow record missing required field "
		    "for format.\n");
		return -1;
	}
	return 0;
}

/* The first line of formats 0, 1 and 2. */
static char *
row_f0(char *d, const struct flowrec *r)
{
	d = put_hex(d, r->in_if, 4, 0);
	*d++ = ' ';
	d = put_addr_l(d, r->af, &r->src, 15, 15);
	d = put_str(d, "  ");
	d = put_hex(d, r->out_if, 4, 0);
	*d++ = ' ';
	d = put_addr_l(d, r->af, &r->dst, 15, 15);
	d = put_str(d, "   ");
	d = put_hex(d, r->proto, 2, 0);
	*d++ = ' ';
	d = put_hex(d, r->sport, 0, 4);
	*d++ = ' ';
	d = put_hex(d, r->dport, 0, 4);
	d = put_str(d, "  ");
	d = put_ul(d, r->packets, 10);
	*d++ = ' ';
	d = put_ul(d, r->octets, 10);
	*d++ = '\n';
	return d;
}

/* "addr/mask" in "%-ws". */
static char *
put_prefix(char *d, int af, const fr_addr *a, unsigned mask, unsigned w)
{
	char t[INET6_ADDRSTRLEN + 16], *e = put_addr(t, af, a);

	*e++ = '/';
	e = put_u64(e, mask);
	return put_sl(d, t, (size_t)(e - t), w, sizeof(t));
}

static int
text_row(struct printer *p, const struct flowrec *r)
{
	char line[512], *d = line;
	uint32_t active;

	switch (p->format) {
	case 0:
		d = row_f0(d, r);
		break;
	case 2:
		if (r->proto != 6 || r->tcp_flags != 0x02 ||
		    r->packets != 2 || r->octets != 80)
			return 0;
		/* FALLTHROUGH */
	case 1:
		if (r->packets == 0) {
			fprintf(stderr, "Ignoring bogus flow dPkts=0\n");
			return 0;
		}
		active = (uint32_t)(r->last_ms - r->first_ms);
		d = row_f0(d, r);
		*d++ = ' ';
		d = put_lt(d, &p->lt, r->first_ms);
		d = put_str(d, "  ");
		d = put_lt(d, &p->lt, r->last_ms);
		*d++ = ' ';
		/* "%10.3f" of active / 1000 */
		{
			char t[24], *e = put_u64(t, active / 1000);
			unsigned n = (unsigned)(e - t) + 4;

			for (; n < 10; n++)
				*d++ = ' ';
			memcpy(d, t, (size_t)(e - t));
			d += e - t;
			*d++ = '.';
			d = put_3ms(d, active);
		}
		*d++ = ' ';
		d = put_ul(d, r->octets / r->packets, 3);
		*d++ = ' ';
		d = put_hex(d, r->tos, 2, 0);
		*d++ = ' ';
		d = put_hex(d, r->tcp_flags, 2, 0);
		d = put_str(d, "\n\n");
		break;
	case 3:
		d = put_addr_l(d, r->af, &r->src, 15, 15);
		d = put_str(d, "  ");
		d = put_addr_l(d, r->af, &r->dst, 15, 15);
		d = put_str(d, "  ");
		d = put_ul(d, r->proto, p->wide ? 6 : 5);
		*d++ = ' ';
		d = put_ul(d, r->sport, p->wide ? 17 : 8);
		*d++ = ' ';
		d = put_ul(d, r->dport, p->wide ? 17 : 8);
		*d++ = ' ';
		d = put_ul(d, r->octets, 10);
		d = put_str(d, "  ");
		d = put_ul(d, r->packets, 10);
		*d++ = '\n';
		break;
	case 4:
		if (p->wide) {
			d = put_hex(d, r->in_if, 4, 0);
			*d++ = ' ';
			d = put_hex(d, r->out_if, 4, 0);
			*d++ = ' ';
		}
		d = put_prefix(d, r->af, &r->src, r->src_mask,
		    p->wide ? 19 : 18);
		*d++ = ' ';
		d = put_prefix(d, r->af, &r->dst, r->dst_mask,
		    p->wide ? 19 : 18);
		*d++ = ' ';
		d = put_ul(d, r->proto, p->wide ? 6 : 5);
		*d++ = ' ';
		d = put_ul(d, r->src_as, p->wide ? 17 : 6);
		*d++ = ' ';
		d = put_ul(d, r->dst_as, p->wide ? 17 : 6);
		*d++ = ' ';
		d = put_ul(d, r->octets, 10);
		d = put_str(d, "  ");
		d = put_ul(d, r->packets, 10);
		*d++ = '\n';
		break;
	case 5:
		d = put_lt(d, &p->lt, r->first_ms);
		*d++ = ' ';
		d = put_lt(d, &p->lt, r->last_ms);
		*d++ = ' ';
		d = put_ul(d, r->in_if, 5);
		*d++ = ' ';
		d = put_addr_l(d, r->af, &r->src, 15, 15);
		*d++ = ' ';
		d = put_ul(d, r->sport, 5);
		*d++ = ' ';
		d = put_ul(d, r->out_if, 5);
		*d++ = ' ';
		d = put_addr_l(d, r->af, &r->dst, 15, 15);
		*d++ = ' ';
		d = put_ul(d, r->dport, 5);
		*d++ = ' ';
		d = put_ul(d, r->proto, 3);
		*d++ = ' ';
		d = put_ul(d, r->tcp_flags & 0x7u, 2);
		*d++ = ' ';
		d = put_ul(d, r->packets, 10);
		*d++ = ' ';
		d = put_ul(d, r->octets, 10);
		*d++ = '\n';
		break;
	case 6:
		*d++ = ' ';
		d = put_addr_l(d, r->af, &r->src, 15, 15);
		d = put_str(d, "  ");
		d = put_addr_l(d, r->af, &r->dst, 15, 15);
		d = put_ur(d, r->packets, 19);
		*d++ = ' ';
		d = put_ur(d, r->octets, 19);
		*d++ = '\n';
		break;
	case 9:
		d = put_str(d, "0x");
		d = put_hex(d, r->src_tag, 8, 0);
		d = put_str(d, "  0x");
		d = put_hex(d, r->dst_tag, 8, 0);
		d = put_str(d, "  ");
		d = put_addr_l(d, r->af, &r->src, 15, 15);
		d = put_str(d, "  ");
		d = put_addr_l(d, r->af, &r->dst, 15, 15);
		d = put_str(d, "  ");
		d = put_ul(d, r->octets, 10);
		d = put_str(d, "  ");
		d = put_ul(d, r->packets, 10);
		*d++ = '\n';
		break;
	}
	put_line(p, line, d);
	return 0;
}

/* ---- CSV / JSON */

enum {
	F_FIRST, F_LAST, F_EXPORTER, F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO,
	F_PACKETS, F_OCTETS, F_IN_IF, F_OUT_IF, F_SRC_AS, F_DST_AS,
	F_SRC_MASK, F_DST_MASK, F_NEXTHOP, F_TOS, F_TCP_FLAGS,
	F_ENGINE_TYPE, F_ENGINE_ID, F_SAMPLING, F_NFIELDS
};

static const char *const field_names[F_NFIELDS] = {
	"first", "last", "exporter", "src", "dst", "sport", "dport", "proto",
	"packets", "octets", "in_if", "out_if", "src_as", "dst_as",
	"src_mask", "dst_mask", "nexthop", "tos", "tcp_flags", "engine_type",
	"engine_id", "sampling"
};

/* Field k of r at d; *quote set when it is a string in JSON. */
static char *
put_field(struct printer *p, char *d, int k, const struct flowrec *r,
    int *quote)
{
	uint64_t v;

	*quote = 1;
	switch (k) {
	case F_FIRST: return put_iso(d, &p->iso, r->first_ms);
	case F_LAST: return put_iso(d, &p->iso, r->last_ms);
	case F_EXPORTER: return put_addr(d, r->exp_af, &r->exporter);
	case F_SRC: return put_addr(d, r->af, &r->src);
	case F_DST: return put_addr(d, r->af, &r->dst);
	case F_NEXTHOP: return put_addr(d, r->af, &r->nexthop);
	case F_SPORT: v = r->sport; break;
	case F_DPORT: v = r->dport; break;
	case F_PROTO: v = r->proto; break;
	case F_PACKETS: v = r->packets; break;
	case F_OCTETS: v = r->octets; break;
	case F_IN_IF: v = r->in_if; break;
	case F_OUT_IF: v = r->out_if; break;
	case F_SRC_AS: v = r->src_as; break;
	case F_DST_AS: v = r->dst_as; break;
	case F_SRC_MASK: v = r->src_mask; break;
	case F_DST_MASK: v = r->dst_mask; break;
	case F_TOS: v = r->tos; break;
	case F_TCP_FLAGS: v = r->tcp_flags; break;
	case F_ENGINE_TYPE: v = r->engine_type; break;
	case F_ENGINE_ID: v = r->engine_id; break;
	case F_SAMPLING: v = r->sampling; break;
	default: v = 0; break;
	}
	*quote = 0;
	return put_u64(d, v);
}

static void
data_title(struct printer *p)
{
	if (p->out == OUT_CSV) {
		for (unsigned i = 0; i < p->nfields; i++)
			fprintf(p->fp, "%s%s", i ? "," : "",
			    field_names[p->fields[i]]);
		fputc('\n', p->fp);
	} else
		fputs("[", p->fp);
}

static void
data_row(struct printer *p, const struct flowrec *r)
{
	char line[2048], *d = line, *v;
	int q;

	if (p->out == OUT_JSON)
		d = put_str(d, p->count > 0 ? ",\n{" : "\n{");
	for (unsigned i = 0; i < p->nfields; i++) {
		int k = p->fields[i];

		if (i > 0)
			*d++ = ',';
		if (p->out == OUT_CSV) {
			d = put_field(p, d, k, r, &q);
			continue;
		}
		*d++ = '"';
		d = put_str(d, field_names[k]);
		d = put_str(d, "\":");
		v = d;
		d = put_field(p, d + 1, k, r, &q);
		if (q) {
			*v = '"';
			*d++ = '"';
		} else {
			memmove(v, v + 1, (size_t)(d - v - 1));
			d--;
		}
	}
	*d++ = p->out == OUT_JSON ? '}' : '\n';
	put_line(p, line, d);
}

static int
parse_fields(struct printer *p, const char *list)
{
	char buf[512], *tok, *save = NULL;
	int k;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	p->nfields = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < F_NFIELDS; k++)
			if (strcmp(tok, field_names[k]) == 0)
				break;
		if (k == F_NFIELDS) {
			fprintf(stderr, "flowkeep: --fields: unknown field "
			    "\"%s\"\n", tok);
			return -1;
		}
		if (p->nfields >= sizeof(p->fields) / sizeof(p->fields[0]))
			return -1;
		p->fields[p->nfields++] = k;
	}
	return p->nfields > 0 ? 0 : -1;
}

/* The default format for the first selected file, as flow-print. */
static int
default_format(struct src *s, const struct ft_header **hout,
    struct ftr **rout)
{
	const char *path = src_selected(s, 0);
	char err[512];
	struct ftr *r;
	int f = 5;

	*hout = NULL;
	*rout = NULL;
	if (path == NULL || strcmp(path, "-") == 0)
		return f;
	if ((r = ftr_open(path, err, sizeof(err))) == NULL)
		return f;
	switch (ftr_header(r)->d_version) {
	case FT_VER_1:
	case FT_VER_5: f = 3; break;
	case FT_VER_1005: f = 9; break;
	default: f = 5; break;
	}
	*hout = ftr_header(r);
	*rout = r;
	return f;
}

/*
 * Formats 7 (v7), 8 (v6), 10-23 (v8 aggregation method f - 9) and 24 (v7,
 * Catalyst) need fields that only those record versions have.  On other
 * files flow-print refuses them, and so do we, with its message; on files
 * of those versions we do not print them either (not implemented).
 */
static int
other_format(int f, const struct ft_header *h)
{
	int mine = 0;

	if (h != NULL) {
		if (f == 7 || f == 24)
			mine = h->d_version == FT_VER_7;
		else if (f == 8)
			mine = h->d_version == FT_VER_6;
		else
			mine = h->d_version == FT_VER_8 &&
			    h->agg_method == f - 9;
	}
	if (mine)
		fprintf(stderr, "flowkeep: format %d is not implemented\n", f);
	else
		fprintf(stderr, "flowkeep: Flow record missing required field "
		    "for format.\n");
	return 1;
}

int
cmd_print(int argc, char **argv)
{
	static struct cmdsel cs;
	static char obuf[1 << 20];
	struct printer p;
	struct src *s;
	const struct flowrec *recs;
	const struct ft_header *h;
	struct ftr *hr;
	const char *v, *fields = NULL;
	unsigned n;
	int rc, hdr = 0, status = 0;
	char *end;

	memset(&p, 0, sizeof(p));
	p.fp = stdout;
	p.format = -1;
	cmdsel_init(&cs);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-w") == 0) {
			p.wide = 1;
			continue;
		}
		if (strcmp(argv[i], "-p") == 0) {
			hdr = 1;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "-f", &v)) != 0 ||
		    (rc = short_attached(argv[i], 'f', &v)) != 0 ||
		    (rc = cmd_optval(argc, argv, &i, "--format", &v)) != 0) {
			long f;

			if (rc == -1)
				return cmd_usage("print");
			f = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || f < 0 || f > 24) {
				fprintf(stderr, "flowkeep: bad format \"%s\"\n",
				    v);
				return cmd_usage("print");
			}
			p.format = (int)f;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "--output", &v)) != 0) {
			if (rc == -1)
				return cmd_usage("print");
			if (strcmp(v, "text") == 0)
				p.out = OUT_TEXT;
			else if (strcmp(v, "csv") == 0)
				p.out = OUT_CSV;
			else if (strcmp(v, "json") == 0)
				p.out = OUT_JSON;
			else {
				fprintf(stderr, "flowkeep: --output: \"%s\" is "
				    "not text, csv or json\n", v);
				return cmd_usage("print");
			}
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "--fields", &v)) != 0) {
			if (rc == -1)
				return cmd_usage("print");
			fields = v;
			continue;
		}
		if ((rc = cmdsel_arg(&cs, argc, argv, &i)) != 1) {
			if (rc == 0)
				fprintf(stderr, "flowkeep: unknown option "
				    "\"%s\"\n", argv[i]);
			return cmd_usage("print");
		}
	}
	if (p.out != OUT_TEXT) {
		if (fields != NULL) {
			if (parse_fields(&p, fields) == -1)
				return cmd_usage("print");
		} else
			for (int k = 0; k < F_NFIELDS; k++)
				p.fields[p.nfields++] = k;
	}
	if (cmdsel_finish(&cs) == -1) {
		cmdsel_free(&cs);
		return cmd_usage("print");
	}
	if ((s = cmdsel_open(&cs)) == NULL) {
		cmdsel_free(&cs);
		return 1;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	rc = default_format(s, &h, &hr);
	if (p.format < 0)
		p.format = rc;
	if (p.out == OUT_TEXT && (p.format == 7 || p.format == 8 ||
	    p.format >= 10)) {
		status = other_format(p.format, h);
		goto out;
	}
	if (hdr && p.out == OUT_TEXT) {
		if (h == NULL) {
			fprintf(stderr, "flowkeep: -p needs a file to take the "
			    "header from\n");
			status = 1;
			goto out;
		}
		print_ft_header(p.fp, h);
	}
	if (p.out == OUT_TEXT)
		text_title(&p);
	else
		data_title(&p);
	while (src_next_batch(s, &recs, &n)) {
		for (unsigned i = 0; i < n; i++) {
			if (cs.filter != NULL &&
			    !filter_match(cs.filter, &recs[i]))
				continue;
			if (p.out != OUT_TEXT)
				data_row(&p, &recs[i]);
			else {
				if (!p.checked && text_check(&p, &recs[i]))
				{
					status = 1;
					goto out;
				}
				text_row(&p, &recs[i]);
			}
			p.count++;
		}
	}
	if (p.out == OUT_JSON)
		fputs(p.count > 0 ? "\n]\n" : "]\n", p.fp);
	if (src_failed(s) > 0)
		status = 1;
out:
	if (hr != NULL)
		ftr_close(hr);
	src_close(s);
	cmdsel_free(&cs);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "flowkeep: write error: %s\n",
		    strerror(errno));
		status = 1;
	}
	return status;
}

/* ---------------------------------------------------------------- cat */

static size_t
put_tlv(uint8_t *b, size_t off, int le, unsigned t, const void *v,
    unsigned len)
{
	if (le) {
		b[off] = (uint8_t)t;
		b[off + 1] = (uint8_t)(t >> 8);
		b[off + 2] = (uint8_t)len;
		b[off + 3] = (uint8_t)(len >> 8);
	} else {
		b[off] = (uint8_t)(t >> 8);
		b[off + 1] = (uint8_t)t;
		b[off + 2] = (uint8_t)(len >> 8);
		b[off + 3] = (uint8_t)len;
	}
	memcpy(b + off + 4, v, len);
	return off + 4 + len;
}

static size_t
put_u32tlv(uint8_t *b, size_t off, int le, unsigned t, uint32_t v)
{
	uint8_t x[4];

	if (le) {
		x[0] = (uint8_t)v; x[1] = (uint8_t)(v >> 8);
		x[2] = (uint8_t)(v >> 16); x[3] = (uint8_t)(v >> 24);
	} else {
		x[0] = (uint8_t)(v >> 24); x[1] = (uint8_t)(v >> 16);
		x[2] = (uint8_t)(v >> 8); x[3] = (uint8_t)v;
	}
	return put_tlv(b, off, le, t, x, 4);
}

static size_t
put_u16tlv(uint8_t *b, size_t off, int le, unsigned t, uint16_t v)
{
	uint8_t x[2];

	x[0] = le ? (uint8_t)v : (uint8_t)(v >> 8);
	x[1] = le ? (uint8_t)(v >> 8) : (uint8_t)v;
	return put_tlv(b, off, le, t, x, 2);
}

/* What flow-cat writes; see flow-tools-format.md 2.7. */
enum cat_mode { CAT_FILE, CAT_STREAM, CAT_PRELOAD };

struct cat_hdr {
	uint16_t	version;
	uint8_t		agg_version, agg_method;
	uint32_t	cap_start, cap_end, flags;
	struct ft_counters c;
	const char	*hostname, *comment;
};

static size_t
cat_header(uint8_t *b, enum cat_mode m, const struct cat_hdr *h)
{
	int le = 1;
	size_t off = 8, H;
	uint32_t one = 1;

	le = *(uint8_t *)&one == 1;
	b[0] = FT_MAGIC1;
	b[1] = FT_MAGIC2;
	b[2] = le ? FT_LITTLE_ENDIAN : FT_BIG_ENDIAN;
	b[3] = 3;
	off = put_u16tlv(b, off, le, FT_TLV_EX_VER, h->version);
	if (h->version == FT_VER_8) {
		off = put_tlv(b, off, le, FT_TLV_AGG_VER, &h->agg_version, 1);
		off = put_tlv(b, off, le, FT_TLV_AGG_METHOD, &h->agg_method,
		    1);
	}
	if (m != CAT_STREAM) {
		off = put_u32tlv(b, off, le, FT_TLV_CAP_START, h->cap_start);
		off = put_u32tlv(b, off, le, FT_TLV_CAP_END, h->cap_end);
	}
	off = put_u32tlv(b, off, le, FT_TLV_HEADER_FLAGS, h->flags);
	if (m != CAT_STREAM) {
		off = put_u32tlv(b, off, le, FT_TLV_FLOW_COUNT,
		    h->c.flow_count);
		off = put_u32tlv(b, off, le, FT_TLV_FLOW_LOST, h->c.flow_lost);
		off = put_u32tlv(b, off, le, FT_TLV_PKT_CORRUPT,
		    h->c.pkt_corrupt);
	}
	if (m == CAT_PRELOAD) {
		off = put_u32tlv(b, off, le, FT_TLV_SEQ_RESET, h->c.seq_reset);
		if (h->hostname != NULL && h->hostname[0] != '\0')
			off = put_tlv(b, off, le, FT_TLV_CAP_HOSTNAME,
			    h->hostname, (unsigned)strlen(h->hostname) + 1);
	}
	if (h->comment != NULL && h->comment[0] != '\0')
		off = put_tlv(b, off, le, FT_TLV_COMMENTS, h->comment,
		    (unsigned)strlen(h->comment) + 1);
	H = (off + 3) & ~(size_t)3;
	memset(b + off, 0, H - off);
	if (le) {
		b[4] = (uint8_t)H; b[5] = (uint8_t)(H >> 8);
		b[6] = b[7] = 0;
	} else {
		b[4] = b[5] = 0;
		b[6] = (uint8_t)(H >> 8); b[7] = (uint8_t)H;
	}
	return H;
}

struct cat_out {
	FILE		*fp;
	int		 zlevel;
	z_stream	 z;
	uint8_t		 zbuf[1 << 16];
};

static int
cat_write(struct cat_out *o, const uint8_t *p, size_t len, int finish)
{
	if (o->zlevel == 0)
		return len == 0 || fwrite(p, 1, len, o->fp) == len ? 0 : -1;
	o->z.next_in = (uint8_t *)(uintptr_t)p;
	o->z.avail_in = (uInt)len;
	for (;;) {
		size_t got;
		int zr;

		o->z.next_out = o->zbuf;
		o->z.avail_out = sizeof(o->zbuf);
		zr = deflate(&o->z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_ERROR)
			return -1;
		got = sizeof(o->zbuf) - o->z.avail_out;
		if (got > 0 && fwrite(o->zbuf, 1, got, o->fp) != got)
			return -1;
		if (finish ? zr == Z_STREAM_END : o->z.avail_out != 0)
			break;
	}
	return 0;
}

/*
 * A file of the other family by its name: flowkeep's IPv6 siblings
 * (fk6-) when writing IPv4 records, the ft- files with --ipv6.  Files not
 * named like ours are left to the version check.
 */
static int
other_family(const char *path, int ipv6)
{
	const char *base = strrchr(path, '/');
	int k = layout_parse_name(base != NULL ? base + 1 : path, NULL, NULL);

	if (k < 0)
		return 0;
	return (k == LAYOUT_FINAL6 || k == LAYOUT_TMP6) != (ipv6 != 0);
}

int
cmd_cat(int argc, char **argv)
{
	static struct cmdsel cs;
	static struct cat_out o;
	static uint8_t hbuf[1024];
	struct cat_hdr ch;
	enum cat_mode mode = CAT_STREAM;
	const char *outpath = NULL, *comment = NULL, *v;
	char *end, err[512], hostname[FT_HOSTNAME_MAX],
	    comments[FT_COMMENTS_MAX];
	struct src *s;
	struct ftr *r;
	struct ftrec raw;
	struct flowrec fr;
	uint8_t rec[FT_REC_SIZE_MAX];
	size_t H, rs;
	int rc, status = 0, preload = 0, bo, have = 0, ipv6 = 0;
	unsigned nsel;
	uint32_t one = 1;

	memset(&ch, 0, sizeof(ch));
	hostname[0] = comments[0] = '\0';
	cmdsel_init(&cs);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0) {
			preload = 1;
			continue;
		}
		if (strcmp(argv[i], "--ipv6") == 0) {
			ipv6 = 1;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "-o", &v)) != 0) {
			if (rc == -1)
				return cmd_usage("cat");
			outpath = v;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "-C", &v)) != 0) {
			if (rc == -1)
				return cmd_usage("cat");
			comment = v;
			continue;
		}
		if ((rc = cmd_optval(argc, argv, &i, "-z", &v)) != 0 ||
		    (rc = short_attached(argv[i], 'z', &v)) != 0) {
			long z;

			if (rc == -1)
				return cmd_usage("cat");
			z = strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || z < 0 || z > 9) {
				fprintf(stderr, "flowkeep: -z: \"%s\" is not "
				    "0..9\n", v);
				return cmd_usage("cat");
			}
			o.zlevel = (int)z;
			continue;
		}
		if ((rc = cmdsel_arg(&cs, argc, argv, &i)) != 1) {
			if (rc == 0)
				fprintf(stderr, "flowkeep: unknown option "
				    "\"%s\"\n", argv[i]);
			return cmd_usage("cat");
		}
	}
	if (cmdsel_finish(&cs) == -1) {
		cmdsel_free(&cs);
		return cmd_usage("cat");
	}
	cs.so.list_only = 1;
	if ((s = cmdsel_open(&cs)) == NULL) {
		cmdsel_free(&cs);
		return 1;
	}
	nsel = src_nselected(s);
	mode = outpath != NULL ? CAT_FILE : preload ? CAT_PRELOAD : CAT_STREAM;
	/* the inputs' headers: version, times and counters */
	for (unsigned i = 0; i < nsel; i++) {
		const char *path = src_selected(s, i);
		const struct ft_header *h;

		if (other_family(path, ipv6))
			continue;

		if (strcmp(path, "-") == 0) {
			if (mode == CAT_STREAM || have)
				continue;
			fprintf(stderr, "flowkeep: cat -o/-p cannot take the "
			    "first input from standard input\n");
			status = 2;
			goto done;
		}
		if ((r = ftr_open(path, err, sizeof(err))) == NULL)
			continue;	/* reported when copying */
		h = ftr_header(r);
		if (!have) {
			ch.version = h->d_version;
			ch.agg_version = h->agg_version;
			ch.agg_method = h->agg_method;
			ch.cap_start = h->cap_start;
			ch.cap_end = h->cap_end;
			have = 1;
		}
		if (h->cap_start < ch.cap_start)
			ch.cap_start = h->cap_start;
		if (h->cap_end > ch.cap_end)
			ch.cap_end = h->cap_end;
		ch.c.flow_count += h->counters.flow_count;
		ch.c.flow_lost += h->counters.flow_lost;
		ch.c.pkt_corrupt += h->counters.pkt_corrupt;
		ch.c.seq_reset = h->counters.seq_reset;
		snprintf(hostname, sizeof(hostname), "%s", h->hostname);
		snprintf(comments, sizeof(comments), "%s", h->comments);
		ftr_close(r);
		if (mode == CAT_STREAM)
			break;
	}
	if (!have) {
		if (nsel == 0 || strcmp(src_selected(s, 0), "-") != 0) {
			fprintf(stderr, "flowkeep: nothing to read\n");
			status = 1;
			goto done;
		}
	}
	if (mode == CAT_FILE) {
		ch.c.flow_lost = ch.c.pkt_corrupt = 0;
		ch.c.flow_count = 0;
		ch.flags = FT_HEADER_FLAG_DONE;
	} else if (mode == CAT_PRELOAD) {
		ch.flags = FT_HEADER_FLAG_STREAMING | FT_HEADER_FLAG_PRELOADED;
		ch.hostname = hostname;
		ch.comment = comments;
	} else
		ch.flags = FT_HEADER_FLAG_STREAMING;
	if (comment != NULL)
		ch.comment = comment;
	if (o.zlevel > 0)
		ch.flags |= FT_HEADER_FLAG_COMPRESS;
	if (outpath != NULL) {
		if ((o.fp = fopen(outpath, "wb")) == NULL) {
			fprintf(stderr, "flowkeep: %s: %s\n", outpath,
			    strerror(errno));
			status = 1;
			goto done;
		}
	} else {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "flowkeep: not writing a binary "
			    "stream to a terminal (use -o FILE)\n");
			status = 2;
			goto done;
		}
		o.fp = stdout;
	}
	if (o.zlevel > 0 && deflateInit(&o.z, o.zlevel) != Z_OK) {
		fprintf(stderr, "flowkeep: zlib init failed\n");
		status = 1;
		goto done;
	}
	/* the header is rewritten at the end for a file, same length */
	H = cat_header(hbuf, mode, &ch);
	if (fwrite(hbuf, 1, H, o.fp) != H)
		goto werr;
	bo = *(uint8_t *)&one == 1 ? FT_LITTLE_ENDIAN : FT_BIG_ENDIAN;
	for (unsigned i = 0; i < nsel; i++) {
		const char *path = src_selected(s, i);
		const struct ft_header *h;

		if (other_family(path, ipv6))
			continue;

		if ((r = ftr_open(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "flowkeep: %s\n", err);
			status = 1;
			continue;
		}
		h = ftr_header(r);
		if (!have) {
			ch.version = h->d_version;
			have = 1;
		}
		if (h->d_version != ch.version) {
			fprintf(stderr, "flowkeep: %s: export version %u, not "
			    "%u like the first input; skipped\n", path,
			    h->d_version, ch.version);
			status = 1;
			ftr_close(r);
			continue;
		}
		while ((rc = ftr_next_raw(r, &raw)) == 1) {
			if (cs.filter != NULL || cs.so.from_ms != 0 ||
			    cs.so.to_ms != 0) {
				ftconv_from_ft(&raw, h->d_version, &fr);
				if (!src_match(&cs.so, &fr) ||
				    (cs.filter != NULL &&
				    !filter_match(cs.filter, &fr)))
					continue;
			}
			rs = ftw_encode_record(&raw, h->d_version, bo, rec);
			if (cat_write(&o, rec, rs, 0) == -1) {
				ftr_close(r);
				goto werr;
			}
			ch.c.flow_count++;
		}
		if (rc == -1) {
			fprintf(stderr, "flowkeep: %s\n", ftr_error(r));
			status = 1;
		}
		if (ftr_warning(r) != NULL)
			fprintf(stderr, "flowkeep: %s\n", ftr_warning(r));
		ftr_close(r);
	}
	if (o.zlevel > 0 && cat_write(&o, NULL, 0, 1) == -1)
		goto werr;
	if (mode == CAT_FILE) {
		if (cat_header(hbuf, mode, &ch) != H || fflush(o.fp) != 0 ||
		    fseek(o.fp, 0, SEEK_SET) != 0 ||
		    fwrite(hbuf, 1, H, o.fp) != H)
			goto werr;
	}
	if (fflush(o.fp) != 0)
		goto werr;
	goto done;
werr:
	fprintf(stderr, "flowkeep: write error: %s\n", strerror(errno));
	status = 1;
done:
	if (o.zlevel > 0)
		deflateEnd(&o.z);
	if (o.fp != NULL && o.fp != stdout && fclose(o.fp) != 0 &&
	    status == 0) {
		fprintf(stderr, "flowkeep: write error: %s\n",
		    strerror(errno));
		status = 1;
	}
	src_close(s);
	cmdsel_free(&cs);
	return status;
}
