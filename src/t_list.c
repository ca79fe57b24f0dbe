/* t_list.c - the list commands, on plist (list of packed chunks).
 *
 * One encoding only: every list value is a plist, created with the list-max-listpack-size
 * fill and re-given the current fill before each write, so CONFIG SET applies to existing
 * lists from their next change on (existing chunks keep their shape). What OBJECT ENCODING
 * says is computed when asked: "listpack" while the list is one chunk, "quicklist" once it
 * spans several, which is what clients and Redis's own tests expect to see. A key never
 * holds an empty list: every path that removes elements deletes the key when it empties.
 *
 * Replies read elements in place (plistIndex / iterators) and copy them straight into the
 * reply; only moves (LMOVE and friends) take an owned copy, because the element has to
 * outlive its removal. The blocking forms live here too, as far as parsing and serving go;
 * the waiting itself (queues, timeouts, CLIENT UNBLOCK) is blocking.c's.
 *
 * Rejected: a separate small-list encoding with conversions (plist's single chunk already is
 * a compact packed buffer, so a second encoding would only add conversion code and bugs). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "plist.h"
#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "db.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

/* ------------------------------------------------------------------- helpers */

static void replyEntry(vlClient *c, const plistEntry *e) {
    if (e->isint)
        addReplyBulkLongLong(c, e->ival);
    else
        addReplyBulk(c, e->str, e->len);
}

/* A list about to change takes the configured fill first (cheap: a few stores). */
static plist *listForWrite(vlServer *s, vlObj *o) {
    plist *pl = objPtr(o);
    plistSetFill(pl, s->cfg.list_max_listpack_size);
    return pl;
}

static vlObj *listCreateKey(vlClient *c, const void *key, size_t klen) {
    plist *pl = plistCreate(c->srv->cfg.list_max_listpack_size);
    vlObj *o = objNewPtr(key, klen, OBJ_LIST, OBJ_ENC_QUICKLIST, pl);
    dbAdd(c->srv, c->db, o);
    return o;
}

/* plist offsets are 32-bit: an element past PLIST_MAX_ENTRY would be fatal there. Only a
 * proto-max-bulk-len raised above 4 GB can get one this far. */
static int checkElementsOrReply(vlClient *c, int from, int to) {
    for (int i = from; i < to; i++) {
        if (c->argv[i].len > PLIST_MAX_ENTRY) {
            addReplyError(c, "ERR element too large");
            return VL_ERR;
        }
    }
    return VL_OK;
}

static int parseWhereOrReply(vlClient *c, const protoArg *a, int *where) {
    if (argEq(a, "left")) {
        *where = PLIST_HEAD;
    } else if (argEq(a, "right")) {
        *where = PLIST_TAIL;
    } else {
        addReplyErrorSyntax(c);
        return VL_ERR;
    }
    return VL_OK;
}

/* Replies the element at the given end and removes it. */
static void popOneReply(vlClient *c, plist *pl, int where) {
    plistEntry e;
    long long idx = where == PLIST_HEAD ? 0 : -1;
    if (!plistIndex(pl, idx, &e)) {
        addReplyNull(c);
        return;
    }
    replyEntry(c, &e);
    plistDelRange(pl, idx, 1);
}

/* Replies an array of up to count elements taken from the given end (in pop order) and
 * removes them: one walk to reply, one range delete that frees whole chunks unread. */
static void popRangeReply(vlClient *c, plist *pl, int where, long long count) {
    size_t n = plistLen(pl);
    if ((unsigned long long)count < n) n = (size_t)count;
    addReplyArrayLen(c, (long long)n);
    plistIter *it = plistIterNew(pl, where == PLIST_HEAD ? 0 : -1, where);
    plistEntry e;
    for (size_t i = 0; i < n && plistIterNext(it, &e); i++) replyEntry(c, &e);
    plistIterRelease(it);
    plistDelRange(pl, where == PLIST_HEAD ? 0 : -(long long)n, n);
}

/* After elements left the list at key: the pop event, and the key goes when empty. key must
 * not point into o (it is freed here). */
static void afterPop(vlClient *c, vlObj *o, const void *key, size_t klen, int where) {
    vlServer *s = c->srv;
    notifyKeyspaceEvent(s, NOTIFY_LIST, where == PLIST_HEAD ? "lpop" : "rpop", key, klen,
                        c->db->id);
    if (plistLen(objPtr(o)) == 0) {
        dbDelete(s, c->db, key, klen);
        notifyKeyspaceEvent(s, NOTIFY_GENERIC, "del", key, klen, c->db->id);
    }
    dbSignalModified(s, c->db, key, klen);
}

/* Same for LREM/LTRIM, whose events carry the command's name. */
static void afterRemove(vlClient *c, vlObj *o, const void *key, size_t klen, const char *event) {
    vlServer *s = c->srv;
    notifyKeyspaceEvent(s, NOTIFY_LIST, event, key, klen, c->db->id);
    if (plistLen(objPtr(o)) == 0) {
        dbDelete(s, c->db, key, klen);
        notifyKeyspaceEvent(s, NOTIFY_GENERIC, "del", key, klen, c->db->id);
    }
    dbSignalModified(s, c->db, key, klen);
}

/* Moves one element from src's wherefrom end to dst's whereto end (dst NULL: created) and
 * replies it. src is a non-empty list, dst a list or NULL; they may be the same key. The
 * element is copied out first: it must outlive its removal, and with src == dst the push
 * may reshape the very chunk it came from. */
static void moveOne(vlClient *c, vlObj *src, const void *skey, size_t sklen, vlObj *dst,
                    const void *dkey, size_t dklen, int wherefrom, int whereto) {
    vlServer *s = c->srv;
    unsigned char *v = NULL;
    size_t vlen = 0;
    long long iv = 0;
    char buf[24];
    if (!plistPop(objPtr(src), wherefrom, &v, &vlen, &iv)) {
        addReplyNull(c); /* not reached: a key never holds an empty list */
        return;
    }
    const char *val = (const char *)v;
    if (!v) {
        vlen = (size_t)utilLLToStr(buf, sizeof(buf), iv);
        val = buf;
    }
    if (!dst) dst = listCreateKey(c, dkey, dklen);
    plistPush(listForWrite(s, dst), val, vlen, whereto);
    addReplyBulk(c, val, vlen);
    vlFree(v);
    notifyKeyspaceEvent(s, NOTIFY_LIST, whereto == PLIST_HEAD ? "lpush" : "rpush", dkey, dklen,
                        c->db->id);
    dbSignalModified(s, c->db, dkey, dklen);
    afterPop(c, src, skey, sklen, wherefrom);
}

/* ------------------------------------------------------------------- push / pop */

static void pushGeneric(vlClient *c, int where, int xx) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    if (!o && xx) {
        addReplyLongLong(c, 0);
        return;
    }
    if (checkElementsOrReply(c, 2, c->argc) != VL_OK) return;
    if (!o) o = listCreateKey(c, c->argv[1].ptr, c->argv[1].len);
    plist *pl = listForWrite(c->srv, o);
    for (int i = 2; i < c->argc; i++) plistPush(pl, c->argv[i].ptr, c->argv[i].len, where);
    addReplyLongLong(c, (long long)plistLen(pl));
    notifyKeyspaceEvent(c->srv, NOTIFY_LIST, where == PLIST_HEAD ? "lpush" : "rpush",
                        c->argv[1].ptr, c->argv[1].len, c->db->id);
    dbSignalModified(c->srv, c->db, c->argv[1].ptr, c->argv[1].len);
}

static void lpushCommand(vlClient *c) {
    pushGeneric(c, PLIST_HEAD, 0);
}
static void rpushCommand(vlClient *c) {
    pushGeneric(c, PLIST_TAIL, 0);
}
static void lpushxCommand(vlClient *c) {
    pushGeneric(c, PLIST_HEAD, 1);
}
static void rpushxCommand(vlClient *c) {
    pushGeneric(c, PLIST_TAIL, 1);
}

/* LPOP/RPOP key [count]: without count a bulk (nil when missing); with count an array (nil
 * array when missing, empty for count 0). */
static void popGeneric(vlClient *c, int where) {
    long long count = 0;
    int hascount = c->argc == 3;
    if (c->argc > 3) {
        addReplyErrorArity(c);
        return;
    }
    if (hascount && getPositiveLongOrReply(c, &c->argv[2], &count, NULL) != VL_OK) return;
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    if (!o) {
        if (hascount)
            addReplyNullArray(c);
        else
            addReplyNull(c);
        return;
    }
    if (hascount && count == 0) {
        addReplyArrayLen(c, 0);
        return;
    }
    if (hascount)
        popRangeReply(c, objPtr(o), where, count);
    else
        popOneReply(c, objPtr(o), where);
    afterPop(c, o, c->argv[1].ptr, c->argv[1].len, where);
}

static void lpopCommand(vlClient *c) {
    popGeneric(c, PLIST_HEAD);
}
static void rpopCommand(vlClient *c) {
    popGeneric(c, PLIST_TAIL);
}

/* ------------------------------------------------------------------- reads */

static void llenCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 0, &wrong);
    if (wrong) return;
    addReplyLongLong(c, o ? (long long)plistLen(objPtr(o)) : 0);
}

static void lindexCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 0, &wrong);
    if (wrong) return;
    if (!o) {
        addReplyNull(c);
        return;
    }
    long long idx;
    if (getLongLongOrReply(c, &c->argv[2], &idx, NULL) != VL_OK) return;
    plistEntry e;
    if (plistIndex(objPtr(o), idx, &e))
        replyEntry(c, &e);
    else
        addReplyNull(c);
}

/* LRANGE and LTRIM key start end: start and end from argv[2] and argv[3], then the list at
 * argv[1] (looked up for a write or a read; *o NULL when absent); VL_ERR once replied (not an
 * integer, WRONGTYPE). */
static int listRangeArgsOrReply(vlClient *c, int write, long long *start, long long *end,
                                vlObj **o) {
    if (getLongLongOrReply(c, &c->argv[2], start, NULL) != VL_OK ||
        getLongLongOrReply(c, &c->argv[3], end, NULL) != VL_OK)
        return VL_ERR;
    int wrong;
    *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, write, &wrong);
    return wrong ? VL_ERR : VL_OK;
}

/* Redis's index rules for LRANGE and LTRIM: negative counts from the tail, then clamped to the
 * list. 0 if the range is empty, else 1 with 0 <= start <= end < len. */
static int listClampRange(long long len, long long *start, long long *end) {
    /* len is far below LLONG_MAX, so len + negative never overflows */
    if (*start < 0) *start = len + *start;
    if (*end < 0) *end = len + *end;
    if (*start < 0) *start = 0;
    if (*start > *end || *start >= len) return 0;
    if (*end >= len) *end = len - 1;
    return 1;
}

static void lrangeCommand(vlClient *c) {
    long long start, end;
    vlObj *o;
    if (listRangeArgsOrReply(c, 0, &start, &end, &o) != VL_OK) return;
    if (!o) {
        addReplyArrayLen(c, 0);
        return;
    }
    plist *pl = objPtr(o);
    if (!listClampRange((long long)plistLen(pl), &start, &end)) {
        addReplyArrayLen(c, 0);
        return;
    }
    long long n = end - start + 1;
    addReplyArrayLen(c, n);
    plistIter *it = plistIterNew(pl, start, PLIST_HEAD);
    plistEntry e;
    for (long long i = 0; i < n && plistIterNext(it, &e); i++) replyEntry(c, &e);
    plistIterRelease(it);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
static void lposCommand(vlClient *c) {
    long long rank = 1, count = -1, maxlen = 0;
    for (int j = 3; j < c->argc; j++) {
        int moreargs = c->argc - 1 - j;
        const protoArg *a = &c->argv[j];
        if (argEq(a, "rank") && moreargs) {
            j++;
            if (getLongLongOrReply(c, &c->argv[j], &rank, NULL) != VL_OK) return;
            if (rank == LLONG_MIN) { /* its negation would overflow */
                addReplyError(c, "ERR value is out of range, value must between "
                                 "-9223372036854775807 and 9223372036854775807");
                return;
            }
            if (rank == 0) {
                addReplyError(c, "ERR RANK can't be zero: use 1 to start from the first match, "
                                 "2 from the second ... or use negative to start from the end "
                                 "of the list");
                return;
            }
        } else if (argEq(a, "count") && moreargs) {
            j++;
            if (getPositiveLongOrReply(c, &c->argv[j], &count, "ERR COUNT can't be negative") !=
                VL_OK)
                return;
        } else if (argEq(a, "maxlen") && moreargs) {
            j++;
            if (getPositiveLongOrReply(c, &c->argv[j], &maxlen, "ERR MAXLEN can't be negative") !=
                VL_OK)
                return;
        } else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    int direction = PLIST_HEAD;
    if (rank < 0) {
        rank = -rank;
        direction = PLIST_TAIL;
    }
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 0, &wrong);
    if (wrong) return;
    if (!o) {
        if (count != -1)
            addReplyArrayLen(c, 0);
        else
            addReplyNull(c);
        return;
    }
    plist *pl = objPtr(o);
    long long len = (long long)plistLen(pl);
    const protoArg *ele = &c->argv[2];
    void *slot = count != -1 ? addReplyDeferredLen(c) : NULL;
    long long index = 0, matches = 0, found = 0;
    plistIter *it = plistIterNew(pl, direction == PLIST_HEAD ? 0 : -1, direction);
    plistEntry e;
    while ((maxlen == 0 || index < maxlen) && plistIterNext(it, &e)) {
        if (plistEntryEquals(&e, ele->ptr, ele->len) && ++matches >= rank) {
            found++;
            addReplyLongLong(c, direction == PLIST_HEAD ? index : len - index - 1);
            if (count == -1 || (count && found >= count)) break;
        }
        index++;
    }
    plistIterRelease(it);
    if (count != -1)
        setDeferredArrayLen(c, slot, found);
    else if (!found)
        addReplyNull(c);
}

/* ------------------------------------------------------------------- in-place writes */

static void lsetCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    if (!o) {
        addReplyError(c, "ERR no such key");
        return;
    }
    long long idx;
    if (getLongLongOrReply(c, &c->argv[2], &idx, NULL) != VL_OK) return;
    if (checkElementsOrReply(c, 3, 4) != VL_OK) return;
    if (!plistReplaceAt(listForWrite(c->srv, o), idx, c->argv[3].ptr, c->argv[3].len)) {
        addReplyError(c, "ERR index out of range");
        return;
    }
    addReplyOk(c);
    notifyKeyspaceEvent(c->srv, NOTIFY_LIST, "lset", c->argv[1].ptr, c->argv[1].len, c->db->id);
    dbSignalModified(c->srv, c->db, c->argv[1].ptr, c->argv[1].len);
}

/* LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without
 * the key. */
static void linsertCommand(vlClient *c) {
    int after;
    if (argEq(&c->argv[2], "after")) {
        after = 1;
    } else if (argEq(&c->argv[2], "before")) {
        after = 0;
    } else {
        addReplyErrorSyntax(c);
        return;
    }
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    if (!o) {
        addReplyLongLong(c, 0);
        return;
    }
    if (checkElementsOrReply(c, 4, 5) != VL_OK) return;
    plist *pl = listForWrite(c->srv, o);
    const protoArg *pivot = &c->argv[3], *ele = &c->argv[4];
    plistIter *it = plistIterNew(pl, 0, PLIST_HEAD);
    plistEntry e;
    int inserted = 0;
    while (plistIterNext(it, &e)) {
        if (plistEntryEquals(&e, pivot->ptr, pivot->len)) {
            plistIterInsert(it, ele->ptr, ele->len, after);
            inserted = 1;
            break;
        }
    }
    plistIterRelease(it);
    if (!inserted) {
        addReplyLongLong(c, -1);
        return;
    }
    addReplyLongLong(c, (long long)plistLen(pl));
    notifyKeyspaceEvent(c->srv, NOTIFY_LIST, "linsert", c->argv[1].ptr, c->argv[1].len, c->db->id);
    dbSignalModified(c->srv, c->db, c->argv[1].ptr, c->argv[1].len);
}

/* LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
static void lremCommand(vlClient *c) {
    long long count;
    if (getLongLongOrReply(c, &c->argv[2], &count, NULL) != VL_OK) return;
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    if (!o) {
        addReplyLongLong(c, 0);
        return;
    }
    /* |LLONG_MIN| does not fit a long long: count in unsigned */
    unsigned long long want =
        count < 0 ? 0ULL - (unsigned long long)count : (unsigned long long)count;
    plist *pl = listForWrite(c->srv, o);
    const protoArg *ele = &c->argv[3];
    plistIter *it = plistIterNew(pl, count < 0 ? -1 : 0, count < 0 ? PLIST_TAIL : PLIST_HEAD);
    plistEntry e;
    unsigned long long removed = 0;
    while ((want == 0 || removed < want) && plistIterNext(it, &e)) {
        if (plistEntryEquals(&e, ele->ptr, ele->len)) {
            plistIterDelete(it);
            removed++;
        }
    }
    plistIterRelease(it);
    addReplyLongLong(c, (long long)removed);
    if (removed) afterRemove(c, o, c->argv[1].ptr, c->argv[1].len, "lrem");
}

static void ltrimCommand(vlClient *c) {
    long long start, end;
    vlObj *o;
    if (listRangeArgsOrReply(c, 1, &start, &end, &o) != VL_OK) return;
    if (!o) {
        addReplyOk(c);
        return;
    }
    plist *pl = listForWrite(c->srv, o);
    long long len = (long long)plistLen(pl), ltrim, rtrim;
    if (listClampRange(len, &start, &end)) {
        ltrim = start;
        rtrim = len - end - 1;
    } else {
        ltrim = len; /* everything goes */
        rtrim = 0;
    }
    if (rtrim) plistDelRange(pl, -rtrim, (size_t)rtrim);
    if (ltrim) plistDelRange(pl, 0, (size_t)ltrim);
    addReplyOk(c);
    afterRemove(c, o, c->argv[1].ptr, c->argv[1].len, "ltrim");
}

/* ------------------------------------------------------------------- moves */

/* LMOVE/RPOPLPUSH after parsing: nil when the source is missing, WRONGTYPE for either key. */
static void lmoveGeneric(vlClient *c, int wherefrom, int whereto) {
    int wrong;
    vlObj *src = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    if (!src) {
        addReplyNull(c);
        return;
    }
    vlObj *dst = dbLookupTypeOrReply(c, &c->argv[2], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    moveOne(c, src, c->argv[1].ptr, c->argv[1].len, dst, c->argv[2].ptr, c->argv[2].len, wherefrom,
            whereto);
}

static void lmoveCommand(vlClient *c) {
    int wherefrom, whereto;
    if (parseWhereOrReply(c, &c->argv[3], &wherefrom) != VL_OK ||
        parseWhereOrReply(c, &c->argv[4], &whereto) != VL_OK)
        return;
    lmoveGeneric(c, wherefrom, whereto);
}

static void rpoplpushCommand(vlClient *c) {
    lmoveGeneric(c, PLIST_TAIL, PLIST_HEAD);
}

/* ------------------------------------------------------------------- LMPOP / blocking */

/* Parses "numkeys key... LEFT|RIGHT [COUNT n]" starting at argv[idx]. */
static int parseMpopOrReply(vlClient *c, int idx, long long *numkeys, int *where,
                            long long *count) {
    if (getRangeLongOrReply(c, &c->argv[idx], 1, LLONG_MAX, numkeys,
                            "ERR numkeys should be greater than 0") != VL_OK)
        return VL_ERR;
    /* where sits at idx + numkeys + 1; compared this way round nothing overflows */
    if (*numkeys >= (long long)(c->argc - idx - 1)) {
        addReplyErrorSyntax(c);
        return VL_ERR;
    }
    int where_idx = idx + (int)*numkeys + 1;
    if (parseWhereOrReply(c, &c->argv[where_idx], where) != VL_OK) return VL_ERR;
    *count = -1;
    for (int j = where_idx + 1; j < c->argc; j++) {
        int moreargs = c->argc - 1 - j;
        if (*count == -1 && argEq(&c->argv[j], "count") && moreargs) {
            j++;
            if (getRangeLongOrReply(c, &c->argv[j], 1, LLONG_MAX, count,
                                    "ERR count should be greater than 0") != VL_OK)
                return VL_ERR;
        } else {
            addReplyErrorSyntax(c);
            return VL_ERR;
        }
    }
    if (*count == -1) *count = 1;
    return VL_OK;
}

/* Pops from the first non-empty list among keys[0..n): 1 when it replied (served, or
 * WRONGTYPE for a key of another type met first), 0 when all were missing. */
static int popFirstOrReply(vlClient *c, const protoArg *keys, int n, int where, int mpop,
                           long long count) {
    for (int i = 0; i < n; i++) {
        int wrong;
        vlObj *o = dbLookupTypeOrReply(c, &keys[i], OBJ_LIST, 1, &wrong);
        if (wrong) return 1;
        if (!o) continue;
        addReplyArrayLen(c, 2);
        addReplyBulk(c, keys[i].ptr, keys[i].len);
        if (mpop)
            popRangeReply(c, objPtr(o), where, count);
        else
            popOneReply(c, objPtr(o), where);
        afterPop(c, o, keys[i].ptr, keys[i].len, where);
        return 1;
    }
    return 0;
}

/* Nothing to pop now: in-process clients get the non-blocking answer (the embedding API
 * cannot wait), everyone else waits. */
static void blockOrNull(vlClient *c, const protoArg *keys, int nkeys, int64_t timeout,
                        const vlListBlockOp *op) {
    if (c->flags & CLIENT_FAKE) {
        if (op->dst)
            addReplyNull(c);
        else
            addReplyNullArray(c);
        return;
    }
    blockingBlockOnKeys(c, keys, nkeys, timeout, op);
}

static void lmpopGeneric(vlClient *c, int idx, int blocking, int64_t timeout) {
    long long numkeys, count;
    int where;
    if (parseMpopOrReply(c, idx, &numkeys, &where, &count) != VL_OK) return;
    const protoArg *keys = &c->argv[idx + 1];
    if (popFirstOrReply(c, keys, (int)numkeys, where, 1, count)) return;
    if (!blocking) {
        addReplyNullArray(c);
        return;
    }
    vlListBlockOp op = {where, 0, 1, count, NULL, 0};
    blockOrNull(c, keys, (int)numkeys, timeout, &op);
}

static void lmpopCommand(vlClient *c) {
    lmpopGeneric(c, 1, 0, 0);
}

static void blmpopCommand(vlClient *c) {
    int64_t timeout;
    if (getTimeoutOrReply(c, &c->argv[1], &timeout) != VL_OK) return;
    lmpopGeneric(c, 2, 1, timeout);
}

static void bpopGeneric(vlClient *c, int where) {
    int64_t timeout;
    if (getTimeoutOrReply(c, &c->argv[c->argc - 1], &timeout) != VL_OK) return;
    const protoArg *keys = &c->argv[1];
    int nkeys = c->argc - 2;
    if (popFirstOrReply(c, keys, nkeys, where, 0, 1)) return;
    vlListBlockOp op = {where, 0, 0, 1, NULL, 0};
    blockOrNull(c, keys, nkeys, timeout, &op);
}

static void blpopCommand(vlClient *c) {
    bpopGeneric(c, PLIST_HEAD);
}
static void brpopCommand(vlClient *c) {
    bpopGeneric(c, PLIST_TAIL);
}

static void blmoveGeneric(vlClient *c, int wherefrom, int whereto, const protoArg *tmo) {
    int64_t timeout;
    if (getTimeoutOrReply(c, tmo, &timeout) != VL_OK) return;
    int wrong;
    vlObj *src = dbLookupTypeOrReply(c, &c->argv[1], OBJ_LIST, 1, &wrong);
    if (wrong) return;
    if (src) {
        lmoveGeneric(c, wherefrom, whereto);
        return;
    }
    vlListBlockOp op = {wherefrom, whereto, 0, 1, c->argv[2].ptr, c->argv[2].len};
    blockOrNull(c, &c->argv[1], 1, timeout, &op);
}

static void blmoveCommand(vlClient *c) {
    int wherefrom, whereto;
    if (parseWhereOrReply(c, &c->argv[3], &wherefrom) != VL_OK ||
        parseWhereOrReply(c, &c->argv[4], &whereto) != VL_OK)
        return;
    blmoveGeneric(c, wherefrom, whereto, &c->argv[5]);
}

static void brpoplpushCommand(vlClient *c) {
    blmoveGeneric(c, PLIST_TAIL, PLIST_HEAD, &c->argv[3]);
}

void listServeBlocked(vlClient *c, vlObj *o, const void *key, size_t klen,
                      const vlListBlockOp *op) {
    if (op->dst) {
        vlObj *dst = dbLookup(c, op->dst, op->dstlen, LOOKUP_WRITE);
        if (dst && dst->type != OBJ_LIST) {
            addReplyErrorWrongType(c);
            return;
        }
        moveOne(c, o, key, klen, dst, op->dst, op->dstlen, op->where, op->whereto);
        return;
    }
    addReplyArrayLen(c, 2);
    addReplyBulk(c, key, klen);
    if (op->mpop)
        popRangeReply(c, objPtr(o), op->where, op->count);
    else
        popOneReply(c, objPtr(o), op->where);
    afterPop(c, o, key, klen, op->where);
}

/* ------------------------------------------------------------------- the type's row */

static void listFreeValue(vlObj *o) {
    plistRelease(objPtr(o));
}

/* The copy starts with the default fill: its next write gives it the configured one. */
static void *listDupValue(const vlObj *o) {
    plist *src = objPtr(o); /* iteration does not change the list */
    plist *dst = plistCreate(-2);
    plistIter *it = plistIterNew(src, 0, PLIST_HEAD);
    plistEntry e;
    char buf[24];
    while (plistIterNext(it, &e)) {
        const unsigned char *s;
        size_t len;
        plistEntryToStr(&e, buf, &s, &len);
        plistPush(dst, s, len, PLIST_TAIL);
    }
    plistIterRelease(it);
    return dst;
}

static size_t listMemUsage(const vlObj *o, size_t samples) {
    VL_UNUSED(samples);
    return plistMemUsage(objPtr(o));
}

static void listDigest(const vlObj *o, unsigned char digest[20]) {
    plistIter *it = plistIterNew(objPtr(o), 0, PLIST_HEAD);
    plistEntry e;
    char buf[24];
    while (plistIterNext(it, &e)) {
        const unsigned char *s;
        size_t len;
        plistEntryToStr(&e, buf, &s, &len);
        digestMix(digest, s, len);
    }
    plistIterRelease(it);
}

/* OBJECT ENCODING: "listpack" for one chunk within the fill's limits, "quicklist" for more
 * or for one element too big for them, as Redis names them. */
static const char *listEncName(const vlObj *o) {
    return plistIsCompact(objPtr(o)) ? "listpack" : "quicklist";
}

static size_t listWalkSize(const vlObj *o) {
    return plistChunkCount(objPtr(o));
}

#define LIST_FREE_STEP 4096 /* elements deleted between clock reads */

static int listFreeStep(vlObj *o, unsigned long *cursor, uint64_t deadline_us) {
    VL_UNUSED(cursor);
    plist *pl = objPtr(o);
    while (plistLen(pl) > 0 && utilMonoUs() < deadline_us) plistDelRange(pl, 0, LIST_FREE_STEP);
    return plistLen(pl) == 0;
}

/* The list keeps its own walk position (plistDefragReset/Step); the cursor only says whether
 * the walk has started: 0 moves the list's struct and starts over, 1 goes on. */
static int listDefragStep(vlObj *o, unsigned long *cursor, size_t max_steps, vlMoveFn *move,
                          void *ctx) {
    if (*cursor == 0) {
        objSetPtr(o, plistMoveSelf(objPtr(o), move, ctx));
        plistDefragReset(objPtr(o));
        *cursor = 1;
    }
    int more = plistDefragStep(objPtr(o), max_steps, move, ctx);
    if (!more) *cursor = 0;
    return more;
}

static int listBlocks(const vlObj *o, const void *out[2]) {
    int n = 0;
    out[n++] = objPtr(o);
    if (plistHeadBlock(objPtr(o))) out[n++] = plistHeadBlock(objPtr(o));
    return n;
}

const vlTypeOps listType = {
    .name = "list",
    .freeValue = listFreeValue,
    .dupValue = listDupValue,
    .memUsage = listMemUsage,
    .digest = listDigest,
    .encName = listEncName,
    .walkSize = listWalkSize,
    .freeStep = listFreeStep,
    .defragStep = listDefragStep,
    .blocks = listBlocks,
};

void listDebugCommand(vlClient *c) {
    if (c->argc != 3) {
        addReplyErrorFormat(c,
                            "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
                            "Try DEBUG HELP.",
                            (int)(c->argc > 1 && c->argv[1].len < 64 ? c->argv[1].len : 0),
                            c->argc > 1 ? c->argv[1].ptr : "");
        return;
    }
    vlObj *o = dbLookup(c, c->argv[2].ptr, c->argv[2].len, LOOKUP_NOTOUCH);
    if (!o) {
        addReplyError(c, "ERR no such key");
        return;
    }
    if (o->type != OBJ_LIST) {
        addReplyErrorWrongType(c);
        return;
    }
    plist *pl = objPtr(o);
    size_t chunks, used, alloc;
    plistStats(pl, &chunks, &used, &alloc);
    size_t len = plistLen(pl);
    char buf[512];
    int n =
        snprintf(buf, sizeof(buf),
                 "encoding:%s chunks:%zu elements:%zu fill:%d avg_per_chunk:%.2f "
                 "bytes_used:%zu bytes_alloc:%zu used_ratio:%.3f value_mem:%zu "
                 "object_mem:%zu verify:%s",
                 plistIsCompact(pl) ? "listpack" : "quicklist", chunks, len,
                 c->srv->cfg.list_max_listpack_size, chunks ? (double)len / (double)chunks : 0.0,
                 used, alloc, alloc ? (double)used / (double)alloc : 0.0, plistMemUsage(pl),
                 vlAllocSize(o), plistVerify(pl) ? "ok" : "FAILED");
    addReplyBulk(c, buf, (size_t)(n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1));
}

/* ------------------------------------------------------------------- table */

#define W CMD_WRITE
#define R CMD_READONLY
#define OOM CMD_DENYOOM
#define F CMD_FAST
#define B CMD_BLOCKING

const vlCommand vlListCommands[] = {
    {"lpush", lpushCommand, -3, W | OOM | F, 1, 1, 1, "list",
     "Prepends one or more elements to a list. Creates the key if it doesn't exist."},
    {"rpush", rpushCommand, -3, W | OOM | F, 1, 1, 1, "list",
     "Appends one or more elements to a list. Creates the key if it doesn't exist."},
    {"lpushx", lpushxCommand, -3, W | OOM | F, 1, 1, 1, "list",
     "Prepends one or more elements to a list only when the list exists."},
    {"rpushx", rpushxCommand, -3, W | OOM | F, 1, 1, 1, "list",
     "Appends an element to a list only when the list exists."},
    {"linsert", linsertCommand, 5, W | OOM, 1, 1, 1, "list",
     "Inserts an element before or after another element in a list."},
    {"lpop", lpopCommand, -2, W | F, 1, 1, 1, "list",
     "Returns the first elements in a list after removing it. Deletes the list if the last "
     "element was popped."},
    {"rpop", rpopCommand, -2, W | F, 1, 1, 1, "list",
     "Returns and removes the last elements of a list. Deletes the list if the last element "
     "was popped."},
    {"llen", llenCommand, 2, R | F, 1, 1, 1, "list", "Returns the length of a list."},
    {"lindex", lindexCommand, 3, R, 1, 1, 1, "list",
     "Returns an element from a list by its index."},
    {"lset", lsetCommand, 4, W | OOM, 1, 1, 1, "list",
     "Sets the value of an element in a list by its index."},
    {"lrange", lrangeCommand, 4, R, 1, 1, 1, "list", "Returns a range of elements from a list."},
    {"ltrim", ltrimCommand, 4, W, 1, 1, 1, "list",
     "Removes elements from both ends a list. Deletes the list if all elements were trimmed."},
    {"lrem", lremCommand, 4, W, 1, 1, 1, "list",
     "Removes elements from a list. Deletes the list if the last element was removed."},
    {"lpos", lposCommand, -3, R, 1, 1, 1, "list",
     "Returns the index of matching elements in a list."},
    {"lmove", lmoveCommand, 5, W | OOM, 1, 2, 1, "list",
     "Returns an element after popping it from one list and pushing it to another. Deletes the "
     "list if the last element was moved."},
    {"rpoplpush", rpoplpushCommand, 3, W | OOM, 1, 2, 1, "list",
     "Returns the last element of a list after removing and pushing it to another list. "
     "Deletes the list if the last element was popped."},
    {"lmpop", lmpopCommand, -4, W | CMD_KEYNUM, 1, 0, 0, "list",
     "Returns multiple elements from a list after removing them. Deletes the list if the last "
     "element was popped."},
    {"blpop", blpopCommand, -3, W | B, 1, -2, 1, "list",
     "Removes and returns the first element in a list. Blocks until an element is available "
     "otherwise. Deletes the list if the last element was popped."},
    {"brpop", brpopCommand, -3, W | B, 1, -2, 1, "list",
     "Removes and returns the last element in a list. Blocks until an element is available "
     "otherwise. Deletes the list if the last element was popped."},
    {"blmove", blmoveCommand, 6, W | OOM | B, 1, 2, 1, "list",
     "Pops an element from a list, pushes it to another list and returns it. Blocks until an "
     "element is available otherwise. Deletes the list if the last element was moved."},
    {"brpoplpush", brpoplpushCommand, 4, W | OOM | B, 1, 2, 1, "list",
     "Pops an element from a list, pushes it to another list and returns it. Block until an "
     "element is available otherwise. Deletes the list if the last element was popped."},
    {"blmpop", blmpopCommand, -5, W | B | CMD_KEYNUM, 2, 0, 0, "list",
     "Pops the first element from one of multiple lists. Blocks until an element is available "
     "otherwise. Deletes the list if the last element was popped."},
    {0},
};
