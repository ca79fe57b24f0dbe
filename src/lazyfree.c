/* lazyfree.c - freeing big values without stalling the loop.
 *
 * UNLINK, FLUSHALL/FLUSHDB ASYNC and the lazyfree-lazy-* paths hand values here. There is
 * no extra thread: a timer frees in slices of at most LAZYFREE_SLICE_US, re-armed at once
 * while work remains, so clients are served between slices. Big containers are taken apart
 * incrementally (a list a few thousand elements at a time, a dict through its scan cursor),
 * so no slice ever frees a million-element value in one go. When a flush's work is done the
 * allocator is purged, so the memory goes back to the OS then and not after jemalloc's
 * decay. Rejected: a background thread (jemalloc's tcache and our accounting are per
 * thread, and an embedded server must not start threads in its host). */
#include <string.h>

#include "db.h"
#include "lazyfree.h"
#include "loop.h"
#include "object.h"
#include "server.h"

#define LAZYFREE_THRESHOLD 64 /* below this effort a value is freed at once */
#define LAZYFREE_SLICE_US 1000

typedef struct lfItem {
    struct lfItem *next;
    vlObj *obj;     /* a value to free, or NULL */
    dict *dicts[2]; /* a flushed db's keys and expires */
    unsigned long cursor;
    int purge_after;
    size_t bytes; /* of obj, still to be given back (an estimate, 0 for flushed dbs) */
} lfItem;

struct vlLazyFree {
    lfItem *head, *tail;
    size_t pending;       /* objects still to free */
    size_t pending_bytes; /* sum of the items' bytes: memory as good as freed (eviction) */
    struct event *timer;
    struct event_base *base;
    int scheduled;
    vlServer *s;
};

static void lazyfreeTimerCb(void *arg);

void lazyfreeInit(vlServer *s) {
    s->lazyfree = vlCalloc(sizeof(struct vlLazyFree));
    s->lazyfree->s = s;
}

static void schedule(vlServer *s) {
    struct vlLazyFree *lf = s->lazyfree;
    if (!s->base) return;
    if (lf->timer && lf->base != s->base) {
        loopTimerFree(lf->timer);
        lf->timer = NULL;
    }
    if (!lf->timer) {
        lf->timer = loopTimerNew(s, lazyfreeTimerCb, lf);
        lf->base = s->base;
        lf->scheduled = 0;
    }
    if (!lf->scheduled) {
        lf->scheduled = 1;
        loopTimerStart(lf->timer, 0);
    }
}

static void enqueue(vlServer *s, lfItem *it) {
    struct vlLazyFree *lf = s->lazyfree;
    it->next = NULL;
    if (lf->tail)
        lf->tail->next = it;
    else
        lf->head = it;
    lf->tail = it;
    schedule(s);
}

void lazyfreeObj(vlServer *s, vlObj *o) {
    if (objFreeEffort(o) <= LAZYFREE_THRESHOLD || !s->lazyfree) {
        objFree(o);
        return;
    }
    lfItem *it = vlCalloc(sizeof(*it));
    it->obj = o;
    it->bytes = objMemUsage(o, 5);
    s->lazyfree->pending++;
    s->lazyfree->pending_bytes += it->bytes;
    enqueue(s, it);
}

size_t lazyfreePendingBytes(vlServer *s) {
    return s->lazyfree ? s->lazyfree->pending_bytes : 0;
}

/* An item gave back `freed` bytes (or all it had left, when done). */
static void creditFreed(struct vlLazyFree *lf, lfItem *it, size_t freed, int done) {
    size_t n = done || freed > it->bytes ? it->bytes : freed;
    it->bytes -= n;
    lf->pending_bytes -= n;
}

void lazyfreeDicts(vlServer *s, dict *keys, dict *expires) {
    lfItem *it = vlCalloc(sizeof(*it));
    it->dicts[0] = keys;
    it->dicts[1] = expires;
    it->purge_after = 1;
    s->lazyfree->pending += dictSize(keys);
    enqueue(s, it);
}

size_t lazyfreePending(vlServer *s) {
    return s->lazyfree ? s->lazyfree->pending : 0;
}

typedef struct scanFree {
    vlServer *s;
    dict *d;
    size_t freed;
    int is_keys;
} scanFree;

static void scanFreeCb(void *ctx, dictLink *e) {
    scanFree *sf = ctx;
    size_t klen;
    const void *k = sf->d->type->entryKey(e, &klen);
    dictLink *u = dictUnlink(sf->d, k, klen);
    if (!u) return;
    if (sf->is_keys) {
        /* a big value inside a flushed db gets its own incremental item */
        lazyfreeObj(sf->s, (vlObj *)u);
        sf->s->lazyfree->pending--;
        sf->s->stats.lazyfreed_objects++;
    } else if (sf->d->type->entryFree) {
        sf->d->type->entryFree(u);
    }
    sf->freed++;
}

/* Frees part of a dict through its scan cursor. Returns 1 when the dict is gone. */
static int stepDict(vlServer *s, dict **dp, unsigned long *cursor, int is_keys, uint64_t deadline) {
    dict *d = *dp;
    scanFree sf = {s, d, 0, is_keys};
    do {
        *cursor = dictScan(d, *cursor, scanFreeCb, &sf);
        if (*cursor == 0 && dictSize(d) > 0) continue; /* a pass can miss entries moved by rehash */
    } while (dictSize(d) > 0 && (sf.freed & 63 || utilMonoUs() < deadline));
    if (dictSize(d) > 0) return 0;
    dictRelease(d);
    *dp = NULL;
    *cursor = 0;
    return 1;
}

/* Frees part of a value (its type's freeStep). Returns 1 when the object is gone. */
static int stepObj(vlServer *s, lfItem *it, uint64_t deadline) {
    vlObj *o = it->obj;
    const vlTypeOps *ops = objOps(o);
    if (ops->freeStep && !ops->freeStep(o, &it->cursor, deadline)) return 0;
    objFree(o);
    it->obj = NULL;
    s->lazyfree->pending--;
    s->stats.lazyfreed_objects++;
    return 1;
}

void lazyfreeStep(vlServer *s) {
    struct vlLazyFree *lf = s->lazyfree;
    uint64_t deadline = utilMonoUs() + LAZYFREE_SLICE_US;
    int purge = 0;
    while (lf->head && utilMonoUs() < deadline) {
        lfItem *it = lf->head;
        int done;
        if (it->obj) {
            size_t before = allocHeapUsed(s->heap);
            done = stepObj(s, it, deadline);
            size_t after = allocHeapUsed(s->heap);
            creditFreed(lf, it, before > after ? before - after : 0, done);
        } else {
            done = 1;
            for (int i = 0; i < 2 && done; i++)
                if (it->dicts[i]) done = stepDict(s, &it->dicts[i], &it->cursor, i == 0, deadline);
        }
        if (!done) break;
        lf->head = it->next;
        if (!lf->head) lf->tail = NULL;
        purge |= it->purge_after;
        vlFree(it);
    }
    if (!lf->head) {
        lf->pending = 0;
        lf->pending_bytes = 0;
        if (purge) serverPurgeMemory(s);
    }
}

static void lazyfreeTimerCb(void *arg) {
    struct vlLazyFree *lf = arg;
    lf->scheduled = 0;
    lazyfreeStep(lf->s);
    if (lf->head) schedule(lf->s);
}

void lazyfreeFree(vlServer *s) {
    struct vlLazyFree *lf = s->lazyfree;
    if (!lf) return;
    while (lf->head) {
        lfItem *it = lf->head;
        lf->head = it->next;
        if (it->obj) objFree(it->obj);
        for (int i = 0; i < 2; i++)
            if (it->dicts[i]) dictRelease(it->dicts[i]);
        vlFree(it);
    }
    if (lf->timer) loopTimerFree(lf->timer);
    vlFree(lf);
    s->lazyfree = NULL;
}

/* Defrag: the queue's own nodes move; the values in them are being freed anyway. */
void lazyfreeDefrag(vlServer *s, void *(*move)(void *p, void *ctx), void *ctx) {
    struct vlLazyFree *lf = s->lazyfree;
    if (!lf) return;
    lfItem *prev = NULL;
    for (lfItem *it = lf->head; it; it = it->next) {
        lfItem *n = move(it, ctx);
        if (n) {
            if (prev)
                prev->next = n;
            else
                lf->head = n;
            if (lf->tail == it) lf->tail = n;
            it = n;
        }
        prev = it;
    }
}
