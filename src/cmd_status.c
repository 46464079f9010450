/*
 * cmd_status.c - `flowkeep status`: send one control request to flowkeepd
 * over its unix socket and print the answer's body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ctlclient.h"

#define STATUS_DEFAULT_SOCKET	"var/flowkeepd.sock"

#ifndef FK_STATEDIR
#define FK_STATEDIR	"/var/lib/flowkeep"
#endif
#define STATUS_INSTALLED_SOCKET	FK_STATEDIR "/flowkeepd.sock"

/* $FLOWKEEP_SOCKET, else the quick start's socket, else that of the
 * installed configuration when only it exists. */
const char *
cmd_default_socket(void)
{
	const char *path = getenv("FLOWKEEP_SOCKET");

	if (path != NULL && path[0] != '\0')
		return path;
	if (access(STATUS_DEFAULT_SOCKET, F_OK) != 0 &&
	    access(STATUS_INSTALLED_SOCKET, F_OK) == 0)
		return STATUS_INSTALLED_SOCKET;
	return STATUS_DEFAULT_SOCKET;
}

int
cmd_status(int argc, char **argv)
{
	const char *path = cmd_default_socket();
	unsigned watch = 0;
	int json = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if ((rc = cmd_watch_opt(argc, argv, &i, &watch)) == -1)
			return cmd_usage("status");
		else if (rc == 0 && (rc = cmd_optval(argc, argv, &i,
		    "--socket", &path)) != 1)
			return cmd_usage("status");
	}
	if (watch > 0)
		return cmd_status_watch(path, json ? CTL_STATUS_JSON :
		    CTL_STATUS, watch);
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
	char err[CTL_LINE_MAX + 256];

	if (ctlclient_request(path, (enum ctl_cmd)kind, stdout, err,
	    sizeof(err)) == -1) {
		fflush(stdout);
		fprintf(stderr, "flowkeep: %s\n", err);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
