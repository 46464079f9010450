/*
 * test_web_status.c - the /status route against a fake flowkeepd (a
 * thread answering one control request on a unix socket): the answer
 * shown escaped with a meta refresh, the JSON passed through, a daemon
 * that is not running (503), and bad parameters (400).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/unit/webtest.h"

static char sockpath[108];

static int
has_cache_off(const struct web_out *o)
{
	for (unsigned i = 0; i < o->nheaders; i++)
		if (strcmp(o->headers[i], "Cache-Control: no-store") == 0)
			return 1;
	return 0;
}
static char request[256];

static void *
fake_daemon(void *arg)
{
	int lfd = *(int *)arg, fd;
	ssize_t n;
	const char *ans;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return NULL;
	n = read(fd, request, sizeof(request) - 1);
	request[n > 0 ? n : 0] = '\0';
	if (strstr(request, "status-json") != NULL)
		ans = "OK\n{\"version\": \"1\", \"exporters\": []}\n";
	else
		ans = "OK\nflowkeepd <b>up</b> & running\nexporters: 1\n";
	(void)!write(fd, ans, strlen(ans));
	close(fd);
	return NULL;
}

/* Serve one request on a fresh socket while fn runs. */
static void
with_daemon(void (*fn)(void))
{
	struct sockaddr_un sun;
	pthread_t t;
	int lfd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	unlink(sockpath);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(pthread_create(&t, NULL, fake_daemon, &lfd), 0);
	fn();
	pthread_join(t, NULL);
	close(lfd);
	unlink(sockpath);
}

static void
status_text(void)
{
	struct web_out o;

	assert_int_equal(wt_run("GET", "/status", "refresh=30", &o), 200);
	assert_non_null(strstr(wt_body(&o), "<meta http-equiv=\"refresh\" "
	    "content=\"30\">"));
	assert_non_null(strstr(wt_body(&o), "<pre>flowkeepd &lt;b&gt;up"
	    "&lt;/b&gt; &amp; running\nexporters: 1\n</pre>"));
	assert_string_equal(request, "FLOWKEEP/1 status\n");
	web_out_free(&o);
}

static void
status_json(void)
{
	struct web_out o;

	assert_int_equal(wt_run("GET", "/status", "output=json", &o), 200);
	assert_string_equal(o.ctype, "application/json; charset=utf-8");
	assert_string_equal(wt_body(&o),
	    "{\"version\": \"1\", \"exporters\": []}\n");
	web_out_free(&o);
}

static void
test_status(void **state)
{
	(void)state;
	snprintf(sockpath, sizeof(sockpath), "/tmp/fk-webst.%ld.sock",
	    (long)getpid());
	wt_setup(NULL, sockpath);
	with_daemon(status_text);
	with_daemon(status_json);
}

static void
status_default(void)
{
	struct web_out o;

	assert_int_equal(wt_run("GET", "/status", "", &o), 200);
	assert_non_null(strstr(wt_body(&o), "<meta http-equiv=\"refresh\" "
	    "content=\"10\">"));
	assert_true(has_cache_off(&o));
	web_out_free(&o);
}

static void
test_default_refresh(void **state)
{
	(void)state;
	with_daemon(status_default);
}

static void
test_down(void **state)
{
	(void)state;
	wt_setup(NULL, "/nonexistent/flowkeepd.sock");
	wt_refused("/status", "", 503, "cannot reach flowkeepd at "
	    "/nonexistent/flowkeepd.sock");
	wt_refused("/status", "refresh=abc", 400, "refresh: bad value");
	wt_refused("/status", "refresh=3601", 400, "refresh: bad value");
	wt_refused("/status", "output=%3Cscript%3E", 400, "output: bad value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_default_refresh),
		cmocka_unit_test(test_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
