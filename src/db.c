/* db.c - the keyspace: lookups with lazy expiry, add/replace/delete, expiry entries, flush.
 *
 * A db is two dicts: keys (vlObj entries, the key embedded in the object) and expires
 * (vlExpire entries holding their own copy of the name and the deadline). The expire dict
 * never points at objects, so an object can be reallocated (APPEND) or moved by defrag
 * without touching it: the one-owner rule. OBJ_F_EXPIRE on the object saves the expires
 * lookup for the common key without a TTL. */
#include <string.h>

#include "blocking.h"
#include "client.h"
#include "db.h"
#include "lazyfree.h"
#include "multi.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

static const void *objEntryKey(const dictLink *e, size_t *len) {
    return objKey((const vlObj *)e, len);
}

static void objEntryFree(dictLink *e) {
    objFree((vlObj *)e);
}

static const void *expEntryKey(const dictLink *e, size_t *len) {
    const vlExpire *x = (const vlExpire *)e;
    *len = x->klen;
    return x->key;
}

static void expEntryFree(dictLink *e) {
    vlFree(e);
}

const dictType dbKeysType = {objEntryKey, NULL, NULL, objEntryFree};
const dictType dbExpiresType = {expEntryKey, NULL, NULL, expEntryFree};

int64_t dbGetExpire(vlDb *db, const vlObj *o) {
    if (!(o->flags & OBJ_F_EXPIRE)) return -1;
    size_t klen;
    const char *k = objKey(o, &klen);
    vlExpire *x = (vlExpire *)dictFind(db->expires, k, klen);
    return x ? x->when : -1;
}

void dbSetExpire(vlServer *s, vlDb *db, vlObj *o, int64_t when_ms) {
    VL_UNUSED(s);
    size_t klen;
    const char *k = objKey(o, &klen);
    vlExpire *x = (vlExpire *)dictFind(db->expires, k, klen);
    if (!x) {
        x = vlMalloc(sizeof(vlExpire) + klen);
        x->link.next = NULL;
        x->klen = (uint32_t)klen;
        memcpy(x->key, k, klen);
        dictAddNew(db->expires, &x->link);
    }
    x->when = when_ms;
    o->flags |= OBJ_F_EXPIRE;
}

int dbRemoveExpire(vlServer *s, vlDb *db, vlObj *o) {
    VL_UNUSED(s);
    if (!(o->flags & OBJ_F_EXPIRE)) return 0;
    size_t klen;
    const char *k = objKey(o, &klen);
    dictLink *x = dictUnlink(db->expires, k, klen);
    o->flags &= (uint8_t)~OBJ_F_EXPIRE;
    vlFree(x);
    return x != NULL;
}

/* Frees a value the keyspace no longer holds: big ones go to the lazy-free job when the
 * config asks for it on this path. */
static void dbDisposeObj(vlServer *s, vlObj *o, int lazy) {
    if (lazy)
        lazyfreeObj(s, o);
    else
        objFree(o);
}

static vlObj *dbDetach(vlDb *db, const void *key, size_t klen) {
    vlObj *o = (vlObj *)dictUnlink(db->keys, key, klen);
    if (o && (o->flags & OBJ_F_EXPIRE)) vlFree(dictUnlink(db->expires, key, klen));
    return o;
}

int dbExpireIfNeeded(vlServer *s, vlDb *db, vlObj *o) {
    if (!(o->flags & OBJ_F_EXPIRE)) return 0;
    int64_t when = dbGetExpire(db, o);
    if (when < 0 || when > s->mstime) return 0;
    /* paused writes: logically expired, deleted once the pause ends (an in-process client,
     * which CLIENT PAUSE does not hold, still deletes: it may be about to write the key) */
    if (serverWritesPaused(s) && !(s->current_client && (s->current_client->flags & CLIENT_FAKE)))
        return 1;
    size_t klen;
    const char *k = objKey(o, &klen);
    /* the name must outlive the object for the notification */
    char small[256];
    char *name = klen <= sizeof(small) ? small : vlMalloc(klen);
    memcpy(name, k, klen);
    vlObj *d = dbDetach(db, name, klen);
    dbDisposeObj(s, d, s->cfg.lazyfree_lazy_expire);
    s->stats.expiredkeys++;
    multiTouchKey(s, db, name, klen);
    notifyKeyspaceEvent(s, NOTIFY_EXPIRED, "expired", name, klen, db->id);
    if (name != small) vlFree(name);
    return 1;
}

/* ------------------------------------------------------------------- LRU and LFU stamps */

/* Under an LFU policy a key's 24 stamp bits hold what Redis keeps there: the minute (16 bits,
 * wrapping) its counter was last decayed, and a logarithmic access counter (8 bits) that a
 * new key starts at 5, so that it is not the first to go, and that loses one per
 * lfu-decay-time minutes of idleness. Under the other policies they hold the LRU clock.
 * Switching policy leaves old stamps to be read the other way until the keys are touched,
 * as in Redis. */
#define LFU_INIT_VAL 5

int dbPolicyIsLfu(const vlServer *s) {
    int p = s->cfg.maxmemory_policy;
    return p == MAXMEMORY_ALLKEYS_LFU || p == MAXMEMORY_VOLATILE_LFU;
}

static uint32_t lfuMinutes(const vlServer *s) {
    return (uint32_t)((s->mstime / 60000) & 0xFFFF);
}

uint32_t dbLfuCounter(const vlServer *s, uint32_t stamp) {
    uint32_t counter = stamp & 0xFF, then = (stamp >> 8) & 0xFFFF, now = lfuMinutes(s);
    uint32_t elapsed = now >= then ? now - then : 0xFFFF - then + now;
    uint32_t periods = s->cfg.lfu_decay_time > 0 ? elapsed / (uint32_t)s->cfg.lfu_decay_time : 0;
    return periods >= counter ? 0 : counter - periods;
}

uint32_t dbStampNew(const vlServer *s) {
    return dbPolicyIsLfu(s) ? (lfuMinutes(s) << 8) | LFU_INIT_VAL : s->lruclock;
}

uint32_t dbStampAccess(const vlServer *s, uint32_t stamp) {
    if (!dbPolicyIsLfu(s)) return s->lruclock;
    uint32_t counter = dbLfuCounter(s, stamp);
    if (counter < 255) { /* one more with odds 1 / ((counter - 5) * lfu-log-factor + 1) */
        double base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
        double r = (double)(utilRandom64() >> 11) / (double)(1ULL << 53);
        if (r < 1.0 / (base * s->cfg.lfu_log_factor + 1)) counter++;
    }
    return (lfuMinutes(s) << 8) | counter;
}

vlObj *dbLookup(vlClient *c, const void *key, size_t klen, int flags) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    vlObj *o = (vlObj *)dictFind(db->keys, key, klen);
    if (o && (o->flags & OBJ_F_EXPIRE) && dbExpireIfNeeded(s, db, o)) o = NULL;
    if (!(flags & LOOKUP_WRITE)) {
        if (o) {
            s->stats.keyspace_hits++;
        } else {
            s->stats.keyspace_misses++;
            notifyKeyspaceEvent(s, NOTIFY_KEY_MISS, "keymiss", key, klen, db->id);
        }
    }
    if (o && !(flags & LOOKUP_NOTOUCH) && (!(c->flags & CLIENT_NO_TOUCH) || (flags & LOOKUP_TOUCH)))
        o->lru = dbStampAccess(s, o->lru);
    return o;
}

vlObj *dbLookupRead(vlClient *c, const protoArg *key) {
    return dbLookup(c, key->ptr, key->len, LOOKUP_NONE);
}

vlObj *dbLookupWrite(vlClient *c, const protoArg *key) {
    return dbLookup(c, key->ptr, key->len, LOOKUP_WRITE);
}

vlObj *dbLookupTypeOrReply(vlClient *c, const protoArg *key, int type, int write, int *wrong) {
    vlObj *o = dbLookup(c, key->ptr, key->len, write ? LOOKUP_WRITE : LOOKUP_NONE);
    if (wrong) *wrong = 0;
    if (o && o->type != type) {
        addReplyErrorWrongType(c);
        if (wrong) *wrong = 1;
        return NULL;
    }
    return o;
}

void dbAdd(vlServer *s, vlDb *db, vlObj *o) {
    o->lru = dbStampNew(s);
    dictAddNew(db->keys, &o->link);
    if (s->cfg.notify_keyspace_events & NOTIFY_NEW) {
        size_t klen;
        const char *k = objKey(o, &klen);
        notifyKeyspaceEvent(s, NOTIFY_NEW, "new", k, klen, db->id);
    }
}

void dbReplaceObj(vlServer *s, vlDb *db, vlObj *old, vlObj *nu) {
    VL_UNUSED(s);
    nu->flags = old->flags;
    nu->lru = dbStampAccess(s, old->lru);
    nu->link.next = old->link.next; /* dictReplace keeps the chain through the new block */
    dictReplace(db->keys, &old->link, &nu->link);
    int shared = !objIsInline(old) && !objIsInline(nu) && objPtr(old) == objPtr(nu);
    if (shared)
        objFreeShell(old);
    else
        objFree(old);
}

void dbSetKey(vlServer *s, vlDb *db, vlObj *o, int keepttl) {
    size_t klen;
    const char *k = objKey(o, &klen);
    dictLink **ref = dictFindRef(db->keys, k, klen);
    if (!ref) {
        dbAdd(s, db, o);
        return;
    }
    vlObj *old = (vlObj *)*ref;
    o->lru = dbStampAccess(s, old->lru); /* an overwrite is an access to the key */
    /* swap in place: SET costs one hash and one chain walk (perf showed objKey + findSlot,
     * twice, at a third of the server's time in SET) */
    o->link.next = old->link.next;
    *ref = &o->link;
    if (keepttl && (old->flags & OBJ_F_EXPIRE)) {
        o->flags |= OBJ_F_EXPIRE;
    } else if (old->flags & OBJ_F_EXPIRE) {
        vlFree(dictUnlink(db->expires, k, klen));
    }
    dbDisposeObj(s, old, s->cfg.lazyfree_lazy_server_del);
}

int dbDelete(vlServer *s, vlDb *db, const void *key, size_t klen) {
    vlObj *o = dbDetach(db, key, klen);
    if (!o) return 0;
    dbDisposeObj(s, o, s->cfg.lazyfree_lazy_server_del);
    return 1;
}

int dbUnlinkLazy(vlServer *s, vlDb *db, const void *key, size_t klen) {
    vlObj *o = dbDetach(db, key, klen);
    if (!o) return 0;
    lazyfreeObj(s, o);
    return 1;
}

vlObj *dbUnlinkObj(vlServer *s, vlDb *db, const void *key, size_t klen) {
    VL_UNUSED(s);
    vlObj *o = dbDetach(db, key, klen);
    if (o) o->flags &= (uint8_t)~OBJ_F_EXPIRE;
    return o;
}

long long dbEmpty(vlServer *s, int dbid, int async) {
    long long removed = 0;
    int from = dbid < 0 ? 0 : dbid, to = dbid < 0 ? s->cfg.databases - 1 : dbid;
    for (int i = from; i <= to; i++) {
        vlDb *db = &s->db[i];
        multiTouchFlush(s, db);
        removed += (long long)dictSize(db->keys);
        if (async) {
            lazyfreeDicts(s, db->keys, db->expires);
        } else {
            dictRelease(db->keys);
            dictRelease(db->expires);
        }
        db->keys = dictCreate(&dbKeysType);
        db->expires = dictCreate(&dbExpiresType);
        db->avg_ttl = 0;
        db->expire_cursor = 0;
    }
    return removed;
}

/* Every write that changes a key announces it here (with notifications on or off): clients
 * blocked on it are served after the command, and clients WATCHing it fail their EXEC. */
void dbSignalModified(vlServer *s, vlDb *db, const void *key, size_t klen) {
    blockingSignalKey(s, db, key, klen);
    multiTouchKey(s, db, key, klen);
}
