/* keys.c - the generic keyspace commands: DEL/UNLINK/EXISTS/TYPE/TOUCH, the EXPIRE family
 * and TTLs, RENAME/MOVE/COPY, KEYS/SCAN/RANDOMKEY, and OBJECT.
 *
 * The one decision: a key changes name or db by detaching its object (dbUnlinkObj), never by
 * copying the value. MOVE re-adds the very same object to the other db (its name does not
 * change); RENAME asks objRekey for a new block under the new name and hands the value
 * pointer over (dup=0), so renaming a million-element list costs one small allocation. The
 * TTL is read before the detach and set again on the new object, because expiry entries are
 * keyed by name and leave with the old one. COPY is the only command that deep-copies.
 * Rejected: refcounted values shared between the old and the new key (Redis's robj
 * incrRefCount): here a value has exactly one owning pointer.
 *
 * SCAN collects the visited entries' objects during dictScan and filters expired keys only
 * after it, because dictScan's callback may not delete anything but the entry it holds and
 * an expiry also notifies, which must not run inside the scan. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

/* ------------------------------------------------------------------ helpers */

/* Redis's type number for streams: a name SCAN TYPE accepts, that no key here has yet. */
#define TYPE_STREAM 6

int keyspaceTypeFromName(const char *name, size_t len) {
    static const struct {
        const char *name;
        int type;
    } types[] = {{"string", OBJ_STRING}, {"list", OBJ_LIST}, {"set", OBJ_SET},
                 {"zset", OBJ_ZSET},     {"hash", OBJ_HASH}, {"stream", TYPE_STREAM}};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strlen(types[i].name) == len && strncasecmp(types[i].name, name, len) == 0)
            return types[i].type;
    }
    return -1;
}

static const char *cmdNameOf(vlClient *c) {
    return c->cmd ? c->cmd->name : "unknown";
}

static int argsEqual(const protoArg *a, const protoArg *b) {
    return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

/* A live key of any db (lookups through the client only reach c->db). */
static vlObj *dbFindLive(vlServer *s, vlDb *db, const void *key, size_t klen) {
    vlObj *o = (vlObj *)dictFind(db->keys, key, klen);
    if (o && (o->flags & OBJ_F_EXPIRE) && dbExpireIfNeeded(s, db, o)) o = NULL;
    return o;
}

/* Logically expired (same rule as db.c's lazy expiry), without deleting. */
static int objIsExpired(vlServer *s, vlDb *db, const vlObj *o) {
    if (!(o->flags & OBJ_F_EXPIRE)) return 0;
    int64_t when = dbGetExpire(db, o);
    return when >= 0 && when <= s->mstime;
}

/* A db index argument (MOVE, COPY ... DB): an int (Redis's two messages for "not a
 * number" and "not an int"), then a db that exists. */
static vlDb *dbFromArgOrReply(vlClient *c, const protoArg *a) {
    long long id;
    if (getLongLongOrReply(c, a, &id, NULL) != VL_OK) return NULL;
    if (id < INT_MIN || id > INT_MAX) {
        addReplyErrorFormat(c, "ERR value is out of range, value must between %d and %d", INT_MIN,
                            INT_MAX);
        return NULL;
    }
    vlDb *db = dbGet(c->srv, (int)id);
    if (!db) addReplyError(c, "ERR DB index is out of range");
    return db;
}

static void notifyGeneric(vlServer *s, vlDb *db, const char *event, const protoArg *key) {
    notifyKeyspaceEvent(s, NOTIFY_GENERIC, event, key->ptr, key->len, db->id);
}

/* ------------------------------------------------------------------ DEL / EXISTS / TYPE */

static void delGeneric(vlClient *c, int lazy) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    long long deleted = 0;
    for (int j = 1; j < c->argc; j++) {
        const protoArg *k = &c->argv[j];
        /* the lookup drops an expired key first: it does not count as deleted */
        if (!dbLookupWrite(c, k)) continue;
        if (lazy) {
            dbUnlinkLazy(s, db, k->ptr, k->len);
        } else {
            objFree(dbUnlinkObj(s, db, k->ptr, k->len));
        }
        dbSignalModified(s, db, k->ptr, k->len);
        notifyGeneric(s, db, "del", k);
        deleted++;
    }
    addReplyLongLong(c, deleted);
}

static void delCommand(vlClient *c) {
    delGeneric(c, c->srv->cfg.lazyfree_lazy_user_del);
}

static void unlinkCommand(vlClient *c) {
    delGeneric(c, 1);
}

static void existsCommand(vlClient *c) {
    long long n = 0;
    for (int j = 1; j < c->argc; j++) /* duplicates count each time, as in Redis */
        if (dbLookup(c, c->argv[j].ptr, c->argv[j].len, LOOKUP_NOTOUCH)) n++;
    addReplyLongLong(c, n);
}

static void touchCommand(vlClient *c) {
    long long n = 0;
    for (int j = 1; j < c->argc; j++)
        if (dbLookup(c, c->argv[j].ptr, c->argv[j].len, LOOKUP_TOUCH)) n++;
    addReplyLongLong(c, n);
}

static void typeCommand(vlClient *c) {
    vlObj *o = dbLookup(c, c->argv[1].ptr, c->argv[1].len, LOOKUP_NOTOUCH);
    addReplyStatus(c, o ? objTypeName(o->type) : "none");
}

/* ------------------------------------------------------------------ EXPIRE family */

#define EXP_NX (1 << 0)
#define EXP_XX (1 << 1)
#define EXP_GT (1 << 2)
#define EXP_LT (1 << 3)

static int parseExpireFlagsOrReply(vlClient *c, int *flags) {
    *flags = 0;
    for (int j = 3; j < c->argc; j++) {
        const protoArg *a = &c->argv[j];
        if (argEq(a, "nx")) {
            *flags |= EXP_NX;
        } else if (argEq(a, "xx")) {
            *flags |= EXP_XX;
        } else if (argEq(a, "gt")) {
            *flags |= EXP_GT;
        } else if (argEq(a, "lt")) {
            *flags |= EXP_LT;
        } else {
            addReplyErrorFormat(c, "ERR Unsupported option %.*s",
                                (int)(a->len > 128 ? 128 : a->len), a->ptr);
            return VL_ERR;
        }
    }
    if ((*flags & EXP_NX) && (*flags & (EXP_XX | EXP_GT | EXP_LT))) {
        addReplyError(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return VL_ERR;
    }
    if ((*flags & EXP_GT) && (*flags & EXP_LT)) {
        addReplyError(c, "ERR GT and LT options at the same time are not compatible");
        return VL_ERR;
    }
    return VL_OK;
}

/* EXPIRE/PEXPIRE (base = now) and EXPIREAT/PEXPIREAT (base = 0). Negative times are
 * allowed (they delete the key); only overflow is an error. */
static void expireGeneric(vlClient *c, long long base, int secs) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    const protoArg *key = &c->argv[1];
    int flags;
    long long when;
    if (parseExpireFlagsOrReply(c, &flags) != VL_OK) return;
    if (getLongLongOrReply(c, &c->argv[2], &when, NULL) != VL_OK) return;
    if (secs) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) goto invalid;
        when *= 1000;
    }
    if (when > LLONG_MAX - base) goto invalid;
    when += base;

    vlObj *o = dbLookupWrite(c, key);
    if (!o) {
        addReplyLongLong(c, 0);
        return;
    }
    if (flags) {
        int64_t cur = dbGetExpire(db, o);
        /* No TTL counts as an infinite one: GT can never beat it, LT always does. */
        if (((flags & EXP_NX) && cur != -1) || ((flags & EXP_XX) && cur == -1) ||
            ((flags & EXP_GT) && (cur == -1 || when <= cur)) ||
            ((flags & EXP_LT) && cur != -1 && when >= cur)) {
            addReplyLongLong(c, 0);
            return;
        }
    }
    if (when <= s->mstime) {
        if (s->cfg.lazyfree_lazy_expire)
            dbUnlinkLazy(s, db, key->ptr, key->len);
        else
            objFree(dbUnlinkObj(s, db, key->ptr, key->len));
        dbSignalModified(s, db, key->ptr, key->len);
        notifyGeneric(s, db, "del", key);
    } else {
        dbSetExpire(s, db, o, when);
        dbSignalModified(s, db, key->ptr, key->len);
        notifyGeneric(s, db, "expire", key);
    }
    addReplyLongLong(c, 1);
    return;
invalid:
    addReplyErrorFormat(c, "ERR invalid expire time in '%s' command", cmdNameOf(c));
}

static void expireCommand(vlClient *c) {
    expireGeneric(c, c->srv->mstime, 1);
}

static void pexpireCommand(vlClient *c) {
    expireGeneric(c, c->srv->mstime, 0);
}

static void expireatCommand(vlClient *c) {
    expireGeneric(c, 0, 1);
}

static void pexpireatCommand(vlClient *c) {
    expireGeneric(c, 0, 0);
}

/* TTL/PTTL (relative) and EXPIRETIME/PEXPIRETIME (absolute): -2 no key, -1 no TTL. Seconds
 * are rounded to the nearest, as Redis does. */
static void ttlGeneric(vlClient *c, int ms, int absolute) {
    vlObj *o = dbLookup(c, c->argv[1].ptr, c->argv[1].len, LOOKUP_NOTOUCH);
    if (!o) {
        addReplyLongLong(c, -2);
        return;
    }
    int64_t when = dbGetExpire(c->db, o);
    if (when == -1) {
        addReplyLongLong(c, -1);
        return;
    }
    long long v = when;
    if (!absolute) {
        v = when - c->srv->mstime;
        if (v < 0) v = 0;
    }
    addReplyLongLong(c, ms ? v : (v + 500) / 1000);
}

static void ttlCommand(vlClient *c) {
    ttlGeneric(c, 0, 0);
}

static void pttlCommand(vlClient *c) {
    ttlGeneric(c, 1, 0);
}

static void expiretimeCommand(vlClient *c) {
    ttlGeneric(c, 0, 1);
}

static void pexpiretimeCommand(vlClient *c) {
    ttlGeneric(c, 1, 1);
}

static void persistCommand(vlClient *c) {
    vlServer *s = c->srv;
    const protoArg *key = &c->argv[1];
    vlObj *o = dbLookupWrite(c, key);
    if (o && dbRemoveExpire(s, c->db, o)) {
        dbSignalModified(s, c->db, key->ptr, key->len);
        notifyGeneric(s, c->db, "persist", key);
        addReplyLongLong(c, 1);
    } else {
        addReplyLongLong(c, 0);
    }
}

/* ------------------------------------------------------------------ RENAME / MOVE / COPY */

static void renameGeneric(vlClient *c, int nx) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    const protoArg *from = &c->argv[1], *to = &c->argv[2];
    vlObj *o = dbLookupWrite(c, from);
    if (!o) {
        addReplyError(c, "ERR no such key");
        return;
    }
    if (argsEqual(from, to)) { /* an existing key renamed to itself: nothing to do */
        if (nx)
            addReplyLongLong(c, 0);
        else
            addReplyOk(c);
        return;
    }
    int64_t when = dbGetExpire(db, o);
    if (dbLookupWrite(c, to)) {
        if (nx) {
            addReplyLongLong(c, 0);
            return;
        }
        dbDelete(s, db, to->ptr, to->len);
    }
    o = dbUnlinkObj(s, db, from->ptr, from->len);
    uint32_t lru = o->lru;
    vlObj *n = objRekey(o, to->ptr, to->len, 0);
    objFreeShell(o); /* dup=0: the value now belongs to n */
    dbAdd(s, db, n);
    n->lru = lru; /* a rename is not an access */
    if (when != -1) dbSetExpire(s, db, n, when);
    dbSignalModified(s, db, from->ptr, from->len);
    dbSignalModified(s, db, to->ptr, to->len);
    notifyGeneric(s, db, "rename_from", from);
    notifyGeneric(s, db, "rename_to", to);
    if (nx)
        addReplyLongLong(c, 1);
    else
        addReplyOk(c);
}

static void renameCommand(vlClient *c) {
    renameGeneric(c, 0);
}

static void renamenxCommand(vlClient *c) {
    renameGeneric(c, 1);
}

static void moveCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlDb *src = c->db;
    const protoArg *key = &c->argv[1];
    vlDb *dst = dbFromArgOrReply(c, &c->argv[2]);
    if (!dst) return;
    if (dst == src) {
        addReplyError(c, "ERR source and destination objects are the same");
        return;
    }
    vlObj *o = dbLookupWrite(c, key);
    if (!o || dbFindLive(s, dst, key->ptr, key->len)) {
        addReplyLongLong(c, 0);
        return;
    }
    int64_t when = dbGetExpire(src, o);
    o = dbUnlinkObj(s, src, key->ptr, key->len);
    uint32_t lru = o->lru;
    dbAdd(s, dst, o); /* same name, same block: only the db changes */
    o->lru = lru;
    if (when != -1) dbSetExpire(s, dst, o, when);
    dbSignalModified(s, src, key->ptr, key->len);
    dbSignalModified(s, dst, key->ptr, key->len);
    notifyGeneric(s, src, "move_from", key);
    notifyGeneric(s, dst, "move_to", key);
    addReplyLongLong(c, 1);
}

static void copyCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlDb *src = c->db, *dst = c->db;
    const protoArg *from = &c->argv[1], *to = &c->argv[2];
    int replace = 0;
    for (int j = 3; j < c->argc; j++) {
        if (argEq(&c->argv[j], "replace")) {
            replace = 1;
        } else if (argEq(&c->argv[j], "db") && j + 1 < c->argc) {
            dst = dbFromArgOrReply(c, &c->argv[++j]);
            if (!dst) return;
        } else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    if (src == dst && argsEqual(from, to)) {
        addReplyError(c, "ERR source and destination objects are the same");
        return;
    }
    vlObj *o = dbLookupRead(c, from);
    if (!o) {
        addReplyLongLong(c, 0);
        return;
    }
    int64_t when = dbGetExpire(src, o);
    if (dbFindLive(s, dst, to->ptr, to->len)) {
        if (!replace) {
            addReplyLongLong(c, 0);
            return;
        }
        /* not the source: either another name or another db */
        dbDelete(s, dst, to->ptr, to->len);
    }
    vlObj *n = objRekey(o, to->ptr, to->len, 1);
    dbAdd(s, dst, n);
    if (when != -1) dbSetExpire(s, dst, n, when);
    dbSignalModified(s, dst, to->ptr, to->len);
    notifyGeneric(s, dst, "copy_to", to);
    addReplyLongLong(c, 1);
}

/* ------------------------------------------------------------------ KEYS / SCAN / RANDOMKEY */

static void keysCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    const protoArg *pat = &c->argv[1];
    int all = pat->len == 1 && pat->ptr[0] == '*';
    void *slot = addReplyDeferredLen(c);
    long long n = 0;
    dictIter it;
    dictIterInit(&it, db->keys);
    dictLink *e;
    while ((e = dictIterNext(&it))) {
        vlObj *o = (vlObj *)e;
        size_t klen;
        const char *k = objKey(o, &klen);
        if (!all && !utilGlobMatch(pat->ptr, pat->len, k, klen, 0)) continue;
        if (objIsExpired(s, db, o)) continue; /* not deleted here: we are iterating */
        addReplyBulk(c, k, klen);
        n++;
    }
    dictIterRelease(&it);
    setDeferredArrayLen(c, slot, n);
}

typedef struct scanState {
    vlObj **objs;
    size_t n, cap;
    size_t visited;
    const protoArg *pat; /* NULL: no MATCH filter */
    int type;            /* -2: no TYPE filter; -1: unknown type, matches nothing */
} scanState;

static void scanCollect(void *ctx, dictLink *e) {
    scanState *st = ctx;
    vlObj *o = (vlObj *)e;
    st->visited++;
    if (st->type != -2 && o->type != st->type) return;
    if (st->pat) {
        size_t klen;
        const char *k = objKey(o, &klen);
        if (!utilGlobMatch(st->pat->ptr, st->pat->len, k, klen, 0)) return;
    }
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->objs = vlRealloc(st->objs, st->cap * sizeof(*st->objs));
    }
    st->objs[st->n++] = o;
}

static void scanCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    unsigned long cursor;
    if (getScanCursorOrReply(c, &c->argv[1], &cursor) != VL_OK) return;
    scanState st = {NULL, 0, 0, 0, NULL, -2};
    long long count = 10;
    for (int j = 2; j < c->argc; j++) {
        const protoArg *a = &c->argv[j];
        int more = j + 1 < c->argc;
        if (argEq(a, "count") && more) {
            if (getLongLongOrReply(c, &c->argv[j + 1], &count, NULL) != VL_OK) return;
            if (count < 1) {
                addReplyErrorSyntax(c);
                return;
            }
            j++;
        } else if (argEq(a, "match") && more) {
            st.pat = &c->argv[++j];
            if (st.pat->len == 1 && st.pat->ptr[0] == '*') st.pat = NULL; /* matches all */
        } else if (argEq(a, "type") && more) {
            /* Valkey 8: an unknown type name is an error (Redis 7.2 matched nothing) */
            const protoArg *t = &c->argv[++j];
            st.type = keyspaceTypeFromName(t->ptr, t->len);
            if (st.type == -1) {
                addReplyErrorFormat(c, "ERR unknown type name '%.*s'",
                                    (int)(t->len < 128 ? t->len : 128), t->ptr);
                return;
            }
        } else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    /* COUNT is work, not results: stop once that many entries were visited, or after
     * COUNT*10 calls that found nothing (long runs of empty buckets). */
    unsigned long long maxcalls =
        count > LLONG_MAX / 10 ? (unsigned long long)LLONG_MAX : (unsigned long long)count * 10;
    do {
        cursor = dictScan(db->keys, cursor, scanCollect, &st);
    } while (cursor && maxcalls-- && st.visited < (unsigned long long)count);

    /* Expired keys are dropped now, outside the scan: that may delete and notify. */
    size_t live = 0;
    for (size_t i = 0; i < st.n; i++) {
        vlObj *o = st.objs[i];
        if ((o->flags & OBJ_F_EXPIRE) && dbExpireIfNeeded(s, db, o)) continue;
        st.objs[live++] = o;
    }
    addReplyScanCursor(c, cursor);
    addReplyArrayLen(c, (long long)live);
    for (size_t i = 0; i < live; i++) {
        size_t klen;
        const char *k = objKey(st.objs[i], &klen);
        addReplyBulk(c, k, klen);
    }
    vlFree(st.objs);
}

/* Bounded: each expired pick is deleted, so the loop also ends on a db full of expired
 * keys; past the bound we answer nil rather than stall the server. */
#define RANDOMKEY_TRIES 1000

static void randomkeyCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    for (int tries = 0; tries < RANDOMKEY_TRIES; tries++) {
        vlObj *o = (vlObj *)dictRandom(db->keys);
        if (!o) break;
        if ((o->flags & OBJ_F_EXPIRE) && dbExpireIfNeeded(s, db, o)) continue;
        size_t klen;
        const char *k = objKey(o, &klen);
        addReplyBulk(c, k, klen);
        return;
    }
    addReplyNull(c);
}

/* ------------------------------------------------------------------ OBJECT */

static const char *objectHelp[] = {
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
};

static void objectCommand(vlClient *c) {
    static const char *const keysubs[] = {"encoding", "freq", "idletime", "refcount"};
    const protoArg *sub = &c->argv[1];
    if (argEq(sub, "help")) {
        if (c->argc != 2) {
            addReplyError(c, "ERR wrong number of arguments for 'object|help' command");
            return;
        }
        size_t n = sizeof(objectHelp) / sizeof(objectHelp[0]);
        addReplyArrayLen(c, (long long)n);
        for (size_t i = 0; i < n; i++) addReplyStatus(c, objectHelp[i]);
        return;
    }
    int which = -1;
    for (int i = 0; i < 4; i++)
        if (argEq(sub, keysubs[i])) which = i;
    if (which < 0) {
        addReplyErrorFormat(c, "ERR unknown subcommand '%.*s'. Try OBJECT HELP.",
                            (int)(sub->len > 128 ? 128 : sub->len), sub->ptr);
        return;
    }
    if (c->argc != 3) {
        addReplyErrorFormat(c, "ERR wrong number of arguments for 'object|%s' command",
                            keysubs[which]);
        return;
    }
    vlServer *s = c->srv;
    /* An introspection look: no LRU touch, no hit/miss counting, no keymiss event. */
    vlObj *o = dbLookup(c, c->argv[2].ptr, c->argv[2].len, LOOKUP_NOTOUCH | LOOKUP_WRITE);
    if (!o) {
        addReplyNull(c);
        return;
    }
    switch (which) {
    case 0: addReplyBulkCStr(c, objEncName(o)); break;
    case 1:
        if (!dbPolicyIsLfu(s)) {
            addReplyError(c, "ERR An LFU maxmemory policy is not selected, access frequency "
                             "not tracked. Please note that when switching between policies at "
                             "runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        addReplyLongLong(c, (long long)dbLfuCounter(s, o->lru));
        break;
    case 2:
        if (dbPolicyIsLfu(s)) {
            addReplyError(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. "
                             "Please note that when switching between policies at runtime LRU "
                             "and LFU data will take some time to adjust.");
            return;
        }
        addReplyLongLong(c, (long long)((s->lruclock - o->lru) & 0xFFFFFF));
        break;
    default: addReplyLongLong(c, 1); break; /* one owner per value: never shared */
    }
}

/* ------------------------------------------------------------------ table */

const vlCommand vlKeyCommands[] = {
    {"del", delCommand, -2, CMD_WRITE, 1, -1, 1, "generic", "Deletes one or more keys."},
    {"unlink", unlinkCommand, -2, CMD_WRITE | CMD_FAST, 1, -1, 1, "generic",
     "Asynchronously deletes one or more keys."},
    {"exists", existsCommand, -2, CMD_READONLY | CMD_FAST, 1, -1, 1, "generic",
     "Determines whether one or more keys exist."},
    {"touch", touchCommand, -2, CMD_READONLY | CMD_FAST, 1, -1, 1, "generic",
     "Returns the number of existing keys out of those specified after updating the time "
     "they were last accessed."},
    {"type", typeCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "generic",
     "Determines the type of value stored at a key."},
    {"expire", expireCommand, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, "generic",
     "Sets the expiration time of a key in seconds."},
    {"pexpire", pexpireCommand, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, "generic",
     "Sets the expiration time of a key in milliseconds."},
    {"expireat", expireatCommand, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, "generic",
     "Sets the expiration time of a key to a Unix timestamp."},
    {"pexpireat", pexpireatCommand, -3, CMD_WRITE | CMD_FAST, 1, 1, 1, "generic",
     "Sets the expiration time of a key to a Unix milliseconds timestamp."},
    {"expiretime", expiretimeCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "generic",
     "Returns the expiration time of a key as a Unix timestamp."},
    {"pexpiretime", pexpiretimeCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "generic",
     "Returns the expiration time of a key as a Unix milliseconds timestamp."},
    {"ttl", ttlCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "generic",
     "Returns the expiration time in seconds of a key."},
    {"pttl", pttlCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "generic",
     "Returns the expiration time in milliseconds of a key."},
    {"persist", persistCommand, 2, CMD_WRITE | CMD_FAST, 1, 1, 1, "generic",
     "Removes the expiration time of a key."},
    {"rename", renameCommand, 3, CMD_WRITE, 1, 2, 1, "generic",
     "Renames a key and overwrites the destination."},
    {"renamenx", renamenxCommand, 3, CMD_WRITE | CMD_FAST, 1, 2, 1, "generic",
     "Renames a key only when the target key name doesn't exist."},
    {"move", moveCommand, 3, CMD_WRITE | CMD_FAST, 1, 1, 1, "generic",
     "Moves a key to another database."},
    {"copy", copyCommand, -3, CMD_WRITE | CMD_DENYOOM, 1, 2, 1, "generic",
     "Copies the value of a key to a new key."},
    {"keys", keysCommand, 2, CMD_READONLY, 0, 0, 0, "generic",
     "Returns all key names that match a pattern."},
    {"scan", scanCommand, -2, CMD_READONLY, 0, 0, 0, "generic",
     "Iterates over the key names in the database."},
    {"randomkey", randomkeyCommand, 1, CMD_READONLY, 0, 0, 0, "generic",
     "Returns a random key name from the database."},
    {"object", objectCommand, -2, CMD_READONLY, 2, 2, 1, "generic",
     "A container for object introspection commands."},
    {0},
};

const vlCommand vlObjectSubcommands[] = {
    {"object|encoding", objectCommand, 3, CMD_READONLY, 2, 2, 1, "generic",
     "Returns the internal encoding of an object."},
    {"object|freq", objectCommand, 3, CMD_READONLY, 2, 2, 1, "generic",
     "Returns the logarithmic access frequency counter of an object."},
    {"object|idletime", objectCommand, 3, CMD_READONLY, 2, 2, 1, "generic",
     "Returns the time since the last access to an object."},
    {"object|refcount", objectCommand, 3, CMD_READONLY, 2, 2, 1, "generic",
     "Returns the reference count of a value of a key."},
    {"object|help", objectCommand, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, "generic",
     "Returns helpful text about the different subcommands."},
    {0},
};
