/* alloc_jemalloc.c - the allocator layer on jemalloc, the only file that includes it.
 *
 * Each server owns a vlHeap: a private jemalloc arena plus its own explicit thread cache.
 * Both matter. Without the private arena, the server's blocks share slabs with libevent's
 * and a host program's, and the fragmentation figures stop describing our data. Without
 * the private tcache, mallocx(MALLOCX_ARENA(a)) still serves from the default thread cache,
 * whose blocks come from another arena (JEMALLOC.md: 64 of 64 blocks went elsewhere).
 *
 * The heap in use is thread-local and switched by the server on entry to each callback,
 * so the data structures stay unaware of it. Sizes are accounted with sallocx (usable
 * size), the same figure jemalloc counts as allocated, so used_memory and
 * allocator_allocated agree.
 *
 * The defrag move allocates and frees with MALLOCX_TCACHE_NONE: a move through a thread
 * cache would hand the hole it just made straight back to the next allocation of that size.
 *
 * The Makefile links this file or alloc_libc.c (sanitizer builds, fuzzers): one interface,
 * ds/alloc.h, two implementations chosen at build time, never #ifdefs inside one file. */
#include "alloc.h"

#include <dirent.h>
#include <errno.h>
#include <jemalloc/jemalloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

struct vlHeap {
    unsigned arena;
    unsigned tcache;
    int flags;                /* MALLOCX_ARENA | MALLOCX_TCACHE */
    int free_flags;           /* MALLOCX_TCACHE */
    size_t used;              /* usable bytes of live blocks */
    size_t soft_limit;        /* allocHeapSetSoftLimit; 0 none */
    unsigned hint_margin_pct; /* see moveHint */
    struct binUse {
        size_t nonfull_used, nonfull_slabs; /* regions in use in, and count of, non-full slabs */
    } * bins; /* per bin of the arena, as of the last allocBinStatsRefresh */
    int bins_valid;
};

static _Thread_local vlHeap *cur_heap;
static _Thread_local size_t fallback_used; /* blocks made with no heap entered */

static void allocOom(size_t size) {
    fprintf(stderr, "valkey-lite: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

static inline size_t *usedCounter(void) {
    return cur_heap ? &cur_heap->used : &fallback_used;
}

void *vlMalloc(size_t size) {
    void *p = cur_heap ? mallocx(size ? size : 1, cur_heap->flags) : malloc(size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += sallocx(p, 0);
    return p;
}

void *vlCalloc(size_t size) {
    void *p = cur_heap ? mallocx(size ? size : 1, cur_heap->flags | MALLOCX_ZERO)
                       : calloc(1, size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += sallocx(p, 0);
    return p;
}

void *vlTryRealloc(void *ptr, size_t size) {
    if (size == 0) size = 1;
    if (!ptr) {
        void *p = cur_heap ? mallocx(size, cur_heap->flags) : malloc(size);
        if (p) *usedCounter() += sallocx(p, 0);
        return p;
    }
    size_t old = sallocx(ptr, 0);
    void *p = cur_heap ? rallocx(ptr, size, cur_heap->flags) : realloc(ptr, size);
    if (!p) return NULL;
    size_t *u = usedCounter();
    *u = *u - old + sallocx(p, 0);
    return p;
}

void *vlRealloc(void *ptr, size_t size) {
    void *p = vlTryRealloc(ptr, size);
    if (!p) allocOom(size);
    return p;
}

void vlFree(void *ptr) {
    if (!ptr) return;
    *usedCounter() -= sallocx(ptr, 0);
    if (cur_heap)
        dallocx(ptr, cur_heap->free_flags);
    else
        free(ptr);
}

size_t vlAllocSize(const void *ptr) {
    return sallocx((void *)ptr, 0);
}

vlHeap *allocHeapCreate(char *err, size_t errlen) {
    unsigned arena, tcache;
    size_t sz = sizeof(unsigned);
    if (mallctl("arenas.create", &arena, &sz, NULL, 0) != 0) {
        snprintf(err, errlen, "jemalloc: arenas.create failed");
        return NULL;
    }
    sz = sizeof(unsigned);
    if (mallctl("tcache.create", &tcache, &sz, NULL, 0) != 0) {
        snprintf(err, errlen, "jemalloc: tcache.create failed");
        return NULL;
    }
    /* The heap struct itself comes from the default allocator: it must outlive the arena. */
    vlHeap *h = calloc(1, sizeof(*h));
    if (!h) allocOom(sizeof(*h));
    h->arena = arena;
    h->tcache = tcache;
    h->flags = MALLOCX_ARENA(arena) | MALLOCX_TCACHE(tcache);
    h->free_flags = MALLOCX_TCACHE(tcache);
    h->hint_margin_pct = ALLOC_HINT_MARGIN_DEFAULT;
    return h;
}

void allocHeapDestroy(vlHeap *h) {
    if (!h) return;
    char name[64];
    mallctl("tcache.destroy", NULL, NULL, &h->tcache, sizeof(h->tcache));
    snprintf(name, sizeof(name), "arena.%u.destroy", h->arena);
    mallctl(name, NULL, NULL, NULL, 0);
    free(h->bins);
    free(h);
}

/* ------------------------------------------------------------- the move hint */

/* The bin map, read once from arenas.bin.* (Debian's jemalloc has quantum 16 and 36 bins;
 * nothing here assumes either), and the MIBs of the controls the hint reads per block or
 * per refresh, so no control name is parsed on the hot path (by name, mallctl's string
 * parsing was ~10% of a defrag pass in perf). */
typedef struct binGeom {
    size_t size, slab;
    uint32_t nregs;
} binGeom;

static struct {
    int ok;
    unsigned nbins;
    binGeom *bins;
    size_t query[3], querylen;
    size_t epoch[1], epochlen;
    size_t curregs[6], curslabs[6], nonfull[6], statlen; /* stats.arenas.<i>.bins.<j>.* */
} geo;
static pthread_once_t geo_once = PTHREAD_ONCE_INIT;

static int ctlU(const char *name, void *v, size_t want) {
    size_t sz = want;
    return mallctl(name, v, &sz, NULL, 0) == 0 && sz == want ? 0 : -1;
}

static void geoInit(void) {
    unsigned nb = 0;
    if (ctlU("arenas.nbins", &nb, sizeof(nb)) != 0 || nb == 0) return;
    binGeom *b = calloc(nb, sizeof(*b));
    if (!b) allocOom(nb * sizeof(*b));
    for (unsigned j = 0; j < nb; j++) {
        char name[64];
        snprintf(name, sizeof(name), "arenas.bin.%u.size", j);
        int r = ctlU(name, &b[j].size, sizeof(b[j].size));
        snprintf(name, sizeof(name), "arenas.bin.%u.nregs", j);
        r |= ctlU(name, &b[j].nregs, sizeof(b[j].nregs));
        snprintf(name, sizeof(name), "arenas.bin.%u.slab_size", j);
        r |= ctlU(name, &b[j].slab, sizeof(b[j].slab));
        if (r != 0 || (j > 0 && b[j].size <= b[j - 1].size)) {
            free(b);
            return;
        }
    }
    geo.querylen = 3;
    geo.epochlen = 1;
    geo.statlen = 6;
    size_t l1 = 6, l2 = 6;
    if (mallctlnametomib("experimental.utilization.query", geo.query, &geo.querylen) != 0 ||
        mallctlnametomib("epoch", geo.epoch, &geo.epochlen) != 0 ||
        mallctlnametomib("stats.arenas.0.bins.0.curregs", geo.curregs, &geo.statlen) != 0 ||
        mallctlnametomib("stats.arenas.0.bins.0.curslabs", geo.curslabs, &l1) != 0 ||
        mallctlnametomib("stats.arenas.0.bins.0.nonfull_slabs", geo.nonfull, &l2) != 0 ||
        geo.statlen != 6 || l1 != 6 || l2 != 6) {
        free(b);
        return;
    }
    geo.bins = b;
    geo.nbins = nb;
    geo.ok = 1;
}

static int geoReady(void) {
    pthread_once(&geo_once, geoInit);
    return geo.ok;
}

/* The bin of a small size class, or -1 for a large extent. */
static int binOf(size_t size) {
    int lo = 0, hi = (int)geo.nbins - 1;
    if (size > geo.bins[hi].size) return -1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (geo.bins[mid].size < size)
            lo = mid + 1;
        else
            hi = mid;
    }
    return geo.bins[lo].size == size ? lo : -1;
}

static void epochRefresh(void) {
    uint64_t e = 1;
    size_t sz = sizeof(e);
    if (geoReady())
        mallctlbymib(geo.epoch, geo.epochlen, &e, &sz, &e, sz);
    else
        mallctl("epoch", &e, &sz, &e, sz);
}

static size_t statRead(size_t *mib, unsigned arena, unsigned bin) {
    size_t v = 0, sz = sizeof(v);
    mib[2] = arena;
    mib[4] = bin;
    if (mallctlbymib(mib, geo.statlen, &v, &sz, NULL, 0) != 0) return 0;
    return v;
}

/* Per-bin use of the heap's arena after an epoch refresh: the regions in use and the slab
 * count of the non-full slabs. The slab being filled (slabcur) is in neither jemalloc's
 * full nor its non-full count; it is counted here as non-full, the hint never moves out of
 * it anyway. Costs 30-150 us (the epoch merges every arena's stats), so the engine calls it
 * at most every 5 ms and every 4096 blocks, never per block. */
void allocBinStatsRefresh(vlHeap *h) {
    epochRefresh();
    if (!h || !geoReady()) return;
    if (!h->bins) {
        h->bins = calloc(geo.nbins, sizeof(*h->bins));
        if (!h->bins) allocOom(geo.nbins * sizeof(*h->bins));
    }
    for (unsigned j = 0; j < geo.nbins; j++) {
        size_t curregs = statRead(geo.curregs, h->arena, j);
        size_t curslabs = statRead(geo.curslabs, h->arena, j);
        size_t nonfull = statRead(geo.nonfull, h->arena, j);
        size_t nregs = geo.bins[j].nregs, full = 0;
        if (curslabs > nonfull + 1) full = curslabs - nonfull - 1;
        size_t in_full = full * nregs;
        h->bins[j].nonfull_slabs = curslabs > full ? curslabs - full : 0;
        h->bins[j].nonfull_used = curregs > in_full ? curregs - in_full : 0;
    }
    h->bins_valid = 1;
}

typedef struct utilQuery {
    void *slabcur;
    size_t nfree, nregs, size, bin_nfree, bin_nregs;
} utilQuery;

static int utilQueryOf(const void *ptr, utilQuery *q) {
    size_t sz = sizeof(*q);
    const void *p = ptr;
    if (geoReady())
        return mallctlbymib(geo.query, geo.querylen, q, &sz, (void *)&p, sizeof(p)) == 0 ? 0 : -1;
    return mallctl("experimental.utilization.query", q, &sz, (void *)&p, sizeof(p)) == 0 ? 0 : -1;
}

/* Should this block (of usable size `size`) move? Never out of a full slab or the slab being
 * filled (moving would only refill the holes we leave). Always out of a slab under 1/8
 * used: it is nearly free and emptying it gives a whole slab back. Never out of a slab at
 * least 7/8 used: it is dense already, and moving its blocks is churn. In between, move when
 * the slab's use is at most hint_margin_pct percent of the average use of its bin's
 * non-full slabs (allocBinStatsRefresh). Full slabs are left out of the average: they are
 * never sources, and counting them made a half-emptied bin look denser than its
 * candidates are. Before any refresh, the bin's all-slab figure from the query stands in.
 *
 * The margin is above 100 because uniform deletes leave every slab of a bin at the average
 * (with the old all-slab average, 80-90% moved nothing and 100% stalled the keys scenario at
 * 1.21). With this non-full average, vl-fragbench, two rounds each (keys 1M, hash 500k,
 * pubsub 1M; passes / engine CPU s): margin 110: keys 3 / 1.5, hash 6 / 1.9;
 * 125: keys 3 / 1.85-2.10, hash 2 / 0.67-0.76, pubsub 66k moves / 1.24-1.29;
 * 150: keys 2 / 1.21-1.58, hash 2 / 0.69-0.79 (ending lower, 1.01 against 1.04),
 * pubsub 88k moves / 1.09-1.26. So 150. */
static int moveHint(vlHeap *h, const void *ptr, size_t size) {
    utilQuery q;
    if (utilQueryOf(ptr, &q) != 0) return 0;
    if (q.nregs <= 1 || q.nfree == 0) return 0; /* large extent or full slab */
    if (q.slabcur != NULL && (const char *)ptr >= (const char *)q.slabcur &&
        (const char *)ptr < (const char *)q.slabcur + q.size)
        return 0;
    size_t used = q.nregs - q.nfree;
    if (used * 8 < q.nregs) return 1;
    if (used * 8 >= q.nregs * 7) return 0;
    size_t avg_used, avg_slabs;
    int bin = h && h->bins_valid && geo.ok ? binOf(size) : -1;
    if (bin >= 0 && h->bins[bin].nonfull_slabs > 0) {
        avg_used = h->bins[bin].nonfull_used;
        avg_slabs = h->bins[bin].nonfull_slabs;
    } else {
        if (q.bin_nregs == 0) return 0;
        avg_used = q.bin_nregs - q.bin_nfree;
        avg_slabs = q.bin_nregs / q.nregs;
    }
    /* used <= margin/100 * avg_used/avg_slabs, in integers */
    return (__uint128_t)used * avg_slabs * 100 <=
           (__uint128_t)avg_used * (h ? h->hint_margin_pct : ALLOC_HINT_MARGIN_DEFAULT);
}

/* The move copies the whole usable size: callers may keep data past the size they asked
 * for (a string's spare capacity), and the new block has the same size class. */
void *allocMove(void *ptr, int force) {
    size_t size = sallocx(ptr, 0);
    if (!force && !moveHint(cur_heap, ptr, size)) return NULL;
    int flags = MALLOCX_TCACHE_NONE | (cur_heap ? MALLOCX_ARENA(cur_heap->arena) : 0);
    void *p = mallocx(size, flags);
    if (!p) allocOom(size);
    memcpy(p, ptr, size);
    dallocx(ptr, MALLOCX_TCACHE_NONE);
    return p;
}

/* DEBUG DEFRAG BINS: the bin map and the heap's per-bin figures of the last refresh. */
int allocBinCount(void) {
    return geoReady() ? (int)geo.nbins : 0;
}

int allocBinInfo(const vlHeap *h, int j, allocBin *out) {
    if (!geoReady() || j < 0 || (unsigned)j >= geo.nbins) return -1;
    memset(out, 0, sizeof(*out));
    out->size = geo.bins[j].size;
    out->nregs = geo.bins[j].nregs;
    out->slab_size = geo.bins[j].slab;
    if (h && h->bins_valid) {
        out->nonfull_slabs = h->bins[j].nonfull_slabs;
        out->nonfull_used = h->bins[j].nonfull_used;
        out->curregs = statRead(geo.curregs, h->arena, (unsigned)j);
        out->curslabs = statRead(geo.curslabs, h->arena, (unsigned)j);
    }
    return 0;
}

void allocSetHintMargin(vlHeap *h, unsigned pct) {
    if (h) h->hint_margin_pct = pct;
}

/* Dirty-page decay of the heap's arena: 0 returns pages as soon as a slab empties (defrag
 * sets it while it runs, so the madvise cost is spread over its bounded slices instead of
 * one big purge), -1 restores the process default. */
void allocSetDirtyDecay(vlHeap *h, long ms) {
    if (!h) return;
    char name[64];
    ssize_t v = ms;
    if (ms < 0) {
        size_t sz = sizeof(v);
        if (mallctl("opt.dirty_decay_ms", &v, &sz, NULL, 0) != 0) return;
    }
    snprintf(name, sizeof(name), "arena.%u.dirty_decay_ms", h->arena);
    mallctl(name, NULL, NULL, &v, sizeof(v));
}

/* Lets the arena purge what its decay curve says is due now. jemalloc otherwise decays only
 * on allocation ticks, so an idle server would keep freed pages resident indefinitely. */
void allocDecayTick(vlHeap *h) {
    if (!h) return;
    char name[64];
    snprintf(name, sizeof(name), "arena.%u.decay", h->arena);
    mallctl(name, NULL, NULL, NULL, 0);
}

/* Measured (vl-fragbench, 1M keys half deleted, dirty decay 0): a 20 KB madvise normally
 * costs 12-20 us, but about one in 300 took 350-550 us, almost all of it in the TLB
 * shootdown IPI to the other core (smp_call_function_many_cond under flush_tlb_mm_range, a
 * kernel profile of the server). On the background thread that wait is not the loop's. */
int allocSetBackgroundPurge(int on) {
    bool v = on != 0;
    mallctl("background_thread", NULL, NULL, &v, sizeof(v));
    allocBackgroundLowPriority();
    return allocBackgroundPurge();
}

/* The purge threads are background work: at nice 0 on a two-core machine they took the core
 * from whatever else ran there (a client waiting for its reply: the defrag probe's p99 went
 * from 0.50 to 1.06 ms, the scheduler's wakeup granularity). At 19 the probe's p99 stayed at
 * 0.49-0.50 ms and the threads still purged 100 MB within the run (10-20 ms of CPU). jemalloc
 * starts them lazily, so defrag calls this again when a run starts. */
void allocBackgroundLowPriority(void) {
#ifdef __linux__
    DIR *dir = opendir("/proc/self/task");
    if (!dir) return;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[300], comm[32] = "";
        snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        if (!fgets(comm, sizeof(comm), f)) comm[0] = '\0';
        fclose(f);
        if (strncmp(comm, "jemalloc_bg_thd", 15) != 0) continue;
        id_t tid = (id_t)strtoul(de->d_name, NULL, 10);
        errno = 0;
        if (getpriority(PRIO_PROCESS, tid) < 19 && errno == 0) setpriority(PRIO_PROCESS, tid, 19);
    }
    closedir(dir);
#endif
}

int allocBackgroundPurge(void) {
    bool v = false;
    size_t sz = sizeof(v);
    if (mallctl("background_thread", &v, &sz, NULL, 0) != 0) return 0;
    return v;
}

int allocBlockInfo(const void *ptr, size_t *size, size_t *nregs, size_t *slab_bytes) {
    utilQuery q;
    *size = sallocx((void *)ptr, 0);
    if (utilQueryOf(ptr, &q) != 0) return -1;
    *nregs = q.nregs;
    *slab_bytes = q.size;
    return 0;
}

static size_t ctlSize(const char *name) {
    size_t v = 0, sz = sizeof(v);
    if (mallctl(name, &v, &sz, NULL, 0) != 0) return 0;
    return v;
}

void allocGetStats(const vlHeap *h, allocStats *st) {
    char name[96];
    memset(st, 0, sizeof(*st));
    epochRefresh();
    size_t page = ctlSize("arenas.page");
    if (!h) {
        st->allocated = ctlSize("stats.allocated");
        st->active = ctlSize("stats.active");
        st->resident = ctlSize("stats.resident");
        st->mapped = ctlSize("stats.mapped");
        st->retained = ctlSize("stats.retained");
        return;
    }
    unsigned a = h->arena;
#define ARENA_STAT(field) (snprintf(name, sizeof(name), "stats.arenas.%u." field, a), ctlSize(name))
    st->small_allocated = ARENA_STAT("small.allocated");
    st->large_allocated = ARENA_STAT("large.allocated");
    st->allocated = st->small_allocated + st->large_allocated;
    st->active = ARENA_STAT("pactive") * page;
    st->dirty = ARENA_STAT("pdirty") * page;
    st->muzzy = ARENA_STAT("pmuzzy") * page;
    st->resident = ARENA_STAT("resident");
    st->mapped = ARENA_STAT("mapped");
    st->retained = ARENA_STAT("retained");
#undef ARENA_STAT
}

void allocPurge(vlHeap *h) {
    char name[64];
    if (h) {
        mallctl("tcache.flush", NULL, NULL, &h->tcache, sizeof(h->tcache));
        snprintf(name, sizeof(name), "arena.%u.purge", h->arena);
    } else {
        snprintf(name, sizeof(name), "arena.%u.purge", 4096u /* MALLCTL_ARENAS_ALL */);
    }
    mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
    /* With jemalloc's background thread on, arena.<i>.purge returns at once, purging
     * nothing, while that thread is inside a decay step of the same arena (its "purging"
     * flag). Found by the FLUSHALL scenario in the 20-run defrag loop: 61 MB stayed resident
     * once in 10 runs. So purge, look, and purge again until no dirty page is left; the
     * thread's step takes a few ms at most (bounded here: 400 tries, 50 us apart). */
    unsigned a = h ? h->arena : 4096u;
    char dirty[64];
    snprintf(dirty, sizeof(dirty), "stats.arenas.%u.pdirty", a);
    for (int tries = 0; tries < 400; tries++) {
        mallctl(name, NULL, NULL, NULL, 0);
        epochRefresh();
        if (ctlSize(dirty) == 0) break;
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
}

const char *allocName(void) {
    return "jemalloc-5.3.0";
}

/* Generic mallctl access for DEBUG MALLCTL: read (and optionally write) a numeric
 * control whose size is 1, 4 or 8 bytes, or a string control. */
int allocCtl(const char *name, long long *oldv, const long long *newv) {
    /* mallctl wants the control's exact size: try 8, 4 and 1 bytes (size_t/uint64_t,
     * unsigned, bool), as Redis's DEBUG MALLCTL does */
    static const size_t sizes[] = {8, 4, 1};
    size_t sz = 0;
    uint64_t v64 = 0;
    int found = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !found; i++) {
        sz = sizes[i];
        v64 = 0;
        found = mallctl(name, &v64, &sz, NULL, 0) == 0;
    }
    if (!found) return -1;
    long long old;
    if (sz == 1) {
        uint8_t v8;
        memcpy(&v8, &v64, 1);
        old = v8;
    } else if (sz == 4) {
        uint32_t v32;
        memcpy(&v32, &v64, 4);
        old = v32;
    } else {
        old = (long long)v64;
    }
    if (newv) {
        uint64_t nv = (uint64_t)*newv;
        uint32_t n32 = (uint32_t)*newv;
        uint8_t n8 = (uint8_t)*newv;
        void *np = sz == 1 ? (void *)&n8 : sz == 4 ? (void *)&n32 : (void *)&nv;
        if (mallctl(name, NULL, NULL, np, sz) != 0) return -1;
    }
    *oldv = old;
    return 0;
}

int allocCtlStr(const char *name, const char **oldv, const char *newv) {
    const char *v = NULL;
    size_t sz = sizeof(v);
    if (mallctl(name, &v, &sz, NULL, 0) != 0 || sz != sizeof(v)) return -1;
    if (newv && mallctl(name, NULL, NULL, &newv, sizeof(newv)) != 0) return -1;
    *oldv = v;
    return 0;
}

void allocMallocStats(void (*write)(void *ctx, const char *s), void *ctx) {
    malloc_stats_print((void (*)(void *, const char *))write, ctx, NULL);
}

vlHeap *allocHeapEnter(vlHeap *h) {
    vlHeap *prev = cur_heap;
    cur_heap = h;
    return prev;
}

void allocHeapLeave(vlHeap *prev) {
    cur_heap = prev;
}

size_t allocHeapUsed(const vlHeap *h) {
    return h ? h->used : fallback_used;
}

void allocHeapSetSoftLimit(vlHeap *h, size_t limit) {
    if (h) h->soft_limit = limit;
}

int allocOverLimitAfter(size_t more) {
    const vlHeap *h = cur_heap;
    return h && h->soft_limit && (h->used > h->soft_limit || more > h->soft_limit - h->used);
}
