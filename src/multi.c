/* multi.c - transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * Queue: inside MULTI, cmd.c hands each command that passed admission to multiQueueCommand,
 * which copies its arguments (c->argv points into the query buffer, which the next read
 * reuses) into one block per command: the protoArg array, then the bytes. EXEC points
 * c->argv at each copy in turn and runs it through cmdCallQueued, so a queued command takes
 * the same timed path, stats and monitor feed as a direct one. A refusal while queueing
 * (unknown command, arity, OOM, ...) flags the transaction and drops the queue at once: it
 * can never run, so there is no reason to keep its memory. The queue's bytes are heap bytes
 * (used_memory sees them), CLIENT LIST shows them, and a queue may not grow past
 * client-query-buffer-limit: it is deferred query buffer.
 *
 * WATCH: per db id (vlDb.watched), a dict of watched keys; each entry owns its name and heads
 * a doubly linked list of watch records, one per watching client. Each record is also on its
 * client's singly linked list, so UNWATCH frees a client's records without any lookup and a
 * touch flags the key's clients without any search. A record points at its key entry
 * (borrowed: the entry lives exactly as long as it has records, and is freed with the last
 * one); no block holds another's bytes. The dicts follow the db id, not its contents: SWAPDB
 * swaps contents, and a watcher of db 0 keeps watching db 0.
 *
 * Touching is hooked where a write is already announced (dbSignalModified), at expiry and
 * eviction, and before FLUSHDB/FLUSHALL/SWAPDB; s->watched_keys is 0 while nobody watches,
 * so the write path pays one branch. A touched client is dirty and all its keys are
 * unwatched at once (nothing it watches can undo that).
 *
 * Stale keys: a key watched while logically expired but not yet deleted is marked so. Its
 * lazy or active deletion, or a FLUSHDB, changes nothing a reader could see, so it does not
 * dirty the client; a live key that becomes expired before EXEC does (EXEC checks).
 *
 * Rejected: Redis's per-client list of (db, key object) plus a per-key list of clients
 * (two owners of each key name); a global generation counter per key (a write to any key
 * would have to find and bump it, even with nobody watching). Watch state is not defragged:
 * it is small and lives for one transaction. */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "db.h"
#include "multi.h"
#include "object.h"
#include "server.h"

typedef struct mxKey mxKey;

/* One client watching one key. */
typedef struct mxWatch {
    struct mxWatch *kprev, *knext; /* the key's watchers */
    struct mxWatch *cnext;         /* the client's watches */
    vlClient *c;
    mxKey *key; /* borrowed: lives while it has watchers */
    int stale;  /* the key was logically expired (not yet deleted) when watched */
} mxWatch;

/* A watched key of one db id; owns its name. */
struct mxKey {
    dictLink link;
    mxWatch *head;
    vlDb *db;
    size_t klen;
    char name[];
};

/* One queued command: the argv array, then the argument bytes, in this one block. */
typedef struct mxCmd {
    const vlCommand *cmd;
    int idx;
    int argc;
    protoArg *argv;
} mxCmd;

struct vlMultiState {
    mxCmd *cmds;
    int count, cap;
    uint32_t flags; /* union of the queued commands' flags */
    size_t bytes;   /* heap bytes of the queue: argv blocks and the cmds array */
    mxWatch *watches;
    size_t nwatches;
};

static const void *mxKeyName(const dictLink *e, size_t *len) {
    const mxKey *k = (const mxKey *)e;
    *len = k->klen;
    return k->name;
}

/* Entries are freed by whoever removes their last watcher, never by the dict. */
static const dictType mxKeyType = {mxKeyName, NULL, NULL, NULL};

/* ------------------------------------------------------------------- state */

static struct vlMultiState *stateGet(vlClient *c) {
    if (!c->mstate) c->mstate = vlCalloc(sizeof(*c->mstate));
    return c->mstate;
}

/* The state goes once it holds nothing: no queue, no watches, not in MULTI. */
static void stateMaybeFree(vlClient *c) {
    struct vlMultiState *ms = c->mstate;
    if (!ms || (c->flags & CLIENT_MULTI) || ms->watches || ms->cmds) return;
    vlFree(ms);
    c->mstate = NULL;
}

static void queueFree(struct vlMultiState *ms) {
    if (!ms) return;
    for (int i = 0; i < ms->count; i++) vlFree(ms->cmds[i].argv);
    vlFree(ms->cmds);
    ms->cmds = NULL;
    ms->count = ms->cap = 0;
    ms->flags = 0;
    ms->bytes = 0;
}

/* ------------------------------------------------------------------- watch records */

static int keyIsStale(vlServer *s, vlDb *db, const void *key, size_t klen) {
    vlObj *o = (vlObj *)dictFind(db->keys, key, klen);
    if (!o || !(o->flags & OBJ_F_EXPIRE)) return 0;
    int64_t when = dbGetExpire(db, o);
    return when >= 0 && when <= s->mstime;
}

static void watchKey(vlClient *c, const protoArg *key) {
    vlServer *s = c->srv;
    vlDb *db = c->db;
    if (!db->watched) db->watched = dictCreate(&mxKeyType);
    mxKey *k = (mxKey *)dictFind(db->watched, key->ptr, key->len);
    if (k) {
        for (mxWatch *w = k->head; w; w = w->knext)
            if (w->c == c) return; /* already watched by this client */
    } else {
        k = vlMalloc(sizeof(*k) + (key->len ? key->len : 1));
        k->link.next = NULL;
        k->head = NULL;
        k->db = db;
        k->klen = key->len;
        if (key->len) memcpy(k->name, key->ptr, key->len);
        dictAddNew(db->watched, &k->link);
        s->watched_keys++;
    }
    struct vlMultiState *ms = stateGet(c);
    mxWatch *w = vlMalloc(sizeof(*w));
    w->c = c;
    w->key = k;
    w->stale = keyIsStale(s, db, key->ptr, key->len);
    w->kprev = NULL;
    w->knext = k->head;
    if (k->head) k->head->kprev = w;
    k->head = w;
    w->cnext = ms->watches;
    ms->watches = w;
    ms->nwatches++;
}

/* Takes w off its key's list, freeing the key entry (and an emptied dict) with its last
 * watcher. Does not touch the client's list. */
static void watchUnlinkFromKey(vlServer *s, mxWatch *w) {
    mxKey *k = w->key;
    if (w->kprev)
        w->kprev->knext = w->knext;
    else
        k->head = w->knext;
    if (w->knext) w->knext->kprev = w->kprev;
    if (k->head) return;
    vlDb *db = k->db;
    dictUnlink(db->watched, k->name, k->klen);
    vlFree(k);
    s->watched_keys--;
    if (dictSize(db->watched) == 0) {
        dictRelease(db->watched);
        db->watched = NULL;
    }
}

static void unwatchAll(vlClient *c) {
    struct vlMultiState *ms = c->mstate;
    if (!ms) return;
    mxWatch *w = ms->watches;
    ms->watches = NULL;
    ms->nwatches = 0;
    while (w) {
        mxWatch *next = w->cnext;
        watchUnlinkFromKey(c->srv, w);
        vlFree(w);
        w = next;
    }
}

/* ------------------------------------------------------------------- touching */

void multiTouchKey(vlServer *s, vlDb *db, const void *key, size_t klen) {
    if (vlLikely(s->watched_keys == 0) || !db->watched) return;
    mxKey *k = (mxKey *)dictFind(db->watched, key, klen);
    if (!k) return;
    mxWatch *w = k->head;
    while (w) {
        mxWatch *next = w->knext;
        if (w->stale && !dictFind(db->keys, key, klen)) {
            /* a stale key was deleted: nothing changed, and a deleted key is not stale */
            w->stale = 0;
        } else {
            /* Dirty for good: its keys are unwatched now. That frees w, and k only when w was
             * its last record, in which case next is NULL and k is not read again. */
            w->c->flags |= CLIENT_DIRTY_CAS;
            unwatchAll(w->c);
        }
        w = next;
    }
}

/* One watched key of `emptied` whose contents are about to be replaced by `with`'s (NULL: by
 * nothing). The flags are set, nothing is unwatched: the caller iterates the dict. */
static void touchReplaced(vlServer *s, mxKey *k, vlDb *emptied, vlDb *with) {
    int in_emptied = dictFind(emptied->keys, k->name, k->klen) != NULL;
    int in_with = with && dictFind(with->keys, k->name, k->klen) != NULL;
    if (!in_emptied && !in_with) return;
    int with_stale = in_with && keyIsStale(s, with, k->name, k->klen);
    for (mxWatch *w = k->head; w; w = w->knext) {
        if (w->stale) {
            if (!in_with) { /* stale key gone, nothing in its place */
                w->stale = 0;
                continue;
            }
            if (with_stale) continue; /* stale replaced by stale */
        } else if (!in_emptied && with_stale) {
            w->stale = 1; /* nothing replaced by a stale key: still nothing to read */
            continue;
        }
        w->c->flags |= CLIENT_DIRTY_CAS;
    }
}

void multiTouchFlush(vlServer *s, vlDb *db) {
    if (vlLikely(s->watched_keys == 0) || !db->watched || dictSize(db->keys) == 0) return;
    dictIter it;
    dictIterInit(&it, db->watched);
    dictLink *e;
    while ((e = dictIterNext(&it))) touchReplaced(s, (mxKey *)e, db, NULL);
    dictIterRelease(&it);
}

void multiTouchSwap(vlServer *s, vlDb *a, vlDb *b) {
    if (vlLikely(s->watched_keys == 0)) return;
    vlDb *pair[2][2] = {{a, b}, {b, a}};
    for (int i = 0; i < 2; i++) {
        vlDb *emptied = pair[i][0], *with = pair[i][1];
        if (!emptied->watched) continue;
        dictIter it;
        dictIterInit(&it, emptied->watched);
        dictLink *e;
        while ((e = dictIterNext(&it))) touchReplaced(s, (mxKey *)e, emptied, with);
        dictIterRelease(&it);
    }
}

/* A key watched live that is logically expired now fails EXEC, deleted or not. */
static int watchedKeyExpired(vlClient *c) {
    struct vlMultiState *ms = c->mstate;
    for (mxWatch *w = ms ? ms->watches : NULL; w; w = w->cnext)
        if (!w->stale && keyIsStale(c->srv, w->key->db, w->key->name, w->key->klen)) return 1;
    return 0;
}

/* ------------------------------------------------------------------- queue */

void multiClientFree(vlClient *c) {
    if (!c->mstate) return;
    unwatchAll(c);
    queueFree(c->mstate);
    vlFree(c->mstate);
    c->mstate = NULL;
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
}

void multiDiscard(vlClient *c) {
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
    if (!c->mstate) return;
    unwatchAll(c);
    queueFree(c->mstate);
    stateMaybeFree(c);
}

void multiFlagTransaction(vlClient *c) {
    if (!(c->flags & CLIENT_MULTI)) return;
    c->flags |= CLIENT_DIRTY_EXEC;
    queueFree(c->mstate);
}

void multiExecAbort(vlClient *c, const char *err) {
    multiDiscard(c);
    addReplyErrorFormat(c, "EXECABORT Transaction discarded because of: %s", err);
}

uint32_t multiQueuedFlags(const vlClient *c) {
    return c->mstate ? c->mstate->flags : 0;
}

long long multiQueuedCount(const vlClient *c) {
    if (!(c->flags & CLIENT_MULTI)) return -1;
    return c->mstate ? c->mstate->count : 0;
}

size_t multiMemUsage(const vlClient *c) {
    const struct vlMultiState *ms = c->mstate;
    if (!ms) return 0;
    return sizeof(*ms) + ms->bytes + ms->nwatches * sizeof(mxWatch);
}

size_t multiWatchCount(const vlClient *c) {
    return c->mstate ? c->mstate->nwatches : 0;
}

static void closeOverLimit(vlClient *c, size_t bytes) {
    vlServer *s = c->srv;
    serverLog(s, LL_WARNING,
              "Closing client whose MULTI queue reached client-query-buffer-limit: id=%llu "
              "addr=%s multi-mem=%zu",
              (unsigned long long)c->id, c->addr, bytes);
    s->stats.client_qbuf_limit_disconnections++;
    multiDiscard(c);
    clientCloseAsap(c);
}

void multiQueueCommand(vlClient *c, const vlCommand *cmd, int idx) {
    struct vlMultiState *ms = stateGet(c);
    if (c->flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)) { /* EXEC will not run it anyway */
        addReplyStatus(c, "QUEUED");
        return;
    }
    /* Every length is bounded by the query buffer that holds it, so these sums cannot
     * overflow; the limit is checked before anything is allocated. */
    size_t need = (size_t)c->argc * sizeof(protoArg);
    for (int i = 0; i < c->argc; i++) need += c->argv[i].len;
    size_t limit = (size_t)c->srv->cfg.client_query_buffer_limit;
    if (need > limit || ms->bytes > limit - need) {
        closeOverLimit(c, ms->bytes + need);
        return;
    }
    if (ms->count == ms->cap) {
        size_t old = ms->cmds ? vlAllocSize(ms->cmds) : 0;
        ms->cap = ms->cap ? ms->cap * 2 : 8;
        ms->cmds = vlRealloc(ms->cmds, sizeof(mxCmd) * (size_t)ms->cap);
        ms->bytes += vlAllocSize(ms->cmds) - old;
    }
    protoArg *argv = vlMalloc(need ? need : 1);
    char *p = (char *)(argv + c->argc);
    for (int i = 0; i < c->argc; i++) {
        argv[i].ptr = p;
        argv[i].len = c->argv[i].len;
        if (c->argv[i].len) memcpy(p, c->argv[i].ptr, c->argv[i].len);
        p += c->argv[i].len;
    }
    ms->bytes += vlAllocSize(argv);
    mxCmd *q = &ms->cmds[ms->count++];
    q->cmd = cmd;
    q->idx = idx;
    q->argc = c->argc;
    q->argv = argv;
    ms->flags |= cmd->flags;
    addReplyStatus(c, "QUEUED");
}

/* ------------------------------------------------------------------- commands */

static void multiCommand(vlClient *c) {
    if (c->flags & CLIENT_MULTI) {
        /* Replied as Redis 7.0 words it; the transaction is flagged as Redis 7.2 and Valkey
         * do (there it is refused as a no-multi command), so a client that ignored this
         * error does not get half a transaction run. */
        addReplyError(c, "ERR MULTI calls can not be nested");
        multiFlagTransaction(c);
        return;
    }
    stateGet(c);
    c->flags |= CLIENT_MULTI;
    addReplyOk(c);
}

static void discardCommand(vlClient *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        addReplyError(c, "ERR DISCARD without MULTI");
        return;
    }
    multiDiscard(c);
    addReplyOk(c);
}

static void execCommand(vlClient *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        addReplyError(c, "ERR EXEC without MULTI");
        return;
    }
    if (!(c->flags & CLIENT_DIRTY_CAS) && watchedKeyExpired(c)) c->flags |= CLIENT_DIRTY_CAS;
    if (c->flags & CLIENT_DIRTY_EXEC) {
        addReplyError(c, "EXECABORT Transaction discarded because of previous errors.");
        multiDiscard(c);
        return;
    }
    if (c->flags & CLIENT_DIRTY_CAS) {
        addReplyNullArray(c);
        multiDiscard(c);
        return;
    }
    unwatchAll(c); /* at once: this client's own writes must not touch its keys */
    /* The queue stays in place while it runs (CLIENT LIST shows multi=N, as Redis): only
     * cmdProcess adds to it or drops it, and queued commands do not pass through there; a
     * client cannot be freed inside its own command (kills are deferred). */
    struct vlMultiState *ms = c->mstate;
    int count = ms->count;
    int deny_was_set = c->flags & CLIENT_DENY_BLOCKING;
    c->flags |= CLIENT_DENY_BLOCKING;
    int argc = c->argc, idx = c->cmd_idx;
    protoArg *argv = c->argv;
    const vlCommand *self = c->cmd;
    addReplyArrayLen(c, count);
    for (int i = 0; i < count; i++) {
        mxCmd *q = &ms->cmds[i];
        c->argc = q->argc;
        c->argv = q->argv;
        c->cmd_idx = q->idx;
        cmdCallQueued(c, q->cmd, q->idx);
    }
    c->argc = argc;
    c->argv = argv;
    c->cmd_idx = idx;
    c->cmd = self;
    if (!deny_was_set) c->flags &= ~CLIENT_DENY_BLOCKING;
    multiDiscard(c);
}

static void watchCommand(vlClient *c) {
    if (c->flags & CLIENT_MULTI) {
        addReplyError(c, "ERR WATCH inside MULTI is not allowed");
        multiFlagTransaction(c); /* as for a nested MULTI */
        return;
    }
    /* a dirty client fails its EXEC whatever it watches next */
    if (!(c->flags & CLIENT_DIRTY_CAS))
        for (int i = 1; i < c->argc; i++) watchKey(c, &c->argv[i]);
    addReplyOk(c);
}

static void unwatchCommand(vlClient *c) {
    unwatchAll(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    stateMaybeFree(c);
    addReplyOk(c);
}

int multiIsExec(const vlCommand *cmd) {
    return cmd->proc == execCommand;
}

#define MX_FLAGS (CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_NO_QUEUE)

const vlCommand vlMultiCommands[] = {
    {"multi", multiCommand, 1, MX_FLAGS | CMD_FAST, 0, 0, 0, "transactions",
     "Starts a transaction."},
    {"exec", execCommand, 1, MX_FLAGS | CMD_SKIP_SLOWLOG, 0, 0, 0, "transactions",
     "Executes all commands in a transaction."},
    {"discard", discardCommand, 1, MX_FLAGS | CMD_FAST, 0, 0, 0, "transactions",
     "Discards a transaction."},
    {"watch", watchCommand, -2, MX_FLAGS | CMD_FAST | CMD_KEYS_NO_ACCESS, 1, -1, 1, "transactions",
     "Monitors changes to keys to determine the execution of a transaction."},
    {"unwatch", unwatchCommand, 1, CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0,
     "transactions", "Forgets about watched keys of a transaction."},
    {0},
};
