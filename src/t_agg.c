/* t_agg.c - what the hash and set commands share: HSCAN/SSCAN's arguments and their bounded
 * walk of a dict, HRANDFIELD/SRANDMEMBER's count argument, and the output-limit check of their
 * long replies. (The value-level twins, memory estimate and defrag walk, are in object.c.)
 *
 * The two types differ only in what an entry holds (field and value, or a member), so these
 * hand back dict links and leave the decoding and the reply to the type's module. */
#include <limits.h>

#include "server.h"

/* HSCAN/SSCAN key cursor [MATCH pattern] [COUNT count]: the value of the given type at argv[1]
 * and the arguments (count defaults to 10; pat is NULL for no pattern or "*"), or NULL once
 * replied: a bad cursor, WRONGTYPE, the empty scan of an absent key, or a bad option. */
vlObj *aggScanStartOrReply(vlClient *c, int type, unsigned long *cursor, long long *count,
                           const protoArg **pat) {
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
    for (int i = 3; i < c->argc; i += 2) {
        if (argEq(&c->argv[i], "count") && i + 1 < c->argc) {
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
size_t aggDictScan(dict *d, unsigned long *cursor, long long count, dictLink ***items) {
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

int aggRandomCountOrReply(vlClient *c, const protoArg *a, long long *out) {
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
int aggReplyStillWanted(vlClient *c, unsigned long i) {
    if ((i & 1023) != 1023) return 1;
    clientCheckOutputLimits(c);
    /* replies to such a client are dropped */
    return !(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_OVERFLOW));
}
