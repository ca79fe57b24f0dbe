/* defrag.c - the active defrag engine.
 *
 * Fragmentation here is jemalloc slabs that are partly empty: the allocator cannot give a
 * slab back while one block in it lives. The engine walks every structure the server owns and
 * offers each block to allocMove, which copies it out of a sparse slab (the hint compares the
 * slab's use, from experimental.utilization.query, with its bin's non-full average from the
 * epoch-refreshed bin stats) into a denser one, so the sparse slabs empty and their pages
 * can be purged.
 *
 * Control and work are separate. Control (defragCron, once a cron second) decides whether to
 * run and how hard: start above active-defrag-threshold-lower percent and
 * active-defrag-ignore-bytes, effort interpolated from cycle-min to cycle-max between the lower
 * and upper thresholds. Work runs on its own timer in slices of active-defrag-cycle-us (never
 * more than 1 ms, checked before every move), each followed by a pause sized so that
 * work/(work+pause) equals the effort, on a precise timer (why: defragTimerCb). A slice also
 * ends early, once it has run 100 us, when a client's request is waiting
 * (loopInputWaiting), so clients wait for at most that.
 *
 * A pass is a walk over the stages below, each with a resumable cursor. Keys whose values are
 * big (more than active-defrag-max-scan-fields chunks or entries, or cut short by a slice's
 * end) are not walked inside the keys stage: their names are
 * copied to a queue and each is resumed inside itself across slices; a key deleted or retyped
 * meanwhile is found missing by name and skipped. A pass that leaves fragmentation under the
 * lower threshold, or that moves (almost) nothing, or that gains nothing, ends the run and
 * records why: the engine never spins.
 *
 * Rejected: Redis's old in-cron loop (one long stall per tick), progress kept in function
 * statics (untestable, one server per process), a fixed quantum of 8 (Debian's jemalloc has 16;
 * the hint asks jemalloc, it assumes no geometry). */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "config.h"
#include "db.h"
#include "defrag.h"
#include "lazyfree.h"
#include "loop.h"
#include "object.h"
#include "observe.h"
#include "pubsub.h"
#include "server.h"

#define DEFRAG_SLICE_MAX_US 1000
/* Chunks (lists) or buckets (hashes, sets) per big-key step: the clock is read between
 * steps, and a step that passes the deadline declines its remaining moves (defragMove), so
 * a step of 1 leaves at most one unit to the next pass. */
#define DEFRAG_BIG_STEP 1
#define DEFRAG_PUBSUB_STEP 4 /* buckets of the registry or of a client's sets per step */
#define DEFRAG_DECAY_AUTO (-2)
#define DEFRAG_BG_DECAY_MS 20  /* dirty decay during a run when a background thread purges */
#define DEFRAG_REFRESH_US 5000 /* bin stats refresh (30-150 us) at most this often */
#define DEFRAG_REFRESH_BLOCKS 4096
#define DEFRAG_MIN_SLICE_US 100 /* a slice runs this long before it yields to waiting input */
#define DEFRAG_POLL_US 50       /* and then polls for it this often (loopInputWaiting) */

typedef struct vlDefrag vlDefrag;
/* A stage walks from its cursor until it is done (1) or the slice is over (0): d->deadline,
 * which a waiting client can bring forward (defragMove); 0 = no deadline (DEBUG DEFRAG RUN). */
typedef int defragStageFn(vlServer *s, vlDefrag *d);

struct vlDefrag {
    vlServer *s;
    int running;
    int effort;
    int force;
    size_t stage;
    int db;
    unsigned long cursor;
    /* big keys found by the keys stage: records [int dbid][uint32 len][name] */
    vstr *bigkeys;
    size_t big_pos;
    unsigned long big_cursor;
    int big_started;
    uint64_t client_cursor;   /* last client id fully visited */
    unsigned long sub_cursor; /* inside the next client's subscriptions */
    int client_started;       /* its buffers were already moved this pass */
    /* this pass and totals */
    long long pass;
    long long scanned, moved, bytes;                /* current pass */
    long long last_scanned, last_moved, last_bytes; /* last finished pass */
    long long total_moved, total_bytes;
    int key_touched; /* a block of the current key moved */
    int declined;    /* a move was declined at the slice's deadline (see moveKeyEntry) */
    /* keys queued for the bigkeys stage this pass and the last: above max-scan-fields, and
     * values left unfinished at a slice's deadline */
    long long bigkeys_queued, last_bigkeys_queued, resumed_queued, last_resumed_queued;
    long long refresh_scanned; /* d->scanned at the last bin stats refresh */
    uint64_t refresh_us;
    uint64_t run_start_us, run_time_us, longest_slice_us, last_slice_us, longest_slice_cpu_us;
    uint64_t run_cpu_us, total_cpu_us; /* thread CPU in slices: this (or the last) run, all */
    double frag_start, frag_end;
    long long frag_bytes_start, frag_bytes_end;
    const char *stop_reason;
    uint64_t pause_debt_us;           /* pauses shorter than the loop's timer granularity, owed */
    uint64_t decay_restore_us;        /* when the default decay comes back after a run; 0 = done */
    uint64_t deadline;                /* of the slice in progress; 0 = none (DEBUG DEFRAG RUN) */
    uint64_t next_poll;               /* when the slice next looks for waiting client input */
    long long slices, slices_yielded; /* slices run, and ended early for a waiting client */
    long decay_ms; /* DEBUG DEFRAG DECAY, or DEFRAG_DECAY_AUTO: see decayForRun */
    struct event *timer;
    struct event_base *base;
};

/* ------------------------------------------------------------------- moves */

/* The hint's per-bin averages, refreshed once per slice (at most every DEFRAG_REFRESH_US)
 * and every DEFRAG_REFRESH_BLOCKS blocks: as sparse slabs drain, the average moves. */
static void refreshBins(vlDefrag *d) {
    allocBinStatsRefresh(d->s->heap);
    d->refresh_scanned = d->scanned;
    d->refresh_us = utilMonoUs();
}

static void *defragMove(void *p, void *ctx) {
    vlDefrag *d = ctx;
    /* Past the slice's deadline, blocks stay where they are (the pass goes on next time):
     * one jemalloc operation can take ~250 us (an emptied slab coalesced and purged), so
     * the deadline is also checked per move, not only per bucket, to keep a slice to one
     * such overrun. */
    if (d->deadline) {
        uint64_t now = utilMonoUs();
        if (now >= d->next_poll && now < d->deadline) {
            /* a request is waiting: end the slice here, it runs before the next one */
            d->next_poll = now + DEFRAG_POLL_US;
            if (loopInputWaiting(d->s)) {
                d->deadline = now;
                d->slices_yielded++;
            }
        }
        if (now >= d->deadline) {
            d->declined = 1;
            return NULL;
        }
    }
    if (++d->scanned - d->refresh_scanned >= DEFRAG_REFRESH_BLOCKS) refreshBins(d);
    void *n = allocMove(p, d->force || d->s->cfg.active_defrag_force_all);
    if (n) {
        d->s->stats.active_defrag_hits++;
        d->moved++;
        d->bytes += (long long)vlAllocSize(n);
        d->key_touched = 1;
    } else {
        d->s->stats.active_defrag_misses++;
    }
    return n;
}

static void *moveTable(void *table, void *ctx) {
    return defragMove(table, ctx);
}

static void recordBigKey(vlDefrag *d, int dbid, vlObj *o) {
    size_t klen;
    const char *k = objKey(o, &klen);
    uint32_t l = (uint32_t)klen;
    vstrCat(&d->bigkeys, &dbid, sizeof(dbid));
    vstrCat(&d->bigkeys, &l, sizeof(l));
    vstrCat(&d->bigkeys, k, klen);
}

/* Valkey's rule: a value with more than active-defrag-max-scan-fields list chunks or
 * hash/set entries is not walked inside the keys stage but resumed inside itself later. */
static int valueIsBig(const vlObj *o, long long max_fields) {
    return (long long)objOps(o)->walkSize(o) > max_fields;
}

/* Walks a whole value (small ones, or big ones with no deadline). */
static void defragValueAll(vlObj *o, vlDefrag *d) {
    unsigned long cursor = 0;
    const vlTypeOps *ops = objOps(o);
    while (ops->defragStep(o, &cursor, 1024, defragMove, d)) {
    }
}

typedef struct keyCtx {
    vlDefrag *d;
    int dbid;
    int sync; /* DEBUG DEFRAG RUN: big values inline too */
} keyCtx;

static dictLink *moveKeyEntry(dictLink *e, void *ctx) {
    keyCtx *kc = ctx;
    vlDefrag *d = kc->d;
    d->key_touched = 0;
    vlObj *o = (vlObj *)e;
    vlObj *n = defragMove(o, d);
    if (n) o = n;
    if (!kc->sync && valueIsBig(o, d->s->cfg.active_defrag_max_scan_fields)) {
        /* resumed by name later, from the top (cursor 0 moves the value's own struct) */
        recordBigKey(d, kc->dbid, o);
        d->bigkeys_queued++;
    } else {
        /* A value of up to max-scan-fields (1000) entries can outlast the slice: past the
         * deadline its remaining moves are declined, and the key is queued like a big one,
         * so the rest of it is walked (resumably) in this pass rather than the next. */
        d->declined = 0;
        defragValueAll(o, d);
        if (d->declined) {
            recordBigKey(d, kc->dbid, o);
            d->resumed_queued++;
        }
    }
    if (d->key_touched)
        d->s->stats.active_defrag_key_hits++;
    else
        d->s->stats.active_defrag_key_misses++;
    return n ? &n->link : NULL;
}

static dictLink *moveEntry(dictLink *e, void *ctx) {
    keyCtx *kc = ctx;
    return defragMove(e, kc->d);
}

static void *moveTableKc(void *table, void *ctx) {
    keyCtx *kc = ctx;
    return moveTable(table, kc->d);
}

/* ------------------------------------------------------------------- stages */

static int timeUp(uint64_t deadline) {
    return deadline && utilMonoUs() >= deadline;
}

/* Walks one dict of every db with the stage cursor. */
static int stageDbDict(vlServer *s, vlDefrag *d, int expires) {
    keyCtx kc = {d, 0, d->deadline == 0};
    for (; d->db < s->cfg.databases; d->db++) {
        dict *dt = expires ? s->db[d->db].expires : s->db[d->db].keys;
        kc.dbid = d->db;
        if (dictSize(dt) == 0) {
            d->cursor = 0;
            continue;
        }
        do {
            d->cursor =
                dictDefragStep(dt, d->cursor, expires ? moveEntry : moveKeyEntry, moveTableKc, &kc);
            /* the clock after every bucket: a move can cost ~11 us */
            if (d->cursor && timeUp(d->deadline)) return 0;
        } while (d->cursor);
    }
    return 1;
}

static int stageKeys(vlServer *s, vlDefrag *d) {
    return stageDbDict(s, d, 0);
}

static int stageExpires(vlServer *s, vlDefrag *d) {
    return stageDbDict(s, d, 1);
}

static int stageBigKeys(vlServer *s, vlDefrag *d) {
    while (d->bigkeys && d->big_pos < d->bigkeys->len) {
        int dbid;
        uint32_t len;
        memcpy(&dbid, d->bigkeys->buf + d->big_pos, sizeof(dbid));
        memcpy(&len, d->bigkeys->buf + d->big_pos + sizeof(dbid), sizeof(len));
        /* the cursor is always at a record's start, and the record lies within the list */
        VL_ASSERT(d->big_pos + sizeof(dbid) + sizeof(len) + len <= d->bigkeys->len);
        const char *name = d->bigkeys->buf + d->big_pos + sizeof(dbid) + sizeof(len);
        vlObj *o = dbid < s->cfg.databases ? (vlObj *)dictFind(s->db[dbid].keys, name, len) : NULL;
        int more = 0;
        if (o) {
            if (!d->big_started) {
                d->big_started = 1;
                d->big_cursor = 0;
            }
            /* the key may hold another value by now: its own walk, from the same cursor,
             * which is harmless (a scan cursor, or a list's "already started") */
            const vlTypeOps *ops = objOps(o);
            do {
                more = ops->defragStep(o, &d->big_cursor, DEFRAG_BIG_STEP, defragMove, d);
            } while (more && !timeUp(d->deadline));
        }
        if (more) return 0;
        d->big_pos += sizeof(dbid) + sizeof(len) + len;
        d->big_started = 0;
        if (timeUp(d->deadline)) return d->big_pos >= d->bigkeys->len;
    }
    return 1;
}

static int stagePubsub(vlServer *s, vlDefrag *d) {
    while (pubsubDefragStep(s, &d->cursor, DEFRAG_PUBSUB_STEP, defragMove, d)) {
        /* every step: a move can cost ~10 us while slabs are emptying */
        if (timeUp(d->deadline)) return 0;
    }
    d->cursor = 0;
    return 1;
}

/* Clients are visited in id order (oldest first), so a new client never moves the cursor
 * backwards and one that leaves is simply not found. */
static int stageClients(vlServer *s, vlDefrag *d) {
    vlClient *tail = s->clients;
    while (tail && tail->next) tail = tail->next;
    for (vlClient *c = tail; c; c = c->prev) {
        if (c->id <= d->client_cursor || (c->flags & CLIENT_FAKE)) continue;
        /* The client running a command (DEBUG DEFRAG RUN itself) has argv pointing into its
         * query buffer and may hold deferred reply slots: its blocks stay where they are.
         * Found by ASan with DEBUG DEFRAG FORCE yes (slowlog read the old buffer). */
        if (c == s->current_client) {
            d->client_cursor = c->id;
            continue;
        }
        if (!d->client_started) {
            d->client_started = 1;
            d->sub_cursor = 0;
            replyDefrag(&c->reply, defragMove, d);
            if (c->qbuf) { /* parsed arguments are offsets, so the buffer may move */
                char *q = defragMove(c->qbuf, d);
                if (q) c->qbuf = q;
            }
            if (c->name) {
                char *nm = defragMove(c->name, d);
                if (nm) c->name = nm;
            }
        }
        /* a subscriber with a million channels is resumed inside itself across slices; if
         * it leaves meanwhile, the cursor lands on the next client, which costs nothing
         * worse than a partial walk of it */
        while (pubsubClientDefrag(c, &d->sub_cursor, DEFRAG_PUBSUB_STEP, defragMove, d))
            if (timeUp(d->deadline)) return 0;
        d->client_started = 0;
        d->client_cursor = c->id;
        if (timeUp(d->deadline)) return 0;
    }
    return 1;
}

static int stageLazyfree(vlServer *s, vlDefrag *d) {
    lazyfreeDefrag(s, defragMove, d);
    return 1;
}

typedef struct defragStage {
    const char *name;
    defragStageFn *fn;
} defragStage;

static const defragStage stages[] = {
    {"keys", stageKeys},     {"expires", stageExpires}, {"bigkeys", stageBigKeys},
    {"pubsub", stagePubsub}, {"clients", stageClients}, {"lazyfree", stageLazyfree},
};
#define NSTAGES (sizeof(stages) / sizeof(stages[0]))

/* ------------------------------------------------------------------- control */

static void fragFigures(vlServer *s, double *ratio, long long *bytes) {
    allocStats st;
    allocGetStats(s->heap, &st);
    *ratio = st.allocated ? (double)st.active / (double)st.allocated : 1.0;
    *bytes = (long long)st.active - (long long)st.allocated;
}

static void resetPass(vlDefrag *d) {
    d->stage = 0;
    d->db = 0;
    d->cursor = 0;
    d->client_cursor = 0;
    d->client_started = 0;
    d->sub_cursor = 0;
    d->big_pos = 0;
    d->big_started = 0;
    if (d->bigkeys) vstrClear(d->bigkeys);
    d->scanned = d->moved = d->bytes = 0;
    d->bigkeys_queued = d->resumed_queued = 0;
    refreshBins(d);
    fragFigures(d->s, &d->frag_start, &d->frag_bytes_start);
}

static void stopRun(vlDefrag *d, const char *why) {
    if (d->running) {
        double ratio;
        long long bytes;
        fragFigures(d->s, &ratio, &bytes);
        serverLog(d->s, LL_NOTICE, "Active defrag stopped after %lld passes: %s (frag %.2f)",
                  d->pass, why, ratio);
        d->s->stats.active_defrag_time_us += (long long)(utilMonoUs() - d->run_start_us);
    }
    d->running = 0;
    d->effort = 0;
    d->stop_reason = why;
    /* the run's short decay stays one more cron second, so the background thread purges
     * what the last slices emptied (measured: 24 MB of a list scenario) now and not over
     * jemalloc's default ten seconds */
    d->decay_restore_us = utilMonoUs() + 1000000;
    if (d->bigkeys) {
        vstrFree(d->bigkeys);
        d->bigkeys = NULL;
    }
}

/* A pass is over: give the emptied slabs' pages back and decide whether to go on. */
static void endPass(vlDefrag *d) {
    vlServer *s = d->s;
    /* no purge here: with the arena's short dirty decay during a run (decayForRun), pages
     * went back as slabs emptied (one big purge of ~100 MB stalled the loop for ~20 ms,
     * measured with vl-fragbench's probe) */
    fragFigures(s, &d->frag_end, &d->frag_bytes_end);
    d->pass++;
    d->last_scanned = d->scanned;
    d->last_moved = d->moved;
    d->last_bytes = d->bytes;
    d->last_bigkeys_queued = d->bigkeys_queued;
    d->last_resumed_queued = d->resumed_queued;
    d->total_moved += d->moved;
    d->total_bytes += d->bytes;
    double pct = (d->frag_end - 1.0) * 100.0;
    if (s->cfg.active_defrag_force_all) {
        /* test mode: pass after pass, every block moves, until the mode is turned off */
    } else if (pct <= s->cfg.active_defrag_threshold_lower ||
               d->frag_bytes_end <= s->cfg.active_defrag_ignore_bytes)
        stopRun(d, "fragmentation under the thresholds");
    else if (d->moved * 1000 < d->scanned || d->moved < 16)
        /* 0.1%: a pass over two million blocks that moves 15,000 of them still helps (a 1%
         * rule stopped the pub/sub scenario at 1.06 once in the 20-run loop) */
        stopRun(d, "last pass moved almost nothing");
    else if (d->frag_end > d->frag_start - 0.005)
        stopRun(d, "last pass did not reduce fragmentation");
    if (d->running) resetPass(d);
}

static int effortFor(vlServer *s, double ratio) {
    const vlConfigValues *cf = &s->cfg;
    if (cf->active_defrag_force_all) return cf->active_defrag_cycle_max;
    double pct = (ratio - 1.0) * 100.0;
    int lo = cf->active_defrag_threshold_lower, hi = cf->active_defrag_threshold_upper;
    int mn = cf->active_defrag_cycle_min, mx = cf->active_defrag_cycle_max;
    if (pct <= lo || hi <= lo) return mn;
    if (pct >= hi) return mx;
    return mn + (int)((double)(mx - mn) * (pct - lo) / (double)(hi - lo));
}

static void scheduleSlice(vlDefrag *d, uint64_t delay_us);

/* One slice of work, then a pause that makes the duty cycle match the effort. */
static void defragTimerCb(void *arg) {
    vlDefrag *d = arg;
    vlServer *s = d->s;
    if (!d->running) return;
    uint64_t budget = (uint64_t)s->cfg.active_defrag_cycle_us;
    if (budget > DEFRAG_SLICE_MAX_US) budget = DEFRAG_SLICE_MAX_US;
    if (budget == 0) budget = 1;
    uint64_t t0 = utilMonoUs(), c0 = utilThreadCpuUs();
    d->deadline = t0 + budget;
    d->next_poll = t0 + DEFRAG_MIN_SLICE_US;
    d->slices++;
    if (t0 - d->refresh_us >= DEFRAG_REFRESH_US) refreshBins(d);
    VL_ASSERT(d->stage <= NSTAGES);
    while (d->stage < NSTAGES) {
        if (!stages[d->stage].fn(s, d)) break;
        d->stage++;
        d->db = 0;
        d->cursor = 0;
        if (timeUp(d->deadline)) break;
    }
    uint64_t used = utilMonoUs() - t0;
    d->deadline = 0;
    /* wall time is what clients wait; CPU time is what the engine spent. On a loaded
     * machine the two differ by preemption (measured: 3-15 ms wall for 0.1-0.5 ms CPU). */
    uint64_t cpu = utilThreadCpuUs() - c0;
    if (cpu > d->longest_slice_cpu_us) d->longest_slice_cpu_us = cpu;
    d->run_cpu_us += cpu;
    d->total_cpu_us += cpu;
    d->last_slice_us = used;
    if (used > d->longest_slice_us) d->longest_slice_us = used;
    d->run_time_us += used;
    if (s->cfg.latency_monitor_threshold &&
        (long long)(used / 1000) >= s->cfg.latency_monitor_threshold)
        latencyAddSample(s, "active-defrag-cycle", (long long)(used / 1000));
    if (d->stage >= NSTAGES) endPass(d);
    if (!d->running) return;
    /* The pause that makes work/(work+pause) equal the effort, after every slice, on the
     * engine's precise timer (a timerfd). The server sleeps in it, so a client that must
     * share this core gets it: with 1 ms pauses taken once they added up (libevent's own
     * timers cannot wait less), effort 75 meant 3 ms of back-to-back slices, and a probe
     * PING stuck behind a kernel thread on the other core waited them out. Without a
     * precise timer, short pauses are owed and taken once they add up to a millisecond; a
     * zero wait still lets every ready client run before the next slice. */
    int effort = d->effort > 0 ? d->effort : 1;
    uint64_t wait = used * (uint64_t)(100 - effort) / (uint64_t)effort;
    if (!d->timer || !loopTimerIsPrecise(d->timer)) {
        d->pause_debt_us += wait;
        wait = 0;
        if (d->pause_debt_us >= 1000) {
            wait = d->pause_debt_us;
            d->pause_debt_us = 0;
        }
    }
    scheduleSlice(d, wait);
}

static void scheduleSlice(vlDefrag *d, uint64_t delay_us) {
    vlServer *s = d->s;
    if (!s->base) return;
    if (d->timer && d->base != s->base) {
        loopTimerFree(d->timer);
        d->timer = NULL;
    }
    if (!d->timer) {
        d->timer = loopTimerNewPrecise(s, defragTimerCb, d);
        d->base = s->base;
    }
    loopTimerStart(d->timer, delay_us);
}

/* The arena's dirty decay while a run is active. Emptied slabs must go back to the OS during
 * the run, not ten seconds after it (jemalloc's default decay left 50-100 MB resident on an
 * idle server), but a single purge can cost far more than a slice: one of ~100 MB at the end
 * of a pass stalled the loop ~20 ms, and with decay 0 each emptied slab is purged inline and
 * about one madvise in 300 took 350-550 us (the TLB shootdown, see alloc.c).
 * - With jemalloc's background thread on (jemalloc-bg-thread yes, the default), 20 ms: the
 *   thread purges within tens of ms and the slices never madvise. Measured, 1M keys half
 *   deleted: longest slice 525-610 us of CPU (cycle-us 500), RSS 213 -> 115 MB.
 * - Without it, 0: the purges happen inside the slices, which then overrun by one madvise
 *   (longest slice 0.85-1.25 ms of CPU measured). */
static long decayForRun(vlDefrag *d) {
    if (d->decay_ms != DEFRAG_DECAY_AUTO) return d->decay_ms;
    if (!allocBackgroundPurge()) return 0;
    allocBackgroundLowPriority();
    return DEFRAG_BG_DECAY_MS;
}

void defragCron(vlServer *s) {
    vlDefrag *d = s->defrag;
    if (!d) return;
    if (!d->running && d->decay_restore_us && utilMonoUs() >= d->decay_restore_us) {
        allocSetDirtyDecay(s->heap, -1);
        d->decay_restore_us = 0;
    }
    if (!s->cfg.activedefrag && !s->cfg.active_defrag_force_all) {
        if (d->running) stopRun(d, "activedefrag turned off");
        return;
    }
    double ratio;
    long long bytes;
    fragFigures(s, &ratio, &bytes);
    int force_all = s->cfg.active_defrag_force_all;
    if (!d->running) {
        double pct = (ratio - 1.0) * 100.0;
        if (!force_all && (pct <= s->cfg.active_defrag_threshold_lower ||
                           bytes <= s->cfg.active_defrag_ignore_bytes))
            return;
        d->running = 1;
        d->stop_reason = "";
        d->run_start_us = utilMonoUs();
        d->run_time_us = 0;
        d->run_cpu_us = 0;
        resetPass(d);
        serverLog(s, LL_VERBOSE, "Starting active defrag, frag=%.0f%%, frag_bytes=%lld", pct,
                  bytes);
        d->effort = effortFor(s, ratio);
        d->pause_debt_us = 0;
        d->decay_restore_us = 0;
        allocSetDirtyDecay(s->heap, decayForRun(d));
        scheduleSlice(d, 0);
        return;
    }
    d->effort = effortFor(s, ratio);
}

void defragInit(vlServer *s) {
    vlDefrag *d = vlCalloc(sizeof(*d));
    d->s = s;
    d->stop_reason = "";
    d->frag_start = d->frag_end = 1.0;
    d->decay_ms = DEFRAG_DECAY_AUTO;
    s->defrag = d;
}

void defragFree(vlServer *s) {
    vlDefrag *d = s->defrag;
    if (!d) return;
    if (d->timer) loopTimerFree(d->timer);
    vstrFree(d->bigkeys);
    vlFree(d);
    s->defrag = NULL;
}

int defragRunningEffort(vlServer *s) {
    return s->defrag && s->defrag->running ? s->defrag->effort : 0;
}

/* Redis's and Valkey's meaning: how long (wall time) the run in progress has lasted, 0 when
 * idle; total_active_defrag_time adds the runs that ended. The CPU the slices used is in
 * the Defrag section (defrag_run_cpu_us, defrag_total_cpu_us). */
long long defragCurrentTimeUs(vlServer *s) {
    vlDefrag *d = s->defrag;
    return d && d->running ? (long long)(utilMonoUs() - d->run_start_us) : 0;
}

void defragInfo(vlServer *s, vstr **out) {
    vlDefrag *d = s->defrag;
    if (!d) return;
    const char *stage = d->running && d->stage < NSTAGES ? stages[d->stage].name : "none";
    size_t bigleft = 0;
    if (d->bigkeys && d->big_pos < d->bigkeys->len) bigleft = d->bigkeys->len - d->big_pos;
    vstrCatFmt(
        out,
        "defrag_state:%s\r\ndefrag_effort:%d\r\ndefrag_force:%d\r\ndefrag_stage:%s\r\n"
        "defrag_stage_db:%d\r\ndefrag_stage_cursor:%lu\r\ndefrag_bigkeys_pending_bytes:%zu\r\n"
        "defrag_pass:%lld\r\ndefrag_pass_scanned:%lld\r\ndefrag_pass_moved:%lld\r\n"
        "defrag_pass_bytes_moved:%lld\r\ndefrag_pass_bigkeys:%lld\r\ndefrag_pass_resumed:%lld\r\n"
        "defrag_last_pass_bigkeys:%lld\r\ndefrag_last_pass_resumed:%lld\r\n"
        "defrag_last_pass_scanned:%lld\r\n"
        "defrag_last_pass_moved:%lld\r\ndefrag_last_pass_bytes_moved:%lld\r\n"
        "defrag_total_moved:%lld\r\ndefrag_total_bytes_moved:%lld\r\n"
        "defrag_run_time_us:%llu\r\ndefrag_run_cpu_us:%llu\r\ndefrag_total_cpu_us:%llu\r\n"
        "defrag_longest_slice_us:%llu\r\n"
        "defrag_longest_slice_cpu_us:%llu\r\n"
        "defrag_last_slice_us:%llu\r\n"
        "defrag_last_pass_frag_ratio_start:%.2f\r\ndefrag_last_pass_frag_ratio_end:%.2f\r\n"
        "defrag_last_pass_frag_bytes_start:%lld\r\ndefrag_last_pass_frag_bytes_end:%lld\r\n"
        "defrag_last_stop_reason:%s\r\ndefrag_purge:%s\r\n"
        "defrag_slices:%lld\r\ndefrag_slices_yielded:%lld\r\n",
        d->running ? "running" : "idle", d->running ? d->effort : 0, d->force, stage, d->db,
        d->cursor, bigleft, d->pass, d->scanned, d->moved, d->bytes, d->bigkeys_queued,
        d->resumed_queued, d->last_bigkeys_queued, d->last_resumed_queued, d->last_scanned,
        d->last_moved, d->last_bytes, d->total_moved, d->total_bytes,
        (unsigned long long)d->run_time_us, (unsigned long long)d->run_cpu_us,
        (unsigned long long)d->total_cpu_us, (unsigned long long)d->longest_slice_us,
        (unsigned long long)d->longest_slice_cpu_us, (unsigned long long)d->last_slice_us,
        d->frag_start, d->frag_end, d->frag_bytes_start, d->frag_bytes_end,
        d->stop_reason && d->stop_reason[0] ? d->stop_reason : "none",
        allocBackgroundPurge() ? "background" : "inline", d->slices, d->slices_yielded);
}

/* DEBUG DEFRAG BLOCKS key: [size, regions per slab, slab bytes] for the key's own block, its
 * value's top block, and for a list its head chunk or for a hash/set table one entry, so tests derive expected fragmentation from
 * the allocator's geometry instead of hard-coding object layouts. */
static void defragBlocksCommand(vlClient *c) {
    vlObj *o = (vlObj *)dictFind(c->db->keys, c->argv[3].ptr, c->argv[3].len);
    if (!o) {
        addReplyError(c, "ERR no such key");
        return;
    }
    const void *blocks[3];
    int n = 0;
    blocks[n++] = o;
    n += objOps(o)->blocks(o, blocks + 1);
    addReplyArrayLen(c, n);
    for (int i = 0; i < n; i++) {
        size_t size, nregs, slab;
        allocBlockInfo(blocks[i], &size, &nregs, &slab);
        addReplyArrayLen(c, 3);
        addReplyLongLong(c, (long long)size);
        addReplyLongLong(c, (long long)nregs);
        addReplyLongLong(c, (long long)slab);
    }
}

/* DEBUG DEFRAG BINS: one row per jemalloc bin, [size, regions per slab, slab bytes, regions
 * in use, slabs, non-full slabs, regions in use in them] after a fresh refresh: the bin map
 * the hint uses and the averages it compares with. */
static void defragBinsCommand(vlClient *c) {
    allocBinStatsRefresh(c->srv->heap);
    int n = allocBinCount();
    addReplyArrayLen(c, n);
    for (int j = 0; j < n; j++) {
        allocBin b;
        allocBinInfo(c->srv->heap, j, &b);
        addReplyArrayLen(c, 7);
        addReplyLongLong(c, (long long)b.size);
        addReplyLongLong(c, (long long)b.nregs);
        addReplyLongLong(c, (long long)b.slab_size);
        addReplyLongLong(c, (long long)b.curregs);
        addReplyLongLong(c, (long long)b.curslabs);
        addReplyLongLong(c, (long long)b.nonfull_slabs);
        addReplyLongLong(c, (long long)b.nonfull_used);
    }
}

/* DEBUG DEFRAG RUN | FORCE yes|no | MARGIN pct | DECAY auto|ms | BLOCKS key | HELP
 * | BINS (argv[1] is DEFRAG). */
void defragCommand(vlClient *c) {
    vlServer *s = c->srv;
    vlDefrag *d = s->defrag;
    if (c->argc >= 3 && argEq(&c->argv[2], "run") && c->argc == 3) {
        /* one full synchronous pass, independent of a run in progress */
        vlDefrag saved = *d;
        d->bigkeys = NULL;
        resetPass(d);
        uint64_t t0 = utilMonoUs(), c0 = utilThreadCpuUs();
        for (size_t i = 0; i < NSTAGES; i++) {
            d->db = 0;
            d->cursor = 0;
            stages[i].fn(s, d);
        }
        long long moved = d->moved;
        serverPurgeMemory(s);
        s->stats.active_defrag_time_us += (long long)(utilMonoUs() - t0);
        long long total_moved = d->total_moved + moved, total_bytes = d->total_bytes + d->bytes;
        uint64_t total_cpu = d->total_cpu_us + (utilThreadCpuUs() - c0);
        vstrFree(d->bigkeys);
        *d = saved;
        d->total_moved = total_moved;
        d->total_bytes = total_bytes;
        d->total_cpu_us = total_cpu;
        addReplyLongLong(c, moved);
    } else if (c->argc == 4 && argEq(&c->argv[2], "force")) {
        if (argEq(&c->argv[3], "yes"))
            d->force = 1;
        else if (argEq(&c->argv[3], "no"))
            d->force = 0;
        else {
            addReplyErrorSyntax(c);
            return;
        }
        addReplyOk(c);
    } else if (c->argc == 4 && argEq(&c->argv[2], "margin")) {
        long long pct;
        if (getRangeLongOrReply(c, &c->argv[3], 1, 1000, &pct, NULL) != VL_OK) return;
        allocSetHintMargin(c->srv->heap, (unsigned)pct);
        addReplyOk(c);
    } else if (c->argc == 4 && argEq(&c->argv[2], "decay")) {
        long long ms = DEFRAG_DECAY_AUTO;
        if (!argEq(&c->argv[3], "auto") &&
            getRangeLongOrReply(c, &c->argv[3], -1, 100000, &ms, NULL) != VL_OK)
            return;
        d->decay_ms = (long)ms;
        addReplyOk(c);
    } else if (c->argc == 4 && argEq(&c->argv[2], "blocks")) {
        defragBlocksCommand(c);
    } else if (c->argc == 3 && argEq(&c->argv[2], "bins")) {
        defragBinsCommand(c);
    } else if (c->argc == 3 && argEq(&c->argv[2], "help")) {
        addReplyArrayLen(c, 7);
        addReplyStatus(c, "DEBUG DEFRAG RUN -- one synchronous full pass; returns blocks moved");
        addReplyStatus(c, "DEBUG DEFRAG FORCE yes|no -- move every block regardless of the hint");
        addReplyStatus(c,
                       "DEBUG DEFRAG MARGIN pct -- hint: move up to pct% of the bin average use");
        addReplyStatus(c, "DEBUG DEFRAG BLOCKS key -- [size, regions/slab, slab bytes] per block");
        addReplyStatus(c, "DEBUG DEFRAG BINS -- per bin: size, regions/slab, slab bytes, "
                          "regions used, slabs, non-full slabs, regions used in them");
        addReplyStatus(c, "DEBUG DEFRAG DECAY auto|ms -- the arena's dirty decay during a run");
        addReplyStatus(c, "DEBUG DEFRAG HELP");
    } else {
        addReplyError(c, "ERR unknown DEBUG DEFRAG subcommand or wrong number of arguments. Try "
                         "DEBUG DEFRAG HELP.");
    }
}
