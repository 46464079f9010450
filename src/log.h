/*
 * log.h - the daemon's logger: stderr in the foreground, syslog (LOCAL6)
 * otherwise.  Only src/ uses it; proto/ and storage/ never log.
 */
#ifndef FLOWKEEP_LOG_H
#define FLOWKEEP_LOG_H

#include <stdarg.h>

void log_init(const char *progname, int foreground, int debug);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Start-up failures and broken invariants only, never bad input. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif /* FLOWKEEP_LOG_H */
