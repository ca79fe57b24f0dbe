/* plist.h - the list encoding: a doubly linked list of chunks, each chunk one heap block
 * holding a small header and a packed buffer of entries (strings or compact integers).
 * Pure tier: allocates only through alloc.h, knows nothing of the server. See plist.c for
 * the layout and the design decision. */
#ifndef VL_PLIST_H
#define VL_PLIST_H

#include <stddef.h>

typedef struct plist plist;

/* One element as read from the list. Borrowed: str points into a chunk and stays valid only
 * until the next change of the list (any push, delete, replace, insert or defrag step).
 * When isint is set the element was stored as an integer: str is NULL and ival holds it;
 * otherwise str/len hold the bytes and ival is 0. */
typedef struct plistEntry {
    const unsigned char *str;
    size_t len;
    long long ival;
    int isint;
} plistEntry;

#define PLIST_HEAD 0
#define PLIST_TAIL 1

/* Largest element the list accepts (chunk offsets are 32-bit). Callers must reject bigger
 * values before pushing (the server's proto-max-bulk-len is far below); a bigger push is a
 * fatal error, like running out of memory. */
#define PLIST_MAX_ENTRY ((size_t)0xFFFFFFFFu - 64)

/* fill has list-max-listpack-size semantics: -1..-5 cap each chunk block at 4/8/16/32/64 KB
 * (header included); a positive value caps the entries per chunk (at most 32767), with an
 * 8 KB safety cap on the block as well. Values below -5 act as -5, 0 acts as 1. An element
 * too big for the byte cap gets a chunk of its own. plistSetFill applies to later changes
 * only: existing chunks keep their shape. */
plist *plistCreate(int fill);
void plistSetFill(plist *pl, int fill);
void plistRelease(plist *pl); /* frees every chunk and the struct */

size_t plistLen(const plist *pl);
size_t plistChunkCount(const plist *pl);
/* Exact heap footprint: vlAllocSize of every chunk block plus the struct. O(1). */
size_t plistMemUsage(const plist *pl);

/* Appends (PLIST_TAIL) or prepends (PLIST_HEAD) a copy of s[0..len). A string that is the
 * exact decimal form of a long long ("123", "-5"; not "0123", "+1", "-0") is stored as an
 * integer and reads back with isint set; its string form (plistEntryToStr) is identical. */
void plistPush(plist *pl, const void *s, size_t len, int where);

/* Removes the head or tail element. Strings come back as an owned copy in *s (vlMalloc'd,
 * the caller vlFrees it; a zero-length string still gets a block), integers as *s = NULL
 * and *ival. Returns 0 when the list is empty. For a reply without a copy, read the end with
 * plistIndex and then plistDelRange(pl, 0 or -1, 1). */
int plistPop(plist *pl, int where, unsigned char **s, size_t *len, long long *ival);

/* Element at idx (negative counts from the tail, -1 is the last). Returns 0 when out of
 * range. Walks chunk headers by count from the nearer end of the list, then entries from the
 * nearer end of the chunk. */
int plistIndex(plist *pl, long long idx, plistEntry *out);

/* Replaces the element at idx with a copy of s[0..len). Returns 0 when out of range. */
int plistReplaceAt(plist *pl, long long idx, const void *s, size_t len);

/* Deletes up to count elements starting at start (negative counts from the tail); a range
 * past the end is cut at the end, a start out of range deletes nothing. Returns how many
 * were deleted. Whole chunks inside the range are freed without being read. */
size_t plistDelRange(plist *pl, long long start, size_t count);

/* Iteration. PLIST_HEAD walks from the head towards the tail, PLIST_TAIL from the tail
 * towards the head (the argument is a direction constant, not a boolean). start is the first
 * element returned (negative counts from the tail); out of range gives an empty iteration.
 * The list may change during iteration only through plistIterDelete and plistIterInsert; any
 * other change (including a defrag step) invalidates the iterator, which may then only be
 * released. */
typedef struct plistIter plistIter;
plistIter *plistIterNew(plist *pl, long long start, int direction);
int plistIterNext(plistIter *it, plistEntry *e); /* 1 and *e filled, or 0 at the end */
/* Deletes the element last returned; the next plistIterNext returns the element that came
 * after it in the iteration's direction. Calling it twice without a Next in between is a
 * no-op. */
void plistIterDelete(plistIter *it);
/* Inserts a copy of s[0..len) after (after != 0, towards the tail) or before the element last
 * returned. Ends the iteration: later plistIterNext calls return 0. No-op if no element has
 * been returned yet or it was deleted. */
void plistIterInsert(plistIter *it, const void *s, size_t len, int after);
void plistIterRelease(plistIter *it);

/* Byte equality of the element's string form with s[0..len). */
int plistEntryEquals(const plistEntry *e, const void *s, size_t len);
/* String form of any element: *s and *len point at the stored bytes, or at buf (>= 21 bytes)
 * where an integer is formatted. */
void plistEntryToStr(const plistEntry *e, char *buf, const unsigned char **s, size_t *len);

/* Defrag, resumable inside one list. The list keeps a cursor on a chunk (kept valid: when
 * that chunk is freed or merged, the cursor moves to a live neighbour). Each call visits at
 * most max_chunks chunks (0 counts as 1) from the cursor and offers each chunk block to
 * move(block, ctx), which returns a copy at a new address with the old block freed (same
 * usable size, whole usable size copied, as allocMove does), or NULL to leave it. Returns 1
 * while the pass is unfinished and 0 when it has just completed (cursor back to the head).
 * Must not be called with a live iterator. */
int plistDefragStep(plist *pl, size_t max_chunks, void *(*move)(void *block, void *ctx), void *ctx);
void plistDefragReset(plist *pl); /* the next step starts a new pass at the head */
/* Offers the struct itself to move; returns its address afterwards (the old one if NULL).
 * Nothing inside the list points back at the struct, so only the caller's pointer changes. */
plist *plistMoveSelf(plist *pl, void *(*move)(void *block, void *ctx), void *ctx);

/* For DEBUG: chunk count, bytes in use (chunk headers + packed entries) and bytes allocated
 * for chunks (vlAllocSize sum, struct excluded). Walks the chunks. */
void plistStats(const plist *pl, size_t *chunks, size_t *bytes_used, size_t *bytes_alloc);
/* 1 when the list is at most one chunk within the current fill's limits: what Redis would
 * still hold as a single listpack (an element too big for the cap makes it a quicklist). */
int plistIsCompact(const plist *pl);
/* The head chunk's block (borrowed; NULL for an empty list), for allocator geometry in tests. */
const void *plistHeadBlock(const plist *pl);

/* Checks every invariant (links, counts, entry encodings both ways, chunk limits, byte
 * accounting, defrag cursor). Returns 1 when sound; otherwise prints the first problem on
 * stderr and returns 0. O(size of the list): tests and DEBUG only. */
int plistVerify(const plist *pl);

#endif
