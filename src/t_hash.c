/* t_hash.c - the hash type: HSET ... HSCAN, and the value hooks (free, dup, memory, digest,
 * defrag step) that object.c and defrag.c call.
 *
 * Two encodings, as in Redis. A small hash is one pack block (pack.c) of alternating field and
 * value strings: OBJECT ENCODING "listpack". Past hash-max-listpack-entries fields or with a
 * field or value longer than hash-max-listpack-value it becomes a dict ("hashtable") and never
 * goes back (Redis does the same: converting back and forth on a boundary would thrash).
 *
 * The one decision: in the dict encoding a field and its value share ONE block, the dict's
 * intrusive entry: {dictLink, field length, value length, field bytes, value bytes}. Redis 7
 * spends three blocks per field (dictEntry + two sds); here a short field costs one 32-byte
 * block plus its bucket slot, and defrag moves each field with one "copy, free, store the new
 * pointer". The price: a new value of another size reallocates the entry, and the dict then
 * learns the new address through dictReplace.
 *
 * Rejected: a separate value block per field (a second owner to chase for defrag, +16 bytes
 * a field); a single encoding (dict only: ~40 bytes a field against ~16 in a pack for a
 * typical 100-field object). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
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
/* Dict entries                                                                               */
/* ------------------------------------------------------------------------------------------ */

/* data: field length, value length (ds/varlen.h), field bytes, value bytes. */
typedef struct hashEntry {
    dictLink link;
    unsigned char data[];
} hashEntry;

static inline unsigned char *lenPut(unsigned char *p, size_t len) {
    return p + varlenPut(p, len);
}

static inline const unsigned char *lenGet(const unsigned char *p, size_t *len) {
    return p + varlenGet(p, len);
}

static void hentParts(const hashEntry *e, const unsigned char **f, size_t *flen,
                      const unsigned char **v, size_t *vlen) {
    const unsigned char *p = lenGet(e->data, flen);
    p = lenGet(p, vlen);
    *f = p;
    *v = p + *flen;
}

static size_t hentUsed(const hashEntry *e) {
    const unsigned char *f, *v;
    size_t flen, vlen;
    hentParts(e, &f, &flen, &v, &vlen);
    return (size_t)(v + vlen - (const unsigned char *)e);
}

static hashEntry *hentNew(const void *f, size_t flen, const void *v, size_t vlen) {
    hashEntry *e = vlMalloc(sizeof(hashEntry) + varlenSize(flen) + varlenSize(vlen) + flen + vlen);
    e->link.next = NULL;
    unsigned char *p = lenPut(e->data, flen);
    p = lenPut(p, vlen);
    if (flen) memcpy(p, f, flen);
    if (vlen) memcpy(p + flen, v, vlen);
    return e;
}

static const void *hentKey(const dictLink *l, size_t *len) {
    const hashEntry *e = (const hashEntry *)l;
    const unsigned char *f, *v;
    size_t vlen;
    hentParts(e, &f, len, &v, &vlen);
    return f;
}

static void hentFree(dictLink *l) {
    vlFree(l);
}

static const dictType hashDictType = {hentKey, NULL, NULL, hentFree};

/* Gives e the value v. The block is reallocated (in place when the allocator can) or rebuilt
 * when the value's length code changes size; either way the dict is told the new address.
 * v must not point into e. */
static void hentSetValue(dict *d, hashEntry *e, const void *v, size_t vlen) {
    const unsigned char *f, *ov;
    size_t flen, ovlen;
    hentParts(e, &f, &flen, &ov, &ovlen);
    size_t hdr = varlenSize(flen) + varlenSize(vlen);
    size_t need = sizeof(hashEntry) + hdr + flen + vlen;
    hashEntry *n;
    if (varlenSize(vlen) == varlenSize(ovlen)) {
        size_t voff = sizeof(hashEntry) + hdr + flen;
        if (vlen <= ovlen) {
            lenPut(e->data + varlenSize(flen), vlen);
            if (vlen) memcpy((unsigned char *)e + voff, v, vlen);
            n = vlRealloc(e, need);
        } else {
            n = vlRealloc(e, need);
            lenPut(n->data + varlenSize(flen), vlen);
            memcpy((unsigned char *)n + voff, v, vlen);
        }
    } else {
        n = hentNew(f, flen, v, vlen);
        n->link.next = e->link.next; /* dictReplace's contract: the copy carries the chain */
        vlFree(e);
    }
    if (n != e) dictReplace(d, &e->link, &n->link);
}

/* ------------------------------------------------------------------------------------------ */
/* The value: one pack or one dict                                                            */
/* ------------------------------------------------------------------------------------------ */

static size_t hvLen(int enc, const void *ptr) {
    return enc == OBJ_ENC_HT ? dictSize(ptr) : packCount(ptr) / 2;
}

static size_t hashLen(const vlObj *o) {
    return hvLen(o->enc, objPtr(o));
}

/* Borrowed value of field f (valid until the hash changes); 0 if absent. */
static int hashGet(const vlObj *o, const void *f, size_t flen, const unsigned char **v,
                   size_t *vlen) {
    if (o->enc == OBJ_ENC_LISTPACK) {
        const unsigned char *p = objPtr(o), *s;
        size_t off = packFind(p, f, flen, 2), l;
        if (off == 0) return 0;
        off = packNext(p, off, &s, &l);
        packNext(p, off, v, vlen);
        return 1;
    }
    hashEntry *e = (hashEntry *)dictFind(objPtr(o), f, flen);
    if (!e) return 0;
    const unsigned char *fp;
    size_t fl;
    hentParts(e, &fp, &fl, v, vlen);
    return 1;
}

int hashFieldGet(const vlObj *o, const void *f, size_t flen, const unsigned char **v,
                 size_t *vlen) {
    return hashGet(o, f, flen, v, vlen);
}

static void hashConvert(vlObj *o) {
    if (o->enc != OBJ_ENC_LISTPACK) return;
    unsigned char *p = objPtr(o);
    dict *d = dictCreate(&hashDictType);
    size_t off = packFirst(p), end = packBytes(p);
    while (off < end) {
        const unsigned char *f, *v;
        size_t flen, vlen;
        off = packNext(p, off, &f, &flen);
        off = packNext(p, off, &v, &vlen);
        dictAddNew(d, &hentNew(f, flen, v, vlen)->link);
    }
    packFree(p);
    objSetPtr(o, d);
    o->enc = OBJ_ENC_HT;
}

/* Sets f to v; returns 1 if f is a new field. Converts the encoding past the thresholds. */
static int hashSet(vlServer *s, vlObj *o, const void *f, size_t flen, const void *v, size_t vlen) {
    if (o->enc == OBJ_ENC_LISTPACK) {
        unsigned char *p = objPtr(o);
        long long maxv = s->cfg.hash_max_listpack_value;
        if ((long long)flen > maxv || (long long)vlen > maxv || !packSafeToAdd(p, flen + vlen + 10))
            hashConvert(o);
    }
    if (o->enc == OBJ_ENC_LISTPACK) {
        unsigned char *p = objPtr(o);
        size_t off = packFind(p, f, flen, 2);
        if (off) {
            const unsigned char *fs;
            size_t fl;
            size_t voff = packNext(p, off, &fs, &fl);
            objSetPtr(o, packReplace(p, voff, v, vlen));
            return 0;
        }
        p = packAppend(p, f, flen);
        p = packAppend(p, v, vlen);
        objSetPtr(o, p);
        if ((long long)(packCount(p) / 2) > s->cfg.hash_max_listpack_entries) hashConvert(o);
        return 1;
    }
    dict *d = objPtr(o);
    hashEntry *e = (hashEntry *)dictFind(d, f, flen);
    if (e) {
        hentSetValue(d, e, v, vlen);
        return 0;
    }
    dictAddNew(d, &hentNew(f, flen, v, vlen)->link);
    return 1;
}

static int hashDel(vlObj *o, const void *f, size_t flen) {
    if (o->enc == OBJ_ENC_LISTPACK) {
        unsigned char *p = objPtr(o);
        size_t off = packFind(p, f, flen, 2);
        if (off == 0) return 0;
        objSetPtr(o, packDelete(p, off, 2));
        return 1;
    }
    dict *d = objPtr(o);
    dictLink *e = dictUnlink(d, f, flen);
    if (!e) return 0;
    vlFree(e);
    /* As Redis: a hash that lost most of its fields gives its table back right away. */
    dictShrinkIfNeeded(d);
    return 1;
}

/* Iteration over either encoding. */
typedef struct hashIter {
    int enc;
    const unsigned char *p;
    size_t off, end;
    dictIter di;
} hashIter;

static void hashIterInit(hashIter *it, int enc, const void *ptr) {
    it->enc = enc;
    if (enc == OBJ_ENC_HT) {
        dictIterInit(&it->di, (dict *)ptr);
    } else {
        it->p = ptr;
        it->off = packFirst(it->p);
        it->end = packBytes(it->p);
    }
}

static int hashIterNext(hashIter *it, const unsigned char **f, size_t *flen,
                        const unsigned char **v, size_t *vlen) {
    if (it->enc == OBJ_ENC_HT) {
        hashEntry *e = (hashEntry *)dictIterNext(&it->di);
        if (!e) return 0;
        hentParts(e, f, flen, v, vlen);
        return 1;
    }
    if (it->off >= it->end) return 0;
    it->off = packNext(it->p, it->off, f, flen);
    it->off = packNext(it->p, it->off, v, vlen);
    return 1;
}

static void hashIterRelease(hashIter *it) {
    if (it->enc == OBJ_ENC_HT) dictIterRelease(&it->di);
}

/* ------------------------------------------------------------------------------------------ */
/* The type's row                                                                             */
/* ------------------------------------------------------------------------------------------ */

static void hashFreeValue(vlObj *o) {
    void *ptr = objPtr(o);
    if (!ptr) return;
    if (o->enc == OBJ_ENC_HT)
        dictRelease(ptr);
    else
        packFree(ptr);
}

static void *hashDupValue(const vlObj *o) {
    if (o->enc != OBJ_ENC_HT) return packDup(objPtr(o));
    dict *src = objPtr(o);
    dict *d = dictCreate(&hashDictType);
    dictIter it;
    dictIterInit(&it, src);
    dictLink *e;
    while ((e = dictIterNext(&it)) != NULL) {
        hashEntry *n = vlMemdup(e, hentUsed((hashEntry *)e));
        n->link.next = NULL;
        dictAddNew(d, &n->link);
    }
    dictIterRelease(&it);
    return d;
}

static void hashDigest(const vlObj *o, unsigned char digest[20]) {
    hashIter it;
    const unsigned char *f, *v;
    size_t flen, vlen;
    hashIterInit(&it, o->enc, objPtr(o));
    while (hashIterNext(&it, &f, &flen, &v, &vlen)) {
        /* Per field an ordered mix of field then value; across fields an xor, so the digest
         * does not depend on the encoding or the table's order. */
        unsigned char ed[20] = {0};
        digestMix(ed, f, flen);
        digestMix(ed, v, vlen);
        digestXor(digest, ed, 20);
    }
    hashIterRelease(&it);
}

static const char *hashEncName(const vlObj *o) {
    return o->enc == OBJ_ENC_HT ? "hashtable" : "listpack";
}

/* memory, walk size, sliced free, defrag and blocks: the dict-or-compact shape (dictval.c) */
const vlTypeOps hashType = {
    .name = "hash",
    .freeValue = hashFreeValue,
    .dupValue = hashDupValue,
    .memUsage = dvMemUsage,
    .digest = hashDigest,
    .encName = hashEncName,
    .walkSize = dvWalkSize,
    .freeStep = dvFreeStep,
    .defragStep = dvDefragStep,
    .blocks = dvBlocks,
};

/* ------------------------------------------------------------------------------------------ */
/* Command helpers                                                                            */
/* ------------------------------------------------------------------------------------------ */

/* The hash at key for a write, created (empty, listpack) when absent; NULL after WRONGTYPE. */
static vlObj *hashLookupOrCreate(vlClient *c, const protoArg *key) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, key, OBJ_HASH, 1, &wrong);
    if (wrong) return NULL;
    if (!o) {
        o = objNewPtr(key->ptr, key->len, OBJ_HASH, OBJ_ENC_LISTPACK, packNew());
        dbAdd(c->srv, c->db, o);
    }
    return o;
}

/* Before a multi-field write: convert now if the arguments alone will cross a threshold, so a
 * big HSET does not fill a pack only to convert it at the end. */
static void hashTryConversion(vlServer *s, vlObj *o, const protoArg *argv, int first, int last) {
    if (o->enc != OBJ_ENC_LISTPACK) return;
    if ((long long)(last - first + 1) / 2 > s->cfg.hash_max_listpack_entries) {
        hashConvert(o);
        return;
    }
    for (int i = first; i <= last; i++) {
        if ((long long)argv[i].len > s->cfg.hash_max_listpack_value) {
            hashConvert(o);
            return;
        }
    }
}

static void hashWritten(vlClient *c, const protoArg *key, const char *event) {
    dbSignalModified(c->srv, c->db, key->ptr, key->len);
    notifyKeyspaceEvent(c->srv, NOTIFY_HASH, event, key->ptr, key->len, c->db->id);
}

/* After fields were removed: an empty hash is deleted (Redis never keeps empty aggregates). */
static void hashDeleteIfEmpty(vlClient *c, vlObj *o, const protoArg *key) {
    if (hashLen(o) != 0) return;
    dbDelete(c->srv, c->db, key->ptr, key->len);
    notifyKeyspaceEvent(c->srv, NOTIFY_GENERIC, "del", key->ptr, key->len, c->db->id);
}

/* Read lookup for a hash: NULL when absent (reply with the given empty reply) or WRONGTYPE. */
static vlObj *hashLookupRead(vlClient *c, int *wrong) {
    return dbLookupTypeOrReply(c, &c->argv[1], OBJ_HASH, 0, wrong);
}

/* ------------------------------------------------------------------------------------------ */
/* Commands                                                                                   */
/* ------------------------------------------------------------------------------------------ */

static int hsetGeneric(vlClient *c, long long *added) {
    if (c->argc % 2 != 0) {
        addReplyErrorArity(c);
        return VL_ERR;
    }
    vlObj *o = hashLookupOrCreate(c, &c->argv[1]);
    if (!o) return VL_ERR;
    hashTryConversion(c->srv, o, c->argv, 2, c->argc - 1);
    *added = 0;
    for (int i = 2; i < c->argc; i += 2)
        *added += hashSet(c->srv, o, c->argv[i].ptr, c->argv[i].len, c->argv[i + 1].ptr,
                          c->argv[i + 1].len);
    hashWritten(c, &c->argv[1], "hset");
    return VL_OK;
}

static void hsetCommand(vlClient *c) {
    long long added;
    if (hsetGeneric(c, &added) == VL_OK) addReplyLongLong(c, added);
}

static void hmsetCommand(vlClient *c) {
    long long added;
    if (hsetGeneric(c, &added) == VL_OK) addReplyOk(c);
}

static void hsetnxCommand(vlClient *c) {
    vlObj *o = hashLookupOrCreate(c, &c->argv[1]);
    if (!o) return;
    const unsigned char *v;
    size_t vlen;
    if (hashGet(o, c->argv[2].ptr, c->argv[2].len, &v, &vlen)) {
        addReplyLongLong(c, 0);
        return;
    }
    hashTryConversion(c->srv, o, c->argv, 2, 3);
    hashSet(c->srv, o, c->argv[2].ptr, c->argv[2].len, c->argv[3].ptr, c->argv[3].len);
    hashWritten(c, &c->argv[1], "hset");
    addReplyLongLong(c, 1);
}

static void hgetCommand(vlClient *c) {
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    const unsigned char *v;
    size_t vlen;
    if (o && hashGet(o, c->argv[2].ptr, c->argv[2].len, &v, &vlen))
        addReplyBulk(c, v, vlen);
    else
        addReplyNull(c);
}

static void hmgetCommand(vlClient *c) {
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    addReplyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        const unsigned char *v;
        size_t vlen;
        if (o && hashGet(o, c->argv[i].ptr, c->argv[i].len, &v, &vlen))
            addReplyBulk(c, v, vlen);
        else
            addReplyNull(c);
    }
}

static void hdelCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_HASH, 1, &wrong);
    if (wrong) return;
    if (!o) {
        addReplyLongLong(c, 0);
        return;
    }
    long long deleted = 0;
    for (int i = 2; i < c->argc; i++) {
        if (hashDel(o, c->argv[i].ptr, c->argv[i].len)) {
            deleted++;
            if (hashLen(o) == 0) break;
        }
    }
    if (deleted) {
        hashWritten(c, &c->argv[1], "hdel");
        hashDeleteIfEmpty(c, o, &c->argv[1]);
    }
    addReplyLongLong(c, deleted);
}

static void hlenCommand(vlClient *c) {
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    addReplyLongLong(c, o ? (long long)hashLen(o) : 0);
}

static void hstrlenCommand(vlClient *c) {
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    const unsigned char *v;
    size_t vlen = 0;
    if (!o || !hashGet(o, c->argv[2].ptr, c->argv[2].len, &v, &vlen)) vlen = 0;
    addReplyLongLong(c, (long long)vlen);
}

static void hexistsCommand(vlClient *c) {
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    const unsigned char *v;
    size_t vlen;
    addReplyLongLong(c, o && hashGet(o, c->argv[2].ptr, c->argv[2].len, &v, &vlen));
}

static void hincrbyCommand(vlClient *c) {
    long long incr, old = 0;
    if (getLongLongOrReply(c, &c->argv[3], &incr, NULL) != VL_OK) return;
    vlObj *o = hashLookupOrCreate(c, &c->argv[1]);
    if (!o) return;
    const unsigned char *v;
    size_t vlen;
    if (hashGet(o, c->argv[2].ptr, c->argv[2].len, &v, &vlen)) {
        if (vlen > 20 || !utilStrToLL((const char *)v, vlen, &old)) {
            addReplyError(c, "ERR hash value is not an integer");
            return;
        }
    }
    if ((incr < 0 && old < 0 && incr < LLONG_MIN - old) ||
        (incr > 0 && old > 0 && incr > LLONG_MAX - old)) {
        addReplyError(c, "ERR increment or decrement would overflow");
        return;
    }
    long long nv = old + incr;
    char buf[24];
    int len = utilLLToStr(buf, sizeof(buf), nv);
    hashSet(c->srv, o, c->argv[2].ptr, c->argv[2].len, buf, (size_t)len);
    hashWritten(c, &c->argv[1], "hincrby");
    addReplyLongLong(c, nv);
}

#define HASH_LD_BUF 5120 /* a long double printed without exponent fits (Redis's 5k) */

static void hincrbyfloatCommand(vlClient *c) {
    long double incr, old = 0;
    if (getLongDoubleOrReply(c, &c->argv[3], &incr, NULL) != VL_OK) return;
    if (isnan(incr) || isinf(incr)) {
        addReplyError(c, "ERR value is NaN or Infinity");
        return;
    }
    vlObj *o = hashLookupOrCreate(c, &c->argv[1]);
    if (!o) return;
    const unsigned char *v;
    size_t vlen;
    if (hashGet(o, c->argv[2].ptr, c->argv[2].len, &v, &vlen)) {
        if (!utilStrToLD((const char *)v, vlen, &old)) {
            addReplyError(c, "ERR hash value is not a float");
            return;
        }
    }
    long double nv = old + incr;
    if (isnan(nv) || isinf(nv)) {
        addReplyError(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    char *buf = vlMalloc(HASH_LD_BUF);
    int len = utilLDToStr(buf, HASH_LD_BUF, nv, 1);
    hashSet(c->srv, o, c->argv[2].ptr, c->argv[2].len, buf, (size_t)len);
    hashWritten(c, &c->argv[1], "hincrbyfloat");
    addReplyBulk(c, buf, (size_t)len);
    vlFree(buf);
}

#define HASH_KEYS 1
#define HASH_VALS 2

static void hgetallGeneric(vlClient *c, int what) {
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    size_t n = o ? hashLen(o) : 0;
    if (what == (HASH_KEYS | HASH_VALS))
        addReplyMapLen(c, (long long)n);
    else
        addReplyArrayLen(c, (long long)n);
    if (!o) return;
    hashIter it;
    const unsigned char *f, *v;
    size_t flen, vlen;
    hashIterInit(&it, o->enc, objPtr(o));
    while (hashIterNext(&it, &f, &flen, &v, &vlen)) {
        if (what & HASH_KEYS) addReplyBulk(c, f, flen);
        if (what & HASH_VALS) addReplyBulk(c, v, vlen);
    }
    hashIterRelease(&it);
}

static void hkeysCommand(vlClient *c) {
    hgetallGeneric(c, HASH_KEYS);
}

static void hvalsCommand(vlClient *c) {
    hgetallGeneric(c, HASH_VALS);
}

static void hgetallCommand(vlClient *c) {
    hgetallGeneric(c, HASH_KEYS | HASH_VALS);
}

/* One HRANDFIELD element: the field, or with values a pair (a nested array in RESP3). */
static void replyField(vlClient *c, const unsigned char *f, size_t flen, const unsigned char *v,
                       size_t vlen, int withvalues) {
    if (withvalues && c->resp > 2) addReplyArrayLen(c, 2);
    addReplyBulk(c, f, flen);
    if (withvalues) addReplyBulk(c, v, vlen);
}

/* A random field of a non-empty hash (borrowed). */
static void hashRandom(vlObj *o, const unsigned char **f, size_t *flen, const unsigned char **v,
                       size_t *vlen) {
    if (o->enc == OBJ_ENC_LISTPACK) {
        const unsigned char *p = objPtr(o);
        size_t off = packOffsetAt(p, (size_t)(utilRandom64() % hashLen(o)) * 2);
        off = packNext(p, off, f, flen);
        packNext(p, off, v, vlen);
        return;
    }
    hentParts((hashEntry *)packDictRandom(objPtr(o)), f, flen, v, vlen);
}

static void hrandfieldWithCount(vlClient *c, long long l, int withvalues) {
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    if (!o || l == 0) {
        addReplyArrayLen(c, 0);
        return;
    }
    size_t size = hashLen(o);
    const unsigned char *f, *v;
    size_t flen, vlen;
    int flat = withvalues && c->resp == 2;
    if (l < 0) {
        unsigned long count = (unsigned long)(-l);
        addReplyArrayLen(c, flat ? (long long)count * 2 : (long long)count);
        for (unsigned long i = 0; i < count; i++) {
            hashRandom(o, &f, &flen, &v, &vlen);
            replyField(c, f, flen, v, vlen, withvalues);
            if (!dvReplyStillWanted(c, i)) break; /* the client is being closed anyway */
        }
        return;
    }
    size_t count = (size_t)l;
    if (count >= size) {
        /* The whole hash, in its own order. */
        addReplyArrayLen(c, flat ? (long long)size * 2 : (long long)size);
        hashIter it;
        hashIterInit(&it, o->enc, objPtr(o));
        while (hashIterNext(&it, &f, &flen, &v, &vlen)) replyField(c, f, flen, v, vlen, withvalues);
        hashIterRelease(&it);
        return;
    }
    addReplyArrayLen(c, flat ? (long long)count * 2 : (long long)count);
    if (o->enc == OBJ_ENC_LISTPACK) {
        size_t *idx = vlMalloc(count * sizeof(*idx));
        packPickSorted(size, count, idx);
        const unsigned char *p = objPtr(o);
        size_t off = packFirst(p), at = 0;
        for (size_t i = 0; i < count; i++) {
            for (; at < idx[i]; at++) off = packNext(p, packNext(p, off, &f, &flen), &v, &vlen);
            off = packNext(p, off, &f, &flen);
            off = packNext(p, off, &v, &vlen);
            at++;
            replyField(c, f, flen, v, vlen, withvalues);
        }
        vlFree(idx);
        return;
    }
    dictLink **picks = vlMalloc(count * sizeof(*picks));
    size_t got = packPickDict(objPtr(o), count, picks);
    for (size_t i = 0; i < got; i++) {
        hentParts((hashEntry *)picks[i], &f, &flen, &v, &vlen);
        replyField(c, f, flen, v, vlen, withvalues);
    }
    vlFree(picks);
}

static void hrandfieldCommand(vlClient *c) {
    if (c->argc >= 3) {
        long long l;
        if (dvRandomCountOrReply(c, &c->argv[2], &l) != VL_OK) return;
        int withvalues = 0;
        if (c->argc > 4 || (c->argc == 4 && !argEq(&c->argv[3], "withvalues"))) {
            addReplyErrorSyntax(c);
            return;
        }
        if (c->argc == 4) {
            withvalues = 1;
            /* the reply holds 2*count elements: that count must be representable */
            if (l < -(LLONG_MAX / 2) || l > LLONG_MAX / 2) {
                addReplyError(c, "ERR value is out of range");
                return;
            }
        }
        hrandfieldWithCount(c, l, withvalues);
        return;
    }
    int wrong;
    vlObj *o = hashLookupRead(c, &wrong);
    if (wrong) return;
    if (!o) {
        addReplyNull(c);
        return;
    }
    const unsigned char *f, *v;
    size_t flen, vlen;
    hashRandom(o, &f, &flen, &v, &vlen);
    addReplyBulk(c, f, flen);
}

/* ---- HSCAN ---- */

static void hscanCommand(vlClient *c) {
    unsigned long cursor;
    long long count;
    const protoArg *pat;
    int novalues;
    vlObj *o = dvScanStartOrReply(c, OBJ_HASH, &cursor, &count, &pat, &novalues);
    if (!o) return;
    const unsigned char *f, *v;
    size_t flen, vlen;
    if (o->enc == OBJ_ENC_LISTPACK) {
        /* A pack is small: all of it in one call, and the scan is over (cursor 0). */
        addReplyScanCursor(c, 0);
        void *slot = addReplyDeferredLen(c);
        long long n = 0;
        hashIter it;
        hashIterInit(&it, o->enc, objPtr(o));
        while (hashIterNext(&it, &f, &flen, &v, &vlen)) {
            if (pat && !utilGlobMatch(pat->ptr, pat->len, (const char *)f, flen, 0)) continue;
            addReplyBulk(c, f, flen);
            if (!novalues) addReplyBulk(c, v, vlen);
            n += novalues ? 1 : 2;
        }
        hashIterRelease(&it);
        setDeferredArrayLen(c, slot, n);
        return;
    }
    dictLink **items;
    size_t got = dvScan(objPtr(o), &cursor, count, &items);
    addReplyScanCursor(c, cursor);
    void *slot = addReplyDeferredLen(c);
    long long n = 0;
    for (size_t i = 0; i < got; i++) {
        hentParts((hashEntry *)items[i], &f, &flen, &v, &vlen);
        if (pat && !utilGlobMatch(pat->ptr, pat->len, (const char *)f, flen, 0)) continue;
        addReplyBulk(c, f, flen);
        if (!novalues) addReplyBulk(c, v, vlen);
        n += novalues ? 1 : 2;
    }
    setDeferredArrayLen(c, slot, n);
    vlFree(items);
}

const vlCommand vlHashCommands[] = {
    {"hset", hsetCommand, -4, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "hash",
     "Creates or modifies the value of a field in a hash."},
    {"hmset", hmsetCommand, -4, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "hash",
     "Sets the values of multiple fields."},
    {"hsetnx", hsetnxCommand, 4, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "hash",
     "Sets the value of a field in a hash only when the field doesn't exist."},
    {"hget", hgetCommand, 3, CMD_READONLY | CMD_FAST, 1, 1, 1, "hash",
     "Returns the value of a field in a hash."},
    {"hmget", hmgetCommand, -3, CMD_READONLY | CMD_FAST, 1, 1, 1, "hash",
     "Returns the values of all fields in a hash."},
    {"hdel", hdelCommand, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, "hash",
     "Deletes one or more fields and their values from a hash. Deletes the hash if no fields "
     "remain."},
    {"hlen", hlenCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "hash",
     "Returns the number of fields in a hash."},
    {"hstrlen", hstrlenCommand, 3, CMD_READONLY | CMD_FAST, 1, 1, 1, "hash",
     "Returns the length of the value of a field."},
    {"hexists", hexistsCommand, 3, CMD_READONLY | CMD_FAST, 1, 1, 1, "hash",
     "Determines whether a field exists in a hash."},
    {"hincrby", hincrbyCommand, 4, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "hash",
     "Increments the integer value of a field in a hash by a number. Uses 0 as initial value "
     "if the field doesn't exist."},
    {"hincrbyfloat", hincrbyfloatCommand, 4, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "hash",
     "Increments the floating point value of a field by a number. Uses 0 as initial value if "
     "the field doesn't exist."},
    {"hkeys", hkeysCommand, 2, CMD_READONLY, 1, 1, 1, "hash", "Returns all fields in a hash."},
    {"hvals", hvalsCommand, 2, CMD_READONLY, 1, 1, 1, "hash", "Returns all values in a hash."},
    {"hgetall", hgetallCommand, 2, CMD_READONLY, 1, 1, 1, "hash",
     "Returns all fields and values in a hash."},
    {"hrandfield", hrandfieldCommand, -2, CMD_READONLY, 1, 1, 1, "hash",
     "Returns one or more random fields from a hash."},
    {"hscan", hscanCommand, -3, CMD_READONLY, 1, 1, 1, "hash",
     "Iterates over fields and values of a hash."},
    {0}};
