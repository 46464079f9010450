/*
 * log.c - the daemon's logger (see log.h): timestamped lines on stderr in
 * the foreground, syslog facility LOCAL6 with the pid otherwise.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static const char	*log_prog = "flowkeepd";
static int		 log_fg = 1;
static int		 log_dbg;

void
log_init(const char *progname, int foreground, int debug)
{
	if (progname != NULL)
		log_prog = progname;
	log_fg = foreground;
	log_dbg = debug;
	if (!log_fg)
		openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_LOCAL6);
}

static void
log_vemit(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char		 msg[2048], ts[32];
	struct tm	 tm;
	time_t		 now;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!log_fg) {
		if (suffix != NULL)
			syslog(pri, "%s: %s", msg, suffix);
		else
			syslog(pri, "%s", msg);
		return;
	}
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	if (suffix != NULL)
		fprintf(stderr, "%s %s: %s: %s\n", ts, log_prog, msg, suffix);
	else
		fprintf(stderr, "%s %s: %s\n", ts, log_prog, msg);
	fflush(stderr);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vemit(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_dbg)
		return;
	va_start(ap, fmt);
	log_vemit(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
