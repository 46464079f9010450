/*
 * group.h - tracking groups (FlowTracker's groups): an ordered list of
 * trackings drawn in one graph, stacked, each above or below the time
 * axis in its own colour.  A group has no RRD of its own; its graph reads
 * the members' RRDs.
 *
 * A group is a small text file NAME in the groups directory (by default
 * "groups" beside the trackings directory: var/groups for var/trackings),
 * named like a tracking (letters, digits, '-', '_' and '.', not starting
 * with '.', under 128 bytes), with lines of "key value":
 *
 *	title Web traffic, in and out		(optional)
 *	unit bits				(optional: bits, packets, flows)
 *	member in-web above #4e79a7
 *	member out-web below			(colour optional)
 *	# comments and blank lines are ignored
 *
 * Members are listed in stacking order: on each side the first one lies
 * on the axis and the next ones are stacked away from it.  A member
 * without a colour gets the next one of a fixed palette of ten colours
 * told apart easily (grp_color()).
 *
 * This module reads and writes the files; it does not know whether the
 * member trackings exist (the caller checks its trackings directory).
 * Limits: GRP_MAX members, a member once, lines under 4096 bytes.
 */
#ifndef FLOWKEEP_GROUP_H
#define FLOWKEEP_GROUP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GRP_MAX		16
#define GRP_NAMELEN	128

struct grp_member {
	char		 name[GRP_NAMELEN];
	int		 below;		/* drawn below the axis */
	uint32_t	 color;		/* 0xRRGGBB, when has_color */
	int		 has_color;
};

struct grp {
	char		 title[256];	/* "" = none */
	int		 unit;		/* 0 bits, 1 packets, 2 flows */
	unsigned	 n;
	struct grp_member m[GRP_MAX];
};

/* 1 if s is a valid tracking or group name. */
int grp_name_ok(const char *s);

/*
 * Parse a member as the command line gives it: NAME[:above|:below]
 * [:#RRGGBB] (default above).  0, or -1 with err set.
 */
int grp_member_parse(const char *spec, struct grp_member *m, char *err,
    size_t errlen);

/* Append m to g; -1 with err set when g is full or has it already. */
int grp_member_add(struct grp *g, const struct grp_member *m, char *err,
    size_t errlen);

/* Read a group from fp (named path in messages); 0, or -1 with err
 * ("path:line: why"). */
int grp_read(FILE *fp, const char *path, struct grp *g, char *err,
    size_t errlen);

/* Read the group file at path; 0, or -1 with err set. */
int grp_load(const char *path, struct grp *g, char *err, size_t errlen);

/* Write g in the file format (grp_read reads it back the same). */
void grp_write(FILE *fp, const struct grp *g);

/* Write g to path through a temporary file and a rename; 0 or -1. */
int grp_save(const char *path, const struct grp *g, char *err,
    size_t errlen);

/* Member i's colour: its own, else palette colour i (0xRRGGBB). */
uint32_t grp_color(const struct grp *g, unsigned i);

/* The default palette: colour i modulo its size. */
uint32_t grp_palette(unsigned i);

/* The groups directory beside trackdir: "var/trackings" -> "var/groups",
 * "tracks" -> "groups". */
void grp_default_dir(const char *trackdir, char *buf, size_t len);

#endif /* FLOWKEEP_GROUP_H */
