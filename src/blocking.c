/* blocking.c - clients blocked on list keys (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP).
 *
 * The one decision: a waiter is served by re-running the pop on its own terms, not by
 * handing it an element at push time. A push only marks the key ready (when somebody waits
 * on it); after the command that pushed, blockingHandleReady walks the ready keys in the
 * order they became ready and, for each, serves its waiters first come first served while
 * the key still holds a list. So a waiter sees exactly what a fresh BLPOP would see, a
 * command that pushes and pops again in one go (LMOVE into the key) leaves nothing to
 * serve, and a BLMOVE served here pushes to its destination, which readies that key in turn
 * and is served in the same pass (chains), with no recursion.
 *
 * Layout (one owner per block): per db, a dict of waited-on keys, each entry holding its own
 * copy of the name and a FIFO of waiters. A blocked client's state is one block: its waiter
 * nodes (the FIFOs link them intrusively, as the dict links its entries), then its own copies
 * of the key names and the BLMOVE destination. Removing a client finds each of its keys'
 * entries by name, so no block points at another's key bytes. Ready keys are a queue of
 * small blocks with their own copies of the names.
 *
 * Timeouts: the cron checks every tick, and a one-shot timer armed at the earliest deadline
 * makes a 0.1 s timeout answer in about 0.1 s rather than at the next tick. Both scan the
 * blocked clients, which is fine for the few hundred one sees in practice; a deadline heap
 * was rejected as more code than the case needs.
 *
 * blockingSignalKey is called on every write, so it costs one branch while nobody is
 * blocked. */
#include <string.h>

#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "conn.h"
#include "db.h"
#include "loop.h"
#include "object.h"
#include "observe.h"
#include "server.h"

typedef struct bWaiter {
    struct bWaiter *prev, *next; /* in the key's FIFO */
    vlClient *c;
    size_t koff, klen; /* the key name in the state's name area */
    int linked;        /* 0: the same key was named twice by one command */
} bWaiter;

struct vlBlockState {
    struct vlBlockState *prev, *next; /* all blocked clients, in blocking order */
    vlClient *c;
    int64_t deadline; /* unix ms, 0 = none */
    int dbid;
    int nkeys;
    vlListBlockOp op; /* op.dst is NULL here; has_dst/dstoff say where the copy is */
    int has_dst;
    size_t dstoff;
    bWaiter w[]; /* nkeys waiters, then the name bytes */
};

typedef struct bKey {
    dictLink link;
    bWaiter *head, *tail;
    int ready; /* already queued on the ready list */
    size_t klen;
    char key[];
} bKey;

typedef struct bReady {
    struct bReady *next;
    int dbid;
    size_t klen;
    char key[];
} bReady;

struct vlBlocking {
    vlServer *s;
    dict **keys; /* per db, created on first use */
    int ndb;
    struct vlBlockState *head, *tail;
    size_t nblocked, ntimed;
    bReady *rhead, *rtail;
    int serving;
    struct event *timer;
    struct event_base *base;
    int64_t armed; /* deadline the timer is set for, 0 none */
};

static const void *bKeyName(const dictLink *e, size_t *len) {
    const bKey *k = (const bKey *)e;
    *len = k->klen;
    return k->key;
}

static void bKeyFree(dictLink *e) {
    vlFree(e);
}

static const dictType bKeyType = {bKeyName, NULL, NULL, bKeyFree};

static char *stateNames(struct vlBlockState *bs) {
    return (char *)&bs->w[bs->nkeys];
}

void blockingInit(vlServer *s) {
    struct vlBlocking *bl = vlCalloc(sizeof(*bl));
    bl->s = s;
    bl->ndb = s->cfg.databases;
    bl->keys = vlCalloc(sizeof(dict *) * (size_t)(bl->ndb > 0 ? bl->ndb : 1));
    s->blocking = bl;
}

static void freeState(struct vlBlocking *bl, vlClient *c);

void blockingFree(vlServer *s) {
    struct vlBlocking *bl = s->blocking;
    if (!bl) return;
    while (bl->head) freeState(bl, bl->head->c);
    for (int i = 0; i < bl->ndb; i++)
        if (bl->keys[i]) dictRelease(bl->keys[i]);
    vlFree(bl->keys);
    while (bl->rhead) {
        bReady *r = bl->rhead;
        bl->rhead = r->next;
        vlFree(r);
    }
    if (bl->timer) loopTimerFree(bl->timer);
    vlFree(bl);
    s->blocking = NULL;
}

size_t blockingCount(vlServer *s) {
    return s->blocking ? s->blocking->nblocked : 0;
}

/* ------------------------------------------------------------------- timer */

static void timerCb(void *arg);

static void armTimer(struct vlBlocking *bl, int64_t deadline) {
    vlServer *s = bl->s;
    if (!s->base || !s->attached) return;
    if (bl->timer && bl->base != s->base) { /* re-attached to another loop */
        loopTimerFree(bl->timer);
        bl->timer = NULL;
    }
    if (!bl->timer) {
        bl->timer = loopTimerNew(s, timerCb, bl);
        bl->base = s->base;
    }
    int64_t now = (int64_t)utilMsTime();
    uint64_t us = deadline > now ? (uint64_t)(deadline - now) * 1000 : 0;
    /* a little late rather than early: an early fire finds nothing due and re-arms */
    loopTimerStart(bl->timer, us + 200);
    bl->armed = deadline;
}

static void timerCb(void *arg) {
    struct vlBlocking *bl = arg;
    bl->armed = 0;
    blockingCheckTimeouts(bl->s);
    loopScheduleFlush(bl->s);
}

/* ------------------------------------------------------------------- block / unblock */

void blockingBlockOnKeys(vlClient *c, const protoArg *keys, int nkeys, int64_t timeout_ms,
                         const vlListBlockOp *op) {
    vlServer *s = c->srv;
    struct vlBlocking *bl = s->blocking;
    /* in-process and inside EXEC (CLIENT_DENY_BLOCKING) nobody could wait for the answer */
    if ((c->flags & (CLIENT_FAKE | CLIENT_DENY_BLOCKING)) || !bl || nkeys <= 0 ||
        (c->flags & CLIENT_BLOCKED) || c->db->id >= bl->ndb) {
        addReplyNullArray(c); /* cannot wait: answer as a timeout would */
        return;
    }
    size_t names = op->dst ? op->dstlen : 0;
    for (int i = 0; i < nkeys; i++) names += keys[i].len;
    struct vlBlockState *bs =
        vlMalloc(sizeof(*bs) + sizeof(bWaiter) * (size_t)nkeys + (names ? names : 1));
    memset(bs, 0, sizeof(*bs));
    bs->c = c;
    bs->deadline = timeout_ms;
    bs->dbid = c->db->id;
    bs->nkeys = nkeys;
    bs->op = *op;
    bs->op.dst = NULL;
    char *area = stateNames(bs);
    size_t off = 0;
    for (int i = 0; i < nkeys; i++) {
        bWaiter *w = &bs->w[i];
        w->c = c;
        w->koff = off;
        w->klen = keys[i].len;
        w->prev = w->next = NULL;
        w->linked = 0;
        if (keys[i].len) memcpy(area + off, keys[i].ptr, keys[i].len);
        off += keys[i].len;
    }
    if (op->dst) {
        bs->has_dst = 1;
        bs->dstoff = off;
        if (op->dstlen) memcpy(area + off, op->dst, op->dstlen);
    }
    if (!bl->keys[bs->dbid]) bl->keys[bs->dbid] = dictCreate(&bKeyType);
    dict *d = bl->keys[bs->dbid];
    for (int i = 0; i < nkeys; i++) {
        bWaiter *w = &bs->w[i];
        bKey *k = (bKey *)dictFind(d, area + w->koff, w->klen);
        if (!k) {
            k = vlMalloc(sizeof(*k) + (w->klen ? w->klen : 1));
            k->link.next = NULL;
            k->head = k->tail = NULL;
            k->ready = 0;
            k->klen = w->klen;
            if (w->klen) memcpy(k->key, area + w->koff, w->klen);
            dictAddNew(d, &k->link);
        } else if (k->tail && k->tail->c == c) {
            continue; /* named twice: this client's waiter is already the last one */
        }
        w->prev = k->tail;
        if (k->tail)
            k->tail->next = w;
        else
            k->head = w;
        k->tail = w;
        w->linked = 1;
    }
    bs->prev = bl->tail;
    if (bl->tail)
        bl->tail->next = bs;
    else
        bl->head = bs;
    bl->tail = bs;
    bl->nblocked++;
    c->bstate = bs;
    c->flags |= CLIENT_BLOCKED;
    if (timeout_ms) {
        bl->ntimed++;
        if (!bl->armed || timeout_ms < bl->armed) armTimer(bl, timeout_ms);
    }
}

/* Takes c off every queue and frees its state. */
static void freeState(struct vlBlocking *bl, vlClient *c) {
    struct vlBlockState *bs = c->bstate;
    if (!bs) {
        c->flags &= ~CLIENT_BLOCKED;
        return;
    }
    dict *d = bl->keys[bs->dbid];
    char *area = stateNames(bs);
    for (int i = 0; i < bs->nkeys; i++) {
        bWaiter *w = &bs->w[i];
        if (!w->linked) continue;
        bKey *k = (bKey *)dictFind(d, area + w->koff, w->klen);
        if (!k) continue; /* not reached: the entry lives while it has waiters */
        if (w->prev)
            w->prev->next = w->next;
        else
            k->head = w->next;
        if (w->next)
            w->next->prev = w->prev;
        else
            k->tail = w->prev;
        if (!k->head) vlFree(dictUnlink(d, k->key, k->klen));
    }
    if (bs->prev)
        bs->prev->next = bs->next;
    else
        bl->head = bs->next;
    if (bs->next)
        bs->next->prev = bs->prev;
    else
        bl->tail = bs->prev;
    bl->nblocked--;
    if (bs->deadline) bl->ntimed--;
    vlFree(bs);
    c->bstate = NULL;
    c->flags &= ~CLIENT_BLOCKED;
}

/* Unblocks c after it got its reply: commands it pipelined behind the blocking one run from
 * the next flush pass. */
static void unblockAndResume(struct vlBlocking *bl, vlClient *c) {
    c->ncmds++;                    /* the blocking command completed */
    slowlogUnblocked(bl->s, c, 0); /* (a timeout or CLIENT UNBLOCK; a serve already did) */
    freeState(bl, c);
    connResumeReading(c);
}

void blockingClientFree(vlClient *c) {
    if (c->srv->blocking) freeState(c->srv->blocking, c);
}

int blockingUnblock(vlServer *s, uint64_t id, int with_error) {
    struct vlBlocking *bl = s->blocking;
    if (!bl) return 0;
    for (struct vlBlockState *bs = bl->head; bs; bs = bs->next) {
        if (bs->c->id != id) continue;
        vlClient *c = bs->c;
        if (with_error) {
            addReplyError(c, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
            s->cmdstats[c->cmd_idx].failed_calls++; /* the blocked command failed (INFO) */
        } else
            addReplyNullArray(c);
        unblockAndResume(bl, c);
        return 1;
    }
    return 0;
}

void blockingCheckTimeouts(vlServer *s) {
    struct vlBlocking *bl = s->blocking;
    if (!bl || !bl->ntimed) return;
    int64_t now = (int64_t)utilMsTime(), next = 0;
    struct vlBlockState *bs = bl->head;
    while (bs) {
        struct vlBlockState *nx = bs->next;
        if (bs->deadline && bs->deadline <= now) {
            vlClient *c = bs->c;
            addReplyNullArray(c); /* Redis 7: nil array for every list blocking command */
            unblockAndResume(bl, c);
        } else if (bs->deadline && (!next || bs->deadline < next)) {
            next = bs->deadline;
        }
        bs = nx;
    }
    if (next && next != bl->armed) armTimer(bl, next);
}

/* ------------------------------------------------------------------- ready keys */

void blockingSignalKey(vlServer *s, vlDb *db, const void *key, size_t klen) {
    struct vlBlocking *bl = s->blocking;
    if (vlLikely(!bl || !bl->nblocked)) return;
    if (db->id < 0 || db->id >= bl->ndb) return;
    dict *d = bl->keys[db->id];
    if (!d || !dictSize(d)) return;
    bKey *k = (bKey *)dictFind(d, key, klen);
    if (!k || k->ready) return;
    k->ready = 1;
    bReady *r = vlMalloc(sizeof(*r) + (klen ? klen : 1));
    r->next = NULL;
    r->dbid = db->id;
    r->klen = klen;
    if (klen) memcpy(r->key, key, klen);
    if (bl->rtail)
        bl->rtail->next = r;
    else
        bl->rhead = r;
    bl->rtail = r;
}

/* Every waited-on key of db that holds a value now is marked ready (SWAPDB moved another
 * db's contents in under the waiters). The serve re-checks the type, as for a push. */
void blockingSignalDb(vlServer *s, vlDb *db) {
    struct vlBlocking *bl = s->blocking;
    if (!bl || !bl->nblocked || db->id < 0 || db->id >= bl->ndb) return;
    dict *d = bl->keys[db->id];
    if (!d || !dictSize(d)) return;
    dictIter it;
    dictIterInit(&it, d);
    for (dictLink *e; (e = dictIterNext(&it)) != NULL;) {
        bKey *k = (bKey *)e;
        if (dictFind(db->keys, k->key, k->klen)) blockingSignalKey(s, db, k->key, k->klen);
    }
    dictIterRelease(&it);
}

/* Serves the waiters of one ready key, oldest first, while the key holds a list. The entry
 * stays marked ready meanwhile, so the serves' own writes to the key (a pop, a BLMOVE onto
 * the same key) queue nothing: this loop looks again anyway. */
static void serveKey(struct vlBlocking *bl, int dbid, const char *key, size_t klen) {
    vlServer *s = bl->s;
    dict *d = bl->keys[dbid];
    for (;;) {
        /* looked up again each round: serving may have freed the entry */
        bKey *k = d ? (bKey *)dictFind(d, key, klen) : NULL;
        if (!k) return;
        bWaiter *w = k->head;
        while (w && (w->c->flags & (CLIENT_CLOSE_ASAP | CLIENT_CLOSE_AFTER_REPLY))) w = w->next;
        vlObj *o = w ? dbLookup(w->c, key, klen, LOOKUP_WRITE) : NULL;
        if (!o || o->type != OBJ_LIST) { /* deleted or retyped: keep waiting */
            k->ready = 0;
            return;
        }
        vlClient *c = w->c;
        struct vlBlockState *bs = c->bstate;
        vlListBlockOp op = bs->op;
        if (bs->has_dst) op.dst = stateNames(bs) + bs->dstoff;
        vlClient *prev = s->current_client;
        s->current_client = c;
        uint64_t t0 = utilMonoUs();
        listServeBlocked(c, o, key, klen, &op);
        /* latencystats and the slow log: the serve's own time is added, as Valkey counts */
        uint64_t served = utilMonoUs() - t0;
        if (s->cfg.latency_tracking) latencyTrack(&s->cmdstats[c->cmd_idx], served);
        slowlogUnblocked(s, c, (long long)served);
        s->current_client = prev;
        unblockAndResume(bl, c);
    }
}

void blockingHandleReady(vlServer *s) {
    struct vlBlocking *bl = s->blocking;
    if (vlLikely(!bl || !bl->rhead) || bl->serving) return;
    bl->serving = 1;
    while (bl->rhead) {
        bReady *r = bl->rhead;
        bl->rhead = r->next;
        if (!bl->rhead) bl->rtail = NULL;
        serveKey(bl, r->dbid, r->key, r->klen);
        vlFree(r);
    }
    bl->serving = 0;
}
