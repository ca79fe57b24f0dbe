/* t_string.c - the string commands: GET/SET and their variants, counters, APPEND/SETRANGE,
 * ranges and LCS.
 *
 * A string lives in its vlObj: EMBSTR (bytes inside the object, up to OBJ_EMBSTR_MAX), INT
 * (8 bytes, for values that are canonical integers) or RAW (a vstr of its own). The one
 * decision: a value changes in place only when it is RAW (APPEND and SETRANGE grow the vstr
 * and store the new pointer); every other change builds a new object and swaps it in with
 * dbReplaceObj, which keeps the TTL because expiry entries are keyed by name, not by object.
 * APPEND/SETRANGE on an EMBSTR or INT value therefore convert it to RAW once, so a loop of
 * appends reallocates the vstr amortized instead of rebuilding the object each time.
 * Rejected: shared integer objects and refcounts (Redis's robj sharing): a key and its value
 * are one block here, so there is nothing to share, and INCR simply builds a new 8-byte INT.
 *
 * GET and plain 3-argument SET are the benchmark's hot path: they skip option parsing, SET
 * does one objNewString (one allocation) and one dict lookup inside dbSetKey, and GET replies
 * straight from the object's bytes. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "db.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

/* ------------------------------------------------------------------ helpers */

static const char *cmdNameOf(vlClient *c) {
    return c->cmd ? c->cmd->name : "unknown";
}

/* The string's bytes and length whatever its encoding (INT is formatted into buf). */
static const char *strBytes(const vlObj *o, char buf[24], size_t *len) {
    return objStrVal(o, buf, len);
}

/* Redis's checkStringLength: a result longer than proto-max-bulk-len is refused, so one
 * command cannot build a value no client could send back. Overflow-safe. */
static int checkStringLengthOrReply(vlClient *c, unsigned long long size,
                                    unsigned long long extra) {
    long long max = c->srv->cfg.proto_max_bulk_len;
    unsigned long long lim = max < 0 ? 0 : (unsigned long long)max;
    if (size > lim || extra > lim - size) {
        addReplyError(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return VL_ERR;
    }
    return VL_OK;
}

/* A RAW string object owning v. */
static vlObj *newRawObj(const protoArg *key, vstr *v) {
    return objNewPtr(key->ptr, key->len, OBJ_STRING, OBJ_ENC_RAW, v);
}

/* The value as a fresh vstr with room for cap bytes (cap >= its length). */
static vstr *strDupCap(const vlObj *o, size_t cap) {
    char buf[24];
    size_t len;
    const char *p = strBytes(o, buf, &len);
    vstr *v = vstrNewCap(cap > len ? cap : len);
    vstrCat(&v, p, len);
    return v;
}

/* Deletes a key as the user asked (DEL, GETDEL): lazily when lazyfree-lazy-user-del says
 * so, else synchronously (dbDelete follows the server-side setting instead). */
static void deleteUserKey(vlServer *s, vlDb *db, const protoArg *key, int lazy) {
    if (lazy) {
        dbUnlinkLazy(s, db, key->ptr, key->len);
    } else {
        vlObj *o = dbUnlinkObj(s, db, key->ptr, key->len);
        objFree(o);
    }
}

static void signalAndNotify(vlClient *c, const protoArg *key, const char *event) {
    vlServer *s = c->srv;
    dbSignalModified(s, c->db, key->ptr, key->len);
    notifyKeyspaceEvent(s, NOTIFY_STRING, event, key->ptr, key->len, c->db->id);
}

/* ------------------------------------------------------------------ SET options */

#define SO_NX (1 << 0)
#define SO_XX (1 << 1)
#define SO_GET (1 << 2)
#define SO_KEEPTTL (1 << 3)
#define SO_PERSIST (1 << 4)
#define SO_EX (1 << 5)
#define SO_PX (1 << 6)
#define SO_EXAT (1 << 7)
#define SO_PXAT (1 << 8)
#define SO_EXPIRE (SO_EX | SO_PX | SO_EXAT | SO_PXAT)

/* Parses SET's (forset) or GETEX's options from argv[from]. Conflicting options are a
 * syntax error, as in Redis 7; repeating the same expire kind is allowed (the last wins).
 * *expire receives the argument of the expire option, if any. */
static int parseStringOptionsOrReply(vlClient *c, int from, int forset, int *flags,
                                     const protoArg **expire) {
    static const struct {
        const char *name;
        int flag;
    } kinds[] = {{"ex", SO_EX}, {"px", SO_PX}, {"exat", SO_EXAT}, {"pxat", SO_PXAT}};
    *flags = 0;
    *expire = NULL;
    for (int j = from; j < c->argc; j++) {
        const protoArg *a = &c->argv[j];
        int f = *flags, ok = 0;
        if (forset && argEq(a, "nx")) {
            ok = !(f & SO_XX);
            *flags |= SO_NX;
        } else if (forset && argEq(a, "xx")) {
            ok = !(f & SO_NX);
            *flags |= SO_XX;
        } else if (forset && argEq(a, "get")) {
            ok = 1;
            *flags |= SO_GET;
        } else if (forset && argEq(a, "keepttl")) {
            ok = !(f & (SO_PERSIST | SO_EXPIRE));
            *flags |= SO_KEEPTTL;
        } else if (!forset && argEq(a, "persist")) {
            ok = !(f & (SO_KEEPTTL | SO_EXPIRE));
            *flags |= SO_PERSIST;
        } else {
            for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
                if (!argEq(a, kinds[k].name)) continue;
                int others = SO_KEEPTTL | SO_PERSIST | (SO_EXPIRE & ~kinds[k].flag);
                if (j + 1 < c->argc && !(f & others)) {
                    ok = 1;
                    *flags |= kinds[k].flag;
                    *expire = &c->argv[++j];
                }
                break;
            }
        }
        if (!ok) {
            addReplyErrorSyntax(c);
            return VL_ERR;
        }
    }
    return VL_OK;
}

/* The absolute unix ms time an EX/PX/EXAT/PXAT argument names. Zero, negative and
 * overflowing values are refused with Redis's "invalid expire time" error. */
static int expireArgToMsOrReply(vlClient *c, const protoArg *arg, int flags, int64_t *out) {
    long long v;
    if (getLongLongOrReply(c, arg, &v, NULL) != VL_OK) return VL_ERR;
    int secs = (flags & (SO_EX | SO_EXAT)) != 0;
    long long now = c->srv->mstime;
    if (v <= 0 || (secs && v > LLONG_MAX / 1000)) goto invalid;
    if (secs) v *= 1000;
    if (flags & (SO_EX | SO_PX)) {
        if (v > LLONG_MAX - now) goto invalid;
        v += now;
    }
    *out = v;
    return VL_OK;
invalid:
    addReplyErrorFormat(c, "ERR invalid expire time in '%s' command", cmdNameOf(c));
    return VL_ERR;
}

/* Replies with a string key's value (nil if absent). VL_ERR (and WRONGTYPE replied) if the
 * key holds another type. *out receives the object (NULL if absent). */
static int getGenericOrReply(vlClient *c, vlObj **out) {
    vlObj *o = dbLookupRead(c, &c->argv[1]);
    *out = o;
    if (!o) {
        addReplyNull(c);
        return VL_OK;
    }
    if (o->type != OBJ_STRING) {
        addReplyErrorWrongType(c);
        return VL_ERR;
    }
    addReplyBulkObj(c, o);
    return VL_OK;
}

#define SETREPLY_OK 0  /* +OK, or nil when NX/XX stopped it (SET, SETEX) */
#define SETREPLY_INT 1 /* :1 / :0 (SETNX) */

static void setGeneric(vlClient *c, int flags, const protoArg *val, const protoArg *expire,
                       int replykind) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    const protoArg *key = &c->argv[1];
    int64_t when = -1;
    if (expire && expireArgToMsOrReply(c, expire, flags, &when) != VL_OK) return;

    vlObj *old = NULL;
    if (flags & SO_GET) {
        if (getGenericOrReply(c, &old) != VL_OK) return;
    } else if (flags & (SO_NX | SO_XX | SO_KEEPTTL)) {
        /* KEEPTTL needs the lookup too: it deletes an already-expired key, whose stale TTL
         * must not be kept. */
        old = dbLookupWrite(c, key);
    }
    if (((flags & SO_NX) && old) || ((flags & SO_XX) && !old)) {
        if (replykind == SETREPLY_INT)
            addReplyLongLong(c, 0);
        else if (!(flags & SO_GET))
            addReplyNull(c);
        return;
    }
    vlObj *o = objNewString(key->ptr, key->len, val->ptr, val->len);
    dbSetKey(s, db, o, (flags & SO_KEEPTTL) != 0);
    dbSignalModified(s, db, key->ptr, key->len);
    notifyKeyspaceEvent(s, NOTIFY_STRING, "set", key->ptr, key->len, db->id);
    if (when != -1) {
        dbSetExpire(s, db, o, when);
        notifyKeyspaceEvent(s, NOTIFY_GENERIC, "expire", key->ptr, key->len, db->id);
    }
    if (replykind == SETREPLY_INT)
        addReplyLongLong(c, 1);
    else if (!(flags & SO_GET))
        addReplyOk(c);
}

/* ------------------------------------------------------------------ GET / SET family */

static void getCommand(vlClient *c) {
    vlObj *o = dbLookupRead(c, &c->argv[1]);
    if (!o) {
        addReplyNull(c);
    } else if (vlUnlikely(o->type != OBJ_STRING)) {
        addReplyErrorWrongType(c);
    } else {
        addReplyBulkObj(c, o);
    }
}

static void setCommand(vlClient *c) {
    if (c->argc == 3) { /* the hot path: no options to parse, no lookup before the set */
        vlServer *s = c->srv;
        const protoArg *k = &c->argv[1], *v = &c->argv[2];
        dbSetKey(s, c->db, objNewString(k->ptr, k->len, v->ptr, v->len), 0);
        signalAndNotify(c, k, "set");
        addReplyOk(c);
        return;
    }
    int flags;
    const protoArg *expire;
    if (parseStringOptionsOrReply(c, 3, 1, &flags, &expire) != VL_OK) return;
    setGeneric(c, flags, &c->argv[2], expire, SETREPLY_OK);
}

static void setnxCommand(vlClient *c) {
    setGeneric(c, SO_NX, &c->argv[2], NULL, SETREPLY_INT);
}

static void setexCommand(vlClient *c) {
    setGeneric(c, SO_EX, &c->argv[3], &c->argv[2], SETREPLY_OK);
}

static void psetexCommand(vlClient *c) {
    setGeneric(c, SO_PX, &c->argv[3], &c->argv[2], SETREPLY_OK);
}

static void getexCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    const protoArg *key = &c->argv[1];
    int flags;
    const protoArg *expire;
    if (parseStringOptionsOrReply(c, 2, 0, &flags, &expire) != VL_OK) return;
    vlObj *o = dbLookupRead(c, key);
    if (!o) {
        addReplyNull(c);
        return;
    }
    if (o->type != OBJ_STRING) {
        addReplyErrorWrongType(c);
        return;
    }
    int64_t when = -1;
    /* As in Redis, the expire value is validated only once the key is known to exist. */
    if (expire && expireArgToMsOrReply(c, expire, flags, &when) != VL_OK) return;
    addReplyBulkObj(c, o);
    if (when != -1 && (flags & (SO_EXAT | SO_PXAT)) && when <= s->mstime) {
        deleteUserKey(s, db, key, s->cfg.lazyfree_lazy_expire);
        dbSignalModified(s, db, key->ptr, key->len);
        notifyKeyspaceEvent(s, NOTIFY_GENERIC, "del", key->ptr, key->len, db->id);
    } else if (when != -1) {
        dbSetExpire(s, db, o, when);
        dbSignalModified(s, db, key->ptr, key->len);
        notifyKeyspaceEvent(s, NOTIFY_GENERIC, "expire", key->ptr, key->len, db->id);
    } else if ((flags & SO_PERSIST) && dbRemoveExpire(s, db, o)) {
        dbSignalModified(s, db, key->ptr, key->len);
        notifyKeyspaceEvent(s, NOTIFY_GENERIC, "persist", key->ptr, key->len, db->id);
    }
}

static void getdelCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlObj *o;
    if (getGenericOrReply(c, &o) != VL_OK || !o) return;
    const protoArg *key = &c->argv[1];
    deleteUserKey(s, c->db, key, s->cfg.lazyfree_lazy_user_del);
    dbSignalModified(s, c->db, key->ptr, key->len);
    notifyKeyspaceEvent(s, NOTIFY_GENERIC, "del", key->ptr, key->len, c->db->id);
}

static void getsetCommand(vlClient *c) {
    vlObj *o;
    if (getGenericOrReply(c, &o) != VL_OK) return;
    const protoArg *k = &c->argv[1], *v = &c->argv[2];
    dbSetKey(c->srv, c->db, objNewString(k->ptr, k->len, v->ptr, v->len), 0);
    signalAndNotify(c, k, "set");
}

static void mgetCommand(vlClient *c) {
    addReplyArrayLen(c, c->argc - 1);
    for (int j = 1; j < c->argc; j++) {
        vlObj *o = dbLookupRead(c, &c->argv[j]);
        if (!o || o->type != OBJ_STRING)
            addReplyNull(c);
        else
            addReplyBulkObj(c, o);
    }
}

static void msetGeneric(vlClient *c, int nx) {
    if ((c->argc - 1) % 2 != 0) {
        addReplyErrorArity(c);
        return;
    }
    if (nx) {
        for (int j = 1; j < c->argc; j += 2) {
            if (dbLookupWrite(c, &c->argv[j])) {
                addReplyLongLong(c, 0);
                return;
            }
        }
    }
    for (int j = 1; j < c->argc; j += 2) {
        const protoArg *k = &c->argv[j], *v = &c->argv[j + 1];
        dbSetKey(c->srv, c->db, objNewString(k->ptr, k->len, v->ptr, v->len), 0);
        signalAndNotify(c, k, "set");
    }
    if (nx)
        addReplyLongLong(c, 1);
    else
        addReplyOk(c);
}

static void msetCommand(vlClient *c) {
    msetGeneric(c, 0);
}

static void msetnxCommand(vlClient *c) {
    msetGeneric(c, 1);
}

/* ------------------------------------------------------------------ counters */

static void incrDecr(vlClient *c, long long by) {
    vlServer *s = c->srv;
    const protoArg *key = &c->argv[1];
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, key, OBJ_STRING, 1, &wrong);
    if (wrong) return;
    long long v = 0;
    /* objGetLL reads INT values directly: the common counter never parses. */
    if (o && !objGetLL(o, &v)) {
        addReplyErrorNotInt(c);
        return;
    }
    if ((by < 0 && v < 0 && by < LLONG_MIN - v) || (by > 0 && v > 0 && by > LLONG_MAX - v)) {
        addReplyError(c, "ERR increment or decrement would overflow");
        return;
    }
    v += by;
    if (o && o->enc == OBJ_ENC_INT) {
        objSetLL(o, v); /* same block, same size: no allocation, no second hash walk */
    } else {
        vlObj *nu = objNewStringLL(key->ptr, key->len, v);
        if (o)
            dbReplaceObj(s, c->db, o, nu);
        else
            dbAdd(s, c->db, nu);
    }
    signalAndNotify(c, key, "incrby");
    addReplyLongLong(c, v);
}

static void incrCommand(vlClient *c) {
    incrDecr(c, 1);
}

static void decrCommand(vlClient *c) {
    incrDecr(c, -1);
}

static void incrbyCommand(vlClient *c) {
    long long by;
    if (getLongLongOrReply(c, &c->argv[2], &by, NULL) != VL_OK) return;
    incrDecr(c, by);
}

static void decrbyCommand(vlClient *c) {
    long long by;
    if (getLongLongOrReply(c, &c->argv[2], &by, NULL) != VL_OK) return;
    if (by == LLONG_MIN) {
        addReplyError(c, "ERR decrement would overflow");
        return;
    }
    incrDecr(c, -by);
}

static void incrbyfloatCommand(vlClient *c) {
    vlServer *s = c->srv;
    const protoArg *key = &c->argv[1];
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, key, OBJ_STRING, 1, &wrong);
    if (wrong) return;
    long double v = 0, by;
    if (o) {
        long long ll;
        if (o->enc == OBJ_ENC_INT && objGetLL(o, &ll)) {
            v = (long double)ll;
        } else {
            char buf[24];
            size_t len;
            const char *p = strBytes(o, buf, &len);
            if (!utilStrToLD(p, len, &v)) {
                addReplyError(c, "ERR value is not a valid float");
                return;
            }
        }
    }
    if (getLongDoubleOrReply(c, &c->argv[2], &by, NULL) != VL_OK) return;
    v += by;
    if (isnan(v) || isinf(v)) {
        addReplyError(c, "ERR increment would produce NaN or Infinity");
        return;
    }
    /* %.17Lf of the largest long double needs ~4,950 bytes: 5 KB always holds it. */
    char out[5 * 1024];
    int len = utilLDToStr(out, sizeof(out), v, 1);
    vlObj *nu = objNewString(key->ptr, key->len, out, (size_t)len);
    if (o)
        dbReplaceObj(s, c->db, o, nu);
    else
        dbAdd(s, c->db, nu);
    signalAndNotify(c, key, "incrbyfloat");
    addReplyBulk(c, out, (size_t)len);
}

/* ------------------------------------------------------------------ APPEND / SETRANGE */

static void appendCommand(vlClient *c) {
    vlServer *s = c->srv;
    const protoArg *key = &c->argv[1], *val = &c->argv[2];
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, key, OBJ_STRING, 1, &wrong);
    if (wrong) return;
    size_t total;
    if (!o) {
        dbAdd(s, c->db, objNewString(key->ptr, key->len, val->ptr, val->len));
        total = val->len;
    } else {
        size_t cur = objStrLen(o);
        if (checkStringLengthOrReply(c, cur, val->len) != VL_OK) return;
        if (o->enc == OBJ_ENC_RAW) {
            vstr *v = objPtr(o);
            vstrCat(&v, val->ptr, val->len);
            objSetPtr(o, v);
            total = v->len;
        } else {
            vstr *v = strDupCap(o, cur + val->len);
            vstrCat(&v, val->ptr, val->len);
            total = v->len;
            dbReplaceObj(s, c->db, o, newRawObj(key, v));
        }
    }
    signalAndNotify(c, key, "append");
    addReplyLongLong(c, (long long)total);
}

static void setrangeCommand(vlClient *c) {
    vlServer *s = c->srv;
    const protoArg *key = &c->argv[1], *val = &c->argv[3];
    long long offset;
    if (getLongLongOrReply(c, &c->argv[2], &offset, NULL) != VL_OK) return;
    if (offset < 0) {
        addReplyError(c, "ERR offset is out of range");
        return;
    }
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, key, OBJ_STRING, 1, &wrong);
    if (wrong) return;
    size_t olen = o ? objStrLen(o) : 0;
    if (val->len == 0) { /* nothing to write: no key is created, none is changed */
        addReplyLongLong(c, (long long)olen);
        return;
    }
    if (checkStringLengthOrReply(c, (unsigned long long)offset, val->len) != VL_OK) return;
    size_t end = (size_t)offset + val->len;
    vstr *v;
    if (o && o->enc == OBJ_ENC_RAW) {
        v = objPtr(o);
        if (end > v->len) vstrSetLen(&v, end);
        memcpy(v->buf + offset, val->ptr, val->len);
        objSetPtr(o, v);
    } else {
        v = o ? strDupCap(o, end) : vstrNewCap(end);
        if (end > v->len) vstrSetLen(&v, end);
        memcpy(v->buf + offset, val->ptr, val->len);
        if (o)
            dbReplaceObj(s, c->db, o, newRawObj(key, v));
        else
            dbAdd(s, c->db, newRawObj(key, v));
    }
    signalAndNotify(c, key, "setrange");
    addReplyLongLong(c, (long long)v->len);
}

/* ------------------------------------------------------------------ reads */

static void getrangeCommand(vlClient *c) {
    long long start, end;
    if (getLongLongOrReply(c, &c->argv[2], &start, NULL) != VL_OK) return;
    if (getLongLongOrReply(c, &c->argv[3], &end, NULL) != VL_OK) return;
    vlObj *o = dbLookupRead(c, &c->argv[1]);
    if (!o) {
        addReplyBulk(c, "", 0);
        return;
    }
    if (o->type != OBJ_STRING) {
        addReplyErrorWrongType(c);
        return;
    }
    char buf[24];
    size_t slen;
    const char *p = strBytes(o, buf, &slen);
    long long len = (long long)slen;
    if (start < 0 && end < 0 && start > end) {
        addReplyBulk(c, "", 0);
        return;
    }
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (len == 0 || start > end)
        addReplyBulk(c, "", 0);
    else
        addReplyBulk(c, p + start, (size_t)(end - start + 1));
}

static void strlenCommand(vlClient *c) {
    int wrong;
    vlObj *o = dbLookupTypeOrReply(c, &c->argv[1], OBJ_STRING, 0, &wrong);
    if (wrong) return;
    addReplyLongLong(c, o ? (long long)objStrLen(o) : 0);
}

/* ------------------------------------------------------------------ LCS */

/* Emits one match range of LCS IDX: [[a_start, a_end], [b_start, b_end]] (+ its length). */
static void lcsReplyRange(vlClient *c, uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1,
                          int withlen) {
    addReplyArrayLen(c, 2 + withlen);
    addReplyArrayLen(c, 2);
    addReplyLongLong(c, a0);
    addReplyLongLong(c, a1);
    addReplyArrayLen(c, 2);
    addReplyLongLong(c, b0);
    addReplyLongLong(c, b1);
    if (withlen) addReplyLongLong(c, (long long)(a1 - a0 + 1));
}

/* LCS a b [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]. The classic O(n*m) table, walked back
 * from the end; ranges come out from the end of the strings towards their start, as Redis
 * emits them. The table is transient and capped at proto-max-bulk-len bytes (Redis's cap). */
static void lcsCommand(vlClient *c) {
    vlObj *oa = dbLookupRead(c, &c->argv[1]);
    vlObj *ob = dbLookupRead(c, &c->argv[2]);
    if ((oa && oa->type != OBJ_STRING) || (ob && ob->type != OBJ_STRING)) {
        addReplyError(c, "ERR The specified keys must contain string values");
        return;
    }
    int getlen = 0, getidx = 0, withlen = 0;
    long long minlen = 0;
    for (int j = 3; j < c->argc; j++) {
        const protoArg *a = &c->argv[j];
        if (argEq(a, "idx")) {
            getidx = 1;
        } else if (argEq(a, "len")) {
            getlen = 1;
        } else if (argEq(a, "withmatchlen")) {
            withlen = 1;
        } else if (argEq(a, "minmatchlen") && j + 1 < c->argc) {
            if (getLongLongOrReply(c, &c->argv[++j], &minlen, NULL) != VL_OK) return;
            if (minlen < 0) minlen = 0;
        } else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    if (getidx && getlen) {
        addReplyError(c, "ERR If you want both the length and indexes, please just use IDX.");
        return;
    }
    char abuf[24], bbuf[24];
    size_t alen = 0, blen = 0;
    const char *a = oa ? strBytes(oa, abuf, &alen) : "";
    const char *b = ob ? strBytes(ob, bbuf, &blen) : "";
    if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1) {
        addReplyError(c, "ERR String too long for LCS");
        return;
    }
    /* Row-major table of (alen+1) x (blen+1) LCS lengths of the prefixes. */
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    unsigned long long bytes = cells * sizeof(uint32_t);
    if (bytes / sizeof(uint32_t) != cells ||
        bytes > (unsigned long long)c->srv->cfg.proto_max_bulk_len) {
        addReplyError(c, "ERR Insufficient memory, transient memory for LCS exceeds "
                         "proto-max-bulk-len");
        return;
    }
    size_t w = blen + 1;
    uint32_t *t = vlMalloc((size_t)bytes);
#define LCS_AT(i, j) t[(size_t)(i)*w + (j)]
    for (size_t j = 0; j <= blen; j++) LCS_AT(0, j) = 0;
    for (size_t i = 1; i <= alen; i++) {
        LCS_AT(i, 0) = 0;
        for (size_t j = 1; j <= blen; j++) {
            if (a[i - 1] == b[j - 1]) {
                LCS_AT(i, j) = LCS_AT(i - 1, j - 1) + 1;
            } else {
                uint32_t up = LCS_AT(i - 1, j), left = LCS_AT(i, j - 1);
                LCS_AT(i, j) = up > left ? up : left;
            }
        }
    }
    uint32_t total = LCS_AT(alen, blen);
    if (getlen) {
        vlFree(t);
        addReplyLongLong(c, total);
        return;
    }
    char *res = vlMalloc(total ? total : 1);
    void *slot = NULL;
    long long nranges = 0;
    if (getidx) {
        addReplyMapLen(c, 2);
        addReplyBulkCStr(c, "matches");
        slot = addReplyDeferredLen(c);
    }
    /* Walk back: a match extends the current range towards the strings' start; a step
     * without a match, or reaching the start of either string, closes it. */
    size_t i = alen, j = blen, k = total;
    int inrange = 0;
    uint32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    while (i > 0 && j > 0) {
        int close = 0;
        if (a[i - 1] == b[j - 1]) {
            res[--k] = a[i - 1];
            if (!inrange) {
                inrange = 1;
                a0 = a1 = (uint32_t)(i - 1);
                b0 = b1 = (uint32_t)(j - 1);
            } else {
                a0 = (uint32_t)(i - 1);
                b0 = (uint32_t)(j - 1);
            }
            if (a0 == 0 || b0 == 0) close = 1;
            i--;
            j--;
        } else {
            if (LCS_AT(i - 1, j) > LCS_AT(i, j - 1))
                i--;
            else
                j--;
            close = inrange;
        }
        if (close && inrange) {
            if (getidx && (long long)(a1 - a0 + 1) >= minlen) {
                lcsReplyRange(c, a0, a1, b0, b1, withlen);
                nranges++;
            }
            inrange = 0;
        }
    }
#undef LCS_AT
    vlFree(t);
    if (getidx) {
        setDeferredArrayLen(c, slot, nranges);
        addReplyBulkCStr(c, "len");
        addReplyLongLong(c, total);
    } else {
        addReplyBulk(c, res, total);
    }
    vlFree(res);
}

/* ------------------------------------------------------------------ table */

/* ------------------------------------------------------------------- the type's row */

/* Three encodings: INT and EMBSTR live inside the object (nothing to free, copy or walk);
 * RAW points to a vstr of its own, one block. */
static void strFreeValue(vlObj *o) {
    if (o->enc == OBJ_ENC_RAW) vstrFree(objPtr(o));
}

static void *strDupValue(const vlObj *o) {
    return vstrDup(objPtr(o));
}

static size_t strMemUsage(const vlObj *o, size_t samples) {
    VL_UNUSED(samples);
    return o->enc == OBJ_ENC_RAW ? vlAllocSize(objPtr(o)) : 0;
}

static void strDigest(const vlObj *o, unsigned char d[20]) {
    char buf[24];
    size_t len;
    const char *v = objStrVal(o, buf, &len);
    digestMix(d, v, len);
}

static const char *strEncName(const vlObj *o) {
    return o->enc == OBJ_ENC_INT ? "int" : o->enc == OBJ_ENC_EMBSTR ? "embstr" : "raw";
}

static size_t strWalkSize(const vlObj *o) {
    VL_UNUSED(o);
    return 0;
}

static int strDefragStep(vlObj *o, unsigned long *cursor, size_t max_steps, vlMoveFn *move,
                         void *ctx) {
    VL_UNUSED(max_steps);
    *cursor = 0;
    if (o->enc != OBJ_ENC_RAW) return 0;
    void *n = move(objPtr(o), ctx);
    if (n) objSetPtr(o, n);
    return 0;
}

static int strBlocks(const vlObj *o, const void *out[2]) {
    if (o->enc != OBJ_ENC_RAW) return 0;
    out[0] = objPtr(o);
    return 1;
}

const vlTypeOps stringType = {
    .name = "string",
    .freeValue = strFreeValue,
    .dupValue = strDupValue,
    .memUsage = strMemUsage,
    .digest = strDigest,
    .encName = strEncName,
    .walkSize = strWalkSize,
    .freeStep = NULL, /* one block at most */
    .defragStep = strDefragStep,
    .blocks = strBlocks,
};

const vlCommand vlStringCommands[] = {
    {"get", getCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "string",
     "Returns the string value of a key."},
    {"set", setCommand, -3, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, "string",
     "Sets the string value of a key, ignoring its type. The key is created if it doesn't "
     "exist."},
    {"setnx", setnxCommand, 3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "string",
     "Set the string value of a key only when the key doesn't exist."},
    {"setex", setexCommand, 4, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, "string",
     "Sets the string value and expiration time of a key. Creates the key if it doesn't "
     "exist."},
    {"psetex", psetexCommand, 4, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, "string",
     "Sets both string value and expiration time in milliseconds of a key. The key is created "
     "if it doesn't exist."},
    {"getex", getexCommand, -2, CMD_WRITE | CMD_FAST, 1, 1, 1, "string",
     "Returns the string value of a key after setting its expiration time."},
    {"getdel", getdelCommand, 2, CMD_WRITE | CMD_FAST, 1, 1, 1, "string",
     "Returns the string value of a key after deleting the key."},
    {"getset", getsetCommand, 3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "string",
     "Returns the previous string value of a key after setting it to a new value."},
    {"mget", mgetCommand, -2, CMD_READONLY | CMD_FAST, 1, -1, 1, "string",
     "Atomically returns the string values of one or more keys."},
    {"mset", msetCommand, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 2, "string",
     "Atomically creates or modifies the string values of one or more keys."},
    {"msetnx", msetnxCommand, -3, CMD_WRITE | CMD_DENYOOM, 1, -1, 2, "string",
     "Atomically modifies the string values of one or more keys only when all keys don't "
     "exist."},
    {"incr", incrCommand, 2, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "string",
     "Increments the integer value of a key by one. Uses 0 as initial value if the key "
     "doesn't exist."},
    {"decr", decrCommand, 2, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "string",
     "Decrements the integer value of a key by one. Uses 0 as initial value if the key "
     "doesn't exist."},
    {"incrby", incrbyCommand, 3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "string",
     "Increments the integer value of a key by a number. Uses 0 as initial value if the key "
     "doesn't exist."},
    {"decrby", decrbyCommand, 3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "string",
     "Decrements a number from the integer value of a key. Uses 0 as initial value if the "
     "key doesn't exist."},
    {"incrbyfloat", incrbyfloatCommand, 3, CMD_WRITE | CMD_DENYOOM | CMD_FAST, 1, 1, 1, "string",
     "Increment the floating point value of a key by a number. Uses 0 as initial value if "
     "the key doesn't exist."},
    {"append", appendCommand, 3, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, "string",
     "Appends a string to the value of a key. Creates the key if it doesn't exist."},
    {"strlen", strlenCommand, 2, CMD_READONLY | CMD_FAST, 1, 1, 1, "string",
     "Returns the length of a string value."},
    {"getrange", getrangeCommand, 4, CMD_READONLY, 1, 1, 1, "string",
     "Returns a substring of the string stored at a key."},
    {"substr", getrangeCommand, 4, CMD_READONLY, 1, 1, 1, "string",
     "Returns a substring from a string value."},
    {"setrange", setrangeCommand, 4, CMD_WRITE | CMD_DENYOOM, 1, 1, 1, "string",
     "Overwrites a part of a string value with another by an offset. Creates the key if it "
     "doesn't exist."},
    {"lcs", lcsCommand, -3, CMD_READONLY, 1, 2, 1, "string", "Finds the longest common substring."},
    {0},
};
