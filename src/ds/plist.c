/* plist.c - the list encoding: a doubly linked list of packed chunks.
 *
 * The one decision: a chunk is ONE heap block, header and entries together:
 *
 *     +------+------+-------+------+-----+----------------------------------------+-------+
 *     | prev | next | count | used | cap | entry entry entry ...                  | slack |
 *     +------+------+-------+------+-----+----------------------------------------+-------+
 *       8      8      4       4      4     `used` bytes                     cap - used
 *     \______ 28-byte header (PL_HDR) __/
 *
 * cap is vlAllocSize(block) - PL_HDR, so a chunk uses all of its size class, and the list
 * keeps a running sum of its block sizes, so plistMemUsage is exact and O(1).
 *
 * Rejected: Redis's quicklist shape, a node struct pointing at a separate listpack block. It
 * costs two blocks per chunk, a second cache miss per chunk on every walk, and two owners to
 * fix on each defrag move; here a defrag move or a realloc is "copy, free, relink prev/next",
 * nothing else. Also rejected: one block per element (two pointers and size-class rounding
 * on every element, about a third on top of a 100-byte payload, and a million blocks for
 * defrag to visit) and one flat buffer (O(n) inserts, one huge block).
 *
 * Entry format (our own, walkable both ways):
 *
 *     [tag][length or integer bytes][string bytes][back-length]
 *     \__________________ body ___________________/
 *
 *   tag 0x00-0x7f  integer 0..127 in the tag itself (body 1 byte)
 *       0x80-0xbf  string of 0..63 bytes, length in the low 6 bits
 *       0xc0-0xdf  string of 64..8191 bytes, 13-bit length: low 5 bits, then 1 byte
 *       0xe0       string, 32-bit little-endian length follows
 *       0xf0-0xf4  integer in 1, 2, 3, 4 or 8 little-endian two's-complement bytes
 *   back-length: the body size in ds/varlen.h's code, written backward (1-5 bytes): the
 *   last byte holds the low 7 bits, with 0x80 set when another byte (the next 7 bits)
 *   precedes it. Walking forward reads the tag; walking backward reads the back-length
 *   from the entry's end.
 *
 * A 100-byte string costs 103 bytes; "123" costs 2. A string becomes an integer only when
 * utilStrToLL accepts it (strict: no '+', no leading zeros, no "-0"), so its string form
 * round-trips exactly.
 *
 * Limits (fill): negative fill caps the whole chunk block at 4..64 KB, so that a full chunk
 * is exactly one allocator size class; positive fill caps entries per chunk, and an 8 KB
 * safety cap on the block still applies (as Redis does) so a positive fill cannot make
 * unbounded memmoves. A chunk with a single entry may exceed the cap: that is how big
 * elements get a chunk of their own. Buffers grow geometrically up to the cap; chunks merge
 * with a neighbour after deletes when both fit in one, and split on inserts that overflow.
 *
 * Positions inside the list are "gaps": (chunk, byte offset) between two entries. Delete
 * and merge report where the gap went, which is what keeps iterator deletes and the defrag
 * cursor right across merges and frees. */
#include "plist.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "util.h"
#include "varlen.h"

typedef struct plChunk {
    struct plChunk *prev, *next;
    uint32_t count; /* entries; never 0 for a linked chunk */
    uint32_t used;  /* bytes of buf holding entries */
    uint32_t cap;   /* bytes of buf available: vlAllocSize(chunk) - PL_HDR, clamped */
    unsigned char buf[];
} plChunk;

#define PL_HDR offsetof(plChunk, buf)
#define PL_SAFETY_BYTES 8192u /* block cap under a positive fill */
#define PL_FILL_MAX 32767

struct plist {
    plChunk *head, *tail;
    plChunk *dcur; /* defrag cursor: next chunk to offer; NULL = the next pass starts */
    size_t len;    /* elements */
    size_t nchunks;
    size_t alloc;                  /* sum of vlAllocSize over chunk blocks */
    uint32_t lim_bytes, lim_count; /* from fill: what a chunk of 2+ entries may reach */
    uint32_t v_bytes, v_count;     /* loosest limits ever set: what plistVerify can demand */
};

struct plistIter {
    plist *pl;
    plChunk *c; /* gap the next read starts from (NULL: nothing left) */
    uint32_t off;
    plChunk *lc; /* entry last returned (NULL: none, or it was deleted) */
    uint32_t loff;
    int fwd;
    int ended; /* set by plistIterInsert */
};

/* ------------------------------------------------------------------------------------------ */
/* Entry codec                                                                                */
/* ------------------------------------------------------------------------------------------ */

enum {
    T_STR6 = 0x80,
    T_STR13 = 0xc0,
    T_STR32 = 0xe0,
    T_INT8 = 0xf0,
    T_INT16,
    T_INT24,
    T_INT32,
    T_INT64
};

/* An element ready to be written: its encoding is decided once, before any chunk is chosen,
 * because the size decides where it goes. */
typedef struct plEnc {
    const unsigned char *s;
    size_t len;
    long long v;
    int isint;
    size_t body, size; /* body bytes, and body + back-length */
} plEnc;

static uint64_t rdLE(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static void wrLE(unsigned char *p, uint64_t v, int n) {
    for (int i = 0; i < n; i++, v >>= 8) p[i] = (unsigned char)v;
}

/* Two's-complement n-byte value to long long, without implementation-defined conversions. */
static long long signExtend(uint64_t u, int n) {
    if (n == 8) return u > (uint64_t)LLONG_MAX ? -(long long)(~u) - 1 : (long long)u;
    uint64_t sign = (uint64_t)1 << (8 * n - 1);
    return (u & sign) ? (long long)u - (long long)(sign << 1) : (long long)u;
}

static size_t blSize(size_t body) {
    return varlenSize(body);
}

static int intBytes(long long v) {
    if (v >= 0 && v < 128) return 0;
    if (v >= -128 && v < 128) return 1;
    if (v >= -32768 && v < 32768) return 2;
    if (v >= -8388608 && v < 8388608) return 3;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

static size_t bodySize(const unsigned char *p) {
    unsigned t = p[0];
    if (t < T_STR6) return 1;
    if (t < T_STR13) return 1 + (t & 0x3f);
    if (t < T_STR32) return 2 + (((t & 0x1fu) << 8) | p[1]);
    switch (t) {
    case T_STR32: return 5 + (size_t)rdLE(p + 1, 4);
    case T_INT8: return 2;
    case T_INT16: return 3;
    case T_INT24: return 4;
    case T_INT32: return 5;
    default: return 9;
    }
}

static inline size_t entrySize(const unsigned char *p) {
    size_t b = bodySize(p);
    return b + blSize(b);
}

/* Size of the entry that ends just before `end`, read from its back-length. */
static inline size_t prevEntrySize(const unsigned char *end) {
    size_t v;
    size_t n = varlenGetRev(end, &v);
    return v + n;
}

/* Decodes the entry at p into *e and returns its whole size (decoding the tag once serves
 * both: the iterator's hot loop). */
static size_t entryRead(const unsigned char *p, plistEntry *e) {
    unsigned t = p[0];
    size_t body;
    e->str = NULL;
    e->len = 0;
    e->ival = 0;
    e->isint = 0;
    if (t < T_STR6) {
        e->isint = 1;
        e->ival = t;
        return 2;
    } else if (t < T_STR13) {
        e->str = p + 1;
        e->len = t & 0x3f;
        body = 1 + e->len;
    } else if (t < T_STR32) {
        e->str = p + 2;
        e->len = ((t & 0x1fu) << 8) | p[1];
        body = 2 + e->len;
    } else if (t == T_STR32) {
        e->str = p + 5;
        e->len = (size_t)rdLE(p + 1, 4);
        body = 5 + e->len;
    } else {
        static const int nb[] = {1, 2, 3, 4, 8};
        int n = nb[t - T_INT8];
        e->isint = 1;
        e->ival = signExtend(rdLE(p + 1, n), n);
        body = 1 + (size_t)n;
    }
    return body + blSize(body);
}

static void encPrepare(plEnc *e, const void *s, size_t len) {
    if (len > PLIST_MAX_ENTRY) {
        /* The caller's limit check failed; continuing would corrupt 32-bit offsets. */
        fprintf(stderr, "plist: element of %zu bytes exceeds PLIST_MAX_ENTRY\n", len);
        abort();
    }
    e->s = s;
    e->len = len;
    /* 20 chars is the longest long long ("-9223372036854775808"); skip the parse beyond. */
    e->isint = len > 0 && len <= 20 && utilStrToLL(s, len, &e->v);
    if (e->isint)
        e->body = 1 + (size_t)intBytes(e->v);
    else
        e->body = (len < 64 ? 1 : len < 8192 ? 2 : 5) + len;
    e->size = e->body + blSize(e->body);
}

static void encWrite(unsigned char *p, const plEnc *e) {
    if (e->isint) {
        int n = intBytes(e->v);
        static const unsigned char tag[9] = {0, T_INT8, T_INT16, T_INT24, T_INT32,
                                             0, 0,      0,       T_INT64};
        if (n == 0) {
            p[0] = (unsigned char)e->v;
        } else {
            p[0] = tag[n];
            wrLE(p + 1, (uint64_t)e->v, n);
        }
    } else {
        size_t h;
        if (e->len < 64) {
            p[0] = (unsigned char)(T_STR6 | e->len);
            h = 1;
        } else if (e->len < 8192) {
            p[0] = (unsigned char)(T_STR13 | (e->len >> 8));
            p[1] = (unsigned char)e->len;
            h = 2;
        } else {
            p[0] = T_STR32;
            wrLE(p + 1, e->len, 4);
            h = 5;
        }
        if (e->len) memcpy(p + h, e->s, e->len);
    }
    varlenPutRev(p + e->size, e->body, e->size - e->body);
}

/* ------------------------------------------------------------------------------------------ */
/* Chunks                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static uint32_t capOf(size_t usable) {
    size_t c = usable - PL_HDR;
    return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

static plChunk *chunkNew(plist *pl, size_t cap) {
    plChunk *c = vlMalloc(PL_HDR + cap);
    size_t a = vlAllocSize(c);
    pl->alloc += a;
    pl->nchunks++;
    c->prev = c->next = NULL;
    c->count = c->used = 0;
    c->cap = capOf(a);
    return c;
}

/* Links c after `at`; at == NULL makes c the head. */
static void chunkLink(plist *pl, plChunk *at, plChunk *c) {
    c->prev = at;
    c->next = at ? at->next : pl->head;
    if (c->next)
        c->next->prev = c;
    else
        pl->tail = c;
    if (at)
        at->next = c;
    else
        pl->head = c;
}

/* After c's block moved (realloc or defrag), points its neighbours, head/tail at it. */
static void chunkRelink(plist *pl, plChunk *c) {
    if (c->prev)
        c->prev->next = c;
    else
        pl->head = c;
    if (c->next)
        c->next->prev = c;
    else
        pl->tail = c;
}

/* Unlinks and frees c. The defrag cursor moves forward when it can: the pass has not seen
 * what follows c yet, while what precedes it has been offered already. */
static void chunkFree(plist *pl, plChunk *c) {
    if (c->prev)
        c->prev->next = c->next;
    else
        pl->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        pl->tail = c->prev;
    if (pl->dcur == c) pl->dcur = c->next ? c->next : c->prev;
    pl->alloc -= vlAllocSize(c);
    pl->nchunks--;
    vlFree(c);
}

static plChunk *chunkResize(plist *pl, plChunk *c, size_t cap) {
    int was_cursor = pl->dcur == c; /* compared before the old address goes stale */
    size_t before = vlAllocSize(c);
    c = vlRealloc(c, PL_HDR + cap);
    size_t a = vlAllocSize(c);
    pl->alloc = pl->alloc - before + a;
    c->cap = capOf(a);
    chunkRelink(pl, c);
    if (was_cursor) pl->dcur = c;
    return c;
}

/* Makes room for `need` bytes of entries. Doubling (clamped to the chunk cap) keeps pushes
 * amortized O(1): a chunk filled one entry at a time sees about log2(cap / entry) reallocs,
 * and the last step lands exactly on the cap, which is a size class for negative fills. */
static plChunk *chunkReserve(plist *pl, plChunk *c, size_t need) {
    if (need <= c->cap) return c;
    size_t cap = (size_t)c->cap * 2, lim = pl->lim_bytes - PL_HDR;
    if (cap > lim) cap = lim;
    if (cap < need) cap = need;
    return chunkResize(pl, c, cap);
}

/* Gives back slack once a chunk is under a third used. The third (and the half-again
 * headroom left) must sit well below the doubling of chunkReserve: with a "half used"
 * rule, one push that doubles followed by one pop that halves would realloc on every call. */
static plChunk *chunkTrim(plist *pl, plChunk *c) {
    size_t have = PL_HDR + (size_t)c->cap, want = PL_HDR + (size_t)c->used;
    if (have > 256 && want * 3 < have) c = chunkResize(pl, c, c->used + c->used / 2);
    return c;
}

/* Would c stay within the limits with `bytes` and `count` more? */
static int chunkFits(const plist *pl, const plChunk *c, size_t bytes, size_t count) {
    return PL_HDR + c->used + bytes <= pl->lim_bytes && c->count + count <= pl->lim_count;
}

static plChunk *chunkPut(plist *pl, plChunk *c, uint32_t off, const plEnc *e) {
    VL_ASSERT(off <= c->used);
    c = chunkReserve(pl, c, c->used + e->size);
    VL_ASSERT(c->used + e->size <= c->cap);
    memmove(c->buf + off + e->size, c->buf + off, c->used - off);
    encWrite(c->buf + off, e);
    c->used += (uint32_t)e->size;
    c->count++;
    pl->len++;
    return c;
}

/* Merges b (== a->next) with a when the result respects the limits; returns the merged chunk
 * or NULL. a's bytes come first either way, so offsets in a stay and offsets in b shift by
 * a's used. The block with more capacity receives the other, so that a merge of a chunk into
 * a roomy neighbour needs no realloc. */
static plChunk *chunkMerge(plist *pl, plChunk *a, plChunk *b) {
    VL_ASSERT(a->next == b && b->prev == a);
    if (!chunkFits(pl, a, b->used, b->count)) return NULL;
    uint32_t au = a->used, bu = b->used, n = a->count + b->count;
    if (b->cap > a->cap) {
        b = chunkReserve(pl, b, (size_t)au + bu);
        memmove(b->buf + au, b->buf, bu);
        memcpy(b->buf, a->buf, au);
        b->used = au + bu;
        b->count = n;
        chunkFree(pl, a);
        return b;
    }
    a = chunkReserve(pl, a, (size_t)au + bu);
    memcpy(a->buf + au, b->buf, bu);
    a->used = au + bu;
    a->count = n;
    chunkFree(pl, b);
    return a;
}

/* Cuts c at off (an entry boundary strictly inside it): c keeps [0, off), a new chunk linked
 * after it takes the rest. Returns the new chunk. */
static plChunk *chunkSplit(plist *pl, plChunk *c, uint32_t off) {
    VL_ASSERT(off > 0 && off < c->used);
    uint32_t k = 0;
    for (uint32_t o = 0; o < off; o += (uint32_t)entrySize(c->buf + o)) k++;
    VL_ASSERT(k > 0 && k < c->count);
    plChunk *b = chunkNew(pl, c->used - off);
    memcpy(b->buf, c->buf + off, c->used - off);
    b->used = c->used - off;
    b->count = c->count - k;
    c->used = off;
    c->count = k;
    chunkLink(pl, c, b);
    return b;
}

/* After entries left *pc: frees it when empty, else merges it with a neighbour when both fit
 * in one chunk, else gives back slack. The gap (*pc, *poff) keeps pointing at the same place
 * between elements; *pc becomes NULL when the list is empty. Merging here (not lazily) is
 * what bounds memory after deletes: two adjacent chunks are never both half empty for
 * long. */
static void chunkSettle(plist *pl, plChunk **pc, uint32_t *poff) {
    plChunk *c = *pc, *p = c->prev, *n = c->next, *m;
    if (c->count == 0) {
        chunkFree(pl, c);
        if (p && n) {
            uint32_t pu = p->used;
            if ((m = chunkMerge(pl, p, n))) {
                *pc = m;
                *poff = pu;
                return;
            }
        }
        *pc = n ? n : p;
        *poff = n ? 0 : p ? p->used : 0;
        return;
    }
    if (p) {
        uint32_t pu = p->used;
        if ((m = chunkMerge(pl, p, c))) {
            *pc = m;
            *poff += pu;
            return;
        }
    }
    if (n && (m = chunkMerge(pl, c, n))) {
        *pc = m;
        return;
    }
    *pc = chunkTrim(pl, c);
}

/* Inserts e at the gap (c, off); c == NULL only for an empty list. A full chunk first lets
 * a neighbour take an element at its edge, then gets a fresh neighbour, and only an insert
 * strictly inside it splits it. */
static void insertAt(plist *pl, plChunk *c, uint32_t off, const plEnc *e) {
    plChunk *n;
    if (!c) {
        c = chunkNew(pl, e->size);
        chunkLink(pl, NULL, c);
        chunkPut(pl, c, 0, e);
        return;
    }
    if (chunkFits(pl, c, e->size, 1)) {
        chunkPut(pl, c, off, e);
        return;
    }
    if (off == c->used && c->next && chunkFits(pl, c->next, e->size, 1)) {
        chunkPut(pl, c->next, 0, e);
        return;
    }
    if (off == 0 && c->prev && chunkFits(pl, c->prev, e->size, 1)) {
        chunkPut(pl, c->prev, c->prev->used, e);
        return;
    }
    if (off == 0 || off == c->used) {
        n = chunkNew(pl, e->size);
        chunkLink(pl, off ? c : c->prev, n);
        chunkPut(pl, n, 0, e);
        return;
    }
    plChunk *b = chunkSplit(pl, c, off);
    if (chunkFits(pl, c, e->size, 1)) {
        c = chunkPut(pl, c, c->used, e);
    } else if (chunkFits(pl, b, e->size, 1)) {
        b = chunkPut(pl, b, 0, e);
    } else {
        n = chunkNew(pl, e->size);
        chunkLink(pl, c, n);
        chunkPut(pl, n, 0, e);
    }
    /* The halves may now fit with their outer neighbours (repeated middle inserts would
     * otherwise leave a trail of half-empty chunks). */
    if (!c->prev || !chunkMerge(pl, c->prev, c)) chunkTrim(pl, c);
    if (!b->next || !chunkMerge(pl, b, b->next)) chunkTrim(pl, b);
}

/* Deletes the entry at (*pc, *poff); the gap is left where the entry was (see chunkSettle). */
static void deleteAt(plist *pl, plChunk **pc, uint32_t *poff) {
    plChunk *c = *pc;
    uint32_t off = *poff, sz = (uint32_t)entrySize(c->buf + off);
    VL_ASSERT(c->count > 0 && off + sz <= c->used && pl->len > 0);
    memmove(c->buf + off, c->buf + off + sz, c->used - off - sz);
    c->used -= sz;
    c->count--;
    pl->len--;
    chunkSettle(pl, pc, poff);
}

/* idx (negative from the tail) to 0..len-1; 0 when out of range. */
static int normIndex(const plist *pl, long long idx, size_t *out) {
    if (idx < 0) {
        if ((unsigned long long)-(idx + 1) >= pl->len) return 0; /* -(idx+1): no overflow */
        *out = pl->len - (size_t)(-(idx + 1)) - 1;
        return 1;
    }
    if ((unsigned long long)idx >= pl->len) return 0;
    *out = (size_t)idx;
    return 1;
}

/* Finds element idx (< len): walks chunk headers by count from the nearer end of the list,
 * then entries from the nearer end of the chunk. */
static plChunk *locate(const plist *pl, size_t idx, uint32_t *off) {
    VL_ASSERT(idx < pl->len);
    plChunk *c;
    if (idx < pl->len / 2) {
        c = pl->head;
        while (idx >= c->count) {
            idx -= c->count;
            c = c->next;
        }
    } else {
        size_t back = pl->len - 1 - idx;
        c = pl->tail;
        while (back >= c->count) {
            back -= c->count;
            c = c->prev;
        }
        idx = c->count - 1 - back;
    }
    uint32_t o;
    if (idx < c->count / 2) {
        o = 0;
        for (size_t k = 0; k < idx; k++) o += (uint32_t)entrySize(c->buf + o);
    } else {
        o = c->used;
        for (size_t k = c->count; k > idx; k--) o -= (uint32_t)prevEntrySize(c->buf + o);
    }
    VL_ASSERT(o <= c->used);
    *off = o;
    return c;
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                 */
/* ------------------------------------------------------------------------------------------ */

plist *plistCreate(int fill) {
    plist *pl = vlCalloc(sizeof(*pl));
    plistSetFill(pl, fill);
    return pl;
}

void plistSetFill(plist *pl, int fill) {
    if (fill < -5) fill = -5;
    if (fill == 0) fill = 1;
    if (fill > PL_FILL_MAX) fill = PL_FILL_MAX;
    pl->lim_bytes = fill < 0 ? 4096u << (-fill - 1) : PL_SAFETY_BYTES;
    pl->lim_count = fill > 0 ? (uint32_t)fill : UINT32_MAX;
    if (pl->lim_bytes > pl->v_bytes) pl->v_bytes = pl->lim_bytes;
    if (pl->lim_count > pl->v_count) pl->v_count = pl->lim_count;
}

void plistRelease(plist *pl) {
    if (!pl) return;
    plChunk *c = pl->head;
    while (c) {
        plChunk *n = c->next;
        vlFree(c);
        c = n;
    }
    vlFree(pl);
}

size_t plistLen(const plist *pl) {
    return pl->len;
}

size_t plistChunkCount(const plist *pl) {
    return pl->nchunks;
}

size_t plistMemUsage(const plist *pl) {
    return pl->alloc + vlAllocSize(pl);
}

void plistPush(plist *pl, const void *s, size_t len, int where) {
    plEnc e;
    encPrepare(&e, s, len);
    if (where == PLIST_HEAD)
        insertAt(pl, pl->head, 0, &e);
    else
        insertAt(pl, pl->tail, pl->tail ? pl->tail->used : 0, &e);
}

int plistPop(plist *pl, int where, unsigned char **s, size_t *len, long long *ival) {
    if (!pl->len) return 0;
    plChunk *c = where == PLIST_HEAD ? pl->head : pl->tail;
    uint32_t off = where == PLIST_HEAD ? 0 : c->used - (uint32_t)prevEntrySize(c->buf + c->used);
    plistEntry e;
    entryRead(c->buf + off, &e);
    if (e.isint) {
        *s = NULL;
        *len = 0;
        *ival = e.ival;
    } else {
        *s = vlMemdup(e.str, e.len);
        *len = e.len;
        *ival = 0;
    }
    deleteAt(pl, &c, &off);
    return 1;
}

int plistIndex(plist *pl, long long idx, plistEntry *out) {
    size_t i;
    if (!normIndex(pl, idx, &i)) return 0;
    uint32_t off;
    plChunk *c = locate(pl, i, &off);
    entryRead(c->buf + off, out);
    return 1;
}

int plistReplaceAt(plist *pl, long long idx, const void *s, size_t len) {
    size_t i;
    if (!normIndex(pl, idx, &i)) return 0;
    plEnc e;
    encPrepare(&e, s, len);
    uint32_t off;
    plChunk *c = locate(pl, i, &off);
    size_t old = entrySize(c->buf + off);
    /* In place when the chunk can hold the new size: a lone element may exceed the cap. */
    if (e.size <= old || c->count == 1 || chunkFits(pl, c, e.size - old, 0)) {
        if (e.size > old) c = chunkReserve(pl, c, c->used - old + e.size);
        memmove(c->buf + off + e.size, c->buf + off + old, c->used - off - old);
        encWrite(c->buf + off, &e);
        c->used = (uint32_t)(c->used - old + e.size);
        if (e.size < old) chunkSettle(pl, &c, &off);
        return 1;
    }
    deleteAt(pl, &c, &off);
    insertAt(pl, c, off, &e);
    return 1;
}

size_t plistDelRange(plist *pl, long long start, size_t count) {
    size_t i;
    if (!count || !normIndex(pl, start, &i)) return 0;
    if (count > pl->len - i) count = pl->len - i;
    uint32_t off;
    plChunk *c = locate(pl, i, &off);
    size_t left = count;
    for (;;) {
        if (off == 0 && left >= c->count) {
            plChunk *p = c->prev, *n = c->next;
            left -= c->count;
            pl->len -= c->count;
            chunkFree(pl, c);
            if (left) {
                c = n; /* elements remain in the range, so n exists */
                continue;
            }
            c = n ? n : p;
            off = n ? 0 : p ? p->used : 0;
            break;
        }
        uint32_t end = off, k = 0;
        while (k < left && end < c->used) {
            end += (uint32_t)entrySize(c->buf + end);
            k++;
        }
        memmove(c->buf + off, c->buf + end, c->used - end);
        c->used -= end - off;
        c->count -= k;
        pl->len -= k;
        left -= k;
        if (!left) break;
        c = chunkTrim(pl, c)->next; /* its tail went; the range goes on */
        off = 0;
    }
    if (c) chunkSettle(pl, &c, &off); /* the chunks on both sides of the range now touch */
    return count;
}

plistIter *plistIterNew(plist *pl, long long start, int direction) {
    plistIter *it = vlMalloc(sizeof(*it));
    size_t i;
    it->pl = pl;
    it->lc = NULL;
    it->loff = 0;
    it->fwd = direction == PLIST_HEAD;
    it->ended = 0;
    it->c = NULL;
    it->off = 0;
    if (normIndex(pl, start, &i)) {
        it->c = locate(pl, i, &it->off);
        if (!it->fwd) it->off += (uint32_t)entrySize(it->c->buf + it->off);
    }
    return it;
}

int plistIterNext(plistIter *it, plistEntry *e) {
    plChunk *c = it->c;
    if (it->ended || !c) return 0;
    if (it->fwd) {
        if (it->off == c->used) {
            if (!c->next) return 0;
            c = it->c = c->next;
            it->off = 0;
        }
        it->lc = c;
        it->loff = it->off;
        it->off += (uint32_t)entryRead(c->buf + it->off, e);
    } else {
        if (it->off == 0) {
            if (!c->prev) return 0;
            c = it->c = c->prev;
            it->off = c->used;
        }
        it->off -= (uint32_t)prevEntrySize(c->buf + it->off);
        it->lc = c;
        it->loff = it->off;
        entryRead(c->buf + it->off, e);
    }
    return 1;
}

void plistIterDelete(plistIter *it) {
    if (!it->lc || it->ended) return;
    plChunk *c = it->lc;
    uint32_t off = it->loff;
    /* The gap where the entry was is exactly where either direction resumes. */
    deleteAt(it->pl, &c, &off);
    it->c = c;
    it->off = off;
    it->lc = NULL;
}

void plistIterInsert(plistIter *it, const void *s, size_t len, int after) {
    if (!it->lc || it->ended) return;
    plEnc e;
    encPrepare(&e, s, len);
    uint32_t off = it->loff;
    if (after) off += (uint32_t)entrySize(it->lc->buf + off);
    insertAt(it->pl, it->lc, off, &e);
    it->ended = 1; /* the insert may have split, merged or moved any chunk around here */
    it->lc = NULL;
    it->c = NULL;
}

void plistIterRelease(plistIter *it) {
    vlFree(it);
}

int plistEntryEquals(const plistEntry *e, const void *s, size_t len) {
    if (!e->isint) return e->len == len && (len == 0 || memcmp(e->str, s, len) == 0);
    /* Integers are stored only from their canonical form, so a string equals one exactly
     * when it parses strictly to the same value ("007" never equals 7). */
    long long v;
    return len > 0 && len <= 20 && utilStrToLL(s, len, &v) && v == e->ival;
}

void plistEntryToStr(const plistEntry *e, char *buf, const unsigned char **s, size_t *len) {
    if (e->isint) {
        *len = (size_t)utilLLToStr(buf, 21, e->ival);
        *s = (const unsigned char *)buf;
    } else {
        *s = e->str;
        *len = e->len;
    }
}

int plistDefragStep(plist *pl, size_t max_chunks, void *(*move)(void *block, void *ctx),
                    void *ctx) {
    plChunk *c = pl->dcur ? pl->dcur : pl->head;
    if (!max_chunks) max_chunks = 1; /* a step that never advances would never finish */
    for (; c && max_chunks; max_chunks--) {
        size_t before = vlAllocSize(c);
        plChunk *n = move(c, ctx);
        if (n) {
            pl->alloc = pl->alloc - before + vlAllocSize(n);
            n->cap = capOf(vlAllocSize(n));
            chunkRelink(pl, n);
            c = n;
        }
        c = c->next;
    }
    pl->dcur = c;
    return c != NULL;
}

void plistDefragReset(plist *pl) {
    pl->dcur = NULL;
}

plist *plistMoveSelf(plist *pl, void *(*move)(void *block, void *ctx), void *ctx) {
    plist *n = move(pl, ctx);
    return n ? n : pl;
}

int plistIsCompact(const plist *pl) {
    if (pl->nchunks > 1) return 0;
    const plChunk *c = pl->head;
    return !c || (PL_HDR + c->used <= pl->lim_bytes && c->count <= pl->lim_count);
}

void plistStats(const plist *pl, size_t *chunks, size_t *bytes_used, size_t *bytes_alloc) {
    size_t used = 0;
    for (const plChunk *c = pl->head; c; c = c->next) used += PL_HDR + c->used;
    *chunks = pl->nchunks;
    *bytes_used = used;
    *bytes_alloc = pl->alloc;
}

/* ------------------------------------------------------------------------------------------ */
/* Verification                                                                               */
/* ------------------------------------------------------------------------------------------ */

static int verifyFail(const char *why, size_t where) {
    fprintf(stderr, "plistVerify: %s (chunk %zu)\n", why, where);
    return 0;
}

/* Checks one entry's encoding: known tag, header and back-length inside the chunk and
 * agreeing with the body, integers only in their smallest form, strings never in a form
 * that should have been an integer. */
static int verifyEntry(const unsigned char *p, size_t room) {
    static const int nb[] = {1, 2, 3, 4, 8};
    unsigned t = p[0];
    size_t hlen = t < T_STR13                     ? 1
                  : t < T_STR32                   ? 2
                  : t == T_STR32                  ? 5
                  : (t >= T_INT8 && t <= T_INT64) ? 1 + (size_t)nb[t - T_INT8]
                                                  : 0;
    if (!hlen || hlen > room) return 0;
    size_t body = bodySize(p), size = body + blSize(body);
    if (size > room || prevEntrySize(p + size) != size) return 0;
    plistEntry e;
    entryRead(p, &e);
    if (e.isint) return t < T_INT8 || intBytes(e.ival) == nb[t - T_INT8];
    long long v;
    if (hlen != (e.len < 64 ? 1u : e.len < 8192 ? 2u : 5u)) return 0;
    return !(e.len > 0 && e.len <= 20 && utilStrToLL((const char *)e.str, e.len, &v));
}

int plistVerify(const plist *pl) {
    size_t len = 0, n = 0, alloc = 0;
    int cursor_seen = pl->dcur == NULL;
    const plChunk *prev = NULL;
    if (!pl->head != !pl->tail) return verifyFail("head/tail disagree", 0);
    for (const plChunk *c = pl->head; c; prev = c, c = c->next, n++) {
        if (c->prev != prev) return verifyFail("bad prev link", n);
        if (c->count == 0) return verifyFail("empty chunk", n);
        if (c->used > c->cap) return verifyFail("used > cap", n);
        size_t a = vlAllocSize(c);
        if (c->cap != capOf(a)) return verifyFail("cap differs from allocation", n);
        alloc += a;
        if (c->count > 1 && (PL_HDR + c->used > pl->v_bytes || c->count > pl->v_count))
            return verifyFail("chunk over its limits", n);
        if (pl->dcur == c) cursor_seen = 1;
        /* Forward by tags, then backward by back-lengths: both must count the same. */
        size_t off = 0, k = 0;
        while (off < c->used) {
            if (!verifyEntry(c->buf + off, c->used - off)) return verifyFail("bad entry", n);
            off += entrySize(c->buf + off);
            k++;
        }
        if (off != c->used || k != c->count) return verifyFail("forward walk mismatch", n);
        for (off = c->used, k = 0; off > 0; k++) {
            size_t sz = prevEntrySize(c->buf + off);
            if (sz > off) return verifyFail("backward walk overruns", n);
            off -= sz;
        }
        if (k != c->count) return verifyFail("backward walk mismatch", n);
        len += c->count;
    }
    if (prev != pl->tail) return verifyFail("tail is not the last chunk", n);
    if (len != pl->len) return verifyFail("element count mismatch", n);
    if (n != pl->nchunks) return verifyFail("chunk count mismatch", n);
    if (alloc != pl->alloc) return verifyFail("allocation total mismatch", n);
    if (!cursor_seen) return verifyFail("defrag cursor not in the list", n);
    return 1;
}

const void *plistHeadBlock(const plist *pl) {
    return pl->head;
}
