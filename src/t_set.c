/* t_set.c - the set type: SADD ... SSCAN, the set algebra, and the value hooks (free, dup,
 * memory, digest, defrag step) that object.c and defrag.c call.
 *
 * Three encodings, with Redis 7.2's rules and OBJECT ENCODING names. A set of integers is a
 * packInt (sorted array, "intset") up to set-max-intset-entries; a small set of strings is a
 * pack ("listpack") up to set-max-listpack-entries members of at most set-max-listpack-value
 * bytes; anything bigger is a dict ("hashtable"). Sets only ever move up that ladder.
 *
 * The one decision: a dict member is ONE block, the dict's intrusive entry {dictLink, length,
 * bytes}: no separate string and no node, so a short member costs a 16- or 32-byte block plus
 * its bucket slot, and defrag moves it with one "copy, free, store the new pointer".
 *
 * The commands work on a setVal (encoding + pointer) rather than on the object, so the set
 * algebra can build its results with the same add/convert code before any key exists; a
 * command copies the setVal back into its object after changing it (svStore).
 *
 * Rejected: Redis 7.0's two encodings (no listpack for small string sets: a 3-member set of
 * words then costs a dict, a table and three entries); keeping every result of SINTER etc. in
 * a dict (a small result would stay big in SINTERSTORE's destination). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "client.h"
#include "cmd.h"
#include "db.h"
#include "dictval.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"
#include "varlen.h"

/* ------------------------------------------------------------------------------------------ */
/* Dict members                                                                               */
/* ------------------------------------------------------------------------------------------ */

/* data: the member's length (ds/varlen.h), then its bytes. */
typedef struct setMember {
    dictLink link;
    unsigned char data[];
} setMember;

static inline const unsigned char *memberParts(const dictLink *l, size_t *len) {
    const setMember *m = (const setMember *)l;
    return m->data + varlenGet(m->data, len);
}

static setMember *memberNew(const void *p, size_t len) {
    setMember *m = vlMalloc(sizeof(setMember) + varlenSize(len) + len);
    m->link.next = NULL;
    size_t code = varlenPut(m->data, len);
    if (len) memcpy(m->data + code, p, len);
    return m;
}

static size_t memberUsed(const dictLink *l) {
    size_t len;
    const unsigned char *p = memberParts(l, &len);
    return (size_t)(p + len - (const unsigned char *)l);
}

static const void *memberKey(const dictLink *l, size_t *len) {
    return memberParts(l, len);
}

static void memberFree(dictLink *l) {
    vlFree(l);
}

static const dictType setDictType = {memberKey, NULL, NULL, memberFree};

/* ------------------------------------------------------------------------------------------ */
/* setVal: one set in any encoding                                                            */
/* ------------------------------------------------------------------------------------------ */

typedef struct setVal {
    int enc;   /* OBJ_ENC_INTSET, OBJ_ENC_LISTPACK or OBJ_ENC_HT */
    void *ptr; /* NULL: an absent key, read as the empty set */
} setVal;

static setVal svOf(const vlObj *o) {
    setVal v = {o->enc, objPtr(o)};
    return v;
}

static void svStore(vlObj *o, const setVal *v) {
    o->enc = (uint8_t)v->enc;
    objSetPtr(o, v->ptr);
}

static int memberIsInt(const void *p, size_t len, long long *v) {
    return len <= 20 && utilStrToLL(p, len, v);
}

static size_t svSize(const setVal *v) {
    if (!v->ptr) return 0;
    switch (v->enc) {
    case OBJ_ENC_INTSET: return packIntCount(v->ptr);
    case OBJ_ENC_LISTPACK: return packCount(v->ptr);
    default: return dictSize(v->ptr);
    }
}

static int svIsMember(const setVal *v, const void *p, size_t len) {
    long long ll;
    if (!v->ptr) return 0;
    switch (v->enc) {
    case OBJ_ENC_INTSET: return memberIsInt(p, len, &ll) && packIntFind(v->ptr, ll);
    case OBJ_ENC_LISTPACK: return packFind(v->ptr, p, len, 1) != 0;
    default: return dictFind(v->ptr, p, len) != NULL;
    }
}

static setVal svNewIntset(void) {
    setVal v = {OBJ_ENC_INTSET, packIntNew()};
    return v;
}

/* Redis 7.2's setTypeCreate: the encoding the first member and the expected size call for. */
static setVal svCreate(vlServer *s, const void *first, size_t flen, size_t hint) {
    long long ll;
    setVal v;
    if (memberIsInt(first, flen, &ll) && (long long)hint <= s->cfg.set_max_intset_entries) {
        v = svNewIntset();
    } else if ((long long)hint <= s->cfg.set_max_listpack_entries) {
        v.enc = OBJ_ENC_LISTPACK;
        v.ptr = packNew();
    } else {
        v.enc = OBJ_ENC_HT;
        v.ptr = dictCreate(&setDictType);
    }
    return v;
}

static void svFree(setVal *v) {
    if (!v->ptr) return;
    switch (v->enc) {
    case OBJ_ENC_INTSET: packIntFree(v->ptr); break;
    case OBJ_ENC_LISTPACK: packFree(v->ptr); break;
    default: dictRelease(v->ptr); break;
    }
    v->ptr = NULL;
}

static void svToDict(setVal *v) {
    dict *d = dictCreate(&setDictType);
    if (v->enc == OBJ_ENC_INTSET) {
        size_t n = packIntCount(v->ptr);
        for (size_t i = 0; i < n; i++) {
            char buf[24];
            int len = utilLLToStr(buf, sizeof(buf), packIntGet(v->ptr, i));
            dictAddNew(d, &memberNew(buf, (size_t)len)->link);
        }
        packIntFree(v->ptr);
    } else if (v->enc == OBJ_ENC_LISTPACK) {
        unsigned char *p = v->ptr;
        size_t off = packFirst(p), end = packBytes(p);
        while (off < end) {
            const unsigned char *m;
            size_t len;
            off = packNext(p, off, &m, &len);
            dictAddNew(d, &memberNew(m, len)->link);
        }
        packFree(p);
    }
    v->enc = OBJ_ENC_HT;
    v->ptr = d;
}

static void svIntsetToPack(setVal *v) {
    unsigned char *p = packNew();
    size_t n = packIntCount(v->ptr);
    for (size_t i = 0; i < n; i++) {
        char buf[24];
        int len = utilLLToStr(buf, sizeof(buf), packIntGet(v->ptr, i));
        p = packAppend(p, buf, (size_t)len);
    }
    packIntFree(v->ptr);
    v->enc = OBJ_ENC_LISTPACK;
    v->ptr = p;
}

static size_t digits10(long long v) {
    char buf[24];
    return (size_t)utilLLToStr(buf, sizeof(buf), v);
}

/* Adds a member; returns 1 if it was new. Moves up the encoding ladder when a limit is hit. */
static int svAdd(vlServer *s, setVal *v, const void *p, size_t len) {
    long long ll;
    if (v->enc == OBJ_ENC_INTSET) {
        if (memberIsInt(p, len, &ll)) {
            int added;
            v->ptr = packIntAdd(v->ptr, ll, &added);
            if (added && (long long)packIntCount(v->ptr) > s->cfg.set_max_intset_entries)
                svToDict(v);
            return added;
        }
        /* A string joins integers: a pack if all of them fit its limits, else a dict. */
        size_t n = packIntCount(v->ptr), maxlen = 0;
        if (n) {
            size_t a = digits10(packIntMin(v->ptr)), b = digits10(packIntMax(v->ptr));
            maxlen = a > b ? a : b;
        }
        if ((long long)n < s->cfg.set_max_listpack_entries &&
            (long long)len <= s->cfg.set_max_listpack_value &&
            (long long)maxlen <= s->cfg.set_max_listpack_value &&
            n * (maxlen + 1) + len < PACK_MAX_BYTES)
            svIntsetToPack(v);
        else
            svToDict(v);
    }
    if (v->enc == OBJ_ENC_LISTPACK) {
        if (packFind(v->ptr, p, len, 1)) return 0;
        if ((long long)packCount(v->ptr) < s->cfg.set_max_listpack_entries &&
            (long long)len <= s->cfg.set_max_listpack_value && packSafeToAdd(v->ptr, len)) {
            v->ptr = packAppend(v->ptr, p, len);
            return 1;
        }
        svToDict(v);
        dictAddNew(v->ptr, &memberNew(p, len)->link); /* known absent */
        return 1;
    }
    if (dictFind(v->ptr, p, len)) return 0;
    dictAddNew(v->ptr, &memberNew(p, len)->link);
    return 1;
}

static int svRemove(setVal *v, const void *p, size_t len) {
    long long ll;
    int removed = 0;
    if (!v->ptr) return 0;
    if (v->enc == OBJ_ENC_INTSET) {
        if (memberIsInt(p, len, &ll)) v->ptr = packIntRemove(v->ptr, ll, &removed);
    } else if (v->enc == OBJ_ENC_LISTPACK) {
        size_t off = packFind(v->ptr, p, len, 1);
        if (off) {
            v->ptr = packDelete(v->ptr, off, 1);
            removed = 1;
        }
    } else {
        dictLink *e = dictUnlink(v->ptr, p, len);
        if (e) {
            vlFree(e);
            /* As Redis: a set that lost most of its members gives its table back now. */
            dictShrinkIfNeeded(v->ptr);
            removed = 1;
        }
    }
    return removed;
}

/* Iteration: members as borrowed bytes (integers formatted into the iterator). */
typedef struct setIter {
    setVal v;
    size_t i, n; /* intset index / pack offset, and the end */
    dictIter di;
    char buf[24];
} setIter;

static void setIterInit(setIter *it, const setVal *v) {
    it->v = *v;
    it->i = 0;
    it->n = 0;
    if (!v->ptr) return;
    if (v->enc == OBJ_ENC_INTSET) {
        it->n = packIntCount(v->ptr);
    } else if (v->enc == OBJ_ENC_LISTPACK) {
        it->i = packFirst(v->ptr);
        it->n = packBytes(v->ptr);
    } else {
        dictIterInit(&it->di, v->ptr);
    }
}

static int setIterNext(setIter *it, const char **p, size_t *len) {
    if (!it->v.ptr) return 0;
    if (it->v.enc == OBJ_ENC_INTSET) {
        if (it->i >= it->n) return 0;
        *len = (size_t)utilLLToStr(it->buf, sizeof(it->buf), packIntGet(it->v.ptr, it->i++));
        *p = it->buf;
        return 1;
    }
    if (it->v.enc == OBJ_ENC_LISTPACK) {
        if (it->i >= it->n) return 0;
        const unsigned char *m;
        it->i = packNext(it->v.ptr, it->i, &m, len);
        *p = (const char *)m;
        return 1;
    }
    dictLink *e = dictIterNext(&it->di);
    if (!e) return 0;
    *p = (const char *)memberParts(e, len);
    return 1;
}

static void setIterRelease(setIter *it) {
    if (it->v.ptr && it->v.enc == OBJ_ENC_HT) dictIterRelease(&it->di);
}

void setForEachMember(const vlObj *o, void (*fn)(void *ctx, const char *p, size_t len), void *ctx) {
    setVal v = svOf(o);
    setIter it;
    setIterInit(&it, &v);
    const char *p;
    size_t len;
    while (setIterNext(&it, &p, &len)) fn(ctx, p, len);
    setIterRelease(&it);
}

/* The member at index i of a compact set (borrowed, or formatted into buf); for a pack also
 * its offset. */
static const char *svCompactAt(const setVal *v, size_t i, char buf[24], size_t *len, size_t *off) {
    if (v->enc == OBJ_ENC_INTSET) {
        *len = (size_t)utilLLToStr(buf, 24, packIntGet(v->ptr, i));
        return buf;
    }
    const unsigned char *m;
    size_t o = packOffsetAt(v->ptr, i);
    packNext(v->ptr, o, &m, len);
    if (off) *off = o;
    return (const char *)m;
}

/* A random member of a non-empty set. */
static const char *svRandom(const setVal *v, char buf[24], size_t *len) {
    if (v->enc == OBJ_ENC_HT) return (const char *)memberParts(packDictRandom(v->ptr), len);
    return svCompactAt(v, (size_t)(utilRandom64() % svSize(v)), buf, len, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* The type's row                                                                             */
/* ------------------------------------------------------------------------------------------ */

static void setFreeValue(vlObj *o) {
    setVal v = svOf(o);
    svFree(&v);
}

static void *setDupValue(const vlObj *o) {
    const void *ptr = objPtr(o);
    if (o->enc == OBJ_ENC_INTSET) return packIntDup(ptr);
    if (o->enc == OBJ_ENC_LISTPACK) return packDup(ptr);
    dict *d = dictCreate(&setDictType);
    dictIter it;
    dictIterInit(&it, (dict *)ptr);
    dictLink *e;
    while ((e = dictIterNext(&it)) != NULL) {
        dictLink *n = vlMemdup(e, memberUsed(e));
        n->next = NULL;
        dictAddNew(d, n);
    }
    dictIterRelease(&it);
    return d;
}

static void setDigest(const vlObj *o, unsigned char digest[20]) {
    setVal v = svOf(o);
    setIter it;
    const char *p;
    size_t len;
    setIterInit(&it, &v);
    /* xor of per-member digests: independent of the encoding and of the order */
    while (setIterNext(&it, &p, &len)) digestXor(digest, p, len);
    setIterRelease(&it);
}

static const char *setEncName(const vlObj *o) {
    return o->enc == OBJ_ENC_HT ? "hashtable" : o->enc == OBJ_ENC_INTSET ? "intset" : "listpack";
}

/* memory, walk size, sliced free, defrag and blocks: the dict-or-compact shape (dictval.c) */
const vlTypeOps setType = {
    .name = "set",
    .freeValue = setFreeValue,
    .dupValue = setDupValue,
    .memUsage = dvMemUsage,
    .digest = setDigest,
    .encName = setEncName,
    .walkSize = dvWalkSize,
    .freeStep = dvFreeStep,
    .defragStep = dvDefragStep,
    .blocks = dvBlocks,
};

/* ------------------------------------------------------------------------------------------ */
/* Command helpers                                                                            */
/* ------------------------------------------------------------------------------------------ */

static void setWritten(vlClient *c, const protoArg *key, const char *event) {
    dbSignalModified(c->srv, c->db, key->ptr, key->len);
    notifyKeyspaceEvent(c->srv, NOTIFY_SET, event, key->ptr, key->len, c->db->id);
}

/* An emptied set is deleted, as Redis never keeps empty aggregates. */
static void setDeleteIfEmpty(vlClient *c, vlObj *o, const protoArg *key) {
    setVal v = svOf(o);
    if (svSize(&v) != 0) return;
    dbDelete(c->srv, c->db, key->ptr, key->len);
    notifyKeyspaceEvent(c->srv, NOTIFY_GENERIC, "del", key->ptr, key->len, c->db->id);
}

static void replySetMembers(vlClient *c, const setVal *v, int as_set) {
    if (as_set)
        addReplySetLen(c, (long long)svSize(v));
    else
        addReplyArrayLen(c, (long long)svSize(v));
    setIter it;
    const char *p;
    size_t len;
    setIterInit(&it, v);
    while (setIterNext(&it, &p, &len)) addReplyBulk(c, p, len);
    setIterRelease(&it);
}

/* ------------------------------------------------------------------------------------------ */
/* Basic commands                                                                             */
/* ------------------------------------------------------------------------------------------ */

static void saddCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 1, &wrong);
    if (wrong) return;
    setVal v;
    if (o) {
        v = svOf(o);
    } else {
        v = svCreate(c->srv, c->argv[2].ptr, c->argv[2].len, (size_t)(c->argc - 2));
        o = objNewPtr(c->argv[1].ptr, c->argv[1].len, OBJ_SET, v.enc, v.ptr);
        dbAdd(c->srv, c->db, o);
    }
    long long added = 0;
    for (int i = 2; i < c->argc; i++) added += svAdd(c->srv, &v, c->argv[i].ptr, c->argv[i].len);
    svStore(o, &v);
    if (added) setWritten(c, &c->argv[1], "sadd");
    addReplyLongLong(c, added);
}

static void sremCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 1, &wrong);
    if (wrong) return;
    if (!o) {
        addReplyLongLong(c, 0);
        return;
    }
    setVal v = svOf(o);
    long long removed = 0;
    for (int i = 2; i < c->argc; i++) {
        if (svRemove(&v, c->argv[i].ptr, c->argv[i].len)) {
            removed++;
            if (svSize(&v) == 0) break;
        }
    }
    svStore(o, &v);
    if (removed) {
        setWritten(c, &c->argv[1], "srem");
        setDeleteIfEmpty(c, o, &c->argv[1]);
    }
    addReplyLongLong(c, removed);
}

static void smoveCommand(vlClient *c) {
    vlObj *src = dbLookupWrite(c, &c->argv[1]);
    vlObj *dst = dbLookupWrite(c, &c->argv[2]);
    const protoArg *m = &c->argv[3];
    if (!src) {
        addReplyLongLong(c, 0);
        return;
    }
    if (src->type != OBJ_SET || (dst && dst->type != OBJ_SET)) {
        addReplyErrorWrongType(c);
        return;
    }
    setVal sv = svOf(src);
    if (src == dst) {
        addReplyLongLong(c, svIsMember(&sv, m->ptr, m->len));
        return;
    }
    if (!svRemove(&sv, m->ptr, m->len)) {
        addReplyLongLong(c, 0);
        return;
    }
    svStore(src, &sv);
    notifyKeyspaceEvent(c->srv, NOTIFY_SET, "srem", c->argv[1].ptr, c->argv[1].len, c->db->id);
    setDeleteIfEmpty(c, src, &c->argv[1]);
    setVal dv;
    if (dst) {
        dv = svOf(dst);
    } else {
        dv = svCreate(c->srv, m->ptr, m->len, 1);
        dst = objNewPtr(c->argv[2].ptr, c->argv[2].len, OBJ_SET, dv.enc, dv.ptr);
        dbAdd(c->srv, c->db, dst);
    }
    dbSignalModified(c->srv, c->db, c->argv[1].ptr, c->argv[1].len);
    int added = svAdd(c->srv, &dv, m->ptr, m->len);
    svStore(dst, &dv);
    if (added) setWritten(c, &c->argv[2], "sadd");
    addReplyLongLong(c, 1);
}

static void sismemberCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 0, &wrong);
    if (wrong) return;
    setVal v = {0, NULL};
    if (o) v = svOf(o);
    addReplyLongLong(c, svIsMember(&v, c->argv[2].ptr, c->argv[2].len));
}

static void smismemberCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 0, &wrong);
    if (wrong) return;
    setVal v = {0, NULL};
    if (o) v = svOf(o);
    addReplyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++)
        addReplyLongLong(c, svIsMember(&v, c->argv[i].ptr, c->argv[i].len));
}

static void scardCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 0, &wrong);
    if (wrong) return;
    setVal v = {0, NULL};
    if (o) v = svOf(o);
    addReplyLongLong(c, (long long)svSize(&v));
}

static void smembersCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 0, &wrong);
    if (wrong) return;
    setVal v = {0, NULL};
    if (o) v = svOf(o);
    replySetMembers(c, &v, 1);
}

/* ---- SPOP ---- */

/* Replies with and removes count distinct random members, count < size. */
static void spopSome(vlClient *c, setVal *v, size_t count) {
    size_t size = svSize(v);
    const char *p;
    size_t len;
    if (v->enc != OBJ_ENC_HT) {
        /* Compact: pick sorted indexes, reply with them, and rebuild with the rest in one
         * pass (O(n) however many are popped). */
        size_t *idx = vlMalloc(count * sizeof(*idx));
        packPickSorted(size, count, idx);
        setVal keep = {v->enc, v->enc == OBJ_ENC_INTSET ? packIntNew() : packNew()};
        setIter it;
        setIterInit(&it, v);
        size_t i = 0, k = 0;
        while (setIterNext(&it, &p, &len)) {
            if (k < count && idx[k] == i) {
                addReplyBulk(c, p, len);
                k++;
            } else if (keep.enc == OBJ_ENC_INTSET) {
                keep.ptr = packIntAdd(keep.ptr, packIntGet(v->ptr, i), NULL);
            } else {
                keep.ptr = packAppend(keep.ptr, p, len);
            }
            i++;
        }
        setIterRelease(&it);
        vlFree(idx);
        svFree(v);
        *v = keep;
        return;
    }
    dictLink **picks = vlMalloc(count * sizeof(*picks));
    size_t got = packPickDict(v->ptr, count, picks);
    for (size_t i = 0; i < got; i++) {
        p = (const char *)memberParts(picks[i], &len);
        addReplyBulk(c, p, len);
        vlFree(dictUnlink(v->ptr, p, len));
    }
    vlFree(picks);
    dictShrinkIfNeeded(v->ptr);
}

static void spopWithCount(vlClient *c) {
    long long count;
    if (getPositiveLongOrReply(c, &c->argv[2], &count, NULL) != VL_OK) return;
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 1, &wrong);
    if (wrong) return;
    if (!o || count == 0) {
        addReplySetLen(c, 0);
        return;
    }
    setVal v = svOf(o);
    size_t size = svSize(&v);
    notifyKeyspaceEvent(c->srv, NOTIFY_SET, "spop", c->argv[1].ptr, c->argv[1].len, c->db->id);
    if ((unsigned long long)count >= size) {
        replySetMembers(c, &v, 1);
        dbDelete(c->srv, c->db, c->argv[1].ptr, c->argv[1].len);
        notifyKeyspaceEvent(c->srv, NOTIFY_GENERIC, "del", c->argv[1].ptr, c->argv[1].len,
                            c->db->id);
    } else {
        addReplySetLen(c, count);
        spopSome(c, &v, (size_t)count);
        svStore(o, &v);
    }
    dbSignalModified(c->srv, c->db, c->argv[1].ptr, c->argv[1].len);
}

/* SPOP and SRANDMEMBER key [count]: with a count, withcount does it all; without, the set at
 * argv[1] (looked up for a write or a read), or NULL once replied (a syntax error past the
 * count, WRONGTYPE, or a null for an absent key). */
static vlObj *setRandomOneOrReply(vlClient *c, int write, void (*withcount)(vlClient *c)) {
    if (c->argc == 3) {
        withcount(c);
        return NULL;
    }
    if (c->argc > 3) {
        addReplyErrorSyntax(c);
        return NULL;
    }
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, write, &wrong);
    if (wrong) return NULL;
    if (!o) addReplyNull(c);
    return o;
}

static void spopCommand(vlClient *c) {
    vlObj *o = setRandomOneOrReply(c, 1, spopWithCount);
    if (!o) return;
    setVal v = svOf(o);
    char buf[24];
    size_t len;
    size_t off = 0;
    if (v.enc == OBJ_ENC_HT) {
        dictLink *e = packDictRandom(v.ptr);
        const char *p = (const char *)memberParts(e, &len);
        addReplyBulk(c, p, len);
        vlFree(dictUnlink(v.ptr, p, len));
        dictShrinkIfNeeded(v.ptr);
    } else {
        size_t i = (size_t)(utilRandom64() % svSize(&v));
        const char *p = svCompactAt(&v, i, buf, &len, &off);
        addReplyBulk(c, p, len);
        if (v.enc == OBJ_ENC_INTSET)
            v.ptr = packIntRemove(v.ptr, packIntGet(v.ptr, i), NULL);
        else
            v.ptr = packDelete(v.ptr, off, 1);
    }
    svStore(o, &v);
    setWritten(c, &c->argv[1], "spop");
    setDeleteIfEmpty(c, o, &c->argv[1]);
}

/* ---- SRANDMEMBER ---- */

static void srandmemberWithCount(vlClient *c) {
    long long l;
    if (dvRandomCountOrReply(c, &c->argv[2], &l) != VL_OK) return;
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_SET, 0, &wrong);
    if (wrong) return;
    if (!o || l == 0) {
        addReplyArrayLen(c, 0);
        return;
    }
    setVal v = svOf(o);
    size_t size = svSize(&v);
    const char *p;
    size_t len;
    char buf[24];
    if (l < 0) {
        /* Repeats allowed: count independent draws. */
        unsigned long count = (unsigned long)(-l);
        addReplyArrayLen(c, (long long)count);
        for (unsigned long i = 0; i < count; i++) {
            p = svRandom(&v, buf, &len);
            addReplyBulk(c, p, len);
            if (!dvReplyStillWanted(c, i)) break; /* the client is being closed anyway */
        }
        return;
    }
    size_t count = (size_t)l;
    if (count >= size) {
        replySetMembers(c, &v, 0);
        return;
    }
    addReplyArrayLen(c, (long long)count);
    if (v.enc != OBJ_ENC_HT) {
        size_t *idx = vlMalloc(count * sizeof(*idx));
        packPickSorted(size, count, idx);
        setIter it;
        setIterInit(&it, &v);
        size_t i = 0, k = 0;
        while (k < count && setIterNext(&it, &p, &len)) {
            if (idx[k] == i) {
                addReplyBulk(c, p, len);
                k++;
            }
            i++;
        }
        setIterRelease(&it);
        vlFree(idx);
        return;
    }
    dictLink **picks = vlMalloc(count * sizeof(*picks));
    size_t got = packPickDict(v.ptr, count, picks);
    for (size_t i = 0; i < got; i++) {
        p = (const char *)memberParts(picks[i], &len);
        addReplyBulk(c, p, len);
    }
    vlFree(picks);
}

static void srandmemberCommand(vlClient *c) {
    vlObj *o = setRandomOneOrReply(c, 0, srandmemberWithCount);
    if (!o) return;
    setVal v = svOf(o);
    char buf[24];
    size_t len;
    const char *p = svRandom(&v, buf, &len);
    addReplyBulk(c, p, len);
}

/* ------------------------------------------------------------------------------------------ */
/* Set algebra                                                                                */
/* ------------------------------------------------------------------------------------------ */

/* The sets named by keys[0..n-1] (absent keys give ptr NULL, the empty set); VL_ERR after a
 * WRONGTYPE reply. Every key is type-checked, as Redis does, before any work. */
static int setLoadMany(vlClient *c, const protoArg *keys, long n, setVal *out) {
    for (long i = 0; i < n; i++) {
        int wrong;
        vlObj *o = dbLookupTypeOrReply(c, &keys[i], OBJ_SET, 0, &wrong);
        if (wrong) return VL_ERR;
        out[i].enc = o ? o->enc : 0;
        out[i].ptr = o ? objPtr(o) : NULL;
    }
    return VL_OK;
}

/* Stores res under dst (consumed), or deletes dst when res is empty; replies the size. */
static void setStoreResult(vlClient *c, const protoArg *dst, setVal *res, const char *event) {
    size_t n = svSize(res);
    if (n == 0) {
        svFree(res);
        if (dbDelete(c->srv, c->db, dst->ptr, dst->len)) {
            dbSignalModified(c->srv, c->db, dst->ptr, dst->len);
            notifyKeyspaceEvent(c->srv, NOTIFY_GENERIC, "del", dst->ptr, dst->len, c->db->id);
        }
        addReplyLongLong(c, 0);
        return;
    }
    vlObj *o = objNewPtr(dst->ptr, dst->len, OBJ_SET, res->enc, res->ptr);
    dbSetKey(c->srv, c->db, o, 0);
    setWritten(c, dst, event);
    addReplyLongLong(c, (long long)n);
}

static int cmpBySize(const void *a, const void *b) {
    size_t x = svSize(a), y = svSize(b);
    return x < y ? -1 : x > y;
}

#define SINTER_REPLY 0
#define SINTER_STORE 1
#define SINTER_CARD 2

/* Intersection: walk the smallest set, keep what every other set has. */
static void sinterGeneric(vlClient *c, const protoArg *keys, long n, const protoArg *dst, int mode,
                          long long limit) {
    setVal *sets = vlMalloc((size_t)n * sizeof(*sets));
    if (setLoadMany(c, keys, n, sets) != VL_OK) {
        vlFree(sets);
        return;
    }
    int empty = 0;
    for (long i = 0; i < n; i++)
        if (svSize(&sets[i]) == 0) empty = 1;
    setVal res = {0, NULL};
    if (mode == SINTER_STORE) res = svNewIntset();
    if (empty) {
        if (mode == SINTER_STORE)
            setStoreResult(c, dst, &res, "sinterstore");
        else if (mode == SINTER_CARD)
            addReplyLongLong(c, 0);
        else
            addReplySetLen(c, 0);
        vlFree(sets);
        return;
    }
    qsort(sets, (size_t)n, sizeof(*sets), cmpBySize);
    void *slot = mode == SINTER_REPLY ? addReplyDeferredLen(c) : NULL;
    long long found = 0;
    setIter it;
    const char *p;
    size_t len;
    setIterInit(&it, &sets[0]);
    while (setIterNext(&it, &p, &len)) {
        long j;
        for (j = 1; j < n; j++) {
            if (sets[j].ptr == sets[0].ptr) continue; /* the same key twice */
            if (!svIsMember(&sets[j], p, len)) break;
        }
        if (j < n) continue;
        found++;
        if (mode == SINTER_REPLY)
            addReplyBulk(c, p, len);
        else if (mode == SINTER_STORE)
            svAdd(c->srv, &res, p, len);
        else if (limit && found >= limit)
            break;
    }
    setIterRelease(&it);
    vlFree(sets);
    if (mode == SINTER_REPLY)
        setDeferredSetLen(c, slot, found);
    else if (mode == SINTER_CARD)
        addReplyLongLong(c, found);
    else
        setStoreResult(c, dst, &res, "sinterstore");
}

static void sinterCommand(vlClient *c) {
    sinterGeneric(c, &c->argv[1], c->argc - 1, NULL, SINTER_REPLY, 0);
}

static void sinterstoreCommand(vlClient *c) {
    sinterGeneric(c, &c->argv[2], c->argc - 2, &c->argv[1], SINTER_STORE, 0);
}

static void sintercardCommand(vlClient *c) {
    long long numkeys, limit = 0;
    if (getRangeLongOrReply(c, &c->argv[1], 1, LONG_MAX, &numkeys,
                            "ERR numkeys should be greater than 0") != VL_OK)
        return;
    if (numkeys > c->argc - 2) {
        addReplyError(c, "ERR Number of keys can't be greater than number of args");
        return;
    }
    for (long i = 2 + (long)numkeys; i < c->argc; i++) {
        if (argEq(&c->argv[i], "limit") && i + 1 < c->argc) {
            if (getPositiveLongOrReply(c, &c->argv[i + 1], &limit, "ERR LIMIT can't be negative") !=
                VL_OK)
                return;
            i++;
        } else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    sinterGeneric(c, &c->argv[2], (long)numkeys, NULL, SINTER_CARD, limit);
}

#define SET_UNION 0
#define SET_DIFF 1

static void sunionDiffGeneric(vlClient *c, const protoArg *keys, long n, const protoArg *dst,
                              int op) {
    setVal *sets = vlMalloc((size_t)n * sizeof(*sets));
    if (setLoadMany(c, keys, n, sets) != VL_OK) {
        vlFree(sets);
        return;
    }
    /* The result is built as a set (same add and convert rules as SADD), then replied or
     * stored: a union needs the dedup anyway, and it keeps one path for both variants. */
    setVal res = svNewIntset();
    setIter it;
    const char *p;
    size_t len;
    if (op == SET_UNION) {
        for (long i = 0; i < n; i++) {
            setIterInit(&it, &sets[i]);
            while (setIterNext(&it, &p, &len)) svAdd(c->srv, &res, p, len);
            setIterRelease(&it);
        }
    } else {
        setIterInit(&it, &sets[0]);
        while (setIterNext(&it, &p, &len)) {
            long j;
            for (j = 1; j < n; j++)
                if (svIsMember(&sets[j], p, len)) break;
            if (j == n) svAdd(c->srv, &res, p, len);
        }
        setIterRelease(&it);
    }
    vlFree(sets);
    if (dst) {
        setStoreResult(c, dst, &res, op == SET_UNION ? "sunionstore" : "sdiffstore");
    } else {
        replySetMembers(c, &res, 1);
        svFree(&res);
    }
}

static void sunionCommand(vlClient *c) {
    sunionDiffGeneric(c, &c->argv[1], c->argc - 1, NULL, SET_UNION);
}

static void sunionstoreCommand(vlClient *c) {
    sunionDiffGeneric(c, &c->argv[2], c->argc - 2, &c->argv[1], SET_UNION);
}

static void sdiffCommand(vlClient *c) {
    sunionDiffGeneric(c, &c->argv[1], c->argc - 1, NULL, SET_DIFF);
}

static void sdiffstoreCommand(vlClient *c) {
    sunionDiffGeneric(c, &c->argv[2], c->argc - 2, &c->argv[1], SET_DIFF);
}

/* ---- SSCAN ---- */

static void sscanCommand(vlClient *c) {
    unsigned long cursor;
    long long count;
    const protoArg *pat;
    vlObj *o = dvScanStartOrReply(c, OBJ_SET, &cursor, &count, &pat, NULL);
    if (!o) return;
    setVal v = svOf(o);
    const char *p;
    size_t len;
    long long n = 0;
    if (v.enc != OBJ_ENC_HT) {
        /* A compact set is small: all of it in one call, and the scan is over. */
        addReplyScanCursor(c, 0);
        void *slot = addReplyDeferredLen(c);
        setIter it;
        setIterInit(&it, &v);
        while (setIterNext(&it, &p, &len)) {
            if (pat && !utilGlobMatch(pat->ptr, pat->len, p, len, 0)) continue;
            addReplyBulk(c, p, len);
            n++;
        }
        setIterRelease(&it);
        setDeferredArrayLen(c, slot, n);
        return;
    }
    dictLink **items;
    size_t got = dvScan(v.ptr, &cursor, count, &items);
    addReplyScanCursor(c, cursor);
    void *slot = addReplyDeferredLen(c);
    for (size_t i = 0; i < got; i++) {
        p = (const char *)memberParts(items[i], &len);
        if (pat && !utilGlobMatch(pat->ptr, pat->len, p, len, 0)) continue;
        addReplyBulk(c, p, len);
        n++;
    }
    setDeferredArrayLen(c, slot, n);
    vlFree(items);
}

const vlCommand vlSetCommands[] = {
    {"sadd", saddCommand, -3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "set",
     "Adds one or more members to a set. Creates the key if it doesn't exist."},
    {"srem", sremCommand, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, "set",
     "Removes one or more members from a set. Deletes the set if the last member was removed."},
    {"smove", smoveCommand, 4, CMD_WRITE | CMD_FAST, 1, 2, 1, "set",
     "Moves a member from one set to another."},
    {"sismember", sismemberCommand, 3, CMD_READONLY | CMD_FAST, 1, 1, 1, "set",
     "Determines whether a member belongs to a set."},
    {"smismember", smismemberCommand, -3, CMD_READONLY | CMD_FAST, 1, 1, 1, "set",
     "Determines whether multiple members belong to a set."},
    {"scard", scardCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "set",
     "Returns the number of members in a set."},
    {"smembers", smembersCommand, 2, CMD_READONLY, 1, 1, 1, "set", "Returns all members of a set."},
    {"spop", spopCommand, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, "set",
     "Returns one or more random members from a set after removing them. Deletes the set if "
     "the last member was popped."},
    {"srandmember", srandmemberCommand, -2, CMD_READONLY, 1, 1, 1, "set",
     "Get one or multiple random members from a set"},
    {"sinter", sinterCommand, -2, CMD_READONLY, 1, -1, 1, "set",
     "Returns the intersect of multiple sets."},
    {"sintercard", sintercardCommand, -3, CMD_READONLY | CMD_KEYNUM, 1, 0, 0, "set",
     "Returns the number of members of the intersect of multiple sets."},
    {"sinterstore", sinterstoreCommand, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 1, "set",
     "Stores the intersect of multiple sets in a key."},
    {"sunion", sunionCommand, -2, CMD_READONLY, 1, -1, 1, "set",
     "Returns the union of multiple sets."},
    {"sunionstore", sunionstoreCommand, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 1, "set",
     "Stores the union of multiple sets in a key."},
    {"sdiff", sdiffCommand, -2, CMD_READONLY, 1, -1, 1, "set",
     "Returns the difference of multiple sets."},
    {"sdiffstore", sdiffstoreCommand, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 1, "set",
     "Stores the difference of multiple sets in a key."},
    {"sscan", sscanCommand, -3, CMD_READONLY, 1, 1, 1, "set", "Iterates over members of a set."},
    {0}};
