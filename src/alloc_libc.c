/* alloc_libc.c - the allocator layer on libc malloc, for sanitizer builds and fuzzers.
 *
 * The heap is libc's: no arenas, no defrag hint (only forced moves, which is exactly what
 * AddressSanitizer needs to catch a use after a move), no allocator statistics beyond the
 * byte counter. Sizes are accounted with malloc_usable_size, so used_memory still means the
 * bytes of live blocks. The Makefile links this file or alloc_jemalloc.c. */
#include "alloc.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vlHeap {
    size_t used;       /* usable bytes of live blocks */
    size_t soft_limit; /* allocHeapSetSoftLimit; 0 none */
    unsigned hint_margin_pct;
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
    void *p = malloc(size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += malloc_usable_size(p);
    return p;
}

void *vlCalloc(size_t size) {
    void *p = calloc(1, size ? size : 1);
    if (!p) allocOom(size);
    *usedCounter() += malloc_usable_size(p);
    return p;
}

void *vlTryRealloc(void *ptr, size_t size) {
    size_t old = ptr ? malloc_usable_size(ptr) : 0;
    void *p = realloc(ptr, size ? size : 1);
    if (!p) return NULL;
    size_t *u = usedCounter();
    *u = *u - old + malloc_usable_size(p);
    return p;
}

void *vlRealloc(void *ptr, size_t size) {
    void *p = vlTryRealloc(ptr, size);
    if (!p) allocOom(size);
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
    h->hint_margin_pct = ALLOC_HINT_MARGIN_DEFAULT;
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

void allocSetHintMargin(vlHeap *h, unsigned pct) {
    if (h) h->hint_margin_pct = pct;
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

void allocBinStatsRefresh(vlHeap *h) {
    (void)h;
}

int allocBinCount(void) {
    return 0;
}

int allocBinInfo(const vlHeap *h, int j, allocBin *out) {
    (void)h;
    (void)j;
    (void)out;
    return -1;
}

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
