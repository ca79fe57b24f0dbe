/* dict.h - intrusive chained hash table with incremental rehash, a scan cursor that survives
 * resizes, and a defrag hook (pure tier).
 *
 * An entry is a user block whose FIRST member is a dictLink; the block holds its own key and
 * the dict reads it through dictType.entryKey. The dict never allocates per entry, and only
 * frees entries in dictEmpty/dictRelease (through entryFree). See dict.c for the design. */
#ifndef VL_DICT_H
#define VL_DICT_H

#include <stddef.h>
#include <stdint.h>

typedef struct dictLink {
    struct dictLink *next;
} dictLink;

typedef struct dictType {
    /* Borrowed key bytes of an entry; *len receives the length. Required. */
    const void *(*entryKey)(const dictLink *e, size_t *len);
    /* NULL: dictHashDefault (siphash-1-2 with the process seed). */
    uint64_t (*hash)(const void *key, size_t len);
    /* NULL: equal length and memcmp. Returns 1 if equal. */
    int (*keyCompare)(const void *k1, size_t l1, const void *k2, size_t l2);
    /* NULL: the dict never frees entries (dictEmpty/dictRelease only drop them). */
    void (*entryFree)(dictLink *e);
} dictType;

/* Visible so that it can be embedded and its size checked; treat the fields as private. */
typedef struct dict {
    const dictType *type;
    dictLink **table[2]; /* [1] exists only while rehashing */
    size_t used[2];
    long rehashidx;      /* next bucket of table[0] to move; -1 when not rehashing */
    int32_t pauserehash; /* > 0: safe iterators or a scan are running, no rehash steps */
    int8_t exp[2];       /* log2 of the bucket count; -1 for no table */
    uint8_t resize_allowed;
} dict;

/* Process-wide hash seed for dictHashDefault/dictHashNoCase: set once at startup, before any
 * dict holds entries (changing it later makes existing entries unfindable). */
void dictSetHashSeed(const uint8_t seed[16]);
uint64_t dictHashDefault(const void *key, size_t len);
uint64_t dictHashNoCase(const void *key, size_t len); /* ASCII case folding */
int dictKeyCompareNoCase(const void *k1, size_t l1, const void *k2, size_t l2);

/* Returns an owned, empty dict (no table until the first add). type is borrowed and must
 * outlive the dict. */
dict *dictCreate(const dictType *type);
/* Frees every entry (entryFree), the tables and the dict. */
void dictRelease(dict *d);
/* Frees every entry and the tables, keeps the dict usable. progress(ctx), when not NULL, is
 * called every 65536 buckets so a long flush can keep serving its event loop. */
void dictEmpty(dict *d, void (*progress)(void *ctx), void *ctx);

size_t dictSize(const dict *d);
size_t dictBuckets(const dict *d); /* total slots of both tables */

/* Borrowed entry with that key, or NULL. Performs one rehash step when rehashing. */
dictLink *dictFind(dict *d, const void *key, size_t len);
/* The link that points at the entry with that key (a bucket slot or the previous entry's
 * next), or NULL. Valid only until the next call on this dict. Replacing the entry is then
 * "new->next = (*ref)->next; *ref = new": one hash and one chain walk for a find-and-swap. */
dictLink **dictFindRef(dict *d, const void *key, size_t len);
/* Inserts e (the dict now links it; the caller still owns the block's memory until it is
 * unlinked or freed by dictEmpty/dictRelease). VL_ERR if the key exists: e not added. */
int dictAdd(dict *d, dictLink *e);
/* Inserts e without a lookup: the caller guarantees that its key is absent. */
void dictAddNew(dict *d, dictLink *e);
/* Removes the entry with that key and returns it (now owned by the caller), or NULL. */
dictLink *dictUnlink(dict *d, const void *key, size_t len);
/* Puts new_ in old's place, same key, no rehash. old is found by address and NEVER
 * dereferenced, so it may already be freed (after vlRealloc or a defrag move). new_->next
 * must hold old's link: true for realloc and byte copies; a freshly built block must copy it
 * (new_->next = old->next) before old is freed. VL_ERR if old is not in the dict. */
int dictReplace(dict *d, dictLink *old, dictLink *new_);

/* A random entry (random non-empty bucket, then a random entry of its chain), NULL if
 * empty. Fair enough for RANDOMKEY and eviction, not uniform. */
dictLink *dictRandom(dict *d);
/* Writes up to count borrowed entries, taken from consecutive buckets at a random spot, into
 * out; returns how many. May return fewer than count (and duplicates are not produced). */
size_t dictSample(dict *d, dictLink **out, size_t count);

/* Reverse-binary cursor scan, as Redis's: start with 0, call again with the returned cursor
 * until it returns 0. Every entry present for the whole scan is returned at least once, also
 * across grows, shrinks and incremental rehash between calls; some may be returned twice.
 * fn may unlink (and free) the entry it was handed, nothing else; rehashing is paused during
 * the call. */
unsigned long dictScan(dict *d, unsigned long cursor, void (*fn)(void *ctx, dictLink *e),
                       void *ctx);

/* Safe iterator: pauses rehashing from the first dictIterNext until dictIterRelease. The
 * entry just returned may be unlinked and freed; entries added meanwhile may or may not be
 * returned. dictIterRelease is required once dictIterNext has been called. */
typedef struct dictIter {
    dict *d;
    dictLink *next;
    size_t index;
    int table;
    int started;
} dictIter;
void dictIterInit(dictIter *it, dict *d);
dictLink *dictIterNext(dictIter *it);
void dictIterRelease(dictIter *it);

/* n bucket moves (visiting at most n*10 empty buckets). Returns 1 if more remains, 0 when
 * done, not rehashing, or paused (nothing done; try again later). */
int dictRehashSteps(dict *d, int n);
/* Rehashes in batches of 100 steps for about us microseconds; same return as above. */
int dictRehashMicros(dict *d, uint64_t us);
int dictIsRehashing(const dict *d);
/* allowed = 0 (a fork-like period): grow only past 4 entries per bucket, never shrink. */
void dictResizeAllowed(dict *d, int allowed);
/* Starts a shrink when used < buckets/8; returns 1 if one was started. For the cron. */
int dictShrinkIfNeeded(dict *d);
size_t dictMemUsage(const dict *d); /* struct + bucket arrays, not entries */
/* Slots and elements of table t (0 main, 1 rehashing target; 0 and 0 when absent). */
void dictTableStats(const dict *d, int t, size_t *size, size_t *used);

/* Defrag a part of the table, with dictScan's cursor semantics (start at 0, done when 0 comes
 * back). At cursor 0, moveTable(table, ctx) is offered each bucket array: it returns the new
 * address (contents copied, old freed) or NULL to keep it. For each visited entry,
 * move(e, ctx) returns the new address of a byte copy (old freed) or NULL; the dict stores the
 * new pointer through the predecessor it holds, without a lookup. Neither callback may touch
 * the dict. */
unsigned long dictDefragStep(dict *d, unsigned long cursor,
                             dictLink *(*move)(dictLink *e, void *ctx),
                             void *(*moveTable)(void *table, void *ctx), void *ctx);

#endif
