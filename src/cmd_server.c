/* cmd_server.c - server and admin commands: INFO, CONFIG, COMMAND, TIME, DBSIZE, FLUSHDB,
 * FLUSHALL, SWAPDB, SHUTDOWN, LASTSAVE, SAVE/BGSAVE, MEMORY, and the SLOWLOG / LATENCY entries
 * (their state and procs live in observe.c).
 *
 * COMMAND describes commands from the one const table every module exports (name, arity,
 * flags, key positions, group, summary), in Redis 7's shapes: clients such as redis-cli 7
 * parse COMMAND DOCS at start-up and cluster clients parse COMMAND INFO's key specs, so every
 * reply is well-formed even where the content is minimal (no argument docs, no tips). The
 * ACL categories are derived from flags and group rather than stored: there are no ACLs here,
 * and a second source of truth would drift. Rejected: hand-written per-command docs (size,
 * drift) and leaving DOCS out (redis-cli falls back to its own 7.0 help, which lists commands
 * this server does not have). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "info.h"
#include "loop.h"
#include "multi.h"
#include "object.h"
#include "observe.h"
#include "server.h"

/* ------------------------------------------------------------------- shared helpers */

/* ------------------------------------------------------------------- INFO, CONFIG */

static void infoCommand(vlClient *c) {
    vstr *out = infoGenerate(c->srv, &c->argv[1], c->argc - 1);
    addReplyVerbatim(c, out->buf, out->len, "txt");
    vstrFree(out);
}

/* CONFIG RESETSTAT: the counters INFO shows, per-command and per-error figures. The slow log
 * and latency history are not stats (Redis keeps them too). */
static void resetStats(vlServer *s) {
    memset(&s->stats, 0, sizeof(s->stats));
    s->stats.stat_peak_memory = (long long)allocHeapUsed(s->heap);
    if (s->cmdstats) {
        for (size_t i = 0; i < s->ncommands; i++) latencyTrackFree(&s->cmdstats[i]);
        memset(s->cmdstats, 0, s->ncommands * sizeof(vlCommandStats));
    }
    if (s->errorstats) {
        dictIter it;
        dictIterInit(&it, s->errorstats);
        dictLink *e;
        while ((e = dictIterNext(&it))) {
            const vlErrorStat *es = (const vlErrorStat *)e;
            dictLink *u = dictUnlink(s->errorstats, es->name, es->len);
            vlFree(u);
        }
        dictIterRelease(&it);
    }
}

static const char *const configHelp[] = {
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
    NULL,
};

static void configCommand(vlClient *c) {
    vlServer *s = c->srv;
    if (argEq(&c->argv[1], "get")) {
        configGetCommand(c);
    } else if (argEq(&c->argv[1], "set")) {
        configSetCommand(c);
    } else if (argEq(&c->argv[1], "resetstat")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "config");
            return;
        }
        resetStats(s);
        addReplyOk(c);
    } else if (argEq(&c->argv[1], "rewrite")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "config");
            return;
        }
        char err[512];
        err[0] = '\0';
        if (configRewrite(s, 0, err, sizeof(err)) != VL_OK) {
            addReplyError(c, err[0] ? err : "ERR Rewriting config file failed");
            return;
        }
        serverLog(s, LL_NOTICE, "CONFIG REWRITE executed with success.");
        addReplyOk(c);
    } else if (argEq(&c->argv[1], "help")) {
        addReplyHelp(c, configHelp);
    } else {
        addReplyErrorUnknownSub(c, "CONFIG");
    }
}

/* ------------------------------------------------------------------- COMMAND */

typedef struct cmdList {
    const vlCommand **v;
    size_t n, cap;
    int with_subs; /* subcommands too (COMMAND LIST) */
} cmdList;

static void collectCmd(void *ctx, const vlCommand *cmd, vlCommandStats *st) {
    VL_UNUSED(st);
    cmdList *l = ctx;
    if (!l->with_subs && strchr(cmd->name, '|')) return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = vlRealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = cmd;
}

static int cmpCmd(const void *a, const void *b) {
    return strcmp((*(const vlCommand *const *)a)->name, (*(const vlCommand *const *)b)->name);
}

/* Every command (and subcommand when with_subs), sorted by name (stable replies); free l->v
 * after use. */
static void allCommands(vlServer *s, cmdList *l, int with_subs) {
    memset(l, 0, sizeof(*l));
    l->with_subs = with_subs;
    cmdForEach(s, collectCmd, l);
    if (l->n) qsort(l->v, l->n, sizeof(*l->v), cmpCmd);
}

static const struct {
    uint32_t flag;
    const char *name;
} cmdFlagNames[] = {
    {CMD_WRITE, "write"},
    {CMD_READONLY, "readonly"},
    {CMD_DENYOOM, "denyoom"},
    {CMD_ADMIN, "admin"},
    {CMD_PUBSUB, "pubsub"},
    {CMD_NOSCRIPT, "noscript"},
    {CMD_BLOCKING, "blocking"},
    {CMD_LOADING, "loading"},
    {CMD_STALE, "stale"},
    {CMD_FAST, "fast"},
    {CMD_NO_AUTH, "no_auth"},
    {CMD_NO_MULTI, "no_multi"},
    {CMD_SKIP_SLOWLOG, "skip_slowlog"},
};

/* ACL categories (with the '@'), derived from flags and group. Returns how many. */
static int aclCategories(const vlCommand *cmd, const char *out[8]) {
    static const struct {
        const char *group, *cat;
    } groupCats[] = {
        {"generic", "@keyspace"},
        {"string", "@string"},
        {"list", "@list"},
        {"hash", "@hash"},
        {"set", "@set"},
        {"sorted_set", "@sortedset"},
        {"pubsub", "@pubsub"},
        {"connection", "@connection"},
        {"transactions", "@transaction"},
    };
    int n = 0;
    if (cmd->flags & CMD_WRITE) out[n++] = "@write";
    if (cmd->flags & CMD_READONLY) out[n++] = "@read";
    const char *g = cmd->group ? cmd->group : "";
    for (size_t i = 0; i < sizeof(groupCats) / sizeof(groupCats[0]); i++)
        if (!strcmp(g, groupCats[i].group)) out[n++] = groupCats[i].cat;
    if ((cmd->flags & CMD_PUBSUB) && strcmp(g, "pubsub") != 0) out[n++] = "@pubsub";
    if (cmd->flags & CMD_ADMIN) {
        out[n++] = "@admin";
        out[n++] = "@dangerous";
    }
    out[n++] = (cmd->flags & CMD_FAST) ? "@fast" : "@slow";
    if (cmd->flags & CMD_BLOCKING) out[n++] = "@blocking";
    return n;
}

/* The access flags of a command's keys, as its key spec in COMMAND INFO states them. */
static void replyKeyFlags(vlClient *c, const vlCommand *cmd) {
    if (cmd->flags & CMD_KEYS_NO_ACCESS) { /* WATCH: named, never read or written */
        addReplySetLen(c, 1);
        addReplyStatus(c, "RO");
        return;
    }
    addReplySetLen(c, 2);
    addReplyStatus(c, (cmd->flags & CMD_WRITE) ? "RW" : "RO");
    addReplyStatus(c, (cmd->flags & CMD_WRITE) ? "update" : "access");
}

/* One key spec from the legacy (first, last, step) triple, in Redis 7's shape. */
static void replyKeySpec(vlClient *c, const vlCommand *cmd) {
    addReplyMapLen(c, 3);
    addReplyBulkCStr(c, "flags");
    replyKeyFlags(c, cmd);
    addReplyBulkCStr(c, "begin_search");
    addReplyMapLen(c, 2);
    addReplyBulkCStr(c, "type");
    addReplyBulkCStr(c, "index");
    addReplyBulkCStr(c, "spec");
    addReplyMapLen(c, 1);
    addReplyBulkCStr(c, "index");
    addReplyLongLong(c, cmd->firstkey);
    addReplyBulkCStr(c, "find_keys");
    if (cmdKeynum(cmd)) { /* numkeys at the begin index, the keys right after it */
        addReplyMapLen(c, 2);
        addReplyBulkCStr(c, "type");
        addReplyBulkCStr(c, "keynum");
        addReplyBulkCStr(c, "spec");
        addReplyMapLen(c, 3);
        addReplyBulkCStr(c, "keynumidx");
        addReplyLongLong(c, 0);
        addReplyBulkCStr(c, "firstkey");
        addReplyLongLong(c, 1);
        addReplyBulkCStr(c, "keystep");
        addReplyLongLong(c, 1);
        return;
    }
    addReplyMapLen(c, 2);
    addReplyBulkCStr(c, "type");
    addReplyBulkCStr(c, "range");
    addReplyBulkCStr(c, "spec");
    addReplyMapLen(c, 3);
    addReplyBulkCStr(c, "lastkey");
    /* the spec's lastkey is relative to the first key; negative counts from the end */
    addReplyLongLong(c, cmd->lastkey < 0 ? cmd->lastkey : cmd->lastkey - cmd->firstkey);
    addReplyBulkCStr(c, "keystep");
    addReplyLongLong(c, cmd->keystep);
    addReplyBulkCStr(c, "limit");
    addReplyLongLong(c, 0);
}

/* [name, arity, [flags], first, last, step, [acl categories], [tips], [key specs], [subs]] */
static void replyCommandInfo(vlClient *c, const vlCommand *cmd) {
    addReplyArrayLen(c, 10);
    addReplyBulkCStr(c, cmd->name);
    addReplyLongLong(c, cmd->arity);
    int movable = cmdKeynum(cmd) > 0 || (cmd->flags & CMD_MOVABLEKEYS);
    int nf = movable;
    for (size_t i = 0; i < sizeof(cmdFlagNames) / sizeof(cmdFlagNames[0]); i++)
        nf += (cmd->flags & cmdFlagNames[i].flag) != 0;
    addReplySetLen(c, nf);
    for (size_t i = 0; i < sizeof(cmdFlagNames) / sizeof(cmdFlagNames[0]); i++)
        if (cmd->flags & cmdFlagNames[i].flag) addReplyStatus(c, cmdFlagNames[i].name);
    if (movable) addReplyStatus(c, "movablekeys");
    addReplyLongLong(c, cmdKeynum(cmd) ? 0 : cmd->firstkey); /* movable: 0 0 0, as Redis */
    addReplyLongLong(c, cmd->lastkey);
    addReplyLongLong(c, cmd->keystep);
    const char *cats[8];
    int nc = aclCategories(cmd, cats);
    addReplySetLen(c, nc);
    for (int i = 0; i < nc; i++) addReplyStatus(c, cats[i]);
    addReplyArrayLen(c, 0); /* tips */
    if (cmd->firstkey > 0) {
        addReplyArrayLen(c, 1);
        replyKeySpec(c, cmd);
    } else {
        addReplyArrayLen(c, 0);
    }
    const vlCommand *subs = cmdSubcommands(c->srv, cmd);
    long long nsubs = 0;
    for (const vlCommand *sc = subs; sc && sc->name; sc++) nsubs++;
    addReplyArrayLen(c, nsubs);
    for (long long i = 0; i < nsubs; i++) replyCommandInfo(c, &subs[i]);
}

/* name -> {summary, since, group}: the fields redis-cli 7 reads for its help and hints. */
static void replyCommandDocs(vlClient *c, const vlCommand *cmd) {
    addReplyBulkCStr(c, cmd->name);
    addReplyMapLen(c, 3);
    addReplyBulkCStr(c, "summary");
    addReplyBulkCStr(c, cmd->summary ? cmd->summary : "");
    addReplyBulkCStr(c, "since");
    addReplyBulkCStr(c, "0.1.0"); /* the valkey-lite release that has had it */
    addReplyBulkCStr(c, "group");
    addReplyBulkCStr(c, cmd->group ? cmd->group : "generic");
}

static int cmdHasCategory(const vlCommand *cmd, const protoArg *cat) {
    const char *cats[8];
    int n = aclCategories(cmd, cats);
    const char *p = cat->ptr;
    size_t len = cat->len;
    if (len && p[0] == '@') {
        p++;
        len--;
    }
    for (int i = 0; i < n; i++) {
        const char *name = cats[i] + 1;
        if (strlen(name) == len && strncasecmp(name, p, len) == 0) return 1;
    }
    return 0;
}

static void commandList(vlClient *c) {
    vlServer *s = c->srv;
    int filter = 0; /* 1 module, 2 aclcat, 3 pattern */
    if (c->argc == 5 && argEq(&c->argv[2], "filterby")) {
        if (argEq(&c->argv[3], "module"))
            filter = 1;
        else if (argEq(&c->argv[3], "aclcat"))
            filter = 2;
        else if (argEq(&c->argv[3], "pattern"))
            filter = 3;
    }
    if (c->argc != 2 && !filter) {
        addReplyErrorSyntax(c);
        return;
    }
    cmdList l;
    allCommands(s, &l, 1);
    void *slot = addReplyDeferredLen(c);
    long long n = 0;
    for (size_t i = 0; i < l.n; i++) {
        const vlCommand *cmd = l.v[i];
        if (filter == 1) continue; /* no modules */
        if (filter == 2 && !cmdHasCategory(cmd, &c->argv[4])) continue;
        if (filter == 3 &&
            !utilGlobMatch(c->argv[4].ptr, c->argv[4].len, cmd->name, strlen(cmd->name), 1))
            continue;
        addReplyBulkCStr(c, cmd->name);
        n++;
    }
    setDeferredArrayLen(c, slot, n);
    vlFree(l.v);
}

/* GETKEYS: the key; GETKEYSANDFLAGS: [key, flags]. */
static void replyKeyAndFlags(vlClient *c, const vlCommand *cmd, const protoArg *k, int withflags) {
    if (withflags) addReplyArrayLen(c, 2);
    addReplyBulk(c, k->ptr, k->len);
    if (withflags) replyKeyFlags(c, cmd);
}

static void commandGetKeys(vlClient *c) {
    vlServer *s = c->srv;
    if (c->argc < 3) {
        addReplyErrorSubArity(c, "command");
        return;
    }
    const vlCommand *cmd = cmdLookup(s, c->argv[2].ptr, c->argv[2].len);
    int argc = c->argc - 2;
    const protoArg *argv = &c->argv[2];
    if (!cmd || memchr(c->argv[2].ptr, '|', c->argv[2].len)) {
        addReplyError(c, "ERR Invalid command specified");
        return;
    }
    const vlCommand *subs = cmdSubcommands(s, cmd);
    if (subs && argc >= 2) { /* MEMORY USAGE key: the subcommand knows the keys */
        for (const vlCommand *sc = subs; sc->name; sc++)
            if (argEq(&argv[1], cmdShortName(sc))) cmd = sc;
    }
    int withflags = argEq(&c->argv[1], "getkeysandflags");
    if (cmd->firstkey <= 0) {
        addReplyError(c, "ERR The command has no key arguments");
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
        addReplyError(c, "ERR Invalid number of arguments specified for command");
        return;
    }
    int kn = cmdKeynum(cmd);
    if (kn) { /* numkeys, then that many keys */
        long long n;
        if (kn >= argc || !utilStrToLL(argv[kn].ptr, argv[kn].len, &n) || n <= 0 ||
            n > argc - kn - 1) {
            addReplyError(c, "ERR Invalid arguments specified for command");
            return;
        }
        addReplyArrayLen(c, n);
        for (long long i = 0; i < n; i++) replyKeyAndFlags(c, cmd, &argv[kn + 1 + i], withflags);
        return;
    }
    if (!strcmp(cmd->name, "sort")) { /* the key, and the STORE target (Redis's sortGetKeys) */
        int store = 0;
        for (int i = 2; i < argc; i++) {
            if (argEq(&argv[i], "limit"))
                i += 2;
            else if (argEq(&argv[i], "by") || argEq(&argv[i], "get"))
                i += 1;
            else if (argEq(&argv[i], "store") && i + 1 < argc)
                store = ++i;
        }
        addReplyArrayLen(c, store ? 2 : 1);
        replyKeyAndFlags(c, cmd, &argv[1], withflags);
        if (store) replyKeyAndFlags(c, cmd, &argv[store], withflags);
        return;
    }
    int last = cmd->lastkey < 0 ? argc + cmd->lastkey : cmd->lastkey;
    int step = cmd->keystep > 0 ? cmd->keystep : 1;
    if (last >= argc) last = argc - 1;
    if (cmd->firstkey > last) {
        addReplyError(c, "ERR Invalid arguments specified for command");
        return;
    }
    addReplyArrayLen(c, (last - cmd->firstkey) / step + 1);
    for (int i = cmd->firstkey; i <= last; i += step) replyKeyAndFlags(c, cmd, &argv[i], withflags);
}

static const char *const commandHelp[] = {
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all commands.",
    "COUNT",
    "    Return the total number of commands in this server.",
    "LIST",
    "    Return a list of all commands in this server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full command.",
    "HELP",
    "    Prints this help.",
    NULL,
};

static void commandCommand(vlClient *c) {
    vlServer *s = c->srv;
    if (c->argc == 1 || (argEq(&c->argv[1], "info") && c->argc == 2)) {
        cmdList l;
        allCommands(s, &l, 0);
        addReplyArrayLen(c, (long long)l.n);
        for (size_t i = 0; i < l.n; i++) replyCommandInfo(c, l.v[i]);
        vlFree(l.v);
    } else if (argEq(&c->argv[1], "info")) {
        addReplyArrayLen(c, c->argc - 2);
        for (int i = 2; i < c->argc; i++) {
            const vlCommand *cmd = cmdLookup(s, c->argv[i].ptr, c->argv[i].len);
            if (cmd)
                replyCommandInfo(c, cmd);
            else
                addReplyNullArray(c);
        }
    } else if (argEq(&c->argv[1], "count")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "command");
            return;
        }
        addReplyLongLong(c, (long long)cmdCountTopLevel(s));
    } else if (argEq(&c->argv[1], "docs")) {
        if (c->argc == 2) {
            cmdList l;
            allCommands(s, &l, 0);
            addReplyMapLen(c, (long long)l.n);
            for (size_t i = 0; i < l.n; i++) replyCommandDocs(c, l.v[i]);
            vlFree(l.v);
            return;
        }
        void *slot = addReplyDeferredLen(c);
        long long n = 0;
        for (int i = 2; i < c->argc; i++) {
            const vlCommand *cmd = cmdLookup(s, c->argv[i].ptr, c->argv[i].len);
            if (!cmd) continue;
            replyCommandDocs(c, cmd);
            n++;
        }
        setDeferredMapLen(c, slot, n);
    } else if (argEq(&c->argv[1], "list")) {
        commandList(c);
    } else if (argEq(&c->argv[1], "getkeys") || argEq(&c->argv[1], "getkeysandflags")) {
        commandGetKeys(c);
    } else if (argEq(&c->argv[1], "help")) {
        addReplyHelp(c, commandHelp);
    } else {
        addReplyErrorUnknownSub(c, "COMMAND");
    }
}

/* ------------------------------------------------------------------- keyspace-wide */

static void timeCommand(vlClient *c) {
    uint64_t us = utilUsTime();
    addReplyArrayLen(c, 2);
    addReplyBulkLongLong(c, (long long)(us / 1000000));
    addReplyBulkLongLong(c, (long long)(us % 1000000));
}

static void dbsizeCommand(vlClient *c) {
    addReplyLongLong(c, (long long)dictSize(c->db->keys));
}

/* [SYNC|ASYNC] of FLUSHDB/FLUSHALL: 1 async, 0 sync, -1 replied with an error. */
static int flushMode(vlClient *c) {
    if (c->argc == 1) return c->srv->cfg.lazyfree_lazy_user_flush ? 1 : 0;
    if (c->argc == 2 && argEq(&c->argv[1], "async")) return 1;
    if (c->argc == 2 && argEq(&c->argv[1], "sync")) return 0;
    addReplyErrorSyntax(c);
    return -1;
}

static void flushAndReply(vlClient *c, int dbid) {
    vlServer *s = c->srv;
    int async = flushMode(c);
    if (async < 0) return;
    dbEmpty(s, dbid, async);
    /* A synchronous flush also hands the freed pages back now, so RSS and the allocator
     * figures settle at once; the async path purges when the lazyfree queue drains. */
    if (!async) serverPurgeMemory(s);
    addReplyOk(c);
}

static void flushdbCommand(vlClient *c) {
    flushAndReply(c, c->db->id);
}

static void flushallCommand(vlClient *c) {
    flushAndReply(c, -1);
}

static void swapdbCommand(vlClient *c) {
    vlServer *s = c->srv;
    long long a, b;
    if (getLongLongOrReply(c, &c->argv[1], &a, "ERR invalid first DB index") != VL_OK) return;
    if (getLongLongOrReply(c, &c->argv[2], &b, "ERR invalid second DB index") != VL_OK) return;
    if (a < 0 || b < 0 || a >= s->cfg.databases || b >= s->cfg.databases) {
        addReplyError(c, "ERR DB index is out of range");
        return;
    }
    if (a != b) {
        /* Contents move, ids stay: clients that selected a db see the other's data, and
         * clients blocked on a key that now exists there are served after this command. */
        vlDb *x = &s->db[a], *y = &s->db[b];
        multiTouchSwap(s, x, y); /* before: it compares what each id holds now and next */
        vlDb tmp = *x;
        x->keys = y->keys;
        x->expires = y->expires;
        x->avg_ttl = y->avg_ttl;
        x->expire_cursor = y->expire_cursor;
        y->keys = tmp.keys;
        y->expires = tmp.expires;
        y->avg_ttl = tmp.avg_ttl;
        y->expire_cursor = tmp.expire_cursor;
        blockingSignalDb(s, x);
        blockingSignalDb(s, y);
    }
    addReplyOk(c);
}

static void shutdownCommand(vlClient *c) {
    vlServer *s = c->srv;
    int nosave = 0, save = 0, now = 0, force = 0, abort_ = 0;
    for (int i = 1; i < c->argc; i++) {
        if (argEq(&c->argv[i], "nosave"))
            nosave = 1;
        else if (argEq(&c->argv[i], "save"))
            save = 1;
        else if (argEq(&c->argv[i], "now"))
            now = 1;
        else if (argEq(&c->argv[i], "force"))
            force = 1;
        else if (argEq(&c->argv[i], "abort"))
            abort_ = 1;
        else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    if ((nosave && save) || (abort_ && (nosave || save || now || force))) {
        addReplyErrorSyntax(c);
        return;
    }
    if (abort_) {
        if (!s->shutdown_signal) {
            addReplyError(c, "ERR No shutdown in progress.");
            return;
        }
        s->shutdown_signal = 0; /* a signal's shutdown not yet carried out */
        serverLog(s, LL_WARNING, "Shutdown manually aborted.");
        addReplyOk(c);
        return;
    }
    /* Nothing to save here: SAVE/NOSAVE/NOW/FORCE all mean "stop now". */
    serverLog(s, LL_WARNING, "User requested shutdown...");
    s->shutdown_asap = 1;
    /* Like Redis, a successful SHUTDOWN sends no reply: the connection just closes. An
     * in-process caller still gets an answer. */
    if (c->flags & CLIENT_FAKE) addReplyOk(c);
    loopScheduleFlush(s);
}

static void lastsaveCommand(vlClient *c) {
    addReplyLongLong(c, (long long)(c->srv->start_ms / 1000));
}

static void noPersistenceCommand(vlClient *c) {
    addReplyError(c, "ERR persistence is not supported by valkey-lite");
}

/* ------------------------------------------------------------------- MEMORY */

static void memoryUsage(vlClient *c) {
    long long samples = 5;
    for (int i = 3; i < c->argc; i++) {
        if (argEq(&c->argv[i], "samples") && i + 1 < c->argc) {
            if (getLongLongOrReply(c, &c->argv[i + 1], &samples, NULL) != VL_OK) return;
            if (samples < 0) {
                addReplyErrorSyntax(c);
                return;
            }
            if (samples == 0) samples = 0x7fffffffffffffffLL;
            i++;
        } else {
            addReplyErrorSyntax(c);
            return;
        }
    }
    /* A raw find, as Redis: measuring a key neither counts as a hit nor expires it. */
    vlDb *db = c->db;
    vlObj *o = (vlObj *)dictFind(db->keys, c->argv[2].ptr, c->argv[2].len);
    if (!o) {
        addReplyNull(c);
        return;
    }
    size_t usage = objMemUsage(o, (size_t)samples);
    /* the key's share of the table: its bucket slot */
    size_t nkeys = dictSize(db->keys);
    if (nkeys) usage += dictMemUsage(db->keys) / nkeys;
    if (o->flags & OBJ_F_EXPIRE) {
        dictLink *e = dictFind(db->expires, c->argv[2].ptr, c->argv[2].len);
        if (e) usage += vlAllocSize(e);
    }
    addReplyLongLong(c, (long long)usage);
}

static void memoryStats(vlClient *c) {
    vlServer *s = c->srv;
    vlMemStats m;
    infoMemoryStats(s, &m);
    const allocStats *a = &m.alloc;
    void *slot = addReplyDeferredLen(c);
    long long n = 0;
#define MS_INT(name, v)                      \
    do {                                     \
        addReplyBulkCStr(c, name);           \
        addReplyLongLong(c, (long long)(v)); \
        n++;                                 \
    } while (0)
#define MS_DBL(name, v)                 \
    do {                                \
        addReplyBulkCStr(c, name);      \
        addReplyDouble(c, (double)(v)); \
        n++;                            \
    } while (0)
    MS_INT("peak.allocated", m.peak);
    MS_INT("total.allocated", m.used);
    MS_INT("startup.allocated", m.startup);
    MS_INT("replication.backlog", 0);
    MS_INT("clients.slaves", 0);
    MS_INT("clients.normal", m.clients_normal + m.clients_pubsub);
    MS_INT("cluster.links", 0);
    MS_INT("aof.buffer", 0);
    MS_INT("lua.caches", 0);
    MS_INT("functions.caches", 0);
    MS_INT("overhead.db.hashtable.lut", m.ht_lut);
    MS_INT("overhead.db.hashtable.rehashing", m.ht_rehashing);
    for (int i = 0; s->db && i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        /* a db whose tables exist, empty or not, as Valkey lists them */
        if (!dictBuckets(db->keys) && !dictBuckets(db->expires)) continue;
        char name[32];
        snprintf(name, sizeof(name), "db.%d", i);
        addReplyBulkCStr(c, name);
        addReplyMapLen(c, 3);
        addReplyBulkCStr(c, "overhead.hashtable.main");
        addReplyLongLong(c, (long long)dictMemUsage(db->keys));
        addReplyBulkCStr(c, "overhead.hashtable.expires");
        addReplyLongLong(c, (long long)(dictMemUsage(db->expires) + dictSize(db->expires) * 32));
        addReplyBulkCStr(c, "overhead.hashtable.slot-to-keys");
        addReplyLongLong(c, 0);
        n++;
    }
    size_t net = m.used > m.startup ? m.used - m.startup : 0;
    MS_INT("overhead.total", m.overhead);
    MS_INT("db.dict.rehashing.count", m.rehashing_count);
    MS_INT("keys.count", m.keys);
    MS_INT("keys.bytes-per-key", m.keys ? net / m.keys : 0);
    MS_INT("dataset.bytes", m.dataset);
    MS_DBL("dataset.percentage", net ? (double)m.dataset * 100 / (double)net : 0);
    MS_DBL("peak.percentage", m.peak ? (double)m.used * 100 / (double)m.peak : 0);
    MS_INT("allocator.allocated", a->allocated);
    MS_INT("allocator.active", a->active);
    MS_INT("allocator.resident", a->resident);
    MS_DBL("allocator-fragmentation.ratio", a->allocated ? (double)a->active / a->allocated : 0);
    MS_INT("allocator-fragmentation.bytes", (long long)a->active - (long long)a->allocated);
    MS_DBL("allocator-rss.ratio", a->active ? (double)a->resident / a->active : 0);
    MS_INT("allocator-rss.bytes", (long long)a->resident - (long long)a->active);
    MS_DBL("rss-overhead.ratio", a->resident ? (double)m.rss / a->resident : 0);
    MS_INT("rss-overhead.bytes", (long long)m.rss - (long long)a->resident);
    MS_DBL("fragmentation", m.used ? (double)m.rss / m.used : 0);
    MS_INT("fragmentation.bytes", (long long)m.rss - (long long)m.used);
#undef MS_INT
#undef MS_DBL
    setDeferredMapLen(c, slot, n);
}

/* A few plain checks on the figures INFO memory shows, in words. */
static void memoryDoctor(vlClient *c) {
    vlServer *s = c->srv;
    vlMemStats m;
    infoMemoryStats(s, &m);
    const allocStats *a = &m.alloc;
    vstr *out = NULL;
    if (m.used < 5u * 1024 * 1024) {
        vstrCatFmt(&out,
                   "This instance uses very little memory (%zu bytes): there is nothing "
                   "to diagnose yet. Load some data and ask again.\n",
                   m.used);
    } else {
        int issues = 0;
        double frag = a->allocated ? (double)a->active / a->allocated : 1;
        if (frag > 1.1 && a->active - a->allocated > 10u * 1024 * 1024) {
            vstrCatFmt(&out,
                       " * Allocator fragmentation: %.2f (%zu bytes in partly used pages). "
                       "Active defrag (CONFIG SET activedefrag yes) moves values out of "
                       "sparse pages.\n",
                       frag, a->active - a->allocated);
            issues++;
        }
        if (m.peak > m.used + m.used / 2) {
            vstrCatFmt(&out,
                       " * Peak memory: the peak (%zu bytes) is more than 150%% of the current "
                       "use (%zu bytes). Pages freed since then may still count in RSS; "
                       "MEMORY PURGE returns the allocator's dirty pages.\n",
                       m.peak, m.used);
            issues++;
        }
        if (m.rss > a->resident + a->resident / 10 && m.rss - a->resident > 10u * 1024 * 1024) {
            vstrCatFmt(&out,
                       " * RSS overhead: the process is %zu bytes larger than the server's "
                       "heap. In an embedding host that is the host's memory.\n",
                       m.rss - a->resident);
            issues++;
        }
        size_t clients = m.clients_normal + m.clients_pubsub;
        if (clients > 200u * 1024 * 1024) {
            vstrCatFmt(&out,
                       " * Client buffers hold %zu bytes: check CLIENT LIST for large omem/qbuf "
                       "and the client-output-buffer-limit settings.\n",
                       clients);
            issues++;
        }
        if (!issues) {
            vstrCatStr(&out, "No memory problems detected in this instance.\n");
        } else {
            vstr *head = NULL;
            vstrCatFmt(&head, "Memory report (%d issue%s found):\n\n", issues,
                       issues == 1 ? "" : "s");
            vstrCat(&head, out->buf, out->len);
            vstrFree(out);
            out = head;
        }
    }
    addReplyVerbatim(c, out->buf, out->len, "txt");
    vstrFree(out);
}

static void mallocStatsWrite(void *ctx, const char *str) {
    vstrCatStr((vstr **)ctx, str);
}

static const char *const memoryHelp[] = {
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
    NULL,
};

static void memoryCommand(vlClient *c) {
    vlServer *s = c->srv;
    const protoArg *sub = &c->argv[1];
    if (argEq(sub, "usage")) {
        if (c->argc < 3) {
            addReplyErrorSubArity(c, "memory");
            return;
        }
        memoryUsage(c);
        return;
    }
    int known = argEq(sub, "stats") || argEq(sub, "doctor") || argEq(sub, "malloc-stats") ||
                argEq(sub, "purge") || argEq(sub, "help");
    if (!known) {
        addReplyErrorUnknownSub(c, "MEMORY");
        return;
    }
    if (c->argc != 2) {
        addReplyErrorSubArity(c, "memory");
        return;
    }
    if (argEq(sub, "stats")) {
        memoryStats(c);
    } else if (argEq(sub, "doctor")) {
        memoryDoctor(c);
    } else if (argEq(sub, "malloc-stats")) {
        vstr *out = vstrNewCap(4096);
        allocMallocStats(mallocStatsWrite, &out);
        addReplyVerbatim(c, out->buf, out->len, "txt");
        vstrFree(out);
    } else if (argEq(sub, "purge")) {
        serverPurgeMemory(s);
        addReplyOk(c);
    } else {
        addReplyHelp(c, memoryHelp);
    }
}

/* ------------------------------------------------------------------- table */

#define SRV_FLAGS (CMD_LOADING | CMD_STALE)

const vlCommand vlServerCommands[] = {
    {"info", infoCommand, -1, SRV_FLAGS, 0, 0, 0, "server",
     "Returns information and statistics about the server."},
    {"config", configCommand, -2, CMD_ADMIN | CMD_NOSCRIPT | SRV_FLAGS, 0, 0, 0, "server",
     "A container for server configuration commands."},
    {"command", commandCommand, -1, SRV_FLAGS, 0, 0, 0, "server",
     "Returns detailed information about all commands."},
    {"time", timeCommand, 1, CMD_FAST | SRV_FLAGS, 0, 0, 0, "server", "Returns the server time."},
    {"dbsize", dbsizeCommand, 1, CMD_READONLY | CMD_FAST, 0, 0, 0, "server",
     "Returns the number of keys in the database."},
    {"flushdb", flushdbCommand, -1, CMD_WRITE, 0, 0, 0, "server",
     "Removes all keys from the current database."},
    {"flushall", flushallCommand, -1, CMD_WRITE, 0, 0, 0, "server",
     "Removes all keys from all databases."},
    {"swapdb", swapdbCommand, 3, CMD_WRITE | CMD_FAST, 0, 0, 0, "server", "Swaps two databases."},
    {"shutdown", shutdownCommand, -1, CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_MULTI | SRV_FLAGS, 0, 0, 0,
     "server", "Stops the server."},
    {"lastsave", lastsaveCommand, 1, CMD_FAST | SRV_FLAGS, 0, 0, 0, "server",
     "Returns the Unix timestamp of the last successful save (here: the start time)."},
    {"save", noPersistenceCommand, 1, CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_MULTI, 0, 0, 0, "server",
     "Not supported: valkey-lite has no persistence."},
    {"bgsave", noPersistenceCommand, -1, CMD_ADMIN | CMD_NOSCRIPT, 0, 0, 0, "server",
     "Not supported: valkey-lite has no persistence."},
    {"bgrewriteaof", noPersistenceCommand, 1, CMD_ADMIN | CMD_NOSCRIPT, 0, 0, 0, "server",
     "Not supported: valkey-lite has no persistence."},
    {"memory", memoryCommand, -2, 0, 0, 0, 0, "server",
     "A container for memory diagnostics commands."},
    {"slowlog", slowlogCommand, -2, CMD_ADMIN | SRV_FLAGS, 0, 0, 0, "server",
     "A container for slow log commands."},
    {"latency", latencyCommand, -2, CMD_ADMIN | CMD_NOSCRIPT | SRV_FLAGS, 0, 0, 0, "server",
     "A container for latency diagnostics commands."},
    {0},
};

#define CFG_SUB_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | SRV_FLAGS)

const vlCommand vlConfigSubcommands[] = {
    {"config|get", configCommand, -3, CFG_SUB_FLAGS, 0, 0, 0, "server",
     "Returns the effective values of configuration parameters."},
    {"config|set", configCommand, -4, CFG_SUB_FLAGS, 0, 0, 0, "server",
     "Sets configuration parameters in-flight."},
    {"config|resetstat", configCommand, 2, CFG_SUB_FLAGS, 0, 0, 0, "server",
     "Resets the server's statistics."},
    {"config|rewrite", configCommand, 2, CFG_SUB_FLAGS, 0, 0, 0, "server",
     "Persists the effective configuration to file."},
    {"config|help", configCommand, 2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns helpful text about the different subcommands."},
    {0},
};

const vlCommand vlCommandSubcommands[] = {
    {"command|count", commandCommand, 2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns a count of commands."},
    {"command|docs", commandCommand, -2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns documentary information about one, multiple or all commands."},
    {"command|getkeys", commandCommand, -3, SRV_FLAGS, 0, 0, 0, "server",
     "Extracts the key names from an arbitrary command."},
    {"command|getkeysandflags", commandCommand, -3, SRV_FLAGS, 0, 0, 0, "server",
     "Extracts the key names and access flags for an arbitrary command."},
    {"command|info", commandCommand, -2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns information about one, multiple or all commands."},
    {"command|list", commandCommand, -2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns a list of command names."},
    {"command|help", commandCommand, 2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns helpful text about the different subcommands."},
    {0},
};

const vlCommand vlMemorySubcommands[] = {
    {"memory|doctor", memoryCommand, 2, 0, 0, 0, 0, "server", "Outputs a memory problems report."},
    {"memory|malloc-stats", memoryCommand, 2, 0, 0, 0, 0, "server",
     "Returns the allocator statistics."},
    {"memory|purge", memoryCommand, 2, 0, 0, 0, 0, "server",
     "Asks the allocator to release memory."},
    {"memory|stats", memoryCommand, 2, 0, 0, 0, 0, "server", "Returns details about memory usage."},
    {"memory|usage", memoryCommand, -3, CMD_READONLY, 2, 2, 1, "server",
     "Estimates the memory usage of a key."},
    {"memory|help", memoryCommand, 2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns helpful text about the different subcommands."},
    {0},
};

const vlCommand vlSlowlogSubcommands[] = {
    {"slowlog|get", slowlogCommand, -2, CMD_ADMIN | SRV_FLAGS, 0, 0, 0, "server",
     "Returns the slow log's entries."},
    {"slowlog|len", slowlogCommand, 2, CMD_ADMIN | SRV_FLAGS, 0, 0, 0, "server",
     "Returns the number of entries in the slow log."},
    {"slowlog|reset", slowlogCommand, 2, CMD_ADMIN | SRV_FLAGS, 0, 0, 0, "server",
     "Clears all entries from the slow log."},
    {"slowlog|help", slowlogCommand, 2, SRV_FLAGS, 0, 0, 0, "server",
     "Show helpful text about the different subcommands."},
    {0},
};

#define LAT_SUB_FLAGS (CMD_ADMIN | CMD_NOSCRIPT | SRV_FLAGS)

const vlCommand vlLatencySubcommands[] = {
    {"latency|doctor", latencyCommand, 2, LAT_SUB_FLAGS, 0, 0, 0, "server",
     "Returns a human-readable latency analysis report."},
    {"latency|graph", latencyCommand, 3, LAT_SUB_FLAGS, 0, 0, 0, "server",
     "Returns a latency graph for an event."},
    {"latency|histogram", latencyCommand, -2, LAT_SUB_FLAGS, 0, 0, 0, "server",
     "Returns the cumulative distribution of latencies of a subset or all commands."},
    {"latency|history", latencyCommand, 3, LAT_SUB_FLAGS, 0, 0, 0, "server",
     "Returns timestamp-latency samples for an event."},
    {"latency|latest", latencyCommand, 2, LAT_SUB_FLAGS, 0, 0, 0, "server",
     "Returns the latest latency samples for all events."},
    {"latency|reset", latencyCommand, -2, LAT_SUB_FLAGS, 0, 0, 0, "server",
     "Resets the latency data for one or more events."},
    {"latency|help", latencyCommand, 2, SRV_FLAGS, 0, 0, 0, "server",
     "Returns helpful text about the different subcommands."},
    {0},
};
