/*
 * names.h - names for the keys of a report: IP protocols and TCP/UDP
 * ports (the system's /etc/protocols and /etc/services), AS numbers (an
 * optional file of "ASN name" lines), and host names by reverse DNS.
 *
 * Reverse DNS never holds a report up for long: the addresses that are
 * not in the cache are looked up by a few worker threads (getnameinfo)
 * and names_dns_resolve() returns at its deadline whatever has been
 * answered by then; threads still waiting on a slow server are left to
 * finish on their own and their answers dropped.  Answers (names, and
 * "no name" for an hour) are kept in a cache file that holds at most
 * max_entries entries, the oldest replaced first, written back atomically
 * by names_dns_save().  Names are cut to NAMES_MAX - 1 characters.
 */
#ifndef FLOWKEEP_NAMES_H
#define FLOWKEEP_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "proto/flowrec.h"

#define NAMES_MAX	128

/* The protocol's name ("tcp"), or NULL. */
const char *names_proto(unsigned proto, char *buf, size_t len);

/* The port's service name, TCP first, then UDP ("http"), or NULL. */
const char *names_port(unsigned port, char *buf, size_t len);

struct names_as;

/* Load an AS name file: lines "ASN name..." ("AS" before the number is
 * allowed; '#' starts a comment).  NULL with a message on error. */
struct names_as *names_as_load(const char *path, char *err, size_t errlen);
const char *names_as_find(const struct names_as *a, uint32_t asn);
void names_as_free(struct names_as *a);

struct names_dns;

/* A cache read from path (NULL = memory only; a missing file is an empty
 * cache).  NULL if out of memory. */
struct names_dns *names_dns_open(const char *path, unsigned max_entries);

/* Look up the n addresses that the cache does not hold, with `threads`
 * workers, for at most timeout_ms; the number answered in time. */
unsigned names_dns_resolve(struct names_dns *d, const uint8_t *af,
    const fr_addr *addr, unsigned n, unsigned threads, unsigned timeout_ms);

/* The cached name of an address, or NULL (unknown or no name). */
const char *names_dns_find(const struct names_dns *d, uint8_t af,
    const fr_addr *addr);

/* Write the cache back (temporary file + rename); 0 or -1. */
int names_dns_save(const struct names_dns *d);

void names_dns_close(struct names_dns *d);

#endif /* FLOWKEEP_NAMES_H */
