/*
 * udpsend - send UDP payloads to a collector, for tests.
 *
 *   udpsend [-b srcaddr] [-d delay_ms] [-s skip] [-n count] host port file...
 *
 * A file ending in .lpb holds length-prefixed payloads (4-byte big-endian
 * length, then that many bytes, repeated); any other file is sent as one
 * datagram.  -s skips the first payloads and -n limits how many are sent
 * (counted over all files), so a .lpb can be replayed in parts.  -b binds
 * the source address (e.g. 127.0.4.1).  Prints the number of datagrams
 * sent.
 */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct sender {
	int		 fd;
	struct addrinfo	*dst;
	long		 delay_ms;
	long		 skip;
	long		 limit;		/* -1 = all */
	long		 seen;
	long		 sent;
};

static void
usage(void)
{
	fprintf(stderr, "usage: udpsend [-b srcaddr] [-d delay_ms] [-s skip] "
	    "[-n count] host port file...\n");
	exit(2);
}

static void
sleep_ms(long ms)
{
	struct timespec	ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
send_one(struct sender *s, const uint8_t *buf, size_t len)
{
	long	idx = s->seen++;

	if (idx < s->skip)
		return 0;
	if (s->limit >= 0 && s->sent >= s->limit)
		return 0;
	if (s->sent > 0)
		sleep_ms(s->delay_ms);
	if (sendto(s->fd, buf, len, 0, s->dst->ai_addr,
	    s->dst->ai_addrlen) != (ssize_t)len) {
		perror("udpsend: sendto");
		return -1;
	}
	s->sent++;
	return 0;
}

static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE	*fp;
	uint8_t	*buf = NULL;
	size_t	 cap = 0, n = 0, r;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			uint8_t	*nb;

			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, fp);
		if (r == 0)
			break;
		n += r;
	}
	fclose(fp);
	*len = n;
	return buf;
}

static int
send_lpb(struct sender *s, const uint8_t *buf, size_t len, const char *path)
{
	size_t		off = 0;
	uint32_t	plen;

	while (off + 4 <= len) {
		plen = (uint32_t)buf[off] << 24 | (uint32_t)buf[off + 1] << 16 |
		    (uint32_t)buf[off + 2] << 8 | buf[off + 3];
		off += 4;
		if (plen > len - off) {
			fprintf(stderr, "udpsend: %s: truncated payload\n",
			    path);
			return -1;
		}
		if (send_one(s, buf + off, plen) != 0)
			return -1;
		off += plen;
	}
	return 0;
}

static int
send_file(struct sender *s, const char *path)
{
	uint8_t	*buf;
	size_t	 len, pl = strlen(path);
	int	 rc;

	if ((buf = read_file(path, &len)) == NULL)
		return -1;
	if (pl > 4 && strcmp(path + pl - 4, ".lpb") == 0)
		rc = send_lpb(s, buf, len, path);
	else
		rc = send_one(s, buf, len);
	free(buf);
	return rc;
}

static int
open_socket(struct sender *s, const char *host, const char *port,
    const char *src)
{
	struct addrinfo	hints, *sa;
	int		rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &s->dst)) != 0) {
		fprintf(stderr, "udpsend: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	s->fd = socket(s->dst->ai_family, SOCK_DGRAM, 0);
	if (s->fd == -1) {
		perror("udpsend: socket");
		return -1;
	}
	if (src == NULL)
		return 0;
	hints.ai_family = s->dst->ai_family;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if ((rc = getaddrinfo(src, "0", &hints, &sa)) != 0) {
		fprintf(stderr, "udpsend: %s: %s\n", src, gai_strerror(rc));
		return -1;
	}
	rc = bind(s->fd, sa->ai_addr, sa->ai_addrlen);
	freeaddrinfo(sa);
	if (rc != 0) {
		perror("udpsend: bind");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sender	 s;
	const char	*src = NULL;
	int		 ch, i, rc = 0;

	memset(&s, 0, sizeof(s));
	s.limit = -1;
	while ((ch = getopt(argc, argv, "b:d:s:n:")) != -1) {
		switch (ch) {
		case 'b':
			src = optarg;
			break;
		case 'd':
			s.delay_ms = strtol(optarg, NULL, 10);
			break;
		case 's':
			s.skip = strtol(optarg, NULL, 10);
			break;
		case 'n':
			s.limit = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		usage();
	if (open_socket(&s, argv[0], argv[1], src) != 0)
		rc = 1;
	for (i = 2; rc == 0 && i < argc; i++)
		if (send_file(&s, argv[i]) != 0)
			rc = 1;
	if (rc == 0)
		printf("%ld\n", s.sent);
	if (s.dst != NULL)
		freeaddrinfo(s.dst);
	if (s.fd > 0)
		close(s.fd);
	return rc;
}
