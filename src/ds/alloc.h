/* alloc.h - the allocator layer (pure tier interface).
 *
 * Every heap block the server owns goes through these functions. Blocks come from a
 * vlHeap: a private jemalloc arena with its own thread cache and a byte counter, so that
 * used_memory and the fragmentation figures describe one server's data and nothing else
 * (two servers in one process each have their own heap). The heap in use is a per-thread
 * "current heap" that the server switches on entry to each of its callbacks (allocHeapEnter /
 * allocHeapLeave); data structures never see it. With no heap entered, blocks come from the
 * process's default allocator and are counted in a process-wide fallback counter.
 *
 * Rejected: passing a heap to every data-structure call (noise on every line for one fact
 * that never changes inside a callback), and a process-global arena (two servers would mix
 * their figures). Two implementations, chosen by the Makefile: alloc_jemalloc.c (the only
 * file that includes jemalloc) and alloc_libc.c (sanitizer builds, fuzzers). */
#ifndef VL_ALLOC_H
#define VL_ALLOC_H

#include <stddef.h>
#include <stdint.h>

typedef struct vlHeap vlHeap;

/* Allocation. Failure to allocate is fatal (logged, then abort), as in Redis: callers never
 * see NULL. vlFree(NULL) is a no-op. */
void *vlMalloc(size_t size);
void *vlCalloc(size_t size);
void *vlRealloc(void *ptr, size_t size);
/* The one exception: buffers whose size a client chooses (the query buffer) grow with this,
 * which returns NULL and leaves ptr alone when memory cannot be had, so that the client is
 * closed instead of the process. */
void *vlTryRealloc(void *ptr, size_t size);
void vlFree(void *ptr);
size_t vlAllocSize(const void *ptr);       /* usable size of a live block */
char *vlStrdup(const char *s);             /* owned copy of a C string */
void *vlMemdup(const void *p, size_t len); /* owned copy of len bytes */

/* Heaps. allocHeapCreate returns NULL with a reason in err when no arena can be made. */
vlHeap *allocHeapCreate(char *err, size_t errlen);
void allocHeapDestroy(vlHeap *h);      /* the heap must be empty of live blocks the caller needs */
vlHeap *allocHeapEnter(vlHeap *h);     /* make h current; returns the previous current heap */
void allocHeapLeave(vlHeap *prev);     /* restore what allocHeapEnter returned */
size_t allocHeapUsed(const vlHeap *h); /* bytes in live blocks (usable sizes) */
/* A soft limit on a heap's used bytes (0: none; the server sets it from maxmemory). It refuses
 * nothing by itself: growth that can wait, a hash table doubling, asks allocOverLimitAfter
 * first, so that one add does not push memory tens of KB past the limit and make eviction
 * delete keys to pay for an emptier table. */
void allocHeapSetSoftLimit(vlHeap *h, size_t limit);
int allocOverLimitAfter(size_t more); /* 1: the current heap would pass its soft limit */

/* Defrag support. allocMove returns a copy of ptr in a fresh block (old block freed, both
 * without the thread cache, so the old hole is not handed straight back), or NULL when the
 * block should stay (the hint says no and force is 0): see moveHint in alloc.c. */
void *allocMove(void *ptr, int force);
/* Epoch refresh + the heap's per-bin use of non-full slabs, which the hint compares a slab
 * with. 30-150 us: call it every few ms, not per block. */
void allocBinStatsRefresh(vlHeap *h);
/* The bin map (read from arenas.bin.* at first use) and the per-bin figures of the last
 * refresh, for DEBUG DEFRAG BINS. allocBinInfo returns -1 past the last bin or under libc. */
typedef struct allocBin {
    size_t size, nregs, slab_size;      /* geometry */
    size_t curregs, curslabs;           /* jemalloc's bin stats at the last refresh */
    size_t nonfull_used, nonfull_slabs; /* what the hint averages over */
} allocBin;
int allocBinCount(void);
int allocBinInfo(const vlHeap *h, int j, allocBin *out);
/* The hint moves a block when its slab's use is at most pct percent of the average use of
 * its bin's non-full slabs. */
#define ALLOC_HINT_MARGIN_DEFAULT 150
void allocSetHintMargin(vlHeap *h, unsigned pct); /* per heap: DEBUG DEFRAG MARGIN */
/* Geometry of a live block: usable size, regions in its slab (1 for a large extent), slab
 * bytes. -1 when the allocator cannot tell (libc). For tests that derive expectations. */
int allocBlockInfo(const void *ptr, size_t *size, size_t *nregs, size_t *slab_bytes);

/* Whole-allocator figures for INFO, computed when asked. */
typedef struct allocStats {
    size_t allocated, active, resident, mapped, retained, dirty, muzzy; /* bytes */
    size_t small_allocated, large_allocated;
} allocStats;
void allocGetStats(const vlHeap *h, allocStats *st);
void allocPurge(vlHeap *h); /* flush the thread cache, return dirty pages to the OS */
void allocSetDirtyDecay(vlHeap *h, long ms); /* 0: purge as slabs empty; -1: default */
void allocDecayTick(vlHeap *h);              /* purge what the decay curve says is due now */
/* jemalloc's background purge threads, process-wide (Redis's jemalloc-bg-thread): with them
 * on, the madvise of freed pages runs off the event loop. Returns the state now in force. */
int allocSetBackgroundPurge(int on);
int allocBackgroundPurge(void);
void allocBackgroundLowPriority(void); /* renice the purge threads to 19 (Linux only) */
const char *allocName(void);           /* "jemalloc-5.3.0" or "libc" */

/* mallctl access for DEBUG MALLCTL / MALLCTL-STR (-1: no such control or not writable),
 * and MEMORY MALLOC-STATS. */
int allocCtl(const char *name, long long *oldv, const long long *newv);
int allocCtlStr(const char *name, const char **oldv, const char *newv);
void allocMallocStats(void (*write)(void *ctx, const char *s), void *ctx);

#endif
