/* test_dict.c - unit tests for dict.c: basic operations, a million entries, random and
 * sample, the safe iterator with deletion, the scan guarantee while the table grows, shrinks
 * and rehashes, dictReplace after a realloc, and defrag moving every entry and the tables. */
#include "ctest.h"
#include "alloc.h"
#include "dict.h"
#include "util.h"

#include <stdint.h>

typedef struct ent {
    dictLink link; /* first member: the dict links the block itself */
    uint32_t id;
    uint32_t len;
    char key[];
} ent;

static const void *entKey(const dictLink *e, size_t *len) {
    const ent *x = (const ent *)e;
    *len = x->len;
    return x->key;
}

static long freed_count;
static void entFree(dictLink *e) {
    freed_count++;
    vlFree(e);
}

static const dictType T = {entKey, NULL, NULL, entFree};
static const dictType TNoCase = {entKey, dictHashNoCase, dictKeyCompareNoCase, entFree};

static ent *entNew(const char *key, size_t len, uint32_t id) {
    ent *x = vlMalloc(sizeof(ent) + len);
    x->link.next = NULL;
    x->id = id;
    x->len = (uint32_t)len;
    memcpy(x->key, key, len);
    return x;
}

static ent *entNum(uint32_t id) {
    char buf[32];
    int l = snprintf(buf, sizeof(buf), "key:%u", id);
    return entNew(buf, (size_t)l, id);
}

static ent *findNum(dict *d, uint32_t id) {
    char buf[32];
    int l = snprintf(buf, sizeof(buf), "key:%u", id);
    return (ent *)dictFind(d, buf, (size_t)l);
}

static dictLink *unlinkNum(dict *d, uint32_t id) {
    char buf[32];
    int l = snprintf(buf, sizeof(buf), "key:%u", id);
    return dictUnlink(d, buf, (size_t)l);
}

/* Deterministic PRNG for the randomized schedules, so a failure reproduces. */
static uint64_t rng = 0x123456789abcdefULL;
static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void finishRehash(dict *d) {
    while (dictRehashSteps(d, 1000)) {
    }
}

/* ------------------------------------------------------------------------------------------ */

static void testBasic(void) {
    CHECK(sizeof(dict) <= 64);
    dict *d = dictCreate(&T);
    CHECK_EQ(dictSize(d), 0);
    CHECK(dictFind(d, "a", 1) == NULL);
    CHECK(dictUnlink(d, "a", 1) == NULL);
    CHECK(dictRandom(d) == NULL);

    ent *a = entNew("a", 1, 1), *b = entNew("b", 1, 2), *a2 = entNew("a", 1, 3);
    CHECK_EQ(dictAdd(d, &a->link), VL_OK);
    CHECK_EQ(dictAdd(d, &b->link), VL_OK);
    CHECK_EQ(dictAdd(d, &a2->link), VL_ERR); /* key exists: not added */
    CHECK_EQ(dictSize(d), 2);
    CHECK(dictFind(d, "a", 1) == &a->link);
    CHECK(dictFind(d, "b", 1) == &b->link);
    CHECK(dictFind(d, "c", 1) == NULL);
    CHECK(dictFind(d, "A", 1) == NULL);

    /* empty key and binary key */
    ent *empty = entNew("", 0, 4), *bin = entNew("x\0y", 3, 5);
    dictAddNew(d, &empty->link);
    CHECK_EQ(dictAdd(d, &bin->link), VL_OK);
    CHECK(dictFind(d, "", 0) == &empty->link);
    CHECK(dictFind(d, "x\0y", 3) == &bin->link);
    CHECK(dictFind(d, "x", 1) == NULL);

    CHECK(dictUnlink(d, "a", 1) == &a->link);
    CHECK(dictFind(d, "a", 1) == NULL);
    CHECK(dictUnlink(d, "a", 1) == NULL);
    CHECK_EQ(dictSize(d), 3);
    CHECK_EQ(dictAdd(d, &a2->link), VL_OK); /* now it fits */
    CHECK(dictFind(d, "a", 1) == &a2->link);
    vlFree(a);

    /* replace with a fresh block: the caller copies the link, then frees old */
    ent *b2 = entNew("b", 1, 6);
    b2->link.next = b->link.next;
    CHECK_EQ(dictReplace(d, &b->link, &b2->link), VL_OK);
    vlFree(b);
    CHECK(dictFind(d, "b", 1) == &b2->link);
    ent *stray = entNew("b", 1, 7);
    CHECK_EQ(dictReplace(d, &stray->link, &stray->link), VL_ERR);
    vlFree(stray);

    CHECK(dictMemUsage(d) == sizeof(dict) + dictBuckets(d) * sizeof(void *));
    freed_count = 0;
    dictRelease(d);
    CHECK_EQ(freed_count, 4);
    dictRelease(NULL);
}

/* dictFindRef: swap every entry for a fresh block through the returned link, also while
 * the table is rehashing, then check that every key finds the new block. */
static void testFindRefSwap(void) {
    dict *d = dictCreate(&T);
    for (uint32_t i = 0; i < 20000; i++) dictAddNew(d, &entNum(i)->link);
    CHECK(dictFindRef(d, "nope", 4) == NULL);
    for (uint32_t i = 0; i < 20000; i++) {
        if (i == 10000) dictAddNew(d, &entNum(99999)->link); /* may start a rehash */
        char buf[32];
        int l = snprintf(buf, sizeof(buf), "key:%u", i);
        dictLink **ref = dictFindRef(d, buf, (size_t)l);
        CHECK(ref && *ref);
        if (!ref) break;
        ent *old = (ent *)*ref, *nu = entNum(i + 1000000);
        nu->len = old->len; /* same key bytes, new id */
        memcpy(nu->key, old->key, old->len);
        nu->link.next = old->link.next;
        *ref = &nu->link;
        vlFree(old);
    }
    CHECK_EQ(dictSize(d), 20001);
    for (uint32_t i = 0; i < 20000; i++) {
        ent *e = findNum(d, i);
        CHECK(e && e->id == i + 1000000);
    }
    dictRelease(d);
}

static void testNoCase(void) {
    dict *d = dictCreate(&TNoCase);
    ent *x = entNew("Hello", 5, 1);
    CHECK_EQ(dictAdd(d, &x->link), VL_OK);
    CHECK(dictFind(d, "hello", 5) == &x->link);
    CHECK(dictFind(d, "HELLO", 5) == &x->link);
    CHECK(dictFind(d, "HELLO!", 6) == NULL);
    ent *y = entNew("hELLo", 5, 2);
    CHECK_EQ(dictAdd(d, &y->link), VL_ERR);
    vlFree(y);
    CHECK(dictKeyCompareNoCase("aBc", 3, "AbC", 3));
    CHECK(!dictKeyCompareNoCase("abc", 3, "abd", 3));
    CHECK(!dictKeyCompareNoCase("abc", 3, "ab", 2));
    CHECK(dictHashNoCase("AbC", 3) == dictHashNoCase("abc", 3));
    CHECK(dictHashDefault("AbC", 3) != dictHashDefault("abc", 3));
    dictRelease(d);
}

static void testSeed(void) {
    uint8_t s1[16] = {1}, s2[16] = {2};
    dictSetHashSeed(s1);
    uint64_t h1 = dictHashDefault("key", 3);
    CHECK(h1 == dictHashDefault("key", 3));
    dictSetHashSeed(s2);
    CHECK(h1 != dictHashDefault("key", 3));
    uint8_t seed[16];
    utilRandomBytes(seed, sizeof(seed));
    dictSetHashSeed(seed);
}

#define MILLION 1000000u

static void testMillion(void) {
    dict *d = dictCreate(&T);
    for (uint32_t i = 0; i < MILLION; i++) {
        ent *x = entNum(i);
        if (dictAdd(d, &x->link) != VL_OK) {
            CHECK(0);
            vlFree(x);
        }
    }
    CHECK_EQ(dictSize(d), MILLION);
    int bad = 0;
    for (uint32_t i = 0; i < MILLION; i++) {
        ent *x = findNum(d, i);
        if (!x || x->id != i) bad++;
    }
    CHECK_EQ(bad, 0);
    CHECK(findNum(d, MILLION) == NULL);
    finishRehash(d);
    size_t b = dictBuckets(d);
    CHECK(b >= MILLION && (b & (b - 1)) == 0);

    /* delete 15/16: the cron's shrink starts, steps finish it, nothing is lost */
    for (uint32_t i = 0; i < MILLION; i++) {
        if (i % 16 == 0) continue;
        dictLink *e = unlinkNum(d, i);
        if (!e) bad++;
        vlFree(e);
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(dictSize(d), MILLION / 16);
    finishRehash(d);
    CHECK_EQ(dictShrinkIfNeeded(d), 1);
    CHECK(dictIsRehashing(d));
    CHECK_EQ(dictShrinkIfNeeded(d), 0); /* not twice */
    while (dictRehashMicros(d, 1000)) {
    }
    CHECK(!dictIsRehashing(d));
    CHECK(dictBuckets(d) < b / 4);
    for (uint32_t i = 0; i < MILLION; i += 16) {
        ent *x = findNum(d, i);
        if (!x || x->id != i) bad++;
    }
    CHECK_EQ(bad, 0);

    /* empty frees every entry and the tables */
    freed_count = 0;
    dictEmpty(d, NULL, NULL);
    CHECK_EQ(freed_count, MILLION / 16);
    CHECK_EQ(dictSize(d), 0);
    CHECK_EQ(dictBuckets(d), 0);
    /* the dict stays usable */
    ent *x = entNum(7);
    CHECK_EQ(dictAdd(d, &x->link), VL_OK);
    CHECK(findNum(d, 7) == x);
    dictRelease(d);
}

static int progressCalls;
static void countProgress(void *ctx) {
    VL_UNUSED(ctx);
    progressCalls++;
}

static void testEmptyProgress(void) {
    dict *d = dictCreate(&T);
    for (uint32_t i = 0; i < 200000; i++) dictAddNew(d, &entNum(i)->link);
    finishRehash(d);
    size_t buckets = dictBuckets(d);
    progressCalls = 0;
    dictEmpty(d, countProgress, NULL);
    CHECK_EQ(progressCalls, (buckets + 65535) / 65536);
    dictRelease(d);
}

static void testResizeAllowed(void) {
    dict *d = dictCreate(&T);
    for (uint32_t i = 0; i < 64; i++) dictAddNew(d, &entNum(i)->link);
    finishRehash(d);
    size_t b = dictBuckets(d);
    dictResizeAllowed(d, 0);
    uint32_t n = 64;
    while (n < 4 * b) dictAddNew(d, &entNum(n++)->link);
    CHECK_EQ(dictBuckets(d), b); /* load 4, still no grow */
    while (!dictIsRehashing(d) && n < 6 * b) dictAddNew(d, &entNum(n++)->link);
    CHECK(dictIsRehashing(d)); /* past load 4 it grows anyway */
    finishRehash(d);
    for (uint32_t i = 0; i < n; i++) CHECK(findNum(d, i) != NULL);
    /* no shrink while disallowed */
    for (uint32_t i = 1; i < n; i++) vlFree(unlinkNum(d, i));
    finishRehash(d);
    CHECK_EQ(dictShrinkIfNeeded(d), 0);
    dictResizeAllowed(d, 1);
    CHECK_EQ(dictShrinkIfNeeded(d), 1);
    finishRehash(d);
    CHECK_EQ(dictBuckets(d), 4);
    CHECK(findNum(d, 0) != NULL);
    dictRelease(d);
}

/* Starts a grow and leaves it half done. */
static dict *rehashingDict(uint32_t n) {
    dict *d = dictCreate(&T);
    uint32_t i = 0;
    for (; i < n; i++) dictAddNew(d, &entNum(i)->link);
    finishRehash(d);
    while (!dictIsRehashing(d)) {
        dictAddNew(d, &entNum(i)->link);
        i++;
    }
    dictRehashSteps(d, (int)(dictBuckets(d) / 6));
    return d;
}

static void testRandomSample(void) {
    dict *d = dictCreate(&T);
    enum {
        N = 1000
    };
    for (uint32_t i = 0; i < N; i++) dictAddNew(d, &entNum(i)->link);
    static int hits[N];
    memset(hits, 0, sizeof(hits));
    for (int k = 0; k < 100 * N; k++) {
        ent *x = (ent *)dictRandom(d);
        if (!x || x->id >= N || findNum(d, x->id) != x) {
            CHECK(0);
            break;
        }
        hits[x->id]++;
    }
    int missing = 0, hot = 0;
    for (int i = 0; i < N; i++) {
        missing += hits[i] == 0;
        hot += hits[i] > 1000; /* 10x the mean */
    }
    CHECK_EQ(missing, 0);
    CHECK_EQ(hot, 0);

    dictLink *out[64];
    size_t got = dictSample(d, out, 16);
    CHECK(got > 0 && got <= 16);
    for (size_t i = 0; i < got; i++) {
        ent *x = (ent *)out[i];
        CHECK(findNum(d, x->id) == x);
        for (size_t j = 0; j < i; j++) CHECK(out[j] != out[i]);
    }
    CHECK_EQ(dictSample(d, out, 0), 0);
    dictRelease(d);

    /* small dict: asking for more than there is returns each entry once */
    d = dictCreate(&T);
    for (uint32_t i = 0; i < 3; i++) dictAddNew(d, &entNum(i)->link);
    got = dictSample(d, out, 64);
    CHECK_EQ(got, 3);
    CHECK(out[0] != out[1] && out[1] != out[2] && out[0] != out[2]);
    dictRelease(d);

    /* while rehashing, both tables are used */
    d = rehashingDict(4096);
    for (int k = 0; k < 1000; k++) {
        ent *x = (ent *)dictRandom(d);
        CHECK(x && findNum(d, x->id) == x);
        got = dictSample(d, out, 20);
        CHECK(got > 0);
        for (size_t i = 0; i < got; i++) {
            for (size_t j = 0; j < i; j++) CHECK(out[j] != out[i]);
        }
    }
    dictRelease(d);

    /* very sparse: the linear fallback still finds the one entry */
    d = dictCreate(&T);
    for (uint32_t i = 0; i < 100000; i++) dictAddNew(d, &entNum(i)->link);
    finishRehash(d);
    for (uint32_t i = 1; i < 100000; i++) vlFree(unlinkNum(d, i));
    finishRehash(d);
    for (int k = 0; k < 10; k++) CHECK(dictRandom(d) == (dictLink *)findNum(d, 0));
    dictRelease(d);
}

static void iterCase(dict *d, uint32_t n) {
    static unsigned char seen[1 << 16];
    memset(seen, 0, sizeof(seen));
    long idx = d->rehashidx;
    dictIter it;
    dictIterInit(&it, d);
    dictLink *e;
    size_t count = 0;
    int dup = 0;
    while ((e = dictIterNext(&it)) != NULL) {
        ent *x = (ent *)e;
        if (seen[x->id]) dup++;
        seen[x->id] = 1;
        count++;
        /* delete every other entry, the one just returned */
        if (x->id % 2 == 0) {
            CHECK(unlinkNum(d, x->id) == e);
            vlFree(e);
        }
    }
    CHECK_EQ(d->rehashidx, idx); /* paused throughout, even with unlinks */
    dictIterRelease(&it);
    CHECK_EQ(dup, 0);
    CHECK_EQ(count, n);
    CHECK_EQ(dictSize(d), n / 2);
    for (uint32_t i = 0; i < n; i++) CHECK((findNum(d, i) != NULL) == (i % 2 == 1));
}

static void testIterator(void) {
    dict *d = dictCreate(&T);
    enum {
        N = 10000
    };
    for (uint32_t i = 0; i < N; i++) dictAddNew(d, &entNum(i)->link);
    finishRehash(d);
    iterCase(d, N);
    dictRelease(d);

    d = rehashingDict(20000);
    uint32_t n = (uint32_t)dictSize(d);
    CHECK(dictIsRehashing(d));
    iterCase(d, n);
    CHECK_EQ(d->pauserehash, 0);
    dictRelease(d);

    /* empty dict, and an iterator released without use */
    d = dictCreate(&T);
    dictIter it;
    dictIterInit(&it, d);
    CHECK(dictIterNext(&it) == NULL);
    dictIterRelease(&it);
    dictIterInit(&it, d);
    dictIterRelease(&it);
    CHECK_EQ(d->pauserehash, 0);
    dictRelease(d);
}

/* ------------------------------------------------------------------------------------------ */
/* Scan guarantees                                                                            */
/* ------------------------------------------------------------------------------------------ */

#define SCAN_MAX (1u << 18)
static unsigned char scanSeen[SCAN_MAX];

static void scanMark(void *ctx, dictLink *e) {
    VL_UNUSED(ctx);
    scanSeen[((ent *)e)->id] = 1;
}

/* Entries with id < kept are never deleted during the scan; the rest come and go. The
 * schedule between calls is picked by mode: 0 grow, 1 shrink, 2 mixed random. */
static void scanScenario(int mode) {
    dict *d = dictCreate(&T);
    uint32_t kept = mode == 0 ? 500 : 2000;
    uint32_t next = kept;
    for (uint32_t i = 0; i < kept; i++) dictAddNew(d, &entNum(i)->link);
    if (mode == 1) {
        /* a big table full of churn entries, to be deleted while scanning */
        for (; next < 60000; next++) dictAddNew(d, &entNum(next)->link);
        finishRehash(d);
    }
    memset(scanSeen, 0, sizeof(scanSeen));
    unsigned long cursor = 0;
    int calls = 0, grows = 0, shrinks = 0;
    uint32_t churn_lo = kept; /* deletions take the oldest churn entries */
    do {
        cursor = dictScan(d, cursor, scanMark, NULL);
        calls++;
        int wasRehashing = dictIsRehashing(d);
        size_t before = dictBuckets(d);
        if (mode == 0) {
            for (int k = 0; k < 20 && next < SCAN_MAX; k++) dictAddNew(d, &entNum(next++)->link);
        } else if (mode == 1) {
            for (int k = 0; k < 400 && churn_lo < next; k++) vlFree(unlinkNum(d, churn_lo++));
            shrinks += dictShrinkIfNeeded(d);
            dictRehashSteps(d, 3);
        } else {
            uint64_t r = rnd() % 10;
            if (r < 4) {
                for (int k = 0; k < 50 && next < SCAN_MAX; k++) {
                    dictAddNew(d, &entNum(next++)->link);
                }
            } else if (r < 8) {
                for (int k = 0; k < 60 && churn_lo < next; k++) vlFree(unlinkNum(d, churn_lo++));
            } else {
                shrinks += dictShrinkIfNeeded(d);
            }
            dictRehashSteps(d, (int)(rnd() % 4));
        }
        if (!wasRehashing && dictIsRehashing(d) && dictBuckets(d) > before) grows++;
    } while (cursor != 0 && calls < 10000000);
    CHECK(cursor == 0);
    uint32_t missed = 0;
    for (uint32_t i = 0; i < kept; i++) missed += !scanSeen[i];
    CHECK_EQ(missed, 0);
    if (mode == 0) CHECK(grows >= 3);
    if (mode == 1) CHECK(shrinks >= 1);
    dictRelease(d);
}

static void testScanGrow(void) {
    scanScenario(0);
}
static void testScanShrink(void) {
    scanScenario(1);
}
static void testScanRandom(void) {
    for (int round = 0; round < 20; round++) scanScenario(2);
}

static void testScanDuringRehash(void) {
    /* a scan that starts mid-rehash and sees the rehash finish between calls */
    dict *d = rehashingDict(30000);
    uint32_t n = (uint32_t)dictSize(d);
    memset(scanSeen, 0, sizeof(scanSeen));
    unsigned long cursor = 0;
    do {
        cursor = dictScan(d, cursor, scanMark, NULL);
        dictRehashSteps(d, 7);
    } while (cursor != 0);
    uint32_t missed = 0;
    for (uint32_t i = 0; i < n; i++) missed += !scanSeen[i];
    CHECK_EQ(missed, 0);
    dictRelease(d);

    /* a full scan of a quiet table sees each entry exactly once */
    d = dictCreate(&T);
    for (uint32_t i = 0; i < 5000; i++) dictAddNew(d, &entNum(i)->link);
    finishRehash(d);
    memset(scanSeen, 0, sizeof(scanSeen));
    cursor = 0;
    size_t visits = 0;
    do {
        cursor = dictScan(d, cursor, scanMark, NULL);
        visits++;
    } while (cursor != 0);
    CHECK_EQ(visits, dictBuckets(d));
    uint32_t missed2 = 0;
    for (uint32_t i = 0; i < 5000; i++) missed2 += !scanSeen[i];
    CHECK_EQ(missed2, 0);
    dictRelease(d);
    d = dictCreate(&T);
    CHECK_EQ(dictScan(d, 0, scanMark, NULL), 0); /* empty: done at once */
    dictRelease(d);
}

static dict *scanDeleteDict;
static void scanDelete(void *ctx, dictLink *e) {
    VL_UNUSED(ctx);
    ent *x = (ent *)e;
    if (x->id % 3 == 0) {
        CHECK(unlinkNum(scanDeleteDict, x->id) == e);
        vlFree(e);
    }
}

static void testScanDeletes(void) {
    dict *d = rehashingDict(9000);
    uint32_t n = (uint32_t)dictSize(d);
    scanDeleteDict = d;
    unsigned long cursor = 0;
    do cursor = dictScan(d, cursor, scanDelete, NULL);
    while (cursor != 0);
    for (uint32_t i = 0; i < n; i++) CHECK((findNum(d, i) != NULL) == (i % 3 != 0));
    dictRelease(d);
}

/* ------------------------------------------------------------------------------------------ */
/* Replace and defrag                                                                         */
/* ------------------------------------------------------------------------------------------ */

static void testReplaceRealloc(void) {
    dict *d = rehashingDict(5000);
    uint32_t n = (uint32_t)dictSize(d);
    /* grow every block (as a string value that outgrows its allocation), in both tables;
     * the entries are collected with the (pausing) iterator so that no lookup rehashes */
    static ent *all[1 << 16];
    dictIter it;
    dictIterInit(&it, d);
    for (uint32_t i = 0; i < n; i++) all[i] = (ent *)dictIterNext(&it);
    dictIterRelease(&it);
    long idx = d->rehashidx;
    int fails = 0;
    for (uint32_t i = 0; i < n; i++) {
        ent *x = all[i];
        ent *y = vlRealloc(x, sizeof(ent) + x->len + 4096);
        if (dictReplace(d, &x->link, &y->link) != VL_OK) fails++;
    }
    CHECK_EQ(fails, 0);
    CHECK(dictIsRehashing(d));
    CHECK_EQ(d->rehashidx, idx);
    for (uint32_t i = 0; i < n; i++) {
        ent *x = findNum(d, i);
        if (!x || x->id != i || vlAllocSize(x) < sizeof(ent) + 4096) fails++;
    }
    CHECK_EQ(fails, 0);
    dictRelease(d);
}

static long moves;
static dictLink *moveEntry(dictLink *e, void *ctx) {
    VL_UNUSED(ctx);
    ent *x = (ent *)e;
    size_t sz = sizeof(ent) + x->len;
    ent *y = vlMalloc(sz);
    memcpy(y, x, sz);
    memset(x, 0xAB, sz); /* poison: any later read of the old block shows up */
    vlFree(x);
    moves++;
    return &y->link;
}

static long tableMoves;
static void *moveTableFn(void *table, void *ctx) {
    VL_UNUSED(ctx);
    tableMoves++;
    return allocMove(table, 1);
}

static dictLink *keepEntry(dictLink *e, void *ctx) {
    VL_UNUSED(e);
    VL_UNUSED(ctx);
    return NULL;
}

static void defragCase(dict *d) {
    uint32_t n = (uint32_t)dictSize(d);
    static uintptr_t oldAddr[1 << 16];
    for (uint32_t i = 0; i < n; i++) oldAddr[i] = (uintptr_t)findNum(d, i);
    int rehashing = dictIsRehashing(d);
    long idx = d->rehashidx;
    void *t0 = d->table[0], *t1 = d->table[1];
    moves = tableMoves = 0;
    unsigned long cursor = 0;
    do cursor = dictDefragStep(d, cursor, moveEntry, moveTableFn, NULL);
    while (cursor != 0);
    CHECK(moves >= (long)n);
    CHECK_EQ(tableMoves, rehashing ? 2 : 1);
    CHECK(d->table[0] != t0);
    CHECK(!rehashing || d->table[1] != t1);
    CHECK_EQ(d->rehashidx, idx); /* defrag does not rehash */
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        ent *x = findNum(d, i);
        if (!x || x->id != i) bad++;
    }
    CHECK_EQ(bad, 0);
    /* every entry was moved at least once (an address may be reused, so count only) */
    size_t same = 0;
    for (uint32_t i = 0; i < n; i++) same += (uintptr_t)findNum(d, i) == oldAddr[i];
    CHECK(same < n / 10 + 1);
    finishRehash(d);
    for (uint32_t i = 0; i < n; i++) bad += findNum(d, i) == NULL;
    CHECK_EQ(bad, 0);

    /* a pass that moves nothing leaves everything in place */
    moves = 0;
    cursor = 0;
    do cursor = dictDefragStep(d, cursor, keepEntry, NULL, NULL);
    while (cursor != 0);
    for (uint32_t i = 0; i < n; i++) bad += findNum(d, i) == NULL;
    CHECK_EQ(bad, 0);
}

static void testDefrag(void) {
    dict *d = dictCreate(&T);
    for (uint32_t i = 0; i < 50000; i++) dictAddNew(d, &entNum(i)->link);
    finishRehash(d);
    defragCase(d);
    dictRelease(d);

    d = rehashingDict(30000);
    defragCase(d);
    dictRelease(d);

    /* an empty dict with a table: the table still moves, the pass ends at once */
    d = dictCreate(&T);
    dictAddNew(d, &entNum(1)->link);
    vlFree(unlinkNum(d, 1));
    tableMoves = 0;
    CHECK_EQ(dictDefragStep(d, 0, moveEntry, moveTableFn, NULL), 0);
    CHECK_EQ(tableMoves, 1);
    dictRelease(d);
}

int main(void) {
    uint8_t seed[16];
    utilRandomBytes(seed, sizeof(seed));
    dictSetHashSeed(seed);
    RUN(testBasic);
    RUN(testFindRefSwap);
    RUN(testNoCase);
    RUN(testSeed);
    RUN(testMillion);
    RUN(testEmptyProgress);
    RUN(testResizeAllowed);
    RUN(testRandomSample);
    RUN(testIterator);
    RUN(testScanGrow);
    RUN(testScanShrink);
    RUN(testScanRandom);
    RUN(testScanDuringRehash);
    RUN(testScanDeletes);
    RUN(testReplaceRealloc);
    RUN(testDefrag);
    CTEST_END();
}
