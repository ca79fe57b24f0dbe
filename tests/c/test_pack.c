/* test_pack.c - unit tests for pack.c: the string pack (append, find with a stride, replace
 * growing and shrinking, delete runs, long entries whose length takes several bytes), the
 * integer packInt (sorted order, width upgrades at both ends, removal), the random picks, and
 * randomized comparisons of both formats against plain arrays. Last, the hash and set defrag
 * walks (hashDefragStep/setDefragStep) on values built through an in-process server, with a
 * move that moves every block: the contents must survive and every block must be offered. */
#include "ctest.h"
#include "alloc.h"
#include "dict.h"
#include "pack.h"
#include "util.h"

#include <stdint.h>

/* Deterministic PRNG for the randomized schedules, so a failure reproduces. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int entryIs(const unsigned char *p, size_t off, const char *s, size_t len) {
    const unsigned char *e;
    size_t l;
    packNext(p, off, &e, &l);
    return l == len && (len == 0 || memcmp(e, s, len) == 0);
}

static void testPackBasic(void) {
    unsigned char *p = packNew();
    CHECK_EQ(packCount(p), 0);
    CHECK_EQ(packFirst(p), packBytes(p));
    CHECK_EQ(packFind(p, "a", 1, 1), 0);
    p = packAppend(p, "field", 5);
    p = packAppend(p, "", 0);
    p = packAppend(p, "x\0y", 3);
    CHECK_EQ(packCount(p), 3);
    CHECK_EQ(packBytes(p), 8 + 6 + 1 + 4);
    size_t off = packFind(p, "field", 5, 1);
    CHECK(off != 0);
    CHECK(entryIs(p, off, "field", 5));
    CHECK(packFind(p, "", 0, 1) != 0);
    CHECK(packFind(p, "x\0y", 3, 1) != 0);
    CHECK_EQ(packFind(p, "x", 1, 1), 0);
    CHECK_EQ(packFind(p, "fiel", 4, 1), 0);

    /* walk */
    const char *want[] = {"field", "", "x\0y"};
    size_t wlen[] = {5, 0, 3};
    size_t i = 0;
    off = packFirst(p);
    while (off < packBytes(p)) {
        const unsigned char *s;
        size_t l;
        off = packNext(p, off, &s, &l);
        CHECK(i < 3 && l == wlen[i] && memcmp(s, want[i], l) == 0);
        i++;
    }
    CHECK_EQ(i, 3);
    CHECK_EQ(packOffsetAt(p, 0), packFirst(p));
    CHECK(entryIs(p, packOffsetAt(p, 2), "x\0y", 3));
    CHECK_EQ(packOffsetAt(p, 3), packBytes(p));
    CHECK_EQ(packOffsetAt(p, 99), packBytes(p));

    unsigned char *d = packDup(p);
    CHECK_EQ(packBytes(d), packBytes(p));
    CHECK(memcmp(d, p, packBytes(p)) == 0);
    packFree(d);
    packFree(p);
}

static void testPackStride(void) {
    /* field/value pairs: a value equal to a searched field must not match */
    unsigned char *p = packNew();
    p = packAppend(p, "a", 1);
    p = packAppend(p, "b", 1);
    p = packAppend(p, "b", 1);
    p = packAppend(p, "c", 1);
    size_t off = packFind(p, "b", 1, 2);
    CHECK(off == packOffsetAt(p, 2));
    CHECK_EQ(packFind(p, "c", 1, 2), 0);
    CHECK(packFind(p, "c", 1, 1) == packOffsetAt(p, 3));
    CHECK(packFind(p, "a", 1, 2) == packOffsetAt(p, 0));
    packFree(p);
}

static void testPackReplaceDelete(void) {
    unsigned char *p = packNew();
    for (int i = 0; i < 5; i++) {
        char buf[16];
        int l = snprintf(buf, sizeof(buf), "e%d", i);
        p = packAppend(p, buf, (size_t)l);
    }
    /* grow the middle entry past one and two length bytes, then shrink it back */
    static char big[70000];
    memset(big, 'z', sizeof(big));
    size_t sizes[] = {200, 20000, 70000, 3, 0, 127, 128};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        p = packReplace(p, packOffsetAt(p, 2), big, sizes[k]);
        CHECK_EQ(packCount(p), 5);
        CHECK(entryIs(p, packOffsetAt(p, 2), big, sizes[k]));
        CHECK(entryIs(p, packOffsetAt(p, 3), "e3", 2));
        CHECK(entryIs(p, packOffsetAt(p, 4), "e4", 2));
        CHECK(entryIs(p, packOffsetAt(p, 1), "e1", 2));
        CHECK(vlAllocSize(p) >= packBytes(p));
    }
    /* delete a pair in the middle, then the tail, then the head */
    p = packDelete(p, packOffsetAt(p, 1), 2);
    CHECK_EQ(packCount(p), 3);
    CHECK(entryIs(p, packOffsetAt(p, 0), "e0", 2));
    CHECK(entryIs(p, packOffsetAt(p, 1), "e3", 2));
    p = packDelete(p, packOffsetAt(p, 2), 1);
    CHECK_EQ(packCount(p), 2);
    p = packDelete(p, packOffsetAt(p, 0), 1);
    CHECK_EQ(packCount(p), 1);
    CHECK(entryIs(p, packFirst(p), "e3", 2));
    p = packDelete(p, packFirst(p), 1);
    CHECK_EQ(packCount(p), 0);
    CHECK_EQ(packBytes(p), 8);
    CHECK(packSafeToAdd(p, 100));
    CHECK(!packSafeToAdd(p, PACK_MAX_BYTES));
    packFree(p);
}

/* A pack against an array of strings, through random appends, replaces and deletes. */
#define MODEL_MAX 300
static void testPackRandom(void) {
    static char model[MODEL_MAX][300];
    static size_t mlen[MODEL_MAX];
    size_t n = 0;
    unsigned char *p = packNew();
    for (int op = 0; op < 20000; op++) {
        int what = (int)(rnd() % 4);
        char buf[300];
        size_t l = (size_t)(rnd() % (rnd() % 4 == 0 ? 300 : 12));
        for (size_t i = 0; i < l; i++) buf[i] = (char)('a' + rnd() % 3);
        if ((what == 0 || n == 0) && n < MODEL_MAX) {
            p = packAppend(p, buf, l);
            memcpy(model[n], buf, l);
            mlen[n++] = l;
        } else if (what == 1 && n > 0) {
            size_t i = (size_t)(rnd() % n);
            p = packReplace(p, packOffsetAt(p, i), buf, l);
            memcpy(model[i], buf, l);
            mlen[i] = l;
        } else if (what == 2 && n > 0) {
            size_t i = (size_t)(rnd() % n), k = 1 + (size_t)(rnd() % 3);
            if (i + k > n) k = n - i;
            p = packDelete(p, packOffsetAt(p, i), k);
            memmove(model + i, model + i + k, (n - i - k) * sizeof(model[0]));
            memmove(mlen + i, mlen + i + k, (n - i - k) * sizeof(mlen[0]));
            n -= k;
        } else if (n > 0) {
            /* find agrees with the first equal entry of the model */
            size_t i = (size_t)(rnd() % n), first = i;
            for (size_t j = 0; j < n; j++) {
                if (mlen[j] == mlen[i] && memcmp(model[j], model[i], mlen[i]) == 0) {
                    first = j;
                    break;
                }
            }
            CHECK_EQ(packFind(p, model[i], mlen[i], 1), packOffsetAt(p, first));
        }
        CHECK_EQ(packCount(p), n);
    }
    size_t off = packFirst(p), i = 0;
    while (off < packBytes(p)) {
        const unsigned char *s;
        size_t l;
        off = packNext(p, off, &s, &l);
        CHECK(i < n && l == mlen[i] && memcmp(s, model[i], l) == 0);
        i++;
    }
    CHECK_EQ(i, n);
    packFree(p);
}

static void testPackIntBasic(void) {
    unsigned char *is = packIntNew();
    int changed;
    CHECK_EQ(packIntCount(is), 0);
    CHECK(!packIntFind(is, 5));
    is = packIntAdd(is, 5, &changed);
    CHECK_EQ(changed, 1);
    is = packIntAdd(is, 5, &changed);
    CHECK_EQ(changed, 0);
    is = packIntAdd(is, -3, NULL);
    is = packIntAdd(is, 100, NULL);
    CHECK_EQ(packIntCount(is), 3);
    CHECK_EQ(packIntBytes(is), 8 + 3 * 2);
    CHECK_EQ(packIntGet(is, 0), -3);
    CHECK_EQ(packIntGet(is, 1), 5);
    CHECK_EQ(packIntGet(is, 2), 100);
    /* upgrade to 32 bits at the end, then to 64 bits at the front */
    is = packIntAdd(is, 70000, NULL);
    CHECK_EQ(packIntBytes(is), 8 + 4 * 4);
    CHECK_EQ(packIntGet(is, 3), 70000);
    CHECK_EQ(packIntGet(is, 0), -3);
    is = packIntAdd(is, INT64_MIN, NULL);
    CHECK_EQ(packIntBytes(is), 8 + 5 * 8);
    CHECK_EQ(packIntMin(is), INT64_MIN);
    CHECK_EQ(packIntMax(is), 70000);
    CHECK_EQ(packIntGet(is, 1), -3);
    CHECK_EQ(packIntGet(is, 4), 70000);
    is = packIntAdd(is, INT64_MAX, NULL);
    CHECK_EQ(packIntMax(is), INT64_MAX);
    CHECK(packIntFind(is, INT64_MAX) && packIntFind(is, INT64_MIN) && packIntFind(is, 5));
    CHECK(!packIntFind(is, 6));
    is = packIntRemove(is, 5, &changed);
    CHECK_EQ(changed, 1);
    is = packIntRemove(is, 5, &changed);
    CHECK_EQ(changed, 0);
    CHECK(!packIntFind(is, 5));
    CHECK_EQ(packIntCount(is), 5);
    unsigned char *d = packIntDup(is);
    CHECK(memcmp(d, is, packIntBytes(is)) == 0);
    packIntFree(d);
    packIntFree(is);

    /* a small set never finds a value that would need a wider type */
    is = packIntNew();
    is = packIntAdd(is, 1, NULL);
    CHECK(!packIntFind(is, 65537));
    is = packIntRemove(is, 65537, &changed);
    CHECK_EQ(changed, 0);
    packIntFree(is);
}

static int cmpLL(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void testPackIntRandom(void) {
    static int64_t model[2000];
    size_t n = 0;
    unsigned char *is = packIntNew();
    for (int op = 0; op < 20000; op++) {
        int64_t v;
        switch (rnd() % 3) {
        case 0: v = (int64_t)(rnd() % 200) - 100; break;
        case 1: v = (int64_t)(rnd() % 200000) - 100000; break;
        default: v = (int64_t)rnd(); break;
        }
        size_t i;
        for (i = 0; i < n && model[i] != v; i++) {
        }
        int present = i < n, changed;
        CHECK_EQ(packIntFind(is, v), present);
        if (rnd() % 3 != 0 && n < 2000) {
            is = packIntAdd(is, v, &changed);
            CHECK_EQ(changed, !present);
            if (!present) model[n++] = v;
        } else {
            is = packIntRemove(is, v, &changed);
            CHECK_EQ(changed, present);
            if (present) model[i] = model[--n];
        }
    }
    qsort(model, n, sizeof(model[0]), cmpLL);
    CHECK_EQ(packIntCount(is), n);
    for (size_t i = 0; i < n; i++) CHECK_EQ(packIntGet(is, i), model[i]);
    packIntFree(is);
}

static void testPickSorted(void) {
    size_t out[10], hits[20] = {0};
    for (int round = 0; round < 20000; round++) {
        packPickSorted(20, 10, out);
        for (int i = 0; i < 10; i++) {
            CHECK(out[i] < 20);
            if (i) CHECK(out[i] > out[i - 1]);
            hits[out[i]]++;
        }
    }
    /* each index is picked half the time: 10000 expected, far from the edges of chance */
    for (int i = 0; i < 20; i++) CHECK(hits[i] > 9000 && hits[i] < 11000);
    packPickSorted(5, 5, out);
    for (size_t i = 0; i < 5; i++) CHECK_EQ(out[i], i);
}

typedef struct ent {
    dictLink link;
    uint32_t len;
    char key[];
} ent;

static const void *entKey(const dictLink *e, size_t *len) {
    const ent *x = (const ent *)e;
    *len = x->len;
    return x->key;
}

static void entFree(dictLink *e) {
    vlFree(e);
}

static const dictType T = {entKey, NULL, NULL, entFree};

static void testPickDict(void) {
    dict *d = dictCreate(&T);
    dictLink *out[1000];
    CHECK_EQ(packPickDict(d, 5, out), 0);
    for (int i = 0; i < 1000; i++) {
        char buf[16];
        int l = snprintf(buf, sizeof(buf), "m%d", i);
        ent *e = vlMalloc(sizeof(ent) + (size_t)l);
        e->link.next = NULL;
        e->len = (uint32_t)l;
        memcpy(e->key, buf, (size_t)l);
        dictAddNew(d, &e->link);
    }
    /* both strategies: a few (random draws) and most (shuffle); never duplicates */
    size_t counts[] = {1, 10, 300, 400, 999, 1000, 5000};
    for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
        size_t want = counts[k] > 1000 ? 1000 : counts[k];
        size_t got = packPickDict(d, counts[k] > 1000 ? 1000 : counts[k], out);
        CHECK_EQ(got, want);
        for (size_t i = 0; i < got; i++) {
            size_t len;
            const void *key = entKey(out[i], &len);
            CHECK(dictFind(d, key, len) == out[i]);
            for (size_t j = 0; j < i; j++) CHECK(out[j] != out[i]);
        }
    }
    dictRelease(d);
}

int main(void) {
    uint8_t seed[16];
    utilRandomBytes(seed, sizeof(seed));
    dictSetHashSeed(seed);
    RUN(testPackBasic);
    RUN(testPackStride);
    RUN(testPackReplaceDelete);
    RUN(testPackRandom);
    RUN(testPackIntBasic);
    RUN(testPackIntRandom);
    RUN(testPickSorted);
    RUN(testPickDict);
    CTEST_END();
}
