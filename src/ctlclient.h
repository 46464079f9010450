/*
 * ctlclient.h - the client end of the control socket (ctlproto.h): send
 * one request to flowkeepd and copy the answer's body to a stream.  Used
 * by `flowkeep status|reload` and by the web Status page.
 *
 * Blocking, with a CTLCLIENT_TIMEOUT_S timeout on every read and write.
 */
#ifndef FLOWKEEP_CTLCLIENT_H
#define FLOWKEEP_CTLCLIENT_H

#include <stddef.h>
#include <stdio.h>

#include "ctlproto.h"

#define CTLCLIENT_TIMEOUT_S	10

/* Ask the daemon at path; the body goes to out.  0, or -1 with a message
 * in err ("cannot reach flowkeepd at PATH: ... (is it running?)", or the
 * daemon's ERR line). */
int ctlclient_request(const char *path, enum ctl_cmd cmd, FILE *out,
    char *err, size_t errlen);

#endif /* FLOWKEEP_CTLCLIENT_H */
