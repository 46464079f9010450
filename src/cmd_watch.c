/*
 * cmd_watch.c - `flowkeep status --watch [SECONDS]`: ask the daemon for
 * its status again and again.  On a terminal the screen is cleared and
 * redrawn; otherwise every refresh is printed after a line of its own
 * ("--- HH:MM:SS, every N s"), so that a pipe or a test can read them.
 * SIGINT or SIGTERM ends it cleanly (exit 0).  The daemon going away
 * later is shown and waited out; not reaching it at the first refresh is
 * an error (exit 1).
 */
#define _GNU_SOURCE	/* open_memstream */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "ctlclient.h"

static volatile sig_atomic_t watch_stop;

static void
on_stop(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* Sleep secs, or less when a signal asks to stop. */
static void
watch_sleep(unsigned secs)
{
	struct timespec ts = { (time_t)secs, 0 };

	while (!watch_stop && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* One refresh: the answer (or the error) into a buffer, then out at
 * once, so a redraw never shows half a screen.  0 or -1; on the first
 * refresh an error goes to stderr alone. */
static int
watch_once(const char *path, int kind, unsigned secs, int tty, int first,
    FILE *out)
{
	char err[CTL_LINE_MAX + 256], *buf = NULL, stamp[16];
	size_t len = 0;
	time_t now = time(NULL);
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return -1;
	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&now));
	if (tty)
		fprintf(fp, "\033[H\033[2J");
	fprintf(fp, "--- %s, every %u s%s\n", stamp, secs,
	    tty ? " (Ctrl-C to stop)" : "");
	rc = ctlclient_request(path, (enum ctl_cmd)kind, fp, err,
	    sizeof(err));
	if (rc == -1 && !first)
		fprintf(fp, "flowkeep: %s\n", err);
	fclose(fp);
	if (rc == -1 && first)
		fprintf(stderr, "flowkeep: %s\n", err);
	else
		fwrite(buf, 1, len, out);
	fflush(out);
	free(buf);
	return rc;
}

int
cmd_status_watch(const char *path, int kind, unsigned secs)
{
	struct sigaction sa;
	int tty = isatty(STDOUT_FILENO), n = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: wake the sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!watch_stop) {
		if (watch_once(path, kind, secs, tty, n == 0, stdout) == -1 &&
		    n == 0)
			return 1;
		n++;
		watch_sleep(secs);
	}
	if (tty)
		fputc('\n', stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* "--watch", "--watch N", "--watch=N" at argv[*i]: 1 and *secs set, 0
 * not this option, -1 a bad number. */
int
cmd_watch_opt(int argc, char **argv, int *i, unsigned *secs)
{
	const char *a = argv[*i], *v = NULL;
	char *end;
	long n;

	if (strcmp(a, "--watch") == 0) {
		*secs = CMD_WATCH_DEFAULT;
		if (*i + 1 < argc && argv[*i + 1][0] >= '0' &&
		    argv[*i + 1][0] <= '9')
			v = argv[++*i];
	} else if (strncmp(a, "--watch=", 8) == 0)
		v = a + 8;
	else
		return 0;
	if (v == NULL)
		return 1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 1 ||
	    n > CMD_WATCH_MAX)
		return -1;
	*secs = (unsigned)n;
	return 1;
}
