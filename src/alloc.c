/* alloc.c - the only file that includes jemalloc.
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
 * Under a sanitizer (VL_LIBC_MALLOC) the heap is libc's: no arenas, no hint (only forced
 * moves), which is exactly what AddressSanitizer needs to catch a use after a move. */
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#ifndef VL_LIBC_MALLOC
#include <dirent.h>
#include <errno.h>
#include <jemalloc/jemalloc.h>
#include <stdbool.h>
#include <sys/resource.h>
#else
#include <malloc.h>
#endif

struct vlHeap {
    unsigned arena;
    unsigned tcache;
    int flags;      /* MALLOCX_ARENA | MALLOCX_TCACHE, 0 under libc */
    int free_flags; /* MALLOCX_TCACHE */
    size_t used;    /* usable bytes of live blocks */
};

static _Thread_local vlHeap *cur_heap;
static _Thread_local size_t fallback_used; /* blocks made with no heap entered */
static long fail_after = -1;
static unsigned hint_margin_pct = 125; /* see allocMoveHint */

static void allocOom(size_t size) {
    fprintf(stderr, "valkey-lite: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

static inline size_t *usedCounter(void) {
    return cur_heap ? &cur_heap->used : &fallback_used;
}

static inline void failHook(size_t size) {
    if (fail_after >= 0 && fail_after-- == 0) allocOom(size);
}

#ifndef VL_LIBC_MALLOC

void *vlMalloc(size_t size) {
    failHook(size);
    void *p = cur_heap ? mallocx(size ? size : 1, cur_heap->flags) : malloc(size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += sallocx(p, 0);
    return p;
}

void *vlCalloc(size_t size) {
    failHook(size);
    void *p = cur_heap ? mallocx(size ? size : 1, cur_heap->flags | MALLOCX_ZERO)
                       : calloc(1, size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += sallocx(p, 0);
    return p;
}

void *vlRealloc(void *ptr, size_t size) {
    if (!ptr) return vlMalloc(size);
    failHook(size);
    size_t old = sallocx(ptr, 0);
    void *p =
        cur_heap ? rallocx(ptr, size ? size : 1, cur_heap->flags) : realloc(ptr, size ? size : 1);
    if (!p) allocOom(size);
    size_t *u = usedCounter();
    *u = *u - old + sallocx(p, 0);
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
    return h;
}

void allocHeapDestroy(vlHeap *h) {
    if (!h) return;
    char name[64];
    mallctl("tcache.destroy", NULL, NULL, &h->tcache, sizeof(h->tcache));
    snprintf(name, sizeof(name), "arena.%u.destroy", h->arena);
    mallctl(name, NULL, NULL, NULL, 0);
    free(h);
}

/* The move copies the whole usable size: callers may keep data past the size they asked
 * for (a string's spare capacity), and the new block has the same size class. */
void *allocMove(void *ptr, int force) {
    if (!force && !allocMoveHint(ptr)) return NULL;
    size_t size = sallocx(ptr, 0);
    int flags = MALLOCX_TCACHE_NONE | (cur_heap ? MALLOCX_ARENA(cur_heap->arena) : 0);
    void *p = mallocx(size, flags);
    if (!p) allocOom(size);
    memcpy(p, ptr, size);
    dallocx(ptr, MALLOCX_TCACHE_NONE);
    return p;
}

typedef struct {
    void *slabcur;
    size_t nfree, nregs, size, bin_nfree, bin_nregs;
} utilQuery;

/* Should this block move? Never out of a full slab or the slab being filled (moving would
 * only refill the holes we leave). Always out of a slab under 1/8 used: it is nearly free and
 * emptying it gives a whole slab back. Never out of a slab at least 7/8 used: it is dense
 * already, and moving its blocks is churn. In between, move when the slab's use is at most
 * hint_margin_pct (125) percent of the bin's average use.
 *
 * Why above the average and not below it (measured, 400k keys of 150 B, every other key
 * deleted, passes until one moves < 1000 blocks): the deletes leave every slab of a bin at
 * the same use, so the average is the use of every slab and a few odd slabs pull it just
 * below. Margin 80% or 90%: 1.91 -> 1.91 (nothing moves). 100%: 1.91 -> 1.21, stalled, the
 * object bin untouched. 110%: 1.00 in 2 passes, 277,609 moves; 125%: 1.00, 2 passes, 276,634
 * moves; 150%: 1.00, 277,222 moves. 125% also covers two standard deviations of the spread
 * that random deletes leave in a 32-region slab (the 640-byte bin of list chunks). The bin
 * figures come straight from the query (jemalloc keeps them current), so no epoch refresh is
 * needed per block. */
int allocMoveHint(const void *ptr) {
    utilQuery q;
    size_t sz = sizeof(q);
    const void *p = ptr;
    if (mallctl("experimental.utilization.query", &q, &sz, (void *)&p, sizeof(p)) != 0) return 0;
    if (q.nregs <= 1 || q.nfree == 0) return 0; /* large extent or full slab */
    if (q.slabcur != NULL && (const char *)ptr >= (const char *)q.slabcur &&
        (const char *)ptr < (const char *)q.slabcur + q.size)
        return 0;
    size_t used = q.nregs - q.nfree;
    if (used * 8 < q.nregs) return 1;
    if (used * 8 >= q.nregs * 7 || q.bin_nregs == 0) return 0;
    size_t bin_used = q.bin_nregs - q.bin_nfree;
    /* used/nregs <= margin/100 * bin_used/bin_nregs, in integers */
    return (__uint128_t)used * q.bin_nregs * 100 <=
           (__uint128_t)bin_used * q.nregs * hint_margin_pct;
}

void allocSetHintMargin(unsigned pct) {
    hint_margin_pct = pct;
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
    size_t sz = sizeof(q);
    const void *p = ptr;
    *size = sallocx((void *)ptr, 0);
    if (mallctl("experimental.utilization.query", &q, &sz, (void *)&p, sizeof(p)) != 0) return -1;
    *nregs = q.nregs;
    *slab_bytes = q.size;
    return 0;
}

unsigned allocGetHintMargin(void) {
    return hint_margin_pct;
}

void allocRefreshBinStats(void) {
    uint64_t epoch = 1;
    size_t sz = sizeof(epoch);
    mallctl("epoch", &epoch, &sz, &epoch, sz);
}

static size_t ctlSize(const char *name) {
    size_t v = 0, sz = sizeof(v);
    if (mallctl(name, &v, &sz, NULL, 0) != 0) return 0;
    return v;
}

void allocGetStats(const vlHeap *h, allocStats *st) {
    char name[96];
    memset(st, 0, sizeof(*st));
    allocRefreshBinStats();
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
        allocRefreshBinStats();
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
    size_t sz = 8;
    uint64_t v64 = 0;
    if (mallctl(name, &v64, &sz, NULL, 0) != 0) return -1;
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

#else /* VL_LIBC_MALLOC */

void *vlMalloc(size_t size) {
    failHook(size);
    void *p = malloc(size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += malloc_usable_size(p);
    return p;
}

void *vlCalloc(size_t size) {
    failHook(size);
    void *p = calloc(1, size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += malloc_usable_size(p);
    return p;
}

void *vlRealloc(void *ptr, size_t size) {
    if (!ptr) return vlMalloc(size);
    failHook(size);
    size_t old = malloc_usable_size(ptr);
    void *p = realloc(ptr, size ? size : 1);
    if (!p) allocOom(size);
    size_t *u = usedCounter();
    *u = *u - old + malloc_usable_size(p);
    return p;
}

void vlFree(void *ptr) {
    if (!ptr) return;
    *usedCounter() -= malloc_usable_size(ptr);
    free(ptr);
}

size_t vlAllocSize(const void *ptr) {
    return malloc_usable_size((void *)ptr);
}

vlHeap *allocHeapCreate(char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    vlHeap *h = calloc(1, sizeof(*h));
    if (!h) allocOom(sizeof(*h));
    return h;
}

void allocHeapDestroy(vlHeap *h) {
    free(h);
}

/* Under libc only forced moves happen; the copy is of the usable size, as above. The new
 * block is allocated before the old one is freed, so the address always changes and a
 * stale pointer is a use-after-free that ASan reports. */
void *allocMove(void *ptr, int force) {
    if (!force) return NULL;
    size_t size = malloc_usable_size(ptr);
    void *p = malloc(size);
    if (!p) allocOom(size);
    memcpy(p, ptr, size);
    size_t *u = usedCounter();
    *u = *u - size + malloc_usable_size(p); /* libc may round the copy differently */
    free(ptr);
    return p;
}

int allocMoveHint(const void *ptr) {
    (void)ptr;
    return 0;
}

void allocSetHintMargin(unsigned pct) {
    hint_margin_pct = pct;
}

unsigned allocGetHintMargin(void) {
    return hint_margin_pct;
}

void allocSetDirtyDecay(vlHeap *h, long ms) {
    (void)h;
    (void)ms;
}

void allocDecayTick(vlHeap *h) {
    (void)h;
}

int allocSetBackgroundPurge(int on) {
    (void)on;
    return 0;
}

int allocBackgroundPurge(void) {
    return 0;
}

void allocBackgroundLowPriority(void) {}

int allocBlockInfo(const void *ptr, size_t *size, size_t *nregs, size_t *slab_bytes) {
    *size = malloc_usable_size((void *)ptr);
    *nregs = 1;
    *slab_bytes = *size;
    return -1;
}

void allocRefreshBinStats(void) {}

void allocGetStats(const vlHeap *h, allocStats *st) {
    memset(st, 0, sizeof(*st));
    size_t used = h ? h->used : fallback_used;
    st->allocated = st->active = st->resident = st->small_allocated = used;
}

void allocPurge(vlHeap *h) {
    (void)h;
    malloc_trim(0);
}

const char *allocName(void) {
    return "libc";
}

int allocCtl(const char *name, long long *oldv, const long long *newv) {
    (void)name;
    (void)oldv;
    (void)newv;
    return -1;
}

int allocCtlStr(const char *name, const char **oldv, const char *newv) {
    (void)name;
    (void)oldv;
    (void)newv;
    return -1;
}

void allocMallocStats(void (*write)(void *ctx, const char *s), void *ctx) {
    write(ctx, "Stats not supported for the libc allocator\n");
}

#endif /* VL_LIBC_MALLOC */

char *vlStrdup(const char *s) {
    return vlMemdup(s, strlen(s) + 1);
}

void *vlMemdup(const void *p, size_t len) {
    void *d = vlMalloc(len);
    memcpy(d, p, len);
    return d;
}

vlHeap *allocHeapEnter(vlHeap *h) {
    vlHeap *prev = cur_heap;
    cur_heap = h;
    return prev;
}

void allocHeapLeave(vlHeap *prev) {
    cur_heap = prev;
}

vlHeap *allocHeapCurrent(void) {
    return cur_heap;
}

size_t allocHeapUsed(const vlHeap *h) {
    return h ? h->used : fallback_used;
}

void allocFailAfter(long n) {
    fail_after = n;
}
