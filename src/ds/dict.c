/* dict.c - intrusive chained hash table: incremental rehash, reverse-binary scan cursor,
 * random sampling, and a defrag step that moves entries and bucket arrays.
 *
 * What: the table behind the keyspace, the expires, hashes, sets and the pub/sub registry.
 * Two bucket arrays while rehashing (table[0] is drained into table[1] a few buckets per
 * operation, so a resize never stalls the event loop), power-of-two sizes, chains.
 *
 * The one decision: links are intrusive. An entry is the user's own block, whose first member
 * is a dictLink; the block holds its key, and the dict reads it through dictType.entryKey.
 * Per key this saves a separate node (24 bytes of payload, a 32-byte jemalloc class) and one
 * pointer hop on every lookup, and it gives defrag a simple contract: one block per entry,
 * moved by "copy, free, store the new pointer", with the predecessor link in hand so no
 * lookup is needed. The price: the hash is not stored, so a rehash recomputes it from the key
 * (siphash-1-2 on short keys is cheap next to the cache miss on the entry anyway).
 *
 * Rejected: node-per-entry (Redis's dictEntry: an extra allocation and pointer chase per key,
 * and a second block per key for defrag to chase); open addressing (deletion needs tombstones
 * or backward shift, and either one breaks the scan guarantee that an entry present for the
 * whole scan is returned, because entries move between slots the cursor already passed).
 *
 * Pure tier: alloc.h, util.h and libc only. */
#include "dict.h"

#include <limits.h>
#include <string.h>

#include "alloc.h"
#include "util.h"

#define DICT_INIT_EXP 2 /* 4 buckets: tiny hashes and sets are common */
/* With resizing disallowed (a fork shares pages copy-on-write, and a rehash would dirty them
 * all), growth waits until chains average this many entries. */
#define DICT_FORCE_RESIZE_RATIO 4
/* Under a heap's soft limit (alloc.h), the load a table may reach before it must grow anyway:
 * Redis's 1.618. Past it lookups slow down more than the memory is worth. */
#define DICT_LIMIT_LOAD_PCT 162
/* Largest table whose byte size still fits in size_t. */
#define DICT_MAX_EXP ((int)(sizeof(size_t) * CHAR_BIT) - 4)

static uint8_t dictSeed[16];

/* ------------------------------------------------------------------------------------------ */
/* Hashing and keys                                                                           */
/* ------------------------------------------------------------------------------------------ */

void dictSetHashSeed(const uint8_t seed[16]) {
    memcpy(dictSeed, seed, sizeof(dictSeed));
}

uint64_t dictHashDefault(const void *key, size_t len) {
    return utilSipHash(key, len, dictSeed);
}

uint64_t dictHashNoCase(const void *key, size_t len) {
    return utilSipHashNoCase(key, len, dictSeed);
}

int dictKeyCompareNoCase(const void *k1, size_t l1, const void *k2, size_t l2) {
    if (l1 != l2) return 0;
    const unsigned char *a = k1, *b = k2;
    for (size_t i = 0; i < l1; i++) {
        unsigned char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z') y += 'a' - 'A';
        if (x != y) return 0;
    }
    return 1;
}

static inline const void *entryKey(const dict *d, const dictLink *e, size_t *len) {
    return d->type->entryKey(e, len);
}

static inline uint64_t hashKey(const dict *d, const void *key, size_t len) {
    return d->type->hash ? d->type->hash(key, len) : dictHashDefault(key, len);
}

static inline int keysEqual(const dict *d, const void *k1, size_t l1, const void *k2, size_t l2) {
    if (d->type->keyCompare) return d->type->keyCompare(k1, l1, k2, l2);
    return l1 == l2 && (l1 == 0 || memcmp(k1, k2, l1) == 0);
}

/* ------------------------------------------------------------------------------------------ */
/* Table geometry                                                                             */
/* ------------------------------------------------------------------------------------------ */

static inline size_t tableSize(const dict *d, int t) {
    return d->exp[t] < 0 ? 0 : (size_t)1 << d->exp[t];
}

static inline size_t tableMask(const dict *d, int t) {
    return d->exp[t] < 0 ? 0 : ((size_t)1 << d->exp[t]) - 1;
}

static void resetTable(dict *d, int t) {
    d->table[t] = NULL;
    d->used[t] = 0;
    d->exp[t] = -1;
}

/* Smallest exponent whose table holds want buckets, or -1 when that table could not be
 * addressed (the byte size would overflow size_t). */
static int nextExp(size_t want) {
    if (want > (size_t)1 << DICT_MAX_EXP) return -1;
    int e = DICT_INIT_EXP;
    while (((size_t)1 << e) < want) e++;
    return e;
}

int dictIsRehashing(const dict *d) {
    return d->rehashidx != -1;
}

/* Makes a table of at least want buckets: the first table directly, otherwise a second one
 * that rehash steps fill. Not while rehashing (a third table would break the scan cursor's
 * two-table reasoning). */
static int resizeTo(dict *d, size_t want) {
    if (dictIsRehashing(d)) return VL_ERR;
    int e = nextExp(want);
    if (e < 0 || e == d->exp[0]) return VL_ERR;
    dictLink **t = vlCalloc(((size_t)1 << e) * sizeof(dictLink *));
    if (d->table[0] == NULL) {
        d->table[0] = t;
        d->exp[0] = (int8_t)e;
        d->used[0] = 0;
        return VL_OK;
    }
    d->table[1] = t;
    d->exp[1] = (int8_t)e;
    d->used[1] = 0;
    d->rehashidx = 0;
    return VL_OK;
}

static void expandIfNeeded(dict *d) {
    if (dictIsRehashing(d)) return;
    if (d->table[0] == NULL) {
        resizeTo(d, (size_t)1 << DICT_INIT_EXP);
        return;
    }
    size_t size = tableSize(d, 0), used = d->used[0];
    if (used < size) return;
    if (!d->resize_allowed && used / size <= DICT_FORCE_RESIZE_RATIO) return;
    if (used > SIZE_MAX / 2) return; /* cannot double; chains just grow longer */
    /* Near a memory limit a grow waits until chains average DICT_LIMIT_LOAD_PCT / 100: the
     * new table (64 KB at 4,096 entries) would otherwise be paid for by evicting keys. */
    if ((double)used * 100 <= (double)size * DICT_LIMIT_LOAD_PCT) {
        int e = nextExp(used * 2);
        if (e >= 0 && allocOverLimitAfter(((size_t)1 << e) * sizeof(dictLink *))) return;
    }
    resizeTo(d, used * 2);
}

/* ------------------------------------------------------------------------------------------ */
/* Incremental rehash                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* Moves up to n non-empty buckets from table[0] to table[1]. Each step may cross at most
 * n*10 empty buckets: a freshly shrunk-from or sparse table can have long empty runs, and an
 * unbounded walk would turn "one step per operation" into an O(buckets) stall. */
static int rehash(dict *d, int n) {
    if (!dictIsRehashing(d)) return 0;
    long empty_visits = (long)n * 10;
    dictLink **t0 = d->table[0], **t1 = d->table[1];
    size_t mask1 = tableMask(d, 1);

    while (n-- > 0 && d->used[0] != 0) {
        /* used[0] != 0 guarantees an entry at or after rehashidx. */
        VL_ASSERT((size_t)d->rehashidx < tableSize(d, 0));
        while (t0[d->rehashidx] == NULL) {
            d->rehashidx++;
            if (--empty_visits == 0) return 1;
        }
        dictLink *e = t0[d->rehashidx];
        while (e) {
            dictLink *next = e->next;
            size_t len;
            const void *key = entryKey(d, e, &len);
            size_t idx = (size_t)hashKey(d, key, len) & mask1;
            e->next = t1[idx];
            t1[idx] = e;
            VL_ASSERT(d->used[0] > 0);
            d->used[0]--;
            d->used[1]++;
            e = next;
        }
        t0[d->rehashidx] = NULL;
        d->rehashidx++;
    }
    if (d->used[0] == 0) {
        vlFree(d->table[0]);
        d->table[0] = d->table[1];
        d->used[0] = d->used[1];
        d->exp[0] = d->exp[1];
        resetTable(d, 1);
        d->rehashidx = -1;
        return 0;
    }
    return 1;
}

/* The step every lookup and update pays while rehashing, so the work is spread over the
 * operations that caused it. Iterators and scans pause it: a move under their feet would make
 * them skip or repeat entries. */
static inline void rehashStep(dict *d) {
    if (dictIsRehashing(d) && d->pauserehash == 0) rehash(d, 1);
}

int dictRehashSteps(dict *d, int n) {
    if (d->pauserehash > 0 || n <= 0) return 0;
    return rehash(d, n);
}

int dictRehashMicros(dict *d, uint64_t us) {
    if (d->pauserehash > 0) return 0;
    uint64_t start = utilMonoUs();
    /* Batches of 100 keep the clock reads rare next to the work. */
    while (rehash(d, 100)) {
        if (utilMonoUs() - start >= us) return 1;
    }
    return 0;
}

void dictResizeAllowed(dict *d, int allowed) {
    d->resize_allowed = allowed ? 1 : 0;
}

int dictShrinkIfNeeded(dict *d) {
    if (dictIsRehashing(d) || !d->resize_allowed || d->table[0] == NULL) return 0;
    size_t size = tableSize(d, 0), used = d->used[0];
    if (size <= ((size_t)1 << DICT_INIT_EXP) || used >= size / 8) return 0;
    /* Target load 1/2, as after a grow: a few adds right after must not grow it back. */
    return resizeTo(d, used * 2) == VL_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Create, destroy                                                                            */
/* ------------------------------------------------------------------------------------------ */

dict *dictCreate(const dictType *type) {
    dict *d = vlMalloc(sizeof(*d));
    d->type = type;
    resetTable(d, 0);
    resetTable(d, 1);
    d->rehashidx = -1;
    d->pauserehash = 0;
    d->resize_allowed = 1;
    return d;
}

void dictEmpty(dict *d, void (*progress)(void *ctx), void *ctx) {
    for (int t = 0; t < 2; t++) {
        if (d->table[t] == NULL) continue;
        size_t size = tableSize(d, t);
        for (size_t i = 0; i < size; i++) {
            if (progress && (i & 65535) == 0) progress(ctx);
            dictLink *e = d->table[t][i];
            while (e) {
                dictLink *next = e->next;
                if (d->type->entryFree) d->type->entryFree(e);
                e = next;
            }
        }
        vlFree(d->table[t]);
        resetTable(d, t);
    }
    d->rehashidx = -1;
}

void dictRelease(dict *d) {
    if (!d) return;
    dictEmpty(d, NULL, NULL);
    vlFree(d);
}

size_t dictSize(const dict *d) {
    return d->used[0] + d->used[1];
}
size_t dictBuckets(const dict *d) {
    return tableSize(d, 0) + tableSize(d, 1);
}

void dictTableStats(const dict *d, int t, size_t *size, size_t *used) {
    *size = tableSize(d, t);
    *used = *size ? d->used[t] : 0;
}

size_t dictMemUsage(const dict *d) {
    return sizeof(*d) + dictBuckets(d) * sizeof(dictLink *);
}

/* ------------------------------------------------------------------------------------------ */
/* Lookup and update                                                                          */
/* ------------------------------------------------------------------------------------------ */

/* The link that points at the entry with this key (a bucket head or a predecessor's next),
 * or NULL. Returning the slot lets unlink splice without a second walk. */
static dictLink **findSlot(dict *d, const void *key, size_t len, uint64_t h, int *table) {
    for (int t = 0; t < 2; t++) {
        if (d->table[t] == NULL) continue;
        dictLink **slot = &d->table[t][(size_t)h & tableMask(d, t)];
        while (*slot) {
            size_t elen;
            const void *ekey = entryKey(d, *slot, &elen);
            if (keysEqual(d, key, len, ekey, elen)) {
                if (table) *table = t;
                return slot;
            }
            slot = &(*slot)->next;
        }
        if (!dictIsRehashing(d)) break;
    }
    return NULL;
}

dictLink *dictFind(dict *d, const void *key, size_t len) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    dictLink **slot = findSlot(d, key, len, hashKey(d, key, len), NULL);
    return slot ? *slot : NULL;
}

dictLink **dictFindRef(dict *d, const void *key, size_t len) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    return findSlot(d, key, len, hashKey(d, key, len), NULL);
}

static void insert(dict *d, dictLink *e, uint64_t h) {
    /* While rehashing, new entries go to the new table so table[0] only ever drains. */
    int t = dictIsRehashing(d) ? 1 : 0;
    VL_ASSERT(d->table[t] != NULL);
    dictLink **bucket = &d->table[t][(size_t)h & tableMask(d, t)];
    e->next = *bucket;
    *bucket = e;
    d->used[t]++;
}

int dictAdd(dict *d, dictLink *e) {
    size_t len;
    const void *key = entryKey(d, e, &len);
    rehashStep(d);
    uint64_t h = hashKey(d, key, len);
    if (dictSize(d) != 0 && findSlot(d, key, len, h, NULL) != NULL) return VL_ERR;
    expandIfNeeded(d);
    insert(d, e, h);
    return VL_OK;
}

void dictAddNew(dict *d, dictLink *e) {
    size_t len;
    const void *key = entryKey(d, e, &len);
    rehashStep(d);
    expandIfNeeded(d);
    insert(d, e, hashKey(d, key, len));
}

dictLink *dictUnlink(dict *d, const void *key, size_t len) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    int t = 0;
    dictLink **slot = findSlot(d, key, len, hashKey(d, key, len), &t);
    if (slot == NULL) return NULL;
    dictLink *e = *slot;
    *slot = e->next;
    e->next = NULL;
    VL_ASSERT(d->used[t] > 0);
    d->used[t]--;
    return e;
}

int dictReplace(dict *d, dictLink *old, dictLink *new_) {
    size_t len;
    const void *key = entryKey(d, new_, &len); /* old may be freed: its key is new_'s */
    uint64_t h = hashKey(d, key, len);
    for (int t = 0; t < 2; t++) {
        if (d->table[t] == NULL) continue;
        dictLink **slot = &d->table[t][(size_t)h & tableMask(d, t)];
        /* Compare addresses only; *old is never read. */
        while (*slot) {
            if ((uintptr_t)*slot == (uintptr_t)old) {
                *slot = new_;
                return VL_OK;
            }
            slot = &(*slot)->next;
        }
    }
    return VL_ERR;
}

/* ------------------------------------------------------------------------------------------ */
/* Random entries                                                                             */
/* ------------------------------------------------------------------------------------------ */

dictLink *dictRandom(dict *d) {
    if (dictSize(d) == 0) return NULL;
    rehashStep(d);
    /* Buckets are numbered across both tables; below rehashidx table[0] is known empty. */
    size_t s0 = tableSize(d, 0);
    size_t lo = dictIsRehashing(d) ? (size_t)d->rehashidx : 0;
    size_t span = s0 + tableSize(d, 1) - lo;
    dictLink *e = NULL;
    size_t i;

    for (int tries = 0; tries < 64 && e == NULL; tries++) {
        i = lo + (size_t)(utilRandom64() % span);
        e = i < s0 ? d->table[0][i] : d->table[1][i - s0];
    }
    if (e == NULL) {
        /* A very sparse table (mass deletes before the cron shrinks it): probing could take
         * buckets/used tries; a linear walk from a random spot is bounded and cache-friendly. */
        i = lo + (size_t)(utilRandom64() % span);
        for (size_t k = 0; k < span && e == NULL; k++) {
            e = i < s0 ? d->table[0][i] : d->table[1][i - s0];
            if (++i == lo + span) i = lo;
        }
        VL_ASSERT(e != NULL); /* dictSize() > 0: some bucket holds an entry */
        if (e == NULL) return NULL;
    }
    size_t chain = 0;
    for (dictLink *x = e; x; x = x->next) chain++;
    for (size_t k = (size_t)(utilRandom64() % chain); k > 0; k--) e = e->next;
    return e;
}

static int sampleHas(dictLink **out, size_t n, const dictLink *e) {
    for (size_t k = 0; k < n; k++) {
        if (out[k] == e) return 1;
    }
    return 0;
}

size_t dictSample(dict *d, dictLink **out, size_t count) {
    size_t n = dictSize(d);
    if (n == 0 || count == 0) return 0;
    if (count > n) count = n;
    /* Sampling is done on behalf of the same workload that caused the rehash: pay for it. */
    for (size_t k = 0; k < count && dictIsRehashing(d) && d->pauserehash == 0; k++) rehash(d, 1);

    int tables = dictIsRehashing(d) ? 2 : 1;
    size_t maxmask = tableMask(d, 0);
    if (tables == 2 && tableMask(d, 1) > maxmask) maxmask = tableMask(d, 1);
    /* Bounded work: count*10 buckets at most, so a sparse table yields fewer samples rather
     * than a long walk. */
    size_t steps = count <= SIZE_MAX / 10 ? count * 10 : SIZE_MAX;
    size_t i = (size_t)utilRandom64() & maxmask, stored = 0, visited = 0, emptyrun = 0;
    int mayRepeat = 0;

    while (steps-- > 0) {
        int empty = 1;
        for (int t = 0; t < tables; t++) {
            if (t == 0 && tables == 2 && i < (size_t)d->rehashidx) continue; /* drained */
            if (i >= tableSize(d, t)) continue;
            for (dictLink *e = d->table[t][i]; e; e = e->next) {
                empty = 0;
                if (mayRepeat && sampleHas(out, stored, e)) continue;
                out[stored++] = e;
                if (stored == count) return stored;
            }
        }
        if (++visited > maxmask) mayRepeat = 1; /* wrapped around */
        /* A rehash leaves long empty runs (both halves of the new table that map to the
         * undrained part of the old one): jump out of one rather than spend the budget in it.
         * Jumps and wraps can land on buckets already taken, hence the duplicate check. */
        if (empty && ++emptyrun >= 5 && emptyrun > count) {
            i = (size_t)utilRandom64() & maxmask;
            emptyrun = 0;
            mayRepeat = 1;
        } else {
            if (!empty) emptyrun = 0;
            i = (i + 1) & maxmask;
        }
    }
    return stored;
}

/* ------------------------------------------------------------------------------------------ */
/* Scan and defrag                                                                            */
/* ------------------------------------------------------------------------------------------ */

static unsigned long reverseBits(unsigned long v) {
    unsigned s = sizeof(v) * CHAR_BIT;
    unsigned long mask = ~0UL;
    while ((s >>= 1) > 0) {
        mask ^= mask << s;
        v = ((v >> s) & mask) | ((v << s) & ~mask);
    }
    return v;
}

/* Advances the cursor in reversed bit order: incrementing the high bits first is what makes
 * the cursor valid across resizes, since a bucket of a table 2^k times larger has the same
 * low bits as its origin, and all of its siblings come before the next origin bucket. */
static inline unsigned long cursorNext(unsigned long v, unsigned long mask) {
    v |= ~mask;
    v = reverseBits(v);
    v++;
    return reverseBits(v);
}

typedef void bucketVisitor(dict *d, dictLink **bucket, void *arg);

/* Visits the buckets that cursor v stands for: one bucket of the smaller table, and all the
 * buckets of the larger table that it expands to. Returns the next cursor. */
static unsigned long scanBuckets(dict *d, unsigned long v, bucketVisitor *visit, void *arg) {
    d->pauserehash++;
    if (!dictIsRehashing(d)) {
        unsigned long m0 = (unsigned long)tableMask(d, 0);
        visit(d, &d->table[0][v & m0], arg);
        v = cursorNext(v, m0);
    } else {
        int s = d->exp[0] <= d->exp[1] ? 0 : 1, l = 1 - s;
        unsigned long ms = (unsigned long)tableMask(d, s), ml = (unsigned long)tableMask(d, l);
        visit(d, &d->table[s][v & ms], arg);
        do {
            visit(d, &d->table[l][v & ml], arg);
            v = cursorNext(v, ml);
        } while (v & (ms ^ ml)); /* until the bits only the larger table has wrap to 0 */
    }
    d->pauserehash--;
    return v;
}

typedef struct scanArg {
    void (*fn)(void *ctx, dictLink *e);
    void *ctx;
} scanArg;

static void scanVisit(dict *d, dictLink **bucket, void *arg) {
    VL_UNUSED(d);
    scanArg *sa = arg;
    dictLink *e = *bucket;
    while (e) {
        dictLink *next = e->next; /* fn may unlink and free e */
        sa->fn(sa->ctx, e);
        e = next;
    }
}

unsigned long dictScan(dict *d, unsigned long cursor, void (*fn)(void *ctx, dictLink *e),
                       void *ctx) {
    if (dictSize(d) == 0) return 0;
    scanArg sa = {fn, ctx};
    return scanBuckets(d, cursor, scanVisit, &sa);
}

typedef struct defragArg {
    dictLink *(*move)(dictLink *e, void *ctx);
    void *ctx;
} defragArg;

static void defragVisit(dict *d, dictLink **bucket, void *arg) {
    VL_UNUSED(d);
    defragArg *da = arg;
    dictLink **slot = bucket;
    while (*slot) {
        dictLink *moved = da->move(*slot, da->ctx);
        /* The old block is gone; the copy carries the link to the rest of the chain. */
        if (moved) *slot = moved;
        slot = &(*slot)->next;
    }
}

unsigned long dictDefragStep(dict *d, unsigned long cursor,
                             dictLink *(*move)(dictLink *e, void *ctx),
                             void *(*moveTable)(void *table, void *ctx), void *ctx) {
    if (cursor == 0 && moveTable) {
        for (int t = 0; t < 2; t++) {
            if (d->table[t] == NULL) continue;
            void *moved = moveTable(d->table[t], ctx);
            if (moved) d->table[t] = moved;
        }
    }
    if (dictSize(d) == 0 || move == NULL) return 0;
    defragArg da = {move, ctx};
    return scanBuckets(d, cursor, defragVisit, &da);
}

/* ------------------------------------------------------------------------------------------ */
/* Safe iterator                                                                              */
/* ------------------------------------------------------------------------------------------ */

void dictIterInit(dictIter *it, dict *d) {
    it->d = d;
    it->next = NULL;
    it->index = 0;
    it->table = 0;
    it->started = 0;
}

dictLink *dictIterNext(dictIter *it) {
    dict *d = it->d;
    if (!it->started) {
        it->started = 1;
        d->pauserehash++;
    }
    for (;;) {
        if (it->next) {
            dictLink *e = it->next;
            it->next = e->next; /* taken now, so the caller may unlink and free e */
            return e;
        }
        if (it->index >= tableSize(d, it->table)) {
            /* A grow started by an add during iteration is checked for here, too. */
            if (it->table == 1 || !dictIsRehashing(d)) return NULL;
            it->table = 1;
            it->index = 0;
            continue;
        }
        it->next = d->table[it->table][it->index++];
    }
}

void dictIterRelease(dictIter *it) {
    VL_ASSERT(!it->started || it->d->pauserehash > 0);
    if (it->started) it->d->pauserehash--;
    it->started = 0;
}
