/* cmd_conn.c - connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT, MONITOR and
 * the CLIENT family.
 *
 * These commands change the state of the calling client (its protocol, db, name, auth, reply
 * mode) or, for CLIENT KILL/PAUSE/UNBLOCK, of other clients; none touches the keyspace. The
 * one decision: CLIENT subcommands are a small table (name, handler, Redis 7 arity), so
 * arity errors come out in Redis 7's "client|pause" form and HELP cannot drift from what is
 * dispatched. Rejected: one strcasecmp chain with per-branch argc tests (Redis's shape),
 * where each branch re-derives its own arity rule.
 *
 * Authentication knows a single user, "default", whose password is requirepass (no
 * requirepass: "nopass", any password is accepted for it, as Redis does). Passwords are
 * compared in time that does not depend on where they differ. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "conn.h"
#include "db.h"
#include "multi.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

#define ERR_WRONGPASS "WRONGPASS invalid username-password pair or user is disabled."
#define ERR_BADNAME "ERR Client names cannot contain spaces, newlines or special characters."

/* ------------------------------------------------------------------- helpers */

static int requirePassSet(const vlServer *s) {
    return s->cfg.requirepass && s->cfg.requirepass[0];
}

/* Compares the whole of both strings whatever their first difference, so a timing probe
 * learns nothing but (at most) the length. */
static int passwordEq(const char *want, const protoArg *got) {
    size_t wl = strlen(want);
    size_t diff = wl ^ got->len;
    size_t n = wl > got->len ? wl : got->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = i < wl ? (unsigned char)want[i] : 0;
        unsigned char y = i < got->len ? (unsigned char)got->ptr[i] : 0;
        diff |= (size_t)(x ^ y);
    }
    return diff == 0;
}

/* The only user is "default" (case-sensitive, as Redis's user names). On success the client
 * is authenticated and the parser's unauthenticated caps are lifted. */
static int authenticate(vlClient *c, const protoArg *user, const protoArg *pass) {
    vlServer *s = c->srv;
    if (!(user->len == 7 && memcmp(user->ptr, "default", 7) == 0)) return 0;
    if (requirePassSet(s) && !passwordEq(s->cfg.requirepass, pass)) return 0;
    c->authenticated = 1;
    c->proto.unauth = 0;
    return 1;
}

/* Client names and lib-name/lib-ver: printable ASCII without spaces ('!'..'~'), because
 * CLIENT LIST prints them unquoted between spaces. */
static int validAttr(const protoArg *a) {
    for (size_t i = 0; i < a->len; i++) {
        unsigned char ch = (unsigned char)a->ptr[i];
        if (ch < '!' || ch > '~') return 0;
    }
    return 1;
}

/* Replaces *slot with a copy of a (no copy when empty: the attribute is cleared). */
static void setAttr(char **slot, const protoArg *a) {
    vlFree(*slot);
    *slot = NULL;
    if (a->len == 0) return;
    char *p = vlMalloc(a->len + 1);
    memcpy(p, a->ptr, a->len);
    p[a->len] = '\0';
    *slot = p;
}

static int setNameOrReply(vlClient *c, const protoArg *name) {
    if (!validAttr(name)) {
        addReplyError(c, ERR_BADNAME);
        return VL_ERR;
    }
    setAttr(&c->name, name);
    return VL_OK;
}

/* an argument for an error text: at most 128 bytes */
static int argShown(const protoArg *a) {
    return (int)(a->len < 128 ? a->len : 128);
}

/* ------------------------------------------------------------------- PING ECHO QUIT SELECT */

static void pingCommand(vlClient *c) {
    if (c->argc > 2) {
        addReplyErrorArity(c);
        return;
    }
    /* RESP2 subscribed mode has no room for a plain reply: the client is reading messages,
     * so PING answers in their shape. */
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2) {
        addReplyArrayLen(c, 2);
        addReplyBulk(c, "pong", 4);
        if (c->argc == 1)
            addReplyBulk(c, "", 0);
        else
            addReplyBulk(c, c->argv[1].ptr, c->argv[1].len);
        return;
    }
    if (c->argc == 1)
        addReplyStatus(c, "PONG");
    else
        addReplyBulk(c, c->argv[1].ptr, c->argv[1].len);
}

static void echoCommand(vlClient *c) {
    addReplyBulk(c, c->argv[1].ptr, c->argv[1].len);
}

static void quitCommand(vlClient *c) {
    addReplyOk(c);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

static void selectCommand(vlClient *c) {
    vlServer *s = c->srv;
    long long id;
    if (getLongLongOrReply(c, &c->argv[1], &id, NULL) != VL_OK) return;
    /* Redis reads the index as an int, with its own wording for a long outside that */
    if (id < -2147483647LL - 1 || id > 2147483647LL) {
        addReplyError(c, "ERR value is out of range, value must between -2147483648 and "
                         "2147483647");
        return;
    }
    if (id < 0 || id >= s->cfg.databases) {
        addReplyError(c, "ERR DB index is out of range");
        return;
    }
    c->db = &s->db[id];
    addReplyOk(c);
}

/* ------------------------------------------------------------------- AUTH HELLO RESET */

static void authCommand(vlClient *c) {
    if (c->argc > 3) {
        addReplyErrorSyntax(c);
        return;
    }
    static const protoArg defuser = {"default", 7};
    const protoArg *user = &defuser, *pass = &c->argv[1];
    if (c->argc == 2) {
        if (!requirePassSet(c->srv)) {
            addReplyError(c, "ERR AUTH <password> called without any password configured for "
                             "the default user. Are you sure your configuration is correct?");
            return;
        }
    } else {
        user = &c->argv[1];
        pass = &c->argv[2];
    }
    if (!authenticate(c, user, pass)) {
        addReplyError(c, ERR_WRONGPASS);
        return;
    }
    addReplyOk(c);
}

static void helloCommand(vlClient *c) {
    long long ver = 0;
    int next = 1;
    if (c->argc >= 2) {
        if (getLongLongOrReply(c, &c->argv[next++], &ver,
                               "ERR Protocol version is not an integer or out of range") != VL_OK)
            return;
        if (ver < 2 || ver > 3) {
            addReplyError(c, "NOPROTO unsupported protocol version");
            return;
        }
    }
    const protoArg *user = NULL, *pass = NULL, *name = NULL;
    for (int j = next; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        if (argEq(&c->argv[j], "auth") && more >= 2) {
            user = &c->argv[j + 1];
            pass = &c->argv[j + 2];
            j += 2;
        } else if (argEq(&c->argv[j], "setname") && more >= 1) {
            name = &c->argv[j + 1];
            j++;
        } else {
            addReplyErrorFormat(c, "ERR Syntax error in HELLO option '%.*s'", argShown(&c->argv[j]),
                                c->argv[j].ptr);
            return;
        }
    }
    if (user && !authenticate(c, user, pass)) {
        addReplyError(c, ERR_WRONGPASS);
        return;
    }
    if (!c->authenticated) {
        addReplyError(c, "NOAUTH HELLO must be called with the client already authenticated, "
                         "otherwise the HELLO AUTH <user> <pass> option can be used to "
                         "authenticate the client and select the RESP protocol version at the "
                         "same time");
        return;
    }
    if (name && setNameOrReply(c, name) != VL_OK) return;
    if (ver) clientSetResp(c, (int)ver);
    /* Redis 7's seven fields; clients read proto and version from them */
    addReplyMapLen(c, 7);
    addReplyBulkCStr(c, "server");
    addReplyBulkCStr(c, "redis");
    addReplyBulkCStr(c, "version");
    addReplyBulkCStr(c, VL_REDIS_COMPAT_VERSION);
    addReplyBulkCStr(c, "proto");
    addReplyLongLong(c, c->resp);
    addReplyBulkCStr(c, "id");
    addReplyLongLong(c, (long long)c->id);
    addReplyBulkCStr(c, "mode");
    addReplyBulkCStr(c, "standalone");
    addReplyBulkCStr(c, "role");
    addReplyBulkCStr(c, "master");
    addReplyBulkCStr(c, "modules");
    addReplyArrayLen(c, 0);
}

/* RESET: the client as if it had just connected (but keeps its id, address, lib info and
 * no-evict flag, as Redis 7 does). */
static void resetCommand(vlClient *c) {
    vlServer *s = c->srv;
    if (c->flags & CLIENT_MONITOR) {
        c->flags &= ~CLIENT_MONITOR;
        s->monitors--;
    }
    pubsubClientFree(c);
    multiDiscard(c); /* the transaction and every WATCH go */
    /* as Redis 7: NO-EVICT and lib-name/lib-ver survive a RESET */
    c->flags &= ~(CLIENT_PUBSUB | CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
    clientSetResp(c, 2);
    c->db = &s->db[0];
    vlFree(c->name);
    c->name = NULL;
    if (requirePassSet(s)) {
        c->authenticated = 0;
        c->proto.unauth = 1;
    }
    addReplyStatus(c, "RESET");
}

/* ------------------------------------------------------------------- MONITOR */

static void monitorCommand(vlClient *c) {
    if (c->flags & (CLIENT_FAKE | CLIENT_DENY_BLOCKING)) { /* in-process, or inside EXEC */
        addReplyError(c, "ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if (c->flags & CLIENT_MONITOR) return; /* already: Redis stays silent */
    c->flags |= CLIENT_MONITOR;
    c->srv->monitors++;
    addReplyOk(c);
}

/* ------------------------------------------------------------------- CLIENT */

static void clientSubSyntaxError(vlClient *c) {
    addReplyErrorFormat(c,
                        "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
                        "Try CLIENT HELP.",
                        argShown(&c->argv[1]), c->argv[1].ptr);
}

/* CLIENT LIST TYPE / CLIENT KILL TYPE: a class, or -2 for "master" (none here), -1 unknown */
static int clientTypeByName(const protoArg *a) {
    if (argEq(a, "normal")) return CLIENT_CLASS_NORMAL;
    if (argEq(a, "pubsub")) return CLIENT_CLASS_PUBSUB;
    if (argEq(a, "replica") || argEq(a, "slave")) return CLIENT_CLASS_REPLICA;
    if (argEq(a, "master")) return -2;
    return -1;
}

static void replyUnknownType(vlClient *c, const protoArg *a) {
    addReplyErrorFormat(c, "ERR Unknown client type '%.*s'", argShown(a), a->ptr);
}

/* The oldest client first, as Redis lists them: the list is kept newest first. */
static vlClient *clientOldest(vlServer *s) {
    vlClient *t = s->clients;
    while (t && t->next) t = t->next;
    return t;
}

static void replyInfoText(vlClient *c, vstr *out) {
    if (out)
        addReplyVerbatim(c, out->buf, out->len, "txt");
    else
        addReplyVerbatim(c, "", 0, "txt");
}

static void appendInfoLine(vstr **out, vlClient *c2) {
    clientInfoString(c2, out);
    vstrCat(out, "\n", 1);
}

typedef struct idSlot {
    uint64_t id;
    size_t arg;
} idSlot;

static int idSlotCmp(const void *a, const void *b) {
    const idSlot *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return x->arg < y->arg ? -1 : x->arg > y->arg;
}

static int clientPtrCmp(const void *a, const void *b) {
    const vlClient *x = *(vlClient *const *)a, *y = *(vlClient *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* CLIENT LIST ID a b c: lines in argument order. Both sides are sorted and merged, so a long
 * id list against many clients costs n log n, not n*m. */
static void clientListIds(vlClient *c) {
    vlServer *s = c->srv;
    size_t nids = (size_t)c->argc - 3;
    idSlot *ids = vlMalloc(sizeof(*ids) * nids);
    for (size_t i = 0; i < nids; i++) {
        long long v;
        if (getLongLongOrReply(c, &c->argv[3 + i], &v, "ERR Invalid client ID") != VL_OK) {
            vlFree(ids);
            return;
        }
        ids[i].id = (uint64_t)v;
        ids[i].arg = i;
    }
    size_t ncl = 0;
    for (vlClient *t = s->clients; t; t = t->next) ncl++;
    vlClient **cl = vlMalloc(sizeof(*cl) * (ncl ? ncl : 1));
    ncl = 0;
    for (vlClient *t = s->clients; t; t = t->next)
        if (!(t->flags & CLIENT_FAKE) || t == c) cl[ncl++] = t;
    qsort(ids, nids, sizeof(*ids), idSlotCmp);
    qsort(cl, ncl, sizeof(*cl), clientPtrCmp);
    vlClient **found = vlCalloc(sizeof(*found) * nids);
    size_t j = 0;
    for (size_t i = 0; i < nids; i++) {
        while (j < ncl && cl[j]->id < ids[i].id) j++;
        if (j < ncl && cl[j]->id == ids[i].id) found[ids[i].arg] = cl[j];
    }
    vstr *out = NULL;
    for (size_t i = 0; i < nids; i++)
        if (found[i]) appendInfoLine(&out, found[i]);
    replyInfoText(c, out);
    vstrFree(out);
    vlFree(found);
    vlFree(cl);
    vlFree(ids);
}

static void clientListSub(vlClient *c) {
    int type = -1;
    if (c->argc == 4 && argEq(&c->argv[2], "type")) {
        type = clientTypeByName(&c->argv[3]);
        if (type == -1) {
            replyUnknownType(c, &c->argv[3]);
            return;
        }
    } else if (c->argc > 3 && argEq(&c->argv[2], "id")) {
        clientListIds(c);
        return;
    } else if (c->argc != 2) {
        addReplyErrorSyntax(c);
        return;
    }
    vstr *out = NULL;
    for (vlClient *t = clientOldest(c->srv); t; t = t->prev) {
        if ((t->flags & CLIENT_FAKE) && t != c) continue;
        if (type != -1 && clientClass(t) != type) continue;
        appendInfoLine(&out, t);
    }
    replyInfoText(c, out);
    vstrFree(out);
}

static void clientInfoSub(vlClient *c) {
    vstr *out = NULL;
    appendInfoLine(&out, c);
    replyInfoText(c, out);
    vstrFree(out);
}

static void clientIdSub(vlClient *c) {
    addReplyLongLong(c, (long long)c->id);
}

static void clientSetnameSub(vlClient *c) {
    if (setNameOrReply(c, &c->argv[2]) == VL_OK) addReplyOk(c);
}

static void clientGetnameSub(vlClient *c) {
    if (c->name)
        addReplyBulkCStr(c, c->name);
    else
        addReplyNull(c);
}

static void clientSetinfoSub(vlClient *c) {
    const protoArg *attr = &c->argv[2], *val = &c->argv[3];
    char **slot;
    if (argEq(attr, "lib-name")) {
        slot = &c->lib_name;
    } else if (argEq(attr, "lib-ver")) {
        slot = &c->lib_ver;
    } else {
        addReplyErrorFormat(c, "ERR Unrecognized option '%.*s'", argShown(attr), attr->ptr);
        return;
    }
    if (!validAttr(val)) {
        addReplyErrorFormat(c, "ERR %.*s cannot contain spaces, newlines or special characters.",
                            argShown(attr), attr->ptr);
        return;
    }
    setAttr(slot, val);
    addReplyOk(c);
}

/* Closing a client from here: ourselves once this reply is out, anyone else at the next
 * safe point (their pointer may be on the caller's stack, e.g. in a resume list). */
static void killClient(vlClient *c, vlClient *victim) {
    if (victim == c)
        c->flags |= CLIENT_CLOSE_AFTER_REPLY;
    else
        clientCloseAsap(victim);
}

typedef struct killFilter {
    uint64_t id; /* 0: any */
    int type;    /* -1: any, -2: master (matches none) */
    const protoArg *addr, *laddr;
    int skipme;
    long long maxage; /* seconds; 0: any */
} killFilter;

static int killMatches(const killFilter *f, vlClient *c, vlClient *t) {
    if (t->flags & CLIENT_FAKE) return 0;
    if (f->id && t->id != f->id) return 0;
    if (f->type == -2) return 0;
    if (f->type != -1 && clientClass(t) != f->type) return 0;
    if (f->addr &&
        !(strlen(t->addr) == f->addr->len && memcmp(t->addr, f->addr->ptr, f->addr->len) == 0))
        return 0;
    if (f->laddr &&
        !(strlen(t->laddr) == f->laddr->len && memcmp(t->laddr, f->laddr->ptr, f->laddr->len) == 0))
        return 0;
    if (f->skipme && t == c) return 0;
    if (f->maxage && (c->srv->mstime - t->ctime_ms) / 1000 < f->maxage) return 0;
    return 1;
}

static void clientKillSub(vlClient *c) {
    vlServer *s = c->srv;
    if (c->argc == 3) { /* old form: CLIENT KILL ip:port */
        killFilter f = {0, -1, &c->argv[2], NULL, 0, 0};
        for (vlClient *t = s->clients; t; t = t->next) {
            if (killMatches(&f, c, t)) {
                killClient(c, t);
                addReplyOk(c);
                return;
            }
        }
        addReplyError(c, "ERR No such client");
        return;
    }
    killFilter f = {0, -1, NULL, NULL, 1, 0};
    for (int i = 2; i < c->argc; i += 2) {
        const protoArg *opt = &c->argv[i];
        if (i + 1 >= c->argc) {
            addReplyErrorSyntax(c);
            return;
        }
        const protoArg *val = &c->argv[i + 1];
        if (argEq(opt, "id")) {
            long long id;
            if (getRangeLongOrReply(c, val, 1, 0x7fffffffffffffffLL, &id,
                                    "ERR client-id should be greater than 0") != VL_OK)
                return;
            f.id = (uint64_t)id;
        } else if (argEq(opt, "type")) {
            f.type = clientTypeByName(val);
            if (f.type == -1) {
                replyUnknownType(c, val);
                return;
            }
        } else if (argEq(opt, "addr")) {
            f.addr = val;
        } else if (argEq(opt, "laddr")) {
            f.laddr = val;
        } else if (argEq(opt, "user")) {
            if (!(val->len == 7 && memcmp(val->ptr, "default", 7) == 0)) {
                addReplyErrorFormat(c, "ERR No such user '%.*s'", argShown(val), val->ptr);
                return;
            }
            /* every client is "default": the filter matches all */
        } else if (argEq(opt, "maxage")) {
            if (getLongLongOrReply(c, val, &f.maxage,
                                   "ERR maxage is not an integer or out of range") != VL_OK)
                return;
            if (f.maxage <= 0) {
                addReplyError(c, "ERR maxage should be greater than 0");
                return;
            }
        } else if (argEq(opt, "skipme")) {
            if (argEq(val, "yes")) {
                f.skipme = 1;
            } else if (argEq(val, "no")) {
                f.skipme = 0;
            } else {
                addReplyErrorSyntax(c);
                return;
            }
        } else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    long long killed = 0;
    for (vlClient *t = s->clients; t; t = t->next) {
        if (!killMatches(&f, c, t)) continue;
        killClient(c, t);
        killed++;
    }
    addReplyLongLong(c, killed);
}

static void clientPauseSub(vlClient *c) {
    vlServer *s = c->srv;
    if (c->argc > 4) {
        clientSubSyntaxError(c);
        return;
    }
    long long ms;
    if (getLongLongOrReply(c, &c->argv[2], &ms, "ERR timeout is not an integer or out of range") !=
        VL_OK)
        return;
    if (ms < 0) {
        addReplyError(c, "ERR timeout is negative");
        return;
    }
    int all = 1;
    if (c->argc == 4) {
        if (argEq(&c->argv[3], "write")) {
            all = 0;
        } else if (!argEq(&c->argv[3], "all")) {
            addReplyError(c, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    /* cmd.c compares s->mstime (this command's time) against the end; clamp so that a huge
     * timeout cannot overflow into the past */
    int64_t now = s->mstime;
    int64_t end = ms > INT64_MAX - now ? INT64_MAX : now + ms;
    /* As Valkey: a pause never shortens the one in effect (the later end wins) and never
     * loosens it (ALL stays ALL); with none in effect it starts afresh. */
    if (!serverWritesPaused(s)) {
        s->pause_end_ms = 0;
        s->pause_all = 0;
    }
    if (ms && end > s->pause_end_ms) s->pause_end_ms = end;
    if (s->pause_end_ms) s->pause_all |= all;
    addReplyOk(c);
}

static void clientUnpauseSub(vlClient *c) {
    vlServer *s = c->srv;
    s->pause_end_ms = 0;
    s->pause_all = 0;
    /* connResumeReading only queues the client: its commands run from the flush pass, not
     * from inside this one, so walking the list here is safe. */
    for (vlClient *t = s->clients; t; t = t->next)
        if (t->flags & CLIENT_PAUSED) connResumeReading(t);
    addReplyOk(c);
}

static void clientReplySub(vlClient *c) {
    const protoArg *a = &c->argv[2];
    if (argEq(a, "on")) {
        c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT);
        addReplyOk(c);
    } else if (argEq(a, "off")) {
        c->flags |= CLIENT_REPLY_OFF;
    } else if (argEq(a, "skip")) {
        if (!(c->flags & CLIENT_REPLY_OFF)) c->flags |= CLIENT_REPLY_SKIP_NEXT;
    } else {
        addReplyErrorSyntax(c);
    }
}

static void clientUnblockSub(vlClient *c) {
    if (c->argc > 4) {
        clientSubSyntaxError(c);
        return;
    }
    int with_error = 0;
    if (c->argc == 4) {
        if (argEq(&c->argv[3], "error")) {
            with_error = 1;
        } else if (!argEq(&c->argv[3], "timeout")) {
            addReplyError(c, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    }
    long long id;
    if (getLongLongOrReply(c, &c->argv[2], &id, NULL) != VL_OK) return;
    int done = id > 0 ? blockingUnblock(c->srv, (uint64_t)id, with_error) : 0;
    addReplyLongLong(c, done ? 1 : 0);
}

/* CLIENT NO-EVICT / NO-TOUCH ON|OFF: one client flag each. */
static void clientFlagSub(vlClient *c, int flag) {
    if (argEq(&c->argv[2], "on")) {
        c->flags |= flag;
    } else if (argEq(&c->argv[2], "off")) {
        c->flags &= ~flag;
    } else {
        addReplyErrorSyntax(c);
        return;
    }
    addReplyOk(c);
}

static void clientNoEvictSub(vlClient *c) {
    clientFlagSub(c, CLIENT_NO_EVICT);
}

static void clientNoTouchSub(vlClient *c) {
    clientFlagSub(c, CLIENT_NO_TOUCH);
}

static void clientHelpSub(vlClient *c);

typedef struct clientSub {
    const char *name;
    void (*proc)(vlClient *c);
    int arity;           /* of the whole command, Redis-style */
    const char *help[4]; /* usage and description lines */
} clientSub;

/* one subcommand per entry reads better than one field per line */
/* clang-format off */
static const clientSub clientSubs[] = {
    {"id", clientIdSub, 2, {"ID", "    Return the ID of the current connection."}},
    {"info", clientInfoSub, 2,
     {"INFO", "    Return information about the current client connection."}},
    {"getname", clientGetnameSub, 2, {"GETNAME", "    Return the name of the current connection."}},
    {"setname", clientSetnameSub, 3,
     {"SETNAME <name>", "    Assign the name <name> to the current connection."}},
    {"setinfo", clientSetinfoSub, 4,
     {"SETINFO <option> <value>",
      "    Set client meta attr. Options are: LIB-NAME (the client lib name), LIB-VER (the "
      "client lib version)."}},
    {"list", clientListSub, -2,
     {"LIST [options ...]",
      "    Return information about client connections. Options: TYPE (NORMAL|MASTER|REPLICA|"
      "PUBSUB): return clients of the given type; ID <client-id> [<client-id> ...]: return "
      "clients of the given ids."}},
    {"kill", clientKillSub, -3,
     {"KILL <ip:port>", "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options: ID <client-id>, TYPE (NORMAL|MASTER|REPLICA|PUBSUB), "
      "USER <username>, ADDR <ip:port>, LADDR <ip:port>, SKIPME (YES|NO) (default YES)."}},
    {"pause", clientPauseSub, -3,
     {"PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds."}},
    {"unpause", clientUnpauseSub, 2,
     {"UNPAUSE", "    Stop the current client pause, resuming traffic."}},
    {"reply", clientReplySub, 3,
     {"REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection: ON (default), OFF (no replies), "
      "SKIP (skip the reply of the next command)."}},
    {"unblock", clientUnblockSub, -3,
     {"UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client, as if timed out (default) or with an error."}},
    {"no-evict", clientNoEvictSub, 3,
     {"NO-EVICT (ON|OFF)", "    Protect the current client connection from eviction."}},
    {"no-touch", clientNoTouchSub, 3,
     {"NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on."}},
    {"help", clientHelpSub, 2, {"HELP", "    Print this help."}},
    {NULL, NULL, 0, {NULL}},
};
/* clang-format on */

static void clientHelpSub(vlClient *c) {
    void *slot = addReplyDeferredLen(c);
    long long n = 0;
    addReplyStatus(c, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    n++;
    for (const clientSub *sc = clientSubs; sc->name; sc++) {
        for (int i = 0; i < 4 && sc->help[i]; i++) {
            addReplyStatus(c, sc->help[i]);
            n++;
        }
    }
    setDeferredArrayLen(c, slot, n);
}

static void clientCommand(vlClient *c) {
    const protoArg *sub = &c->argv[1];
    for (const clientSub *sc = clientSubs; sc->name; sc++) {
        if (!argEq(sub, sc->name)) continue;
        if ((sc->arity > 0 && c->argc != sc->arity) || c->argc < -sc->arity) {
            addReplyErrorFormat(c, "ERR wrong number of arguments for 'client|%s' command",
                                sc->name);
            return;
        }
        sc->proc(c);
        return;
    }
    addReplyErrorFormat(c, "ERR unknown subcommand '%.*s'. Try CLIENT HELP.", argShown(sub),
                        sub->ptr);
}

/* ------------------------------------------------------------------- table */

#define CONN_FLAGS (CMD_LOADING | CMD_STALE)

const vlCommand vlConnCommands[] = {
    {"ping", pingCommand, -1, CMD_FAST | CMD_ALLOW_SUBSCRIBED, 0, 0, 0, "connection",
     "Returns the server's liveliness response."},
    {"echo", echoCommand, 2, CMD_FAST | CONN_FLAGS, 0, 0, 0, "connection",
     "Returns the given string."},
    {"quit", quitCommand, -1,
     CMD_FAST | CMD_NO_AUTH | CMD_NOSCRIPT | CMD_ALLOW_SUBSCRIBED | CMD_NO_QUEUE | CONN_FLAGS, 0, 0,
     0, "connection", "Closes the connection."},
    {"reset", resetCommand, 1,
     CMD_FAST | CMD_NO_AUTH | CMD_NOSCRIPT | CMD_ALLOW_SUBSCRIBED | CMD_NO_QUEUE | CONN_FLAGS, 0, 0,
     0, "connection", "Resets the connection."},
    {"hello", helloCommand, -1, CMD_FAST | CMD_NO_AUTH | CMD_NOSCRIPT | CONN_FLAGS, 0, 0, 0,
     "connection", "Handshakes with the Redis server."},
    {"auth", authCommand, -2, CMD_FAST | CMD_NO_AUTH | CMD_NOSCRIPT | CONN_FLAGS, 0, 0, 0,
     "connection", "Authenticates the connection."},
    {"select", selectCommand, 2, CMD_FAST | CONN_FLAGS, 0, 0, 0, "connection",
     "Changes the selected database."},
    {"client", clientCommand, -2, CMD_NOSCRIPT | CONN_FLAGS, 0, 0, 0, "connection",
     "A container for client connection commands."},
    {"monitor", monitorCommand, 1, CMD_ADMIN | CMD_NOSCRIPT | CONN_FLAGS, 0, 0, 0, "server",
     "Listens for all requests received by the server in real-time."},
    {0},
};

#define CLIENT_ADMIN (CMD_ADMIN | CMD_NOSCRIPT | CONN_FLAGS)
#define CLIENT_SELF (CMD_NOSCRIPT | CONN_FLAGS)

/* CLIENT's subcommands, as Redis 7 describes them; clientCommand dispatches them. */
const vlCommand vlClientSubcommands[] = {
    {"client|id", clientCommand, 2, CLIENT_SELF, 0, 0, 0, "connection",
     "Returns the unique client ID of the connection."},
    {"client|info", clientCommand, 2, CLIENT_SELF, 0, 0, 0, "connection",
     "Returns information about the connection."},
    {"client|getname", clientCommand, 2, CLIENT_SELF, 0, 0, 0, "connection",
     "Returns the name of the connection."},
    {"client|setname", clientCommand, 3, CLIENT_SELF, 0, 0, 0, "connection",
     "Sets the connection name."},
    {"client|setinfo", clientCommand, 4, CLIENT_SELF, 0, 0, 0, "connection",
     "Sets information specific to the client or connection."},
    {"client|list", clientCommand, -2, CLIENT_ADMIN, 0, 0, 0, "connection",
     "Lists open connections."},
    {"client|kill", clientCommand, -3, CLIENT_ADMIN, 0, 0, 0, "connection",
     "Terminates open connections."},
    {"client|pause", clientCommand, -3, CLIENT_ADMIN, 0, 0, 0, "connection",
     "Suspends commands processing."},
    {"client|unpause", clientCommand, 2, CLIENT_ADMIN, 0, 0, 0, "connection",
     "Resumes processing commands from paused clients."},
    {"client|reply", clientCommand, 3, CLIENT_SELF, 0, 0, 0, "connection",
     "Instructs the server whether to reply to commands."},
    {"client|unblock", clientCommand, -3, CLIENT_ADMIN, 0, 0, 0, "connection",
     "Unblocks a client blocked by a blocking command from a different connection."},
    {"client|no-evict", clientCommand, 3, CLIENT_ADMIN, 0, 0, 0, "connection",
     "Sets the client eviction mode of the connection."},
    {"client|no-touch", clientCommand, 3, CLIENT_SELF, 0, 0, 0, "connection",
     "Controls whether commands sent by the client affect the LRU/LFU of accessed keys."},
    {"client|help", clientCommand, 2, CONN_FLAGS, 0, 0, 0, "connection",
     "Returns helpful text about the different subcommands."},
    {0},
};
