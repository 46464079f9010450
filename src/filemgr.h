/*
 * filemgr.h - one directory tree of flow files, kept the way flow-capture
 * keeps its work directory.
 *
 * A file is created when the first valid PDU arrives (or at start with -V),
 * named by layout.h, and closed at the rotation boundaries of
 * layout_next_rotation(); after the first file, a new one is created on
 * every tick even when no data comes (zero-flow files, as flow-capture).
 * IPv4 flows go to the flow-tools file (v1, v5 or v1005); IPv6 flows go to
 * a sibling FT_VER_IP6 file created when the first IPv6 flow of the period
 * arrives.  Header counters (lost, resets, corrupt) belong to the open
 * file; events while no file is open go to the next one.  Closing renames
 * tmp- to ft- (fk6tmp- to fk6-), queues the file for its column index
 * sidecar (index_dir), runs the -R program and the expiry (which deletes
 * sidecars with their files).
 *
 * With compression the records are handed to a writer thread through a
 * bounded queue so that zlib does not run on the UDP loop; -z0 writes
 * directly.  All calls are made from the daemon's main thread.
 */
#ifndef FLOWKEEP_FILEMGR_H
#define FLOWKEEP_FILEMGR_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"
#include "storage/ftconv.h"

struct filemgr_opts {
	const char	*name;		/* device name ("" = main tree) */
	const char	*root;		/* absolute directory of the tree */
	int		 nesting;	/* -N */
	int		 rotations;	/* -n */
	int		 zlevel;	/* -z */
	int		 byte_order;	/* 0 host, 1 little, 2 big */
	int		 version;	/* -V, 0 = from the first PDU */
	const char	*hostname;	/* NULL = gethostname */
	const char	*comment;	/* NULL or "" = none */
	const char	*rotate_prog;	/* -R, NULL or "" = none */
	unsigned	 expire_files;	/* -e */
	uint64_t	 expire_bytes;	/* -E */
	int		 dry_run;	/* -d: expiry only lists */
	unsigned	 flush_interval; /* seconds, 0 = only when full */
	int		 no_files;	/* write nothing (clickhouse-files
					 * off) */
	const char	*index_dir;	/* column index sidecars of the files
					 * closed (src/idxq.h) and expired,
					 * NULL = none */
};

/* Faults met by a tree (doc/faults.md), kept across reloads. */
struct filemgr_faults {
	uint64_t	 files_recovered;	/* stale tmp- files repaired */
	uint64_t	 flows_recovered;	/* records kept in them */
	uint64_t	 recover_failed;	/* stale files left as they are */
	uint64_t	 write_errors;		/* failed creates, writes, closes */
	uint64_t	 flows_unwritten;	/* received, in no file */
	uint64_t	 files_salvaged;	/* closed after a write error */
	uint64_t	 salvage_failed;	/* left as tmp- after one */
};

/* What `flowkeep status` shows about a tree. */
struct filemgr_info {
	char		 name[64];
	char		 root[1024];
	char		 open4[1024];	/* relative path or "" */
	char		 open6[1024];
	uint64_t	 flows4;	/* records in the open files */
	uint64_t	 flows6;
	uint64_t	 files_closed;
	uint64_t	 disk_bytes;	/* closed files known + open files */
	int		 version;	/* file version, 0 = not known yet */
	struct ftconv_stats conv;
	struct filemgr_faults faults;
};

struct filemgr;

/* Create the manager; nothing is touched on disk yet.  NULL on error. */
struct filemgr *filemgr_new(const struct filemgr_opts *o);

/*
 * Start-up: create the root, finish stale tmp-/fk6tmp- files left by a
 * crash (ftw_repair + rename, each logged), scan for expiry, and with -V
 * create the first file at `now`.  0 or -1 (logged).
 */
int filemgr_start(struct filemgr *fm, uint64_t now_ms);

/* Records of one datagram (any family), received at now_ms. */
void filemgr_put(struct filemgr *fm, const struct flowrec *recs, unsigned n,
    uint64_t now_ms);

/* A valid PDU of NetFlow `version` arrived (even without records). */
void filemgr_pdu(struct filemgr *fm, int version, uint64_t now_ms);

/* Header counters of the current (or next) file. */
void filemgr_count(struct filemgr *fm, unsigned lost, unsigned resets,
    unsigned corrupt);

/* End of a receive batch: hand buffered records to the writer and close
 * the files if the rotation time has passed. */
void filemgr_batch_end(struct filemgr *fm, uint64_t now_ms);

/* One-second timer: create a file if one is due, close at rotation. */
void filemgr_tick(struct filemgr *fm, uint64_t now_ms);

/* Close and rename the open files now (SIGHUP, rotate, exit). */
void filemgr_close_files(struct filemgr *fm, uint64_t now_ms);

/* The record version files are written in (0 = not known yet), and the
 * way to carry it over to a new manager after a reload. */
int filemgr_version(const struct filemgr *fm);
void filemgr_set_version(struct filemgr *fm, int version);

/* Add the fault counters and files closed of old (same root, before a
 * reload) to fm's. */
void filemgr_carry(struct filemgr *fm, const struct filemgr *old);

void filemgr_get_info(const struct filemgr *fm, struct filemgr_info *out);

/* Close everything and free (writer thread joined). */
void filemgr_free(struct filemgr *fm, uint64_t now_ms);

#endif /* FLOWKEEP_FILEMGR_H */
