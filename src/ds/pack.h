/* pack.h - compact encodings for small hashes and sets (pure tier): a "pack" (a flat run of
 * binary-safe strings in one block, Redis's listpack role) and a "packInt" (a sorted array of
 * integers in one block, Redis's intset role). See pack.c. */
#ifndef VL_PACK_H
#define VL_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"

/* A pack never grows past this many bytes: callers convert to a dict before (packSafeToAdd).
 * Redis caps a listpack at 1 GB for the same reason: offsets stay 32-bit. */
#define PACK_MAX_BYTES ((size_t)1 << 30)

/* ---- pack: strings ---------------------------------------------------------------------
 * One owned block: an 8-byte header (total bytes, entry count) then entries, each a LEB128
 * length (1 byte below 128) and the bytes. Positions are byte offsets; an offset is valid
 * until the next call that modifies the pack. Functions that modify return the pack's new
 * address (the block may move); the old pointer is dead after them. */
unsigned char *packNew(void);
void packFree(unsigned char *p);
unsigned char *packDup(const unsigned char *p);
size_t packCount(const unsigned char *p);
size_t packBytes(const unsigned char *p); /* used bytes, header included */
/* 1 when len more bytes (plus a length prefix) keep the pack under PACK_MAX_BYTES. */
int packSafeToAdd(const unsigned char *p, size_t len);

/* Iteration: off = packFirst(p); while (off < packBytes(p)) off = packNext(p, off, &s, &l); */
size_t packFirst(const unsigned char *p);
/* Reads the entry at off (borrowed bytes in *s, *len) and returns the offset after it. */
size_t packNext(const unsigned char *p, size_t off, const unsigned char **s, size_t *len);
/* Offset of the entry with that index (linear walk); packBytes(p) when index >= count. */
size_t packOffsetAt(const unsigned char *p, size_t index);
/* Offset of the first entry equal to s among entries 0, stride, 2*stride, ... (stride 1 for
 * a plain list, 2 for field/value pairs); 0 when absent (0 is never an entry offset). */
size_t packFind(const unsigned char *p, const void *s, size_t len, size_t stride);

unsigned char *packAppend(unsigned char *p, const void *s, size_t len);
/* Replaces the one entry at off with s. */
unsigned char *packReplace(unsigned char *p, size_t off, const void *s, size_t len);
/* Removes n consecutive entries starting at off (n must not run past the end). */
unsigned char *packDelete(unsigned char *p, size_t off, size_t n);

/* ---- packInt: integers -----------------------------------------------------------------
 * One owned block: an 8-byte header (count, element width 2/4/8) then the sorted values,
 * all of the width the widest needs. Membership is a binary search; the width only grows. */
unsigned char *packIntNew(void);
void packIntFree(unsigned char *is);
unsigned char *packIntDup(const unsigned char *is);
size_t packIntCount(const unsigned char *is);
size_t packIntBytes(const unsigned char *is);
int64_t packIntGet(const unsigned char *is, size_t index); /* index < count */
int packIntFind(const unsigned char *is, int64_t v);       /* 1 if present */
int64_t packIntMin(const unsigned char *is);               /* count > 0 */
int64_t packIntMax(const unsigned char *is);
/* *added / *removed (may be NULL) get 1 when the set changed. */
unsigned char *packIntAdd(unsigned char *is, int64_t v, int *added);
unsigned char *packIntRemove(unsigned char *is, int64_t v, int *removed);

/* ---- random picks shared by HRANDFIELD, SRANDMEMBER and SPOP ---------------------------- */
/* count distinct indexes of [0, n) in increasing order, each subset equally likely (selection
 * sampling: one pass, no extra memory). count <= n. */
void packPickSorted(size_t n, size_t count, size_t *out);
/* Up to count distinct borrowed entries of d in out (returns how many: min(count, size)).
 * A large share of the dict is shuffled from a full listing; a small share is drawn with
 * dictRandom and deduplicated by address, so SRANDMEMBER 10 on a million members stays
 * O(10). Temporary memory is at most one pointer per entry of d. */
size_t packPickDict(dict *d, size_t count, dictLink **out);
/* A random entry of a non-empty dict, fairer than dictRandom (which favours entries alone in
 * their bucket): one of a sample of entries from consecutive buckets, as Redis's
 * dictGetFairRandomKey. A dict of up to PACK_FAIR_SAMPLE entries is drawn from uniformly. */
#define PACK_FAIR_SAMPLE 16
dictLink *packDictRandom(dict *d);

#endif
