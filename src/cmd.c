/* cmd.c - the command table and the path every command takes.
 *
 * Each module exports a const table; here they are collected into a per-server dict (name
 * -> entry, case-insensitive) and a per-server stats array, so the tables stay shared and
 * read-only while figures stay per server. Admission is an ordered list of checks (rule 4):
 * each check either passes or has replied and counted a rejection. Then the command runs,
 * timed, and its side effects are settled: clients blocked on keys it fed are served, its
 * output limits are checked, monitors have seen it. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "blocking.h"
#include "client.h"
#include "clientmem.h"
#include "cmd.h"
#include "db.h"
#include "multi.h"
#include "object.h"
#include "observe.h"
#include "pubsub.h"
#include "server.h"

typedef struct cmdEntry {
    dictLink link;
    const vlCommand *cmd;
    size_t idx;
    struct cmdEntry *subs; /* a container's subcommands: the entries right after it */
    size_t nsubs;
    char *rename; /* rename-command: the name it answers to now (owned), or NULL */
} cmdEntry;

static const void *cmdEntryKey(const dictLink *e, size_t *len) {
    const cmdEntry *ce = (const cmdEntry *)e;
    const char *name = ce->rename ? ce->rename : ce->cmd->name;
    *len = strlen(name);
    return name;
}

/* FNV-1a over ASCII-folded bytes. The command dict is filled once from our own tables and
 * never holds a client-chosen key, so hash flooding cannot happen here and siphash (4% of
 * the server's CPU at -P 16, half of it spent on command names) buys nothing. */
static uint64_t cmdNameHash(const void *key, size_t len) {
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = p[i];
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
        h = (h ^ ch) * 1099511628211ULL;
    }
    return h;
}

static const dictType cmdDictType = {cmdEntryKey, cmdNameHash, dictKeyCompareNoCase, NULL};

static const vlCommand *const cmdTables[] = {
    vlConnCommands,  vlServerCommands, vlKeyCommands,  vlStringCommands,
    vlListCommands,  vlHashCommands,   vlSetCommands,  vlPubsubCommands,
    vlDebugCommands, vlMultiCommands,  vlSortCommands,
};

static const vlSubcommands cmdSubTables[] = {
    {"client", vlClientSubcommands},   {"config", vlConfigSubcommands},
    {"command", vlCommandSubcommands}, {"object", vlObjectSubcommands},
    {"memory", vlMemorySubcommands},   {"slowlog", vlSlowlogSubcommands},
    {"latency", vlLatencySubcommands}, {"pubsub", vlPubsubSubcommands},
};

static const vlCommand *subTableOf(const vlCommand *parent) {
    for (size_t i = 0; i < sizeof(cmdSubTables) / sizeof(cmdSubTables[0]); i++)
        if (!strcmp(cmdSubTables[i].parent, parent->name)) return cmdSubTables[i].subs;
    return NULL;
}

void cmdTableInit(vlServer *s) {
    size_t n = 0;
    for (size_t t = 0; t < sizeof(cmdTables) / sizeof(cmdTables[0]); t++) {
        for (const vlCommand *c = cmdTables[t]; c->name; c++) {
            n++;
            for (const vlCommand *sc = subTableOf(c); sc && sc->name; sc++) n++;
        }
    }
    cmdEntry *entries = vlCalloc(sizeof(cmdEntry) * (n ? n : 1));
    s->commands = dictCreate(&cmdDictType);
    size_t i = 0;
    for (size_t t = 0; t < sizeof(cmdTables) / sizeof(cmdTables[0]); t++) {
        for (const vlCommand *c = cmdTables[t]; c->name; c++) {
            cmdEntry *parent = &entries[i];
            parent->cmd = c;
            parent->idx = i++;
            if (dictAdd(s->commands, &parent->link) != VL_OK)
                serverLog(s, LL_WARNING, "duplicate command in tables: %s", c->name);
            for (const vlCommand *sc = subTableOf(c); sc && sc->name; sc++) {
                entries[i].cmd = sc;
                entries[i].idx = i;
                if (!parent->nsubs) parent->subs = &entries[i];
                parent->nsubs++;
                i++;
            }
        }
    }
    s->ncommands = n;
    s->cmd_entries = entries;
    s->cmdstats = vlCalloc(sizeof(vlCommandStats) * (n ? n : 1));
}

int cmdRename(vlServer *s, const char *from, const char *to, char *err, size_t errlen) {
    if (!s->commands) cmdTableInit(s); /* config files are read before the server starts */
    cmdEntry *ce = (cmdEntry *)dictFind(s->commands, from, strlen(from));
    if (!ce) {
        snprintf(err, errlen, "No such command in rename-command");
        return VL_ERR;
    }
    if (to[0] && dictFind(s->commands, to, strlen(to))) {
        snprintf(err, errlen, "Target command name already exists");
        return VL_ERR;
    }
    dictUnlink(s->commands, from, strlen(from));
    if (!to[0]) return VL_OK; /* renamed to "": gone */
    vlFree(ce->rename);
    ce->rename = vlStrdup(to);
    dictAdd(s->commands, &ce->link);
    return VL_OK;
}

void cmdTableFree(vlServer *s) {
    if (!s->commands) return;
    cmdEntry *entries = s->cmd_entries;
    for (size_t i = 0; i < s->ncommands; i++) vlFree(entries[i].rename);
    dictRelease(s->commands); /* entries are not the dict's: they are one array */
    vlFree(s->cmd_entries);
    for (size_t i = 0; i < s->ncommands; i++) latencyTrackFree(&s->cmdstats[i]);
    vlFree(s->cmdstats);
    s->commands = NULL;
    s->cmd_entries = NULL;
    s->cmdstats = NULL;
}

static cmdEntry *subEntry(cmdEntry *parent, const char *name, size_t len) {
    for (size_t i = 0; i < parent->nsubs; i++) {
        const char *sub = cmdShortName(parent->subs[i].cmd);
        if (strlen(sub) == len && strncasecmp(sub, name, len) == 0) return &parent->subs[i];
    }
    return NULL;
}

static cmdEntry *entryByName(vlServer *s, const char *name, size_t len) {
    const char *bar = memchr(name, '|', len);
    cmdEntry *ce = (cmdEntry *)dictFind(s->commands, name, bar ? (size_t)(bar - name) : len);
    if (ce && bar) ce = subEntry(ce, bar + 1, len - (size_t)(bar - name) - 1);
    return ce;
}

const vlCommand *cmdLookup(vlServer *s, const char *name, size_t len) {
    cmdEntry *ce = entryByName(s, name, len);
    return ce ? ce->cmd : NULL;
}

const vlCommand *cmdSubcommands(vlServer *s, const vlCommand *cmd) {
    VL_UNUSED(s);
    return strchr(cmd->name, '|') ? NULL : subTableOf(cmd);
}

size_t cmdCountTopLevel(vlServer *s) {
    return dictSize(s->commands);
}

static void cmdRun(vlClient *c, const vlCommand *cmd, int idx, int queued);

int cmdIndex(vlServer *s, const vlCommand *cmd) {
    cmdEntry *ce = entryByName(s, cmd->name, strlen(cmd->name));
    return ce ? (int)ce->idx : 0;
}

void cmdForEach(vlServer *s, void (*fn)(void *ctx, const vlCommand *cmd, vlCommandStats *st),
                void *ctx) {
    cmdEntry *entries = s->cmd_entries;
    for (size_t i = 0; i < s->ncommands; i++) fn(ctx, entries[i].cmd, &s->cmdstats[i]);
}

/* ------------------------------------------------------------------- admission */

static void rejectUnknown(vlClient *c) {
    char args[160];
    size_t used = 0;
    args[0] = '\0';
    for (int i = 1; i < c->argc && used < 128; i++) {
        int room = 128 - (int)used;
        int alen = (int)(c->argv[i].len < (size_t)room ? c->argv[i].len : (size_t)room);
        int w = snprintf(args + used, sizeof(args) - used, "'%.*s' ", alen, c->argv[i].ptr);
        if (w < 0) break;
        used += (size_t)w;
        if (used >= sizeof(args)) {
            used = sizeof(args) - 1;
            break;
        }
    }
    int nlen = (int)(c->argv[0].len < 128 ? c->argv[0].len : 128);
    addReplyErrorFormat(c, "ERR unknown command '%.*s', with args beginning with: %s", nlen,
                        c->argv[0].ptr, args);
}

static void feedMonitors(vlClient *c);

/* A refusal inside MULTI flags the transaction (EXEC will abort); a refused EXEC ends it, and
 * monitors, which saw the MULTI, see the EXEC that closes it (Redis 7). */
static void reject(vlClient *c, const vlCommand *cmd, const char *err) {
    vlServer *s = c->srv;
    s->cmdstats[c->cmd_idx].rejected_calls++;
    if (multiIsExec(cmd)) {
        multiExecAbort(c, err);
        if (s->monitors) feedMonitors(c);
        return;
    }
    multiFlagTransaction(c);
    addReplyError(c, err);
}

static int checkArity(vlClient *c, const vlCommand *cmd) {
    if ((cmd->arity > 0 && c->argc != cmd->arity) || c->argc < -cmd->arity) {
        char err[256];
        snprintf(err, sizeof(err), "ERR wrong number of arguments for '%s' command", cmd->name);
        reject(c, cmd, err);
        return 0;
    }
    return 1;
}

static int checkAuth(vlClient *c, const vlCommand *cmd) {
    if (!c->authenticated && !(cmd->flags & CMD_NO_AUTH)) {
        reject(c, cmd, "NOAUTH Authentication required.");
        return 0;
    }
    return 1;
}

static int checkSubscribed(vlClient *c, const vlCommand *cmd) {
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2 && !(cmd->flags & CMD_ALLOW_SUBSCRIBED)) {
        char err[256];
        snprintf(err, sizeof(err),
                 "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                 "RESET are allowed in this context",
                 cmd->name);
        reject(c, cmd, err);
        return 0;
    }
    if (!(c->flags & CLIENT_PUBSUB) && (cmd->flags & CMD_UNSUBSCRIBE)) {
        char err[128];
        snprintf(err, sizeof(err), "NOSUB '%s' command executed not in subscribed mode", cmd->name);
        reject(c, cmd, err);
        return 0;
    }
    return 1;
}

/* As in Redis, eviction runs before every command while memory is over the limit (reads too:
 * only evicting before writes kept memory over the limit while only reads came), and only
 * commands that may grow memory are refused when it cannot get under. */
static int checkMemory(vlClient *c, const vlCommand *cmd) {
    vlServer *s = c->srv;
    if (!s->cfg.maxmemory) return 1;
    /* EXEC is as hungry as what it holds; and inside MULTI anything queued takes memory,
     * so only the commands that end or leave the transaction still pass (Redis 7). */
    uint32_t flags = cmd->flags;
    if (multiIsExec(cmd)) flags |= multiQueuedFlags(c);
    if ((c->flags & CLIENT_MULTI) && !(flags & CMD_NO_QUEUE)) flags |= CMD_DENYOOM;
    if (serverEvictIfNeeded(s) != VL_OK && (flags & CMD_DENYOOM)) {
        reject(c, cmd, "OOM command not allowed when used memory > 'maxmemory'.");
        return 0;
    }
    return 1;
}

typedef int (*admissionCheck)(vlClient *c, const vlCommand *cmd);

static int checkNoMulti(vlClient *c, const vlCommand *cmd) {
    if ((c->flags & CLIENT_MULTI) && (cmd->flags & CMD_NO_MULTI)) {
        reject(c, cmd, "ERR Command not allowed inside a transaction");
        return 0;
    }
    return 1;
}

static const admissionCheck admissionChecks[] = {
    checkArity, checkAuth, checkNoMulti, checkSubscribed, checkMemory,
};

static int isPaused(vlClient *c, const vlCommand *cmd) {
    vlServer *s = c->srv;
    if (!s->pause_end_ms || (c->flags & CLIENT_FAKE)) return 0;
    if (s->mstime >= s->pause_end_ms) return 0;
    if (cmd->flags & CMD_PAUSE_EXEMPT) return 0;
    uint32_t flags = cmd->flags;
    if (multiIsExec(cmd)) flags |= multiQueuedFlags(c); /* EXEC writes what it holds */
    return s->pause_all || (flags & CMD_WRITE);
}

/* Secrets never reach a monitor, SLOWLOG or any other record of a command, as in Redis:
 * every argument of AUTH (even a wrong guess is somebody's password), the user and password
 * of each AUTH clause of HELLO, and the value of a password directive in CONFIG SET. */
int cmdArgIsSecret(const vlClient *c, int i) {
    if (i <= 0 || i >= c->argc) return 0;
    const protoArg *v = c->argv;
    if (argEq(&v[0], "auth")) return 1;
    if (argEq(&v[0], "hello")) {
        for (int j = 2; j < c->argc;) { /* HELLO protover [AUTH user pass] [SETNAME name] */
            if (argEq(&v[j], "auth")) {
                if (i == j + 1 || i == j + 2) return 1;
                j += 3;
            } else {
                j += argEq(&v[j], "setname") ? 2 : 1;
            }
        }
        return 0;
    }
    if (argEq(&v[0], "config") && c->argc >= 2 && argEq(&v[1], "set") && i >= 3 && i % 2 == 1)
        return argEq(&v[i - 1], "requirepass") || argEq(&v[i - 1], "masterauth");
    return 0;
}

static void feedMonitors(vlClient *c) {
    vlServer *s = c->srv;
    vstr *line = NULL;
    uint64_t us = utilUsTime();
    vstrCatFmt(&line, "+%llu.%06llu [%d %s]", (unsigned long long)(us / 1000000),
               (unsigned long long)(us % 1000000), c->db->id,
               (c->flags & CLIENT_UNIX) ? "unix:" : c->addr);
    for (int i = 0; i < c->argc; i++) {
        vstrCat(&line, " ", 1);
        if (cmdArgIsSecret(c, i))
            vstrCatStr(&line, "\"(redacted)\"");
        else
            vstrCatRepr(&line, c->argv[i].ptr, c->argv[i].len);
    }
    vstrCat(&line, "\r\n", 2);
    for (vlClient *m = s->clients; m; m = m->next) {
        if (!(m->flags & CLIENT_MONITOR) || m == c) continue;
        addReplyRaw(m, line->buf, line->len);
        /* a monitor that never reads is cut at its class's limit like any other output */
        if (m->reply.bytes > REPLY_BLOCK_SIZE) clientCheckOutputLimits(m);
    }
    vstrFree(line);
}

/* The timed call; idx is cmd's stats slot (found with the command, not looked up again).
 * queued: run by EXEC, which stays the client's last command for CLIENT LIST (Redis 7). */
static void cmdRun(vlClient *c, const vlCommand *cmd, int idx, int queued) {
    vlServer *s = c->srv;
    int skip_next = c->flags & CLIENT_REPLY_SKIP_NEXT;
    if (skip_next) {
        c->flags |= CLIENT_REPLY_SKIP;
        c->flags &= ~CLIENT_REPLY_SKIP_NEXT;
    }
    vlClient *prev = s->current_client;
    s->current_client = c;
    c->cmd = cmd;
    if (!queued) c->lastcmd = cmd; /* CLIENT INFO run by this very command shows it, as Redis */
    uint64_t t0 = s->now_mono_us;  /* set by cmdProcess or the previous command's end */
    cmd->proc(c);
    uint64_t end = utilMonoUs();
    uint64_t dur = end - t0;
    serverSetTimeFromMono(s, end);
    s->current_client = prev;
    if (skip_next) c->flags &= ~CLIENT_REPLY_SKIP;
    vlCommandStats *st = &s->cmdstats[idx];
    st->calls++;
    st->usec += (long long)dur;
    /* ceil(log2(dur)): 1 us and less in bucket 0, 2 us in 1, 3-4 us in 2, ... */
    int b = dur <= 1 ? 0 : 64 - __builtin_clzll(dur - 1);
    st->lat_hist[b < CMD_LAT_BUCKETS ? b : CMD_LAT_BUCKETS - 1]++;
    if (s->cfg.latency_tracking && !(c->flags & CLIENT_BLOCKED)) latencyTrack(st, dur);
    s->stats.numcommands++;
    if (!(c->flags & CLIENT_BLOCKED)) c->ncmds++; /* a blocked one counts when it is served */
    if (!queued) c->lastcmd = cmd;
    c->cmd = NULL;
    if (s->cfg.slowlog_log_slower_than >= 0 && (long long)dur >= s->cfg.slowlog_log_slower_than &&
        !(c->flags & CLIENT_BLOCKED) && !(cmd->flags & CMD_SKIP_SLOWLOG))
        slowlogPush(s, c, (long long)dur);
    else if (c->flags & CLIENT_BLOCKED)
        slowlogBlocked(s, c, (long long)dur); /* logged when it completes */
    if (s->cfg.latency_monitor_threshold &&
        (long long)(dur / 1000) >= s->cfg.latency_monitor_threshold)
        latencyAddSample(s, "command", (long long)(dur / 1000));
}

void cmdCallQueued(vlClient *c, const vlCommand *cmd, int idx) {
    if (c->srv->monitors && !(cmd->flags & CMD_ADMIN)) feedMonitors(c);
    cmdRun(c, cmd, idx, 1);
}

int cmdProcess(vlClient *c) {
    vlServer *s = c->srv;
    cmdEntry *ce = (cmdEntry *)dictFind(s->commands, c->argv[0].ptr, c->argv[0].len);
    c->cmd = NULL;
    if (!ce) {
        multiFlagTransaction(c);
        rejectUnknown(c);
        return 1;
    }
    if (ce->nsubs && c->argc >= 2) { /* a known subcommand is admitted and counted as such */
        cmdEntry *se = subEntry(ce, c->argv[1].ptr, c->argv[1].len);
        if (se) ce = se;
    }
    const vlCommand *cmd = ce->cmd;
    c->cmd_idx = (int)ce->idx;
    for (size_t i = 0; i < sizeof(admissionChecks) / sizeof(admissionChecks[0]); i++)
        if (!admissionChecks[i](c, cmd)) return 1;
    if (isPaused(c, cmd)) {
        c->flags |= CLIENT_PAUSED;
        return 0;
    }
    if ((c->flags & CLIENT_MULTI) && !(cmd->flags & CMD_NO_QUEUE)) {
        multiQueueCommand(c, cmd, c->cmd_idx); /* monitors see it when EXEC runs it */
        clientMemAfterCommand(c);              /* the queue counts toward maxmemory-clients */
        return 1;
    }
    /* EXEC reaches monitors after the commands it ran, as in Redis 7: MULTI, ..., EXEC */
    int exec = s->monitors && multiIsExec(cmd);
    if (s->monitors && !(cmd->flags & CMD_ADMIN) && !exec) feedMonitors(c);
    cmdRun(c, cmd, c->cmd_idx, 0);
    if (s->pending_push) pubsubFlushPending(s);
    if (exec && s->monitors) feedMonitors(c);
    blockingHandleReady(s);
    if (c->reply.bytes > REPLY_BLOCK_SIZE) clientCheckOutputLimits(c);
    clientMemAfterCommand(c); /* maxmemory-clients: its reply may have grown */
    return 1;
}
