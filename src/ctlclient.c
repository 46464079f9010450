/*
 * ctlclient.c - one control request over the unix socket (ctlclient.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctlclient.h"

/* Connect to the daemon; the fd, or -1 with errno set. */
static int
status_connect(const char *path)
{
	struct sockaddr_un sun;
	struct timeval tv = { CTLCLIENT_TIMEOUT_S, 0 };
	int fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int
status_send(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Read the answer: the status line ("OK" or "ERR msg") then the body,
 * copied to out.  0 or -1 with a message.
 */
static int
status_read(int fd, const char *path, FILE *out, char *err, size_t errlen)
{
	char buf[8192], line[CTL_LINE_MAX];
	size_t ll = 0;
	int in_body = 0, ok = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		size_t i = 0;

		if (n == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "reading from flowkeepd at %s: "
			    "%s", path, strerror(errno));
			return -1;
		}
		for (; !in_body && i < (size_t)n; i++) {
			if (buf[i] != '\n') {
				if (ll + 1 < sizeof(line))
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			in_body = 1;
			ok = strcmp(line, "OK") == 0;
			if (!ok) {
				snprintf(err, errlen, "flowkeepd: %s",
				    strncmp(line, "ERR ", 4) == 0 ? line + 4 :
				    line);
				return -1;
			}
		}
		if (in_body && i < (size_t)n)
			fwrite(buf + i, 1, (size_t)n - i, out);
	}
	if (!in_body) {
		snprintf(err, errlen, "flowkeepd at %s closed the connection "
		    "without an answer", path);
		return -1;
	}
	return ok ? 0 : -1;
}

int
ctlclient_request(const char *path, enum ctl_cmd cmd, FILE *out,
    char *err, size_t errlen)
{
	char req[CTL_LINE_MAX];
	int fd, n, rc;

	n = ctl_format_request(req, sizeof(req), cmd);
	if (n < 0) {
		snprintf(err, errlen, "bad control request");
		return -1;
	}
	if ((fd = status_connect(path)) == -1) {
		snprintf(err, errlen, "cannot reach flowkeepd at %s: %s (is it "
		    "running?)", path, strerror(errno));
		return -1;
	}
	if (status_send(fd, req, (size_t)n) == -1) {
		snprintf(err, errlen, "sending to flowkeepd at %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	rc = status_read(fd, path, out, err, errlen);
	close(fd);
	return rc;
}
