/*
 * util.h - small helpers shared by the daemon and the CLI: time, address
 * formatting, JSON string escaping.
 */
#ifndef FLOWKEEP_UTIL_H
#define FLOWKEEP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/flowrec.h"

/* Wall clock in ms since the epoch. */
uint64_t util_now_ms(void);
/* Monotonic clock in ms. */
uint64_t util_mono_ms(void);

/* Format an address of family af (FR_AF_*) into buf (>= 46 bytes). */
const char *util_addr_str(uint8_t af, const fr_addr *a, char *buf,
    size_t len);

/* Write s as a JSON string (with quotes) to fp. */
void util_json_str(FILE *fp, const char *s);

/* strlcpy semantics; returns strlen(src). */
size_t util_strlcpy(char *dst, const char *src, size_t size);

#endif /* FLOWKEEP_UTIL_H */
