/*
 * statefile.h - keep the decoder's state (v9 templates, sampling rates,
 * sequence state) across restarts.
 *
 * The state is the blob of proto_state_save(); it is written atomically
 * (temporary file, fsync, rename) and loaded at start-up, where a missing
 * file is normal and a bad one is logged and ignored.  The daemon calls
 * statefile_maybe_save() from its one-second timer: it writes only when
 * proto_state_generation() changed, and at most every STATEFILE_MIN_MS.
 */
#ifndef FLOWKEEP_STATEFILE_H
#define FLOWKEEP_STATEFILE_H

#include <stdint.h>

#include "proto/proto.h"

#define STATEFILE_MIN_MS	5000

struct statefile;

/* path "" = no state file (every call is then a no-op). */
struct statefile *statefile_new(const char *path);
void statefile_free(struct statefile *sf);

/* Load into ctx; 0 loaded, 1 nothing to load, -1 bad file (logged). */
int statefile_load(struct statefile *sf, struct proto_ctx *ctx);

/* Save if the generation changed and the last save is old enough. */
void statefile_maybe_save(struct statefile *sf, struct proto_ctx *ctx,
    uint64_t mono_ms);

/* Save now if anything changed since the last save (exit). 0 or -1. */
int statefile_save(struct statefile *sf, struct proto_ctx *ctx);

#endif /* FLOWKEEP_STATEFILE_H */
