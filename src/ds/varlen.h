/* varlen.h - the one length codec of the project: LEB128 (7 bits a byte, low bits first, 0x80
 * on every byte but the last), forward and backward.
 *
 * Forward: key and value lengths in objects (object.c), hash entries (t_hash.c), set members
 * (t_set.c) and pack blocks (pack.c). A length under 128 takes one byte, under 16,384 two; a
 * size_t of any size fits in at most ten. Backward: plist's back-length, the same bytes
 * written from the end, so a walk from an entry's end reads them last byte first.
 *
 * Rejected: the 255-escape code object.c, t_hash.c and t_set.c each had a copy of (one byte
 * below 255, else 255 and a 32-bit length): a string over 4 GB was silently cut, and three
 * copies of one rule is two too many. Header-only: these sit on every key comparison. */
#ifndef VL_VARLEN_H
#define VL_VARLEN_H

#include <stddef.h>

#define VARLEN_MAX 10 /* bytes of the longest size_t */

static inline size_t varlenSize(size_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Writes v at p; returns the bytes written. */
static inline size_t varlenPut(unsigned char *p, size_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Reads a length at p into *v; returns the bytes read. */
static inline size_t varlenGet(const unsigned char *p, size_t *v) {
    if (p[0] < 0x80) { /* the common case: one byte */
        *v = p[0];
        return 1;
    }
    size_t r = 0, n = 0;
    unsigned shift = 0;
    unsigned char b;
    do {
        b = p[n++];
        r |= (size_t)(b & 0x7f) << shift;
        shift += 7;
    } while ((b & 0x80) && n < VARLEN_MAX);
    *v = r;
    return n;
}

/* Backward: v's bytes end just before `end` (the low 7 bits in end[-1]). */
static inline void varlenPutRev(unsigned char *end, size_t v, size_t n) {
    for (size_t i = 0; i < n; i++)
        end[-1 - (ptrdiff_t)i] = (unsigned char)(((v >> (7 * i)) & 0x7f) | (i + 1 < n ? 0x80 : 0));
}

/* Reads the length that ends just before `end`; returns the bytes it took. */
static inline size_t varlenGetRev(const unsigned char *end, size_t *v) {
    size_t r = 0, n = 0;
    unsigned char b;
    do {
        b = *--end;
        r |= (size_t)(b & 0x7f) << (7 * n);
        n++;
    } while ((b & 0x80) && n < VARLEN_MAX);
    *v = r;
    return n;
}

#endif
