/* server.c - a server's lifecycle, its cron table, logging and eviction.
 *
 * serverCreate builds a stopped server with the default configuration; configuration text
 * and overrides are applied; serverStart makes the keyspace and attaches to an event base.
 * The cron is a table (name, period, function): the order of periodic work is data that can
 * be listed and reasoned about, not a long function. Logging goes to the host's callback
 * when one is set (embedding), otherwise to logfile or stdout, in Redis's line format, which
 * tools that watch Redis logs parse. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "blocking.h"
#include "client.h"
#include "clientmem.h"
#include "cmd.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "defrag.h"
#include "info.h"
#include "lazyfree.h"
#include "loop.h"
#include "multi.h"
#include "object.h"
#include "observe.h"
#include "pubsub.h"
#include "server.h"

/* ------------------------------------------------------------------- logging */

char *serverResolvePath(const vlServer *s, const char *path) {
    if (path[0] == '/' || !s->cfg.dir) return vlStrdup(path);
    size_t dl = strlen(s->cfg.dir), pl = strlen(path);
    char *out = vlMalloc(dl + 1 + pl + 1);
    memcpy(out, s->cfg.dir, dl);
    out[dl] = '/';
    memcpy(out + dl + 1, path, pl + 1);
    return out;
}

/* A log line never holds a raw control character: client text (a DEBUG LOG message, a name
 * in a CLIENT LIST line) could otherwise start a line of its own that looks like the
 * server's. They are written as \xHH, as Redis's sdscatrepr would. */
static size_t escapeLog(char *out, size_t cap, const char *msg) {
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)msg; *p && o + 5 < cap; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        } else {
            out[o++] = (char)*p;
        }
    }
    out[o] = '\0';
    return o;
}

void serverLogRaw(vlServer *s, int level, const char *msg) {
    if (level < s->cfg.loglevel) return;
    static const char marks[] = ".-*#";
    char line[1200], clean[1100];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    char ts[64];
    size_t off = strftime(ts, sizeof(ts), "%d %b %Y %H:%M:%S.", &tm);
    snprintf(ts + off, sizeof(ts) - off, "%03d", (int)(tv.tv_usec / 1000));
    escapeLog(clean, sizeof(clean), msg);
    snprintf(line, sizeof(line), "%d:M %s %c %s", (int)getpid(), ts, marks[level & 3], clean);
    if (s->log_fn) {
        if (s->in_log_cb) return; /* a log callback that logs would recurse */
        s->in_log_cb = 1;
        s->log_fn(s->log_ud, level, line);
        s->in_log_cb = 0;
        return;
    }
    FILE *fp = stdout;
    int close_it = 0;
    if (s->cfg.logfile && s->cfg.logfile[0]) {
        char *path = serverResolvePath(s, s->cfg.logfile);
        fp = fopen(path, "a");
        vlFree(path);
        if (!fp) return;
        close_it = 1;
    }
    fprintf(fp, "%s\n", line);
    fflush(fp);
    if (close_it) fclose(fp);
}

void serverLog(vlServer *s, int level, const char *fmt, ...) {
    if (level < s->cfg.loglevel) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    serverLogRaw(s, level, msg);
}

/* ------------------------------------------------------------------- lifecycle */

vlServer *serverCreate(char *err, size_t errlen) {
    vlHeap *heap = allocHeapCreate(err, errlen);
    if (!heap) return NULL;
    vlHeap *prev = allocHeapEnter(heap);
    vlServer *s = vlCalloc(sizeof(*s));
    s->heap = heap;
    s->waitfd = -1;
    s->active_expire_enabled = 1;
    s->dict_resizing = 1;
    s->list_packed_threshold = 1LL << 30;
    s->start_ms = (int64_t)utilMsTime();
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    s->total_system_memory = pages > 0 && psize > 0 ? (size_t)pages * (size_t)psize : 0;
    unsigned char rnd[20];
    utilRandomBytes(rnd, sizeof(rnd));
    for (int i = 0; i < 20; i++) snprintf(s->runid + i * 2, 3, "%02x", rnd[i]);
    configInitDefaults(s);
    allocHeapLeave(prev);
    return s;
}

vlDb *dbGet(vlServer *s, int id) {
    return (id >= 0 && id < s->cfg.databases) ? &s->db[id] : NULL;
}

void serverInitData(vlServer *s) {
    vlHeap *prev = allocHeapEnter(s->heap);
    if (!s->db) {
        s->db = vlCalloc(sizeof(vlDb) * (size_t)s->cfg.databases);
        for (int i = 0; i < s->cfg.databases; i++) {
            s->db[i].id = i;
            s->db[i].keys = dictCreate(&dbKeysType);
            s->db[i].expires = dictCreate(&dbExpiresType);
        }
        if (!s->commands) cmdTableInit(s); /* a rename-command may have built it already */
        observeInit(s);
        pubsubInit(s);
        blockingInit(s);
        lazyfreeInit(s);
        defragInit(s);
        clientMemInit(s);
    }
    serverUpdateCachedTime(s);
    allocHeapLeave(prev);
}

/* Descriptors kept for the server's own use beside its clients (listeners, epoll sets,
 * timerfds, log file), Redis's CONFIG_MIN_RESERVED_FDS. */
#define VL_RESERVED_FDS 32

/* Makes sure maxclients clients can have a descriptor each, so that accept() never meets
 * EMFILE in normal running: a client past maxclients is accepted, told "max number of
 * clients reached" and closed. The standalone server raises its open-files limit as far as
 * it may (Redis's adjustOpenFilesLimit); an embedded one never changes a process limit of its
 * host, vlServerRun included. At start (at_start), what does not fit lowers maxclients, with Redis's
 * warnings; from CONFIG SET it is an error and maxclients is left to the caller to restore. */
int serverFitMaxclients(vlServer *s, int at_start, char *err, size_t errlen) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return VL_OK;
    rlim_t want = (rlim_t)s->cfg.maxclients + VL_RESERVED_FDS;
    rlim_t old = rl.rlim_cur;
    if (old >= want) return VL_OK;
    rlim_t best = old;
    int setrlimit_error = 0;
    if (s->standalone) {
        /* try the wanted limit, then lower ones, 16 at a time, as Redis does */
        for (rlim_t f = want; f > old; f = f > 16 ? f - 16 : 0) {
            /* soft and hard together: a privileged process may raise its hard limit too */
            rl.rlim_cur = rl.rlim_max = f;
            if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
                best = f;
                break;
            }
            setrlimit_error = errno;
        }
    }
    if (best >= want) {
        if (at_start)
            serverLog(s, LL_NOTICE,
                      "Increased maximum number of open files to %llu (it was originally set "
                      "to %llu).",
                      (unsigned long long)want, (unsigned long long)old);
        return VL_OK;
    }
    long long fit = (long long)best - VL_RESERVED_FDS;
    if (!at_start) {
        snprintf(err, errlen,
                 "The operating system is not able to handle the specified number of clients, "
                 "try with %lld",
                 fit > 0 ? fit : 1);
        return VL_ERR;
    }
    if (fit < 1) fit = 1;
    serverLog(s, LL_WARNING,
              "You requested maxclients of %d requiring at least %llu max file descriptors.",
              s->cfg.maxclients, (unsigned long long)want);
    if (setrlimit_error)
        serverLog(s, LL_WARNING,
                  "Server can't set maximum open files to %llu because of OS error: %s.",
                  (unsigned long long)want, strerror(setrlimit_error));
    serverLog(s, LL_WARNING,
              "Current maximum open files is %llu. maxclients has been reduced to %lld to "
              "compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
              (unsigned long long)best, fit);
    s->cfg.maxclients = (int)fit;
    return VL_OK;
}

int serverStart(vlServer *s, struct event_base *base, char *err, size_t errlen) {
    if (s->cfg.logfile && s->cfg.logfile[0]) { /* a relative one could not be tried at load */
        char *path = serverResolvePath(s, s->cfg.logfile);
        FILE *fp = fopen(path, "a");
        vlFree(path);
        if (!fp) {
            snprintf(err, errlen, "Can't open the log file: %s", strerror(errno));
            return VL_ERR;
        }
        fclose(fp);
    }
    serverFitMaxclients(s, 1, NULL, 0);
    serverInitData(s);
    vlHeap *prev = allocHeapEnter(s->heap);
    s->mstime = (int64_t)utilMsTime();
    int rc = loopAttach(s, base, err, errlen);
    if (rc == VL_OK) {
        s->cfg_applied = 1;
        allocHeapSetSoftLimit(s->heap, (size_t)s->cfg.maxmemory); /* a configured maxmemory */
        vstr *inert = configInertSet(s);
        if (inert)
            serverLog(s, LL_NOTICE, "Accepted for compatibility, with no effect in valkey-lite: %s",
                      inert->buf);
        vstrFree(inert);
        /* only switched on here: a server configured "no" leaves a host's setting alone */
        if (s->cfg.jemalloc_bg_thread) allocSetBackgroundPurge(1);
    }
    allocHeapLeave(prev);
    return rc;
}

void serverStop(vlServer *s) {
    vlHeap *prev = allocHeapEnter(s->heap);
    /* connections go; in-process clients (vlCall, subscribers) stay until serverFree */
    for (vlClient *c = s->clients, *next; c; c = next) {
        next = c->next;
        if (!(c->flags & CLIENT_FAKE)) clientFree(c);
    }
    s->pending_write = NULL;
    s->to_close = NULL;
    s->to_resume = NULL;
    if (s->rehash_timer) loopTimerFree(s->rehash_timer); /* it belongs to this base */
    s->rehash_timer = NULL;
    s->rehash_armed = 0;
    loopDetach(s);
    s->cfg_applied = 0;
    allocHeapLeave(prev);
}

void serverFree(vlServer *s) {
    if (!s) return;
    vlHeap *heap = s->heap;
    vlHeap *prev = allocHeapEnter(heap);
    if (s->attached) serverStop(s);
    while (s->clients) clientFree(s->clients);
    vstrFree(s->pending_push);
    s->pending_push = NULL;
    vlFree(s->shared_qbuf);
    s->shared_qbuf = NULL;
    if (s->db) {
        defragFree(s);
        lazyfreeFree(s);
        blockingFree(s);
        pubsubFree(s);
        observeFree(s);
        for (int i = 0; i < s->cfg.databases; i++) {
            dictRelease(s->db[i].keys);
            dictRelease(s->db[i].expires);
            if (s->db[i].watched) dictRelease(s->db[i].watched); /* empty: clients are gone */
        }
        vlFree(s->db);
    }
    cmdTableFree(s);  /* also one a config file's rename-command built before the start */
    clientMemFree(s); /* after the clients */
    configFree(s);
    vlFree(s->configfile);
    vlFree(s->executable);
    vlFree(s);
    allocHeapLeave(prev);
    allocHeapDestroy(heap);
}

void serverUpdateCachedTime(vlServer *s) {
    uint64_t mono = utilMonoUs();
    s->mono_to_real_us = (int64_t)utilUsTime() - (int64_t)mono;
    serverSetTimeFromMono(s, mono);
}

/* Commands see wall-clock ms derived from the monotonic clock plus an offset the cron
 * refreshes (hz times a second), so a command costs one clock read, not three; measured,
 * clock_gettime was 7% of the server's CPU at -P 16 before. */
void serverSetTimeFromMono(vlServer *s, uint64_t mono_us) {
    s->now_mono_us = mono_us;
    s->mstime = ((int64_t)mono_us + s->mono_to_real_us) / 1000;
    s->lruclock = (uint32_t)((s->mstime / 1000) & 0xFFFFFF);
}

size_t serverUsedMemory(vlServer *s) {
    return allocHeapUsed(s->heap);
}

void serverPurgeMemory(vlServer *s) {
    allocPurge(s->heap);
}

/* ------------------------------------------------------------------- eviction */

static int evictPolicyVolatile(int p) {
    return p == MAXMEMORY_VOLATILE_LRU || p == MAXMEMORY_VOLATILE_TTL ||
           p == MAXMEMORY_VOLATILE_RANDOM || p == MAXMEMORY_VOLATILE_LFU;
}

/* How much a key deserves eviction under an LRU or LFU policy: its idle time, or how rarely
 * it is used (255 - its decayed LFU counter). */
static long long evictScore(const vlServer *s, const vlObj *o) {
    if (dbPolicyIsLfu(s)) return 255 - (long long)dbLfuCounter(s, o->lru);
    return (long long)((s->lruclock - o->lru) & 0xFFFFFF);
}

/* Picks one key by sampling maxmemory-samples keys of each non-empty db: the oldest by LRU,
 * the least used by LFU, the nearest expiry, or any, as the policy says. Returns the chosen
 * entry's key (borrowed: valid until the keyspace changes) and its db, or NULL. Any key can be
 * chosen, whatever the length of its name (a fixed 4 KB copy used to make long names
 * unevictable). */
static const char *evictPick(vlServer *s, int *dbid, size_t *klen) {
    int policy = s->cfg.maxmemory_policy;
    int vol = evictPolicyVolatile(policy);
    long long best_score = -1;
    const char *best = NULL;
    dictLink *sample[64];
    size_t want = (size_t)s->cfg.maxmemory_samples;
    if (want > 64) want = 64;
    if (want < 1) want = 1;
    for (int i = 0; i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        dict *d = vol ? db->expires : db->keys;
        if (dictSize(d) == 0) continue;
        size_t n = dictSample(d, sample, want);
        for (size_t j = 0; j < n; j++) {
            const char *k;
            size_t kl;
            long long score;
            if (vol) {
                vlExpire *e = (vlExpire *)sample[j];
                k = e->key;
                kl = e->klen;
                if (policy == MAXMEMORY_VOLATILE_TTL) {
                    score = LLONG_MAX - e->when;
                } else if (policy == MAXMEMORY_VOLATILE_RANDOM) {
                    score = (long long)(utilRandom64() >> 2);
                } else {
                    vlObj *o = (vlObj *)dictFind(db->keys, k, kl);
                    score = o ? evictScore(s, o) : 0;
                }
            } else {
                vlObj *o = (vlObj *)sample[j];
                k = objKey(o, &kl);
                score = policy == MAXMEMORY_ALLKEYS_RANDOM ? (long long)(utilRandom64() >> 2)
                                                           : evictScore(s, o);
            }
            if (score > best_score) {
                best_score = score;
                best = k;
                *klen = kl;
                *dbid = i;
            }
        }
    }
    return best;
}

/* Memory as eviction sees it: what is queued for lazy freeing counts as freed already. */
static long long evictUsedMemory(vlServer *s) {
    size_t used = serverUsedMemory(s), pending = lazyfreePendingBytes(s);
    return (long long)(used > pending ? used - pending : 0);
}

int serverEvictIfNeeded(vlServer *s) {
    if (!s->cfg.maxmemory || !s->db) return VL_OK;
    if ((long long)serverUsedMemory(s) <= s->cfg.maxmemory) return VL_OK;
    if (evictUsedMemory(s) <= s->cfg.maxmemory) return VL_OK;
    if (s->cfg.maxmemory_policy == MAXMEMORY_NOEVICTION) return VL_ERR;
    if (serverWritesPaused(s)) return VL_ERR; /* CLIENT PAUSE: no eviction until it ends */
    char small[256];
    int guard = 100000;
    while (evictUsedMemory(s) > s->cfg.maxmemory && guard-- > 0) {
        int dbid;
        size_t klen;
        const char *k = evictPick(s, &dbid, &klen);
        if (!k) return VL_ERR;
        /* the name outlives the entry: notification comes after the delete */
        char *key = klen <= sizeof(small) ? small : vlMalloc(klen);
        memcpy(key, k, klen);
        vlDb *db = &s->db[dbid];
        if (s->cfg.lazyfree_lazy_eviction)
            dbUnlinkLazy(s, db, key, klen);
        else
            dbDelete(s, db, key, klen);
        s->stats.evictedkeys++;
        multiTouchKey(s, db, key, klen);
        notifyKeyspaceEvent(s, NOTIFY_EVICTED, "evicted", key, klen, dbid);
        if (key != small) vlFree(key);
    }
    return evictUsedMemory(s) <= s->cfg.maxmemory ? VL_OK : VL_ERR;
}

/* ------------------------------------------------------------------- cron */

/* Visits a slice of the clients each tick, resuming where the last tick stopped, so that
 * every client is seen once a second whatever the list's order (new clients go to the head;
 * a budget counted from the head every time never reached the old ones, and `timeout` closed
 * none of them). clientFree moves the cursor off a client it frees. */
static void cronClients(vlServer *s) {
    int64_t now = s->mstime;
    size_t budget = s->nclients / (size_t)(s->cfg.hz > 0 ? s->cfg.hz : 10) + 1;
    if (budget > s->nclients) budget = s->nclients;
    while (budget--) {
        vlClient *c = s->cron_cursor ? s->cron_cursor : s->clients;
        if (!c) break;
        s->cron_cursor = c->next;
        if (c->flags & (CLIENT_FAKE | CLIENT_CLOSE_ASAP)) continue;
        if (s->cfg.timeout && !(c->flags & (CLIENT_PUBSUB | CLIENT_BLOCKED | CLIENT_MONITOR)) &&
            now - c->last_ms > (int64_t)s->cfg.timeout * 1000) {
            serverLog(s, LL_VERBOSE, "Closing idle client");
            clientCloseAsap(c);
            continue;
        }
        if (c->reply.bytes) clientCheckOutputLimits(c);
        connQbufCron(c, now);
    }
}

static void cronExpire(vlServer *s) {
    if (s->active_expire_enabled && !serverWritesPaused(s)) expireActiveCycle(s, 0);
}

/* Active rehash: Redis's budget (1 ms of every 100 ms), in steps of 250 us every 25 ms on
 * its own timer, armed by the cron while some dict is rehashing. Measured: a 1 ms step per
 * cron tick was the slowest thing in the loop after a big load (1.0-1.09 ms, ten times a
 * second for 1.3-2 s while a 1M-key table finished growing), and every client waited it. */
#define REHASH_STEP_US 250
#define REHASH_PERIOD_US 25000

static int rehashSome(vlServer *s) {
    for (int i = 0; i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        dict *d = dictIsRehashing(db->keys)      ? db->keys
                  : dictIsRehashing(db->expires) ? db->expires
                                                 : NULL;
        if (d) {
            dictRehashMicros(d, REHASH_STEP_US);
            return 1; /* one dict per step, as Redis does one db per tick */
        }
    }
    return 0;
}

static void rehashTimerCb(void *arg) {
    vlServer *s = arg;
    if (s->cfg.activerehashing && rehashSome(s))
        loopTimerStart(s->rehash_timer, REHASH_PERIOD_US);
    else
        s->rehash_armed = 0;
}

static void cronRehash(vlServer *s) {
    if (!s->cfg.activerehashing || !s->base) return;
    int any = 0;
    for (int i = 0; i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        dictShrinkIfNeeded(db->keys);
        dictShrinkIfNeeded(db->expires);
        any |= dictIsRehashing(db->keys) || dictIsRehashing(db->expires);
    }
    if (!any || s->rehash_armed) return;
    if (!s->rehash_timer) s->rehash_timer = loopTimerNew(s, rehashTimerCb, s);
    s->rehash_armed = 1;
    loopTimerStart(s->rehash_timer, 0);
}

static void cronPause(vlServer *s) {
    if (s->pause_end_ms && s->mstime >= s->pause_end_ms) {
        s->pause_end_ms = 0;
        for (vlClient *c = s->clients; c; c = c->next)
            if (c->flags & CLIENT_PAUSED) connResumeReading(c);
    }
}

static void cronMemory(vlServer *s) {
    allocDecayTick(s->heap); /* freed pages go back even when no allocation ticks the arena */
    size_t used = serverUsedMemory(s);
    if ((long long)used > s->stats.stat_peak_memory) s->stats.stat_peak_memory = (long long)used;
    if (s->cfg.maxmemory) serverEvictIfNeeded(s);
}

/* jemalloc's background thread wakes for an arena only when about 1,024 pages are due
 * (BACKGROUND_THREAD_NPAGES_THRESHOLD), and with it on, arena.<i>.decay from any other
 * thread purges nothing; so up to ~4 MB of freed pages could stay resident for good (seen:
 * 3.5 MB dirty 12 s after 2,000 clients left). Once a second: when the heap's dirty pages
 * have not changed for a whole second (nothing is churning them), purge them. Without the
 * background thread the decay tick of cronMemory returns them on jemalloc's schedule. A purge
 * of under 4 MB is a few hundred microseconds of madvise. */
static void cronReturnMemory(vlServer *s) {
    if (!allocBackgroundPurge() || defragRunningEffort(s)) {
        s->dirty_last = 0;
        return;
    }
    allocStats st;
    allocGetStats(s->heap, &st);
    if (st.dirty && st.dirty == s->dirty_last) {
        allocPurge(s->heap);
        s->dirty_last = 0;
        return;
    }
    s->dirty_last = st.dirty;
}

typedef struct cronJob {
    const char *name;
    int period_ms; /* 0: every tick */
    void (*fn)(vlServer *s);
} cronJob;

static const cronJob cronJobs[] = {
    {"clients", 0, cronClients},
    {"pause", 0, cronPause},
    {"blocking-timeouts", 0, blockingCheckTimeouts},
    {"active-expire", 0, cronExpire},
    {"rehash", 0, cronRehash},
    {"memory", 100, cronMemory},
    {"stats", 100, infoSampleStats},
    {"defrag-control", 1000, defragCron},
    {"return-memory", 1000, cronReturnMemory},
};

void serverCron(vlServer *s) {
    serverUpdateCachedTime(s);
    if (s->cron_paused) { /* DEBUG PAUSE-CRON 1: tests freeze background work; not shutdown */
        if (s->shutdown_asap) loopScheduleFlush(s);
        return;
    }
    if (s->shutdown_signal) { /* SIGTERM/SIGINT received since the last tick */
        s->shutdown_signal = 0;
        s->shutdown_asap = 1;
    }
    int hz = s->cfg.hz > 0 ? s->cfg.hz : 10;
    for (size_t i = 0; i < sizeof(cronJobs) / sizeof(cronJobs[0]); i++) {
        const cronJob *j = &cronJobs[i];
        uint64_t every = j->period_ms ? (uint64_t)j->period_ms * (uint64_t)hz / 1000 : 1;
        if (every == 0) every = 1;
        if (s->cronloops % every == 0) j->fn(s);
    }
    s->cronloops++;
    if (s->shutdown_asap) loopScheduleFlush(s);
}
