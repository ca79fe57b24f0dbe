/* debug.c - DEBUG: the switches and probes tests use to make background work deterministic
 * and to look inside the server (POPULATE, DIGEST, OBJECT, SLEEP, SET-ACTIVE-EXPIRE, MALLCTL,
 * DEFRAG, ...).
 *
 * Subcommands are a table (name, argument bounds, proc) rather than an if-chain, so the arity
 * rule is stated once and a module can add its probe with one line. The whole command sits
 * behind enable-debug-command (no / yes / local), checked here, with Redis's exact message.
 *
 * DEBUG DIGEST is order-insensitive across keys (each key's digest is xor-ed into the total)
 * and order-sensitive inside a key (name, value digest, expiry mixed in sequence), so two
 * servers holding the same data agree whatever the insertion order or table layout; an
 * empty dataset gives forty zeros, as Redis. Rejected: hashing a sorted dump (allocation and
 * a sort per call on millions of keys). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "defrag.h"
#include "object.h"
#include "server.h"

/* ------------------------------------------------------------------- access gate */

static int debugAllowed(vlClient *c) {
    int mode = c->srv->cfg.enable_debug_cmd;
    if (mode == 1 || (mode == 2 && clientIsLocal(c))) return 1;
    addReplyError(c, "ERR DEBUG command not allowed. If the enable-debug-command option is set "
                     "to \"local\", you can run it from a local connection, otherwise you need "
                     "to set this option in the configuration file, and then restart the "
                     "server.");
    return 0;
}

/* A NUL-terminated copy of an argument, cut to cap-1 bytes (names, numbers, log lines). */
static const char *argCStr(const protoArg *a, char *buf, size_t cap) {
    size_t n = a->len < cap - 1 ? a->len : cap - 1;
    memcpy(buf, a->ptr, n);
    buf[n] = '\0';
    return buf;
}

static void hexDigest(char out[41], const unsigned char d[20]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 20; i++) {
        out[i * 2] = hex[d[i] >> 4];
        out[i * 2 + 1] = hex[d[i] & 15];
    }
    out[40] = '\0';
}

/* ------------------------------------------------------------------- subcommands */

static void debugSleep(vlClient *c) {
    char buf[64];
    double secs = strtod(argCStr(&c->argv[2], buf, sizeof(buf)), NULL);
    if (secs > 0) {
        /* This blocks the whole server on purpose: tests use it to provoke latency. */
        struct timespec ts;
        ts.tv_sec = (time_t)secs;
        ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
        }
    }
    addReplyOk(c);
}

/* DEBUG POPULATE count [prefix] [size]: keys prefix:0..count-1 holding "value:N", padded with
 * zero bytes or cut to size when size is given. Existing keys are left alone. Objects go
 * straight into the table (no per-key notifications), which keeps a million keys well under
 * a second. */
static void debugPopulate(vlClient *c) {
    vlServer *s = c->srv;
    long long count, size = 0;
    if (getPositiveLongOrReply(c, &c->argv[2], &count, NULL) != VL_OK) return;
    const char *prefix = "key";
    size_t plen = 3;
    if (c->argc >= 4) {
        prefix = c->argv[3].ptr;
        plen = c->argv[3].len;
    }
    if (c->argc == 5 && getPositiveLongOrReply(c, &c->argv[4], &size, NULL) != VL_OK) return;
    if (size > s->cfg.proto_max_bulk_len) {
        addReplyError(c, "ERR size is larger than proto-max-bulk-len");
        return;
    }
    size_t kcap = plen + 1 + 24;
    char *key = vlMalloc(kcap);
    memcpy(key, prefix, plen);
    key[plen] = ':';
    char small[32];
    char *val = size > (long long)sizeof(small) ? vlMalloc((size_t)size) : small;
    memcpy(small, "value:", 6);
    /* The generated names are distinct, so an empty db needs no lookups (a quarter of the
     * time for a million keys). */
    int check = dictSize(c->db->keys) > 0;
    for (long long i = 0; i < count; i++) {
        int n = utilLLToStr(key + plen + 1, 24, i);
        size_t klen = plen + 1 + (size_t)n;
        if (check && dbLookup(c, key, klen, LOOKUP_WRITE | LOOKUP_NOTOUCH)) continue;
        memcpy(small + 6, key + plen + 1, (size_t)n);
        size_t vlen = 6 + (size_t)n;
        if (size) {
            if (val != small) memcpy(val, small, vlen < (size_t)size ? vlen : (size_t)size);
            if (vlen < (size_t)size) memset(val + vlen, 0, (size_t)size - vlen);
            vlen = (size_t)size;
        }
        dbAdd(s, c->db, objNewString(key, klen, val, vlen));
        dbSignalModified(s, c->db, key, klen);
    }
    if (val != small) vlFree(val);
    vlFree(key);
    addReplyOk(c);
}

static void debugSetActiveExpire(vlClient *c) {
    char buf[32];
    c->srv->active_expire_enabled = atoi(argCStr(&c->argv[2], buf, sizeof(buf))) != 0;
    addReplyOk(c);
}

static void debugMallctl(vlClient *c) {
    char name[256];
    argCStr(&c->argv[2], name, sizeof(name));
    long long old;
    if (allocCtl(name, &old, NULL) != 0) {
        addReplyError(c, strcmp(allocName(), "libc") == 0
                             ? "ERR MALLCTL is not supported by the libc allocator"
                             : "ERR No such file or directory");
        return;
    }
    if (c->argc == 4) {
        long long nv;
        if (getLongLongOrReply(c, &c->argv[3], &nv, NULL) != VL_OK) return;
        if (allocCtl(name, &old, &nv) != 0) {
            addReplyError(c, "ERR Operation not permitted");
            return;
        }
    }
    addReplyLongLong(c, old);
}

static void debugMallctlStr(vlClient *c) {
    char name[256], value[256];
    argCStr(&c->argv[2], name, sizeof(name));
    const char *old = NULL;
    if (allocCtlStr(name, &old, NULL) != 0) {
        addReplyError(c, strcmp(allocName(), "libc") == 0
                             ? "ERR MALLCTL is not supported by the libc allocator"
                             : "ERR No such file or directory");
        return;
    }
    if (c->argc == 4) {
        argCStr(&c->argv[3], value, sizeof(value));
        if (allocCtlStr(name, &old, value) != 0) {
            addReplyError(c, "ERR Operation not permitted");
            return;
        }
    }
    addReplyBulkCStr(c, old ? old : "");
}

/* One key's digest: name, value, expiry, mixed in that order. */
static void keyDigest(vlDb *db, const vlObj *o, unsigned char d[20]) {
    size_t klen;
    const char *k = objKey(o, &klen);
    unsigned char v[20];
    memset(d, 0, 20);
    digestMix(d, k, klen);
    objDigest(o, v);
    digestMix(d, v, 20);
    int64_t when = dbGetExpire(db, o);
    if (when >= 0) {
        digestMix(d, "!!expire!!", 10);
        digestMix(d, &when, sizeof(when));
    }
}

static void debugDigest(vlClient *c) {
    vlServer *s = c->srv;
    unsigned char total[20];
    memset(total, 0, sizeof(total));
    for (int i = 0; i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        if (!dictSize(db->keys)) continue;
        /* the db number counts: the same keys in db 1 are another dataset than in db 0 */
        uint32_t id = (uint32_t)i;
        digestMix(total, &id, sizeof(id));
        dictIter it;
        dictIterInit(&it, db->keys);
        dictLink *e;
        while ((e = dictIterNext(&it))) {
            unsigned char d[20];
            keyDigest(db, (const vlObj *)e, d);
            for (int j = 0; j < 20; j++) total[j] ^= d[j];
        }
        dictIterRelease(&it);
    }
    char hex[41];
    hexDigest(hex, total);
    addReplyStatus(c, hex);
}

static void debugDigestValue(vlClient *c) {
    addReplyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        unsigned char d[20];
        memset(d, 0, sizeof(d));
        const vlObj *o = (const vlObj *)dictFind(c->db->keys, c->argv[i].ptr, c->argv[i].len);
        if (o) objDigest(o, d);
        char hex[41];
        hexDigest(hex, d);
        addReplyStatus(c, hex);
    }
}

/* Bytes a length prefix would take in a dump: 1, 2 or 5, as RDB's. */
static size_t lenPrefix(size_t n) {
    return n < 64 ? 1 : n < 16384 ? 2 : 5;
}

/* DEBUG HTSTATS <dbid>: Redis's layout, the figures of our tables (no chain statistics). */
static void htStats(vstr **out, const char *title, const dict *d) {
    vstrCatFmt(out, "[%s]\n", title);
    if (dictSize(d) == 0) {
        vstrCatStr(out, "No stats available for empty dictionaries\n");
        return;
    }
    for (int t = 0; t < 2; t++) {
        size_t size, used;
        dictTableStats(d, t, &size, &used);
        if (!size) continue;
        vstrCatFmt(out, "Hash table %d stats (%s):\n table size: %zu\n number of elements: %zu\n",
                   t, t == 0 ? "main hash table" : "rehashing target", size, used);
    }
}

static void debugHtstats(vlClient *c) {
    long long id;
    if (getLongLongOrReply(c, &c->argv[2], &id, NULL) != VL_OK) return;
    if (id < 0 || id >= c->srv->cfg.databases) {
        addReplyError(c, "ERR Out of range database");
        return;
    }
    vstr *out = NULL;
    htStats(&out, "Dictionary HT", c->srv->db[id].keys);
    htStats(&out, "Expires HT", c->srv->db[id].expires);
    addReplyVerbatim(c, out->buf, out->len, "txt");
    vstrFree(out);
}

static void debugObject(vlClient *c) {
    vlServer *s = c->srv;
    const vlObj *o = (const vlObj *)dictFind(c->db->keys, c->argv[2].ptr, c->argv[2].len);
    if (!o) {
        addReplyError(c, "ERR no such key");
        return;
    }
    size_t ser;
    if (o->type == OBJ_STRING && o->enc == OBJ_ENC_INT) {
        long long v = 0;
        objGetLL(o, &v);
        ser = (v >= -128 && v <= 127) ? 2 : (v >= -32768 && v <= 32767) ? 3 : 5;
    } else if (o->type == OBJ_STRING) {
        size_t len = objStrLen(o);
        ser = lenPrefix(len) + len;
    } else {
        /* No dump format here: an aggregate's size is estimated by its memory, sampled. */
        ser = objMemUsage(o, 5);
    }
    uint32_t idle = (s->lruclock - o->lru) & 0xFFFFFF;
    char line[256];
    snprintf(line, sizeof(line),
             "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u "
             "lru_seconds_idle:%u",
             (const void *)o, objEncName(o), ser, (unsigned)o->lru, (unsigned)idle);
    addReplyStatus(c, line);
}

static void debugLog(vlClient *c) {
    int n = (int)(c->argv[2].len < 1024 ? c->argv[2].len : 1024);
    serverLog(c->srv, LL_WARNING, "DEBUG LOG: %.*s", n, c->argv[2].ptr);
    addReplyOk(c);
}

static void debugError(vlClient *c) {
    char buf[512];
    addReplyError(c, argCStr(&c->argv[2], buf, sizeof(buf)));
}

static void debugChangeReplId(vlClient *c) {
    addReplyOk(c); /* no replication: nothing to change */
}

static void debugDefrag(vlClient *c) {
    defragCommand(c);
}

/* DEBUG PROTOCOL <type>: one reply of each RESP type, for client library tests. */
static void debugProtocol(vlClient *c) {
    const protoArg *t = &c->argv[2];
    if (argEq(t, "string")) {
        addReplyBulkCStr(c, "Hello World");
    } else if (argEq(t, "integer")) {
        addReplyLongLong(c, 12345);
    } else if (argEq(t, "double")) {
        addReplyDouble(c, 3.141);
    } else if (argEq(t, "bignum")) {
        addReplyBigNumber(c, "1234567999999999999999999999999999999", 37);
    } else if (argEq(t, "null")) {
        addReplyNull(c);
    } else if (argEq(t, "array") || argEq(t, "set")) {
        if (argEq(t, "array"))
            addReplyArrayLen(c, 3);
        else
            addReplySetLen(c, 3);
        for (int i = 0; i < 3; i++) addReplyLongLong(c, i);
    } else if (argEq(t, "map")) {
        addReplyMapLen(c, 3);
        for (int i = 0; i < 3; i++) {
            addReplyLongLong(c, i);
            addReplyBool(c, i == 1);
        }
    } else if (argEq(t, "attrib")) {
        if (c->resp >= 3) { /* an attribute, then the reply it annotates */
            addReplyRaw(c, "|1\r\n", 4);
            addReplyBulkCStr(c, "key-popularity");
            addReplyArrayLen(c, 2);
            addReplyBulkCStr(c, "key:123");
            addReplyLongLong(c, 90);
        }
        addReplyBulkCStr(c, "Some real reply following the attribute");
    } else if (argEq(t, "push")) {
        if (c->resp < 3) {
            addReplyError(c, "ERR RESP2 is not supported by this command");
            return;
        }
        c->flags |= CLIENT_PUSHING;
        addReplyPushLen(c, 2);
        addReplyBulkCStr(c, "server-cpu-usage");
        addReplyLongLong(c, 42);
        c->flags &= ~CLIENT_PUSHING; /* pushes never nest */
        addReplyBulkCStr(c, "Some real reply following the push reply");
    } else if (argEq(t, "true") || argEq(t, "false")) {
        addReplyBool(c, argEq(t, "true"));
    } else if (argEq(t, "verbatim")) {
        addReplyVerbatim(c, "This is a verbatim\nstring", 25, "txt");
    } else {
        addReplyError(c, "ERR Wrong protocol type name. Please use one of the following: "
                         "string|integer|double|bignum|null|array|set|map|attrib|push|"
                         "verbatim|true|false");
    }
}

/* A 0/1 switch argument, or an error reply. */
static int switchArgOrReply(vlClient *c, const protoArg *a, int *out) {
    long long v;
    if (getLongLongOrReply(c, a, &v, NULL) != VL_OK) return VL_ERR;
    *out = v != 0;
    return VL_OK;
}

static void debugPauseCron(vlClient *c) {
    if (switchArgOrReply(c, &c->argv[2], &c->srv->cron_paused) == VL_OK) addReplyOk(c);
}

/* DEBUG DICT-RESIZING <0|1>: whether the keyspace tables may grow or shrink (a table that
 * becomes very full still grows, as in Valkey). */
static void debugDictResizing(vlClient *c) {
    vlServer *s = c->srv;
    if (switchArgOrReply(c, &c->argv[2], &s->dict_resizing) != VL_OK) return;
    for (int i = 0; i < s->cfg.databases; i++) {
        dictResizeAllowed(s->db[i].keys, s->dict_resizing);
        dictResizeAllowed(s->db[i].expires, s->dict_resizing);
    }
    addReplyOk(c);
}

/* DEBUG QUICKLIST-PACKED-THRESHOLD <size>: Valkey's size above which a list element gets a
 * node of its own. The list here already gives an element too big for a chunk's byte cap a
 * chunk of its own (plist.h), whatever this says; the value is checked and kept so that
 * tests and tools that set it run, and DEBUG LISTPACK shows it. */
static void debugPackedThreshold(vlClient *c) {
    char buf[64];
    long long v; /* utilParseMemory reads "1b" as Valkey's memtoull does */
    if (c->argv[2].len >= sizeof(buf) ||
        !utilParseMemory(argCStr(&c->argv[2], buf, sizeof(buf)), &v) || v < 0) {
        addReplyError(c, "ERR argument must be a memory value");
        return;
    }
    c->srv->list_packed_threshold = v ? v : 1LL << 30;
    addReplyOk(c);
}

/* DEBUG HTSTATS-KEY <key> [full]: the tables of a hash or set held as a dict. */
static void debugHtstatsKey(vlClient *c) {
    const vlObj *o = (const vlObj *)dictFind(c->db->keys, c->argv[2].ptr, c->argv[2].len);
    if (!o) {
        addReplyError(c, "ERR no such key");
        return;
    }
    if ((o->type != OBJ_HASH && o->type != OBJ_SET) || o->enc != OBJ_ENC_HT) {
        addReplyError(c, "ERR The value stored at the specified key is not represented using "
                         "an hash table");
        return;
    }
    vstr *out = NULL;
    htStats(&out, "Dictionary HT", objPtr(o));
    addReplyVerbatim(c, out->buf, out->len, "txt");
    vstrFree(out);
}

/* DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE with every directive written. */
static void debugConfigRewriteForceAll(vlClient *c) {
    char err[512] = "";
    if (configRewrite(c->srv, 1, err, sizeof(err)) != VL_OK) {
        addReplyError(c, err[0] ? err : "ERR Rewriting config file failed");
        return;
    }
    addReplyOk(c);
}

static void debugHelp(vlClient *c);

typedef struct debugSub {
    const char *name;
    int min_argc, max_argc; /* counting DEBUG and the subcommand; -1: no maximum */
    void (*proc)(vlClient *c);
} debugSub;

static const debugSub debugSubs[] = {
    {"help", 2, 2, debugHelp},
    {"sleep", 3, 3, debugSleep},
    {"populate", 3, 5, debugPopulate},
    {"set-active-expire", 3, 3, debugSetActiveExpire},
    {"mallctl", 3, 4, debugMallctl},
    {"mallctl-str", 3, 4, debugMallctlStr},
    {"digest", 2, 2, debugDigest},
    {"htstats", 3, 3, debugHtstats},
    {"digest-value", 2, -1, debugDigestValue},
    {"object", 3, 3, debugObject},
    {"log", 3, 3, debugLog},
    {"error", 3, 3, debugError},
    {"change-repl-id", 2, 2, debugChangeReplId},
    {"protocol", 3, 3, debugProtocol},
    {"config-rewrite-force-all", 2, 2, debugConfigRewriteForceAll},
    {"pause-cron", 3, 3, debugPauseCron},
    {"dict-resizing", 3, 3, debugDictResizing},
    {"quicklist-packed-threshold", 3, 3, debugPackedThreshold},
    {"htstats-key", 3, 4, debugHtstatsKey},
    {"defrag", 2, -1, debugDefrag}, /* defrag.c parses the rest */
    /* List introspection (DEBUG LISTPACK <key>, DEBUG QUICKLIST <key>) belongs to t_list.c:
     * when it exports a describer, add its entries here. */
    {"listpack", 3, 3, listDebugCommand},
    {"quicklist", 3, 3, listDebugCommand},
};

static const char *const debugHelpLines[] = {
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANGE-REPL-ID",
    "    Accepted for compatibility (no replication here).",
    "DEFRAG <subcommand> ...",
    "    Active defrag controls for tests; DEBUG DEFRAG HELP lists them.",
    "CONFIG-REWRITE-FORCE-ALL",
    "    Like CONFIG REWRITE but writes every directive, also those at their default.",
    "DICT-RESIZING <0|1>",
    "    Enable or disable the growing and shrinking of the keyspace tables.",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return an error reply with <string> as message.",
    "HTSTATS <dbid>",
    "    Sizes and element counts of the db's key and expire tables (both, while rehashing).",
    "HTSTATS-KEY <key> [full]",
    "    Like HTSTATS, for a hash or set value held as a hash table.",
    "LISTPACK <key>",
    "    Show how a list is stored: chunks, fill, bytes used and allocated, a structure check.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "MALLCTL <key> [<val>]",
    "    Get or set a malloc tuning integer.",
    "MALLCTL-STR <key> [<val>]",
    "    Get or set a malloc tuning string.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "PAUSE-CRON <0|1>",
    "    Stop or resume the server's periodic background work.",
    "PROTOCOL <type>",
    "    Reply with a test value of the given RESP type: string, integer, double, bignum,",
    "    null, array, set, map, attrib, push, verbatim, true or false.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. Values are value:<num>, padded with",
    "    zero bytes or cut to <size> when it is given.",
    "QUICKLIST <key>",
    "    Same as LISTPACK.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Accepted and kept: a list element too big for a chunk already gets its own.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "HELP",
    "    Prints this help.",
    NULL,
};

static void debugHelp(vlClient *c) {
    long long n = 0;
    while (debugHelpLines[n]) n++;
    addReplyArrayLen(c, n);
    for (long long i = 0; i < n; i++) addReplyStatus(c, debugHelpLines[i]);
}

static void debugCommand(vlClient *c) {
    if (!debugAllowed(c)) return;
    for (size_t i = 0; i < sizeof(debugSubs) / sizeof(debugSubs[0]); i++) {
        const debugSub *d = &debugSubs[i];
        if (!argEq(&c->argv[1], d->name)) continue;
        if (c->argc < d->min_argc || (d->max_argc >= 0 && c->argc > d->max_argc)) break;
        d->proc(c);
        return;
    }
    int n = (int)(c->argv[1].len < 128 ? c->argv[1].len : 128);
    addReplyErrorFormat(c,
                        "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try "
                        "DEBUG HELP.",
                        n, c->argv[1].ptr);
}

const vlCommand vlDebugCommands[] = {
    {"debug", debugCommand, -2, CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE, 0, 0, 0,
     "server", "A container for debugging commands."},
    {0},
};
