/* pack.c - compact encodings for small hashes and sets: pack (strings) and packInt (integers).
 *
 * What: a small hash or set lives in ONE heap block instead of a dict with a block per entry.
 * A 100-field hash of short strings costs about 16 bytes per field here, against ~40 in the
 * dict encoding (entry block + bucket slot); lookups are a linear scan, which is why callers
 * convert to a dict past Redis's thresholds (128 entries, 64-byte values by default).
 *
 * The one decision: no per-entry back-length and no end marker (listpack has both, for
 * backward iteration and to find the tail). Nothing here iterates backwards, the header keeps
 * the byte count (so the tail is p + bytes), and dropping them saves a byte or more per entry.
 * Entries carry only a LEB128 length: one byte for the common short string.
 *
 * packInt is Redis's intset idea (sorted, fixed width that only grows), written for this tree:
 * a set of integers answers SISMEMBER with a binary search and costs 2-8 bytes per member.
 *
 * Rejected: encoding small integers specially inside a pack (listpack does): it saves a
 * byte or two per numeric value but makes every lookup compare across two representations;
 * sets of integers get packInt instead, and hash values rarely need the saving.
 *
 * Pure tier: alloc.h, dict.h, util.h and libc only. Both formats are one block, so defrag moves them whole. */
#include "pack.h"

#include <string.h>

#include "alloc.h"
#include "util.h"
#include "varlen.h"

#define PACK_HDR 8 /* uint32 bytes, uint32 count */

static inline uint32_t rd32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void wr32(unsigned char *p, uint32_t v) {
    memcpy(p, &v, 4);
}

/* ------------------------------------------------------------------------------------------ */
/* pack                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static inline void setBytes(unsigned char *p, size_t b) {
    wr32(p, (uint32_t)b);
}

static inline void setCount(unsigned char *p, size_t c) {
    wr32(p + 4, (uint32_t)c);
}

unsigned char *packNew(void) {
    unsigned char *p = vlMalloc(PACK_HDR);
    setBytes(p, PACK_HDR);
    setCount(p, 0);
    return p;
}

void packFree(unsigned char *p) {
    vlFree(p);
}

unsigned char *packDup(const unsigned char *p) {
    return vlMemdup(p, packBytes(p));
}

size_t packCount(const unsigned char *p) {
    return rd32(p + 4);
}

size_t packBytes(const unsigned char *p) {
    return rd32(p);
}

int packSafeToAdd(const unsigned char *p, size_t len) {
    if (len > PACK_MAX_BYTES) return 0;
    size_t have = p ? packBytes(p) : PACK_HDR;
    return have + len + 5 <= PACK_MAX_BYTES;
}

size_t packFirst(const unsigned char *p) {
    (void)p;
    return PACK_HDR;
}

size_t packNext(const unsigned char *p, size_t off, const unsigned char **s, size_t *len) {
    size_t l;
    size_t n = varlenGet(p + off, &l);
    *s = p + off + n;
    *len = l;
    return off + n + l;
}

static inline size_t skipEntry(const unsigned char *p, size_t off) {
    size_t l;
    size_t n = varlenGet(p + off, &l);
    return off + n + l;
}

size_t packOffsetAt(const unsigned char *p, size_t index) {
    size_t off = PACK_HDR, end = packBytes(p);
    while (index > 0 && off < end) {
        off = skipEntry(p, off);
        index--;
    }
    return off;
}

size_t packFind(const unsigned char *p, const void *s, size_t len, size_t stride) {
    size_t off = PACK_HDR, end = packBytes(p);
    if (stride == 0) stride = 1;
    while (off < end) {
        size_t l;
        size_t n = varlenGet(p + off, &l);
        if (l == len && (len == 0 || memcmp(p + off + n, s, len) == 0)) return off;
        off += n + l;
        for (size_t k = 1; k < stride && off < end; k++) off = skipEntry(p, off);
    }
    return 0;
}

unsigned char *packAppend(unsigned char *p, const void *s, size_t len) {
    size_t bytes = packBytes(p);
    size_t need = varlenSize(len) + len;
    p = vlRealloc(p, bytes + need);
    size_t n = varlenPut(p + bytes, len);
    if (len) memcpy(p + bytes + n, s, len);
    setBytes(p, bytes + need);
    setCount(p, packCount(p) + 1);
    return p;
}

/* s must not point into p: the block may move or its tail shift before s is copied. */
unsigned char *packReplace(unsigned char *p, size_t off, const void *s, size_t len) {
    size_t bytes = packBytes(p);
    VL_ASSERT(off >= PACK_HDR && off < bytes);
    VL_ASSERT(s == NULL || (const unsigned char *)s + len <= p ||
              (const unsigned char *)s >= p + bytes);
    size_t oldend = skipEntry(p, off);
    VL_ASSERT(oldend <= bytes);
    size_t oldsz = oldend - off, newsz = varlenSize(len) + len;
    size_t tail = bytes - oldend;
    if (newsz > oldsz) {
        p = vlRealloc(p, bytes + newsz - oldsz);
        memmove(p + off + newsz, p + oldend, tail);
    } else if (newsz < oldsz) {
        /* Shift the tail down first, then give back the end of the block. */
        memmove(p + off + newsz, p + oldend, tail);
        p = vlRealloc(p, bytes - (oldsz - newsz));
    }
    size_t n = varlenPut(p + off, len);
    if (len) memcpy(p + off + n, s, len);
    setBytes(p, bytes - oldsz + newsz);
    return p;
}

unsigned char *packDelete(unsigned char *p, size_t off, size_t n) {
    size_t bytes = packBytes(p);
    size_t end = off;
    size_t k;
    VL_ASSERT(off >= PACK_HDR && off <= bytes);
    for (k = 0; k < n && end < bytes; k++) end = skipEntry(p, end);
    VL_ASSERT(end <= bytes && k <= packCount(p));
    memmove(p + off, p + end, bytes - end);
    setBytes(p, bytes - (end - off));
    setCount(p, packCount(p) - k);
    return vlRealloc(p, bytes - (end - off));
}

/* ------------------------------------------------------------------------------------------ */
/* packInt                                                                                    */
/* ------------------------------------------------------------------------------------------ */

#define INT_HDR 8 /* uint32 count, uint32 width */

static inline size_t intWidth(const unsigned char *is) {
    return rd32(is + 4);
}

static inline size_t widthFor(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 2;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

static inline int64_t getAt(const unsigned char *is, size_t i, size_t w) {
    const unsigned char *q = is + INT_HDR + i * w;
    if (w == 2) {
        int16_t x;
        memcpy(&x, q, 2);
        return x;
    }
    if (w == 4) {
        int32_t x;
        memcpy(&x, q, 4);
        return x;
    }
    int64_t x;
    memcpy(&x, q, 8);
    return x;
}

static inline void setAt(unsigned char *is, size_t i, size_t w, int64_t v) {
    unsigned char *q = is + INT_HDR + i * w;
    if (w == 2) {
        int16_t x = (int16_t)v;
        memcpy(q, &x, 2);
    } else if (w == 4) {
        int32_t x = (int32_t)v;
        memcpy(q, &x, 4);
    } else {
        memcpy(q, &v, 8);
    }
}

/* 1 if v is present; *pos gets its index, or where it would be inserted. */
static int intSearch(const unsigned char *is, int64_t v, size_t *pos) {
    size_t lo = 0, hi = packIntCount(is), w = intWidth(is);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t x = getAt(is, mid, w);
        if (x == v) {
            *pos = mid;
            return 1;
        }
        if (x < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
}

unsigned char *packIntNew(void) {
    unsigned char *is = vlMalloc(INT_HDR);
    wr32(is, 0);
    wr32(is + 4, 2);
    return is;
}

void packIntFree(unsigned char *is) {
    vlFree(is);
}

unsigned char *packIntDup(const unsigned char *is) {
    return vlMemdup(is, packIntBytes(is));
}

size_t packIntCount(const unsigned char *is) {
    return rd32(is);
}

size_t packIntBytes(const unsigned char *is) {
    return INT_HDR + packIntCount(is) * intWidth(is);
}

int64_t packIntGet(const unsigned char *is, size_t index) {
    return getAt(is, index, intWidth(is));
}

int packIntFind(const unsigned char *is, int64_t v) {
    size_t pos;
    if (widthFor(v) > intWidth(is)) return 0; /* cannot be there: it would have widened */
    return intSearch(is, v, &pos);
}

int64_t packIntMin(const unsigned char *is) {
    return getAt(is, 0, intWidth(is));
}

int64_t packIntMax(const unsigned char *is) {
    return getAt(is, packIntCount(is) - 1, intWidth(is));
}

unsigned char *packIntAdd(unsigned char *is, int64_t v, int *added) {
    size_t count = packIntCount(is), w = intWidth(is), vw = widthFor(v);
    if (vw > w) {
        /* A value that needs a wider type is beyond every current value, so it goes first
         * (negative) or last. Rewriting back to front never overwrites an unread element:
         * each destination starts at or after its source's end of the older, narrower run. */
        size_t pre = v < 0 ? 1 : 0;
        is = vlRealloc(is, INT_HDR + (count + 1) * vw);
        for (size_t i = count; i-- > 0;) setAt(is, i + pre, vw, getAt(is, i, w));
        setAt(is, pre ? 0 : count, vw, v);
        wr32(is, (uint32_t)(count + 1));
        wr32(is + 4, (uint32_t)vw);
        if (added) *added = 1;
        return is;
    }
    size_t pos;
    if (intSearch(is, v, &pos)) {
        if (added) *added = 0;
        return is;
    }
    is = vlRealloc(is, INT_HDR + (count + 1) * w);
    unsigned char *base = is + INT_HDR;
    memmove(base + (pos + 1) * w, base + pos * w, (count - pos) * w);
    setAt(is, pos, w, v);
    wr32(is, (uint32_t)(count + 1));
    if (added) *added = 1;
    return is;
}

unsigned char *packIntRemove(unsigned char *is, int64_t v, int *removed) {
    size_t pos, count = packIntCount(is), w = intWidth(is);
    if (widthFor(v) > w || !intSearch(is, v, &pos)) {
        if (removed) *removed = 0;
        return is;
    }
    unsigned char *base = is + INT_HDR;
    memmove(base + pos * w, base + (pos + 1) * w, (count - pos - 1) * w);
    wr32(is, (uint32_t)(count - 1));
    if (removed) *removed = 1;
    return vlRealloc(is, INT_HDR + (count - 1) * w);
}

/* ------------------------------------------------------------------------------------------ */
/* Random picks                                                                               */
/* ------------------------------------------------------------------------------------------ */

static inline size_t randBelow(size_t n) {
    return (size_t)(utilRandom64() % n);
}

void packPickSorted(size_t n, size_t count, size_t *out) {
    size_t got = 0;
    for (size_t i = 0; i < n && got < count; i++) {
        /* Take i with probability (still needed) / (still available). */
        if (randBelow(n - i) < count - got) out[got++] = i;
    }
}

dictLink *packDictRandom(dict *d) {
    dictLink *buf[PACK_FAIR_SAMPLE];
    size_t n = dictSample(d, buf, PACK_FAIR_SAMPLE);
    if (n == 0) return dictRandom(d); /* a very sparse table: the sample found nothing */
    return buf[randBelow(n)];
}

static size_t pickByShuffle(dict *d, size_t count, dictLink **out) {
    size_t n = dictSize(d), k = 0;
    dictLink **all = vlMalloc(n * sizeof(*all));
    dictIter it;
    dictIterInit(&it, d);
    dictLink *e;
    while (k < n && (e = dictIterNext(&it)) != NULL) all[k++] = e;
    dictIterRelease(&it);
    if (count > k) count = k;
    for (size_t i = 0; i < count; i++) {
        size_t j = i + randBelow(k - i);
        dictLink *t = all[i];
        all[i] = all[j];
        all[j] = t;
        out[i] = all[i];
    }
    vlFree(all);
    return count;
}

size_t packPickDict(dict *d, size_t count, dictLink **out) {
    size_t n = dictSize(d);
    if (count > n) count = n;
    if (count == 0) return 0;
    /* Past a third of the dict, rejection of repeats would cost more draws than a listing. */
    if (count > n / 3) return pickByShuffle(d, count, out);
    size_t cap = 4;
    while (cap < count * 2) cap <<= 1;
    uintptr_t *seen = vlCalloc(cap * sizeof(*seen));
    size_t got = 0;
    /* Draws are only roughly uniform, so a bound on them guarantees the loop ends; the
     * shuffle finishes the job if it is ever hit. */
    size_t budget = count * 64 + 1024;
    while (got < count && budget-- > 0) {
        dictLink *e = packDictRandom(d);
        uintptr_t key = (uintptr_t)e;
        size_t h = (size_t)((key >> 4) * 0x9E3779B97F4A7C15ULL) & (cap - 1);
        while (seen[h] != 0 && seen[h] != key) h = (h + 1) & (cap - 1);
        if (seen[h] == key) continue;
        seen[h] = key;
        out[got++] = e;
    }
    vlFree(seen);
    if (got < count) return pickByShuffle(d, count, out);
    return got;
}
