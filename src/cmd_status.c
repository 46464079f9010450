/*
 * cmd_status.c - `flowkeep status`: send one control request to flowkeepd
 * over its unix socket and print the answer's body.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd.h"
#include "ctlproto.h"

#define STATUS_DEFAULT_SOCKET	"var/flowkeepd.sock"
#define STATUS_TIMEOUT_S	10

/* Connect to the daemon; the fd, or -1 with errno set. */
static int
status_connect(const char *path)
{
	struct sockaddr_un sun;
	struct timeval tv = { STATUS_TIMEOUT_S, 0 };
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
 * copied to stdout.  Returns the exit status.
 */
static int
status_read(int fd, const char *path)
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
			fprintf(stderr, "flowkeep: reading from flowkeepd at "
			    "%s: %s\n", path, strerror(errno));
			return 1;
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
				fprintf(stderr, "flowkeep: flowkeepd: %s\n",
				    strncmp(line, "ERR ", 4) == 0 ? line + 4 :
				    line);
				return 1;
			}
		}
		if (in_body && i < (size_t)n)
			fwrite(buf + i, 1, (size_t)n - i, stdout);
	}
	if (!in_body) {
		fprintf(stderr, "flowkeep: flowkeepd at %s closed the "
		    "connection without an answer\n", path);
		return 1;
	}
	return fflush(stdout) == 0 && ok ? 0 : 1;
}

const char *
cmd_default_socket(void)
{
	const char *path = getenv("FLOWKEEP_SOCKET");

	return path == NULL || path[0] == '\0' ? STATUS_DEFAULT_SOCKET : path;
}

int
cmd_status(int argc, char **argv)
{
	const char *path = cmd_default_socket();
	int json = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if ((rc = cmd_optval(argc, argv, &i, "--socket",
		    &path)) != 1)
			return cmd_usage("status");
	}
	return cmd_ctl(path, json ? CTL_STATUS_JSON : CTL_STATUS);
}

int
cmd_reload(int argc, char **argv)
{
	const char *path = cmd_default_socket();
	int rc;

	for (int i = 1; i < argc; i++)
		if ((rc = cmd_optval(argc, argv, &i, "--socket", &path)) != 1)
			return cmd_usage("reload");
	return cmd_ctl(path, CTL_RELOAD);
}

int
cmd_ctl(const char *path, int kind)
{
	char req[CTL_LINE_MAX];
	int fd, n, rc;

	n = ctl_format_request(req, sizeof(req), (enum ctl_cmd)kind);
	if (n < 0)
		return 1;
	if ((fd = status_connect(path)) == -1) {
		fprintf(stderr, "flowkeep: cannot reach flowkeepd at %s: %s "
		    "(is it running?)\n", path, strerror(errno));
		return 1;
	}
	if (status_send(fd, req, (size_t)n) == -1) {
		fprintf(stderr, "flowkeep: sending to flowkeepd at %s: %s\n",
		    path, strerror(errno));
		close(fd);
		return 1;
	}
	rc = status_read(fd, path);
	close(fd);
	return rc;
}
