/*
 * filter_int.h - the compiled filter program (filter.c), shared with the
 * code that translates it (filter_sql.c).  Not for other users: the
 * layout may change with the language.
 */
#ifndef FLOWKEEP_FILTER_INT_H
#define FLOWKEEP_FILTER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"

enum fop { OP_TRUE, OP_AND, OP_OR, OP_NOT, OP_AF, OP_NUM, OP_NSET, OP_ADDR,
    OP_PSET };

/* Number fields. */
enum ffld { FLD_PORT, FLD_AS, FLD_IF, FLD_PROTO, FLD_TOS, FLD_FLAGS,
    FLD_ENGTYPE, FLD_ENGID, FLD_BYTES, FLD_PACKETS, FLD_DURATION, FLD_BPS,
    FLD_PPS, FLD_COUNT };

/* Address fields. */
enum fafld { AFLD_IP, AFLD_NEXTHOP, AFLD_EXPORTER };

#define SIDE_SRC	1
#define SIDE_DST	2
#define SIDE_ANY	3

enum fcmp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, C_RANGE, C_MASK };

struct fpfx {
	uint8_t		af;
	uint8_t		len;
	uint32_t	v4mask;
	fr_addr		a;		/* host bits cleared */
};

struct fnode {
	uint8_t		op;		/* enum fop */
	uint8_t		fld;		/* enum ffld or enum fafld */
	uint8_t		side;		/* SIDE_* (0: one-sided field) */
	uint8_t		cmp;		/* enum fcmp */
	uint32_t	need;		/* FR_HAS_* the test needs */
	union {
		struct {
			uint32_t	first, n;
		} kids;			/* and/or: f->kids; not: first */
		struct {
			uint64_t	a, b;
		} num;			/* range a..b; mask: (v & b) == a */
		uint32_t	set;	/* f->sets */
		struct fpfx	pfx;
		uint8_t		af;
	} u;
};

struct fnent {
	uint64_t	a, b;
	uint8_t		cmp;		/* C_EQ, C_RANGE or C_MASK */
	uint8_t		excl;
};

struct fpent {
	struct fpfx	p;
	uint8_t		excl;
	uint8_t		shadow;		/* an include of the same prefix too */
};

struct fpgroup {
	uint8_t		af, len;
	uint32_t	first, n;	/* in f->pents */
};

struct fset {
	uint32_t	first, n;	/* f->nents or f->pgroups */
	uint8_t		has_incl;
};

struct filter {
	struct fnode	*nodes;
	size_t		 nnodes, cnodes;
	uint32_t	*kids;
	size_t		 nkids, ckids;
	struct fset	*sets;
	size_t		 nsets, csets;
	struct fnent	*nents;
	size_t		 nnents, cnents;
	struct fpent	*pents;
	size_t		 npents, cpents;
	struct fpgroup	*pgroups;
	size_t		 npgroups, cpgroups;
	uint32_t	 root;
	char		*text;
};


#endif /* FLOWKEEP_FILTER_INT_H */
