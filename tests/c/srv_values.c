/* srv_values.c - the defrag walks of hash and set values (t_hash.c, t_set.c) through a real
 * server: every block of a big dict value moves, a compact value is one block, and the values
 * are intact and writable afterwards. */
#include <stdio.h>
#include <string.h>

#include "ctest.h"
#include "db.h"
#include "object.h"
#include "server.h"
#include "valkey-lite.h"

/* ---- defrag walks of hash and set values ---- */

static long long moves;

static void *moveAll(void *p, void *ctx) {
    (void)ctx;
    moves++;
    return allocMove(p, 1);
}

static long long callInt(vlServer *s, const char *a0, const char *a1, const char *a2,
                         const char *a3) {
    vlReply *r = NULL;
    if (vlCallv(s, &r, a0, a1, a2, a3, NULL) != 0 || !r) return -1;
    long long v = r->type == VL_REPLY_INTEGER ? r->integer : -2;
    if (v == -2) printf("    %s %s: reply type %d '%s'\n", a0, a1, r->type, r->str ? r->str : "");
    vlReplyFree(r);
    return v;
}

static int callStrIs(vlServer *s, const char *want, const char *a0, const char *a1,
                     const char *a2) {
    vlReply *r = NULL;
    if (vlCallv(s, &r, a0, a1, a2, NULL) != 0 || !r) return 0;
    int ok = r->str && strcmp(r->str, want) == 0;
    vlReplyFree(r);
    return ok;
}

/* Walks key's value with a small step budget; returns the number of calls it took. */
static int walkValue(vlServer *s, const char *key, int type) {
    vlHeap *prev = allocHeapEnter(s->heap);
    vlObj *o = (vlObj *)dictFind(s->db[0].keys, key, strlen(key));
    int calls = 0;
    if (o) {
        unsigned long cursor = 0;
        int more;
        do {
            CHECK_EQ(o->type, type);
            more = objOps(o)->defragStep(o, &cursor, 7, moveAll, NULL);
            calls++;
        } while (more && calls < 1000000);
    }
    allocHeapLeave(prev);
    return calls;
}

static void testDefragWalks(void) {
    char err[256], f[32], v[32];
    vlServer *s = vlServerNew(NULL, err, sizeof(err));
    CHECK(s != NULL);
    if (!s) return;
    const int n = 3000;
    for (int i = 0; i < n; i++) {
        snprintf(f, sizeof(f), "f%d", i);
        snprintf(v, sizeof(v), "v%d", i);
        CHECK_EQ(callInt(s, "hset", "big", f, v), 1);
        CHECK_EQ(callInt(s, "sadd", "bigset", f, NULL), 1);
    }
    callInt(s, "hset", "small", "a", "1");
    callInt(s, "sadd", "ints", "1", "2");
    callInt(s, "sadd", "strs", "a", "b");
    CHECK(callStrIs(s, "hashtable", "object", "encoding", "big"));
    CHECK(callStrIs(s, "hashtable", "object", "encoding", "bigset"));
    CHECK(callStrIs(s, "listpack", "object", "encoding", "small"));
    CHECK(callStrIs(s, "intset", "object", "encoding", "ints"));
    CHECK(callStrIs(s, "listpack", "object", "encoding", "strs"));

    /* a big dict: the dict struct, its table and every entry, over several calls */
    moves = 0;
    CHECK(walkValue(s, "big", OBJ_HASH) > 1);
    CHECK(moves >= n + 2);
    moves = 0;
    CHECK(walkValue(s, "bigset", OBJ_SET) > 1);
    CHECK(moves >= n + 2);
    /* compact values: one block, one call */
    moves = 0;
    CHECK_EQ(walkValue(s, "small", OBJ_HASH), 1);
    CHECK_EQ(walkValue(s, "ints", OBJ_SET), 1);
    CHECK_EQ(walkValue(s, "strs", OBJ_SET), 1);
    CHECK_EQ(moves, 3);

    /* everything is still there and still writable */
    CHECK_EQ(callInt(s, "hlen", "big", NULL, NULL), n);
    CHECK_EQ(callInt(s, "scard", "bigset", NULL, NULL), n);
    for (int i = 0; i < n; i += 7) {
        snprintf(f, sizeof(f), "f%d", i);
        snprintf(v, sizeof(v), "v%d", i);
        CHECK(callStrIs(s, v, "hget", "big", f));
        CHECK_EQ(callInt(s, "sismember", "bigset", f, NULL), 1);
    }
    CHECK_EQ(callInt(s, "hset", "big", "f1", "changed"), 0);
    CHECK(callStrIs(s, "changed", "hget", "big", "f1"));
    CHECK_EQ(callInt(s, "hdel", "big", "f2", NULL), 1);
    CHECK_EQ(callInt(s, "srem", "bigset", "f2", NULL), 1);
    CHECK_EQ(callInt(s, "sismember", "ints", "2", NULL), 1);
    CHECK_EQ(callInt(s, "sismember", "strs", "b", NULL), 1);
    CHECK(callStrIs(s, "1", "hget", "small", "a"));
    vlServerFree(s);
}

int main(void) {
    uint8_t seed[16];
    utilRandomBytes(seed, sizeof(seed));
    dictSetHashSeed(seed);
    RUN(testDefragWalks);
    CTEST_END();
}
