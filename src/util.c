/*
 * util.c - small helpers shared by the daemon and the CLI (see util.h).
 */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

uint64_t
util_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
util_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *
util_addr_str(uint8_t af, const fr_addr *a, char *buf, size_t len)
{
	uint32_t	n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (af == FR_AF_INET) {
		n = htonl(a->v4);
		if (inet_ntop(AF_INET, &n, buf, (socklen_t)len) == NULL)
			buf[0] = '\0';
	} else if (af == FR_AF_INET6) {
		if (inet_ntop(AF_INET6, a->v6, buf, (socklen_t)len) == NULL)
			buf[0] = '\0';
	} else
		util_strlcpy(buf, "-", len);
	return buf;
}

void
util_json_str(FILE *fp, const char *s)
{
	const unsigned char	*p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

size_t
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t	n = strlen(src);

	if (size > 0) {
		size_t	c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
