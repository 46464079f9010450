/*
 * fakectl.h - a fake flowkeepd for the web handler tests that talk to
 * the control socket (test_web_status.c, test_web_metrics.c): a thread
 * accepts one connection on a unix socket, keeps the request line in
 * fc_request and answers "OK\n" followed by the given text.
 */
#ifndef FLOWKEEP_FAKECTL_H
#define FLOWKEEP_FAKECTL_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char fc_request[256];
static const char *fc_answer;

static void *
fc_daemon(void *arg)
{
	int lfd = *(int *)arg, fd;
	ssize_t n;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return NULL;
	n = read(fd, fc_request, sizeof(fc_request) - 1);
	fc_request[n > 0 ? n : 0] = '\0';
	(void)!write(fd, "OK\n", 3);
	(void)!write(fd, fc_answer, strlen(fc_answer));
	close(fd);
	return NULL;
}

/* Serve one request on a fresh socket at path, answering ans, while fn
 * runs. */
static void
fc_serve(const char *path, const char *ans, void (*fn)(void))
{
	struct sockaddr_un sun;
	pthread_t t;
	int lfd;

	fc_answer = ans;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(pthread_create(&t, NULL, fc_daemon, &lfd), 0);
	fn();
	pthread_join(t, NULL);
	close(lfd);
	unlink(path);
}

#endif /* FLOWKEEP_FAKECTL_H */
