/* dictval.c - "a dict or one compact block": the value shape hashes and sets share.
 *
 * A hash or a set is either one compact block (pack.c: listpack or intset) or a dict whose
 * entries are single blocks. Everything that depends only on that shape lives here, once:
 * the memory estimate, the defrag walk, the sliced free of a big one, and the commands' shared
 * parts (HSCAN/SSCAN arguments and their bounded dict walk, HRANDFIELD/SRANDMEMBER's count,
 * the output check of their long replies). The two types differ only in what an entry holds
 * (field and value, or a member), so these hand back dict links and leave decoding and
 * replies to t_hash.c and t_set.c. */
#include <limits.h>

#include "dictval.h"
#include "client.h"
#include "db.h"
#include "dictval.h"
#include "object.h"
#include "server.h"

/* HSCAN/SSCAN key cursor [MATCH pattern] [COUNT count]: the value of the given type at argv[1]
 * and the arguments (count defaults to 10; pat is NULL for no pattern or "*"), or NULL once
 * replied: a bad cursor, WRONGTYPE, the empty scan of an absent key, or a bad option. */
vlObj *dvScanStartOrReply(vlClient *c, int type, unsigned long *cursor, long long *count,
                          const protoArg **pat, int *novalues) {
    if (getScanCursorOrReply(c, &c->argv[2], cursor) != VL_OK) return NULL;
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], type, 0, &wrong);
    if (wrong) return NULL;
    if (!o) {
        addReplyScanCursor(c, 0);
        addReplyArrayLen(c, 0);
        return NULL;
    }
    *count = 10;
    *pat = NULL;
    if (novalues) *novalues = 0;
    for (int i = 3; i < c->argc; i += 2) {
        if (argEq(&c->argv[i], "novalues")) { /* a flag: no value follows */
            if (!novalues) {
                addReplyError(c, "ERR NOVALUES option can only be used in HSCAN");
                return NULL;
            }
            *novalues = 1;
            i--;
        } else if (argEq(&c->argv[i], "count") && i + 1 < c->argc) {
            if (getLongLongOrReply(c, &c->argv[i + 1], count, NULL) != VL_OK) return NULL;
            if (*count < 1) {
                addReplyErrorSyntax(c);
                return NULL;
            }
        } else if (argEq(&c->argv[i], "match") && i + 1 < c->argc) {
            *pat = &c->argv[i + 1];
            if ((*pat)->len == 1 && (*pat)->ptr[0] == '*') *pat = NULL; /* matches everything */
        } else {
            addReplyErrorSyntax(c);
            return NULL;
        }
    }
    return o;
}

typedef struct scanList {
    dictLink **items;
    size_t n, cap;
} scanList;

static void scanCollect(void *ctx, dictLink *e) {
    scanList *sl = ctx;
    if (sl->n == sl->cap) {
        sl->cap = sl->cap ? sl->cap * 2 : 16;
        sl->items = vlRealloc(sl->items, sl->cap * sizeof(*sl->items));
    }
    sl->items[sl->n++] = e;
}

/* Entries from *cursor on, until count of them or the budget; *cursor is where to go on. */
size_t dvScan(dict *d, unsigned long *cursor, long long count, dictLink ***items) {
    scanList sl = {NULL, 0, 0};
    unsigned long cur = *cursor;
    /* Bounded work per call: at most count*10 buckets, as Redis, even if they are empty. */
    long long budget = count > LLONG_MAX / 10 ? LLONG_MAX : count * 10;
    do {
        cur = dictScan(d, cur, scanCollect, &sl);
    } while (cur != 0 && budget-- > 0 && (long long)sl.n < count);
    *cursor = cur;
    *items = sl.items;
    return sl.n;
}

int dvRandomCountOrReply(vlClient *c, const protoArg *a, long long *out) {
    if (getLongLongOrReply(c, a, out, NULL) != VL_OK) return VL_ERR;
    if (*out == LLONG_MIN) { /* its negation, the number of draws with repeats, would overflow */
        addReplyError(c, "ERR value is out of range, value must between "
                         "-9223372036854775807 and 9223372036854775807");
        return VL_ERR;
    }
    return VL_OK;
}

/* Long replies check the output limits now and then and stop once the client is doomed, so
 * HRANDFIELD key -4000000000 cannot grow one client's buffer without bound past its limit. */
int dvReplyStillWanted(vlClient *c, unsigned long i) {
    if ((i & 1023) != 1023) return 1;
    clientCheckOutputLimits(c);
    /* replies to such a client are dropped */
    return !(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_OVERFLOW));
}

/* ------------------------------------------------------- value-level operations */

/* Exact for a compact value and for dicts up to this many entries; bigger dicts are sampled. */
#define DV_MEM_EXACT_MAX 4096

size_t dvMemUsage(const vlObj *o, size_t samples) {
    const void *ptr = objPtr(o);
    if (o->enc != OBJ_ENC_HT) return vlAllocSize(ptr);
    dict *d = (dict *)ptr;
    /* Bucket arrays are powers of two times 8 bytes: allocator size classes, so exact. */
    size_t sum = vlAllocSize(d) + dictMemUsage(d) - sizeof(dict);
    size_t n = dictSize(d);
    if (n == 0) return sum;
    if (samples == 0 || n <= DV_MEM_EXACT_MAX || samples >= n) {
        dictIter it;
        dictIterInit(&it, d);
        dictLink *e;
        while ((e = dictIterNext(&it)) != NULL) sum += vlAllocSize(e);
        dictIterRelease(&it);
        return sum;
    }
    dictLink *buf[64];
    size_t want = samples < 64 ? samples : 64, got = 0, bytes = 0;
    while (got < want) {
        size_t k = dictSample(d, buf, want - got);
        if (k == 0) break;
        for (size_t i = 0; i < k; i++) bytes += vlAllocSize(buf[i]);
        got += k;
    }
    if (got) sum += (size_t)((double)bytes / (double)got * (double)n);
    return sum;
}

size_t dvWalkSize(const vlObj *o) {
    return o->enc == OBJ_ENC_HT ? dictSize(objPtr(o)) : 0;
}

typedef struct defragCtx {
    vlMoveFn *move;
    void *ctx;
} defragCtx;

static dictLink *defragEntry(dictLink *e, void *ctx) {
    defragCtx *dc = ctx;
    return dc->move(e, dc->ctx);
}

static void *defragTable(void *t, void *ctx) {
    defragCtx *dc = ctx;
    return dc->move(t, dc->ctx);
}

/* A compact value is one block; a dict moves its struct at cursor 0 (it holds no pointer to
 * itself, so a byte copy is a valid dict), then its tables and entries through
 * dictDefragStep, max_steps buckets per call. */
int dvDefragStep(vlObj *o, unsigned long *cursor, size_t max_steps, vlMoveFn *move, void *ctx) {
    if (o->enc != OBJ_ENC_HT) {
        void *n = move(objPtr(o), ctx);
        if (n) objSetPtr(o, n);
        *cursor = 0;
        return 0;
    }
    dict *d = objPtr(o);
    if (*cursor == 0) {
        dict *nd = move(d, ctx);
        if (nd) {
            d = nd;
            objSetPtr(o, d);
        }
    }
    defragCtx dc = {move, ctx};
    unsigned long cur = *cursor;
    size_t steps = max_steps ? max_steps : 1;
    do {
        cur = dictDefragStep(d, cur, defragEntry, cur == 0 ? defragTable : NULL, &dc);
    } while (cur != 0 && --steps > 0);
    *cursor = cur;
    return cur != 0;
}

static void freeEntryCb(void *ctx, dictLink *e) {
    dict *d = ctx;
    size_t klen;
    const void *k = d->type->entryKey(e, &klen);
    dictLink *u = dictUnlink(d, k, klen);
    if (u && d->type->entryFree) d->type->entryFree(u);
}

/* Frees a dict's entries through its scan cursor, 64 buckets between clock reads. */
int dvFreeStep(vlObj *o, unsigned long *cursor, uint64_t deadline_us) {
    if (o->enc != OBJ_ENC_HT) return 1;
    dict *d = objPtr(o);
    while (dictSize(d) > 0 && utilMonoUs() < deadline_us) {
        for (int i = 0; i < 64 && dictSize(d) > 0; i++)
            *cursor = dictScan(d, *cursor, freeEntryCb, d);
    }
    return dictSize(d) == 0;
}

int dvBlocks(const vlObj *o, const void *out[2]) {
    int n = 0;
    out[n++] = objPtr(o);
    if (o->enc == OBJ_ENC_HT) {
        dictLink *e = dictRandom(objPtr(o)); /* an entry: field+value or member, one block */
        if (e) out[n++] = e;
    }
    return n;
}
