/*
 * htmlesc.c - HTML and URL escaping (see htmlesc.h).
 */
#include <string.h>

#include "htmlesc.h"

void
htmlesc_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

static int
unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("-_.~", c) != NULL;
}

void
htmlesc_url(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (unreserved(c))
			fputc(c, fp);
		else
			fprintf(fp, "%%%02X", c);
	}
}

void
htmlesc_url_attr(FILE *fp, const char *s)
{
	/* percent-encoded text holds no character HTML needs escaped */
	htmlesc_url(fp, s);
}
