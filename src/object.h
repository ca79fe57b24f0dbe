/* object.h - keys and values (vlObj), and the value-type table (vlTypeOps).
 *
 * Each value type is one t_*.c file that exports one vlTypeOps row: how to free, copy,
 * measure, digest and name a value, how to free a big one in slices, how to walk it for
 * defrag, and the hooks persistence fills (serialize, load, rewrite as commands). object.c
 * holds the table, indexed by type; nothing else switches on a value's type, so a new type is
 * one new file and one row (README: "How to add a value type"). */
#ifndef VL_OBJECT_H
#define VL_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"

#define OBJ_STRING 0
#define OBJ_LIST 1
#define OBJ_SET 2
#define OBJ_ZSET 3
#define OBJ_HASH 4
#define OBJ_TYPE_COUNT 5

#define OBJ_ENC_RAW 0       /* string in its own vstr */
#define OBJ_ENC_INT 1       /* string that is a long long, stored inline */
#define OBJ_ENC_HT 2        /* hash/set: dict */
#define OBJ_ENC_INTSET 6    /* set of integers */
#define OBJ_ENC_EMBSTR 8    /* string stored inside the object */
#define OBJ_ENC_QUICKLIST 9 /* list (plist, several chunks) */
#define OBJ_ENC_LISTPACK 11 /* compact hash/set; a one-chunk plist list reports this too */

#define OBJ_F_EXPIRE 1 /* the key has an entry in db->expires */

/* A key and its value in one block (Valkey 8's layout): the db dict's entries are these
 * objects, so a key costs one block plus a bucket slot. Layout after the header: the key's
 * length (ds/varlen.h), key bytes, then the value: EMBSTR: its length + bytes; INT: 8 bytes;
 * everything else: an 8-byte pointer to the value's own structure (vstr, plist, dict, ...).
 * Fields past the header are unaligned: use the accessors. */
typedef struct vlObj {
    dictLink link;
    uint32_t lru; /* LRU clock in seconds (low 24 bits) */
    uint8_t type;
    uint8_t enc;
    uint8_t flags;
    uint8_t spare;
    unsigned char data[];
} vlObj;

#define OBJ_EMBSTR_MAX 64 /* longer strings get their own vstr */

/* A defrag move: returns the block's new address (contents copied, old block freed) or NULL
 * if it stays. */
typedef void *vlMoveFn(void *p, void *ctx);

/* Persistence writes and reads through these (the RDB and AOF issues define them). */
struct vlRdbOut;
struct vlRdbIn;
struct vlCmdOut;

typedef struct vlTypeOps {
    const char *name; /* TYPE's answer */
    /* Frees the value (not the object block); an inline value has nothing to free. */
    void (*freeValue)(vlObj *o);
    /* A deep copy of the value behind the pointer, for COPY/MOVE; NULL for inline values. */
    void *(*dupValue)(const vlObj *o);
    /* Bytes of the value's own blocks (not the object's); big dicts may be sampled. */
    size_t (*memUsage)(const vlObj *o, size_t samples);
    /* Adds the value to d (DEBUG DIGEST): equal values give equal digests, whatever their
     * encodings. */
    void (*digest)(const vlObj *o, unsigned char d[20]);
    const char *(*encName)(const vlObj *o); /* OBJECT ENCODING */
    /* How many separately allocated parts a walk of the value visits (list chunks, dict
     * entries); 0 when it is at most one block. Lazy free and defrag's "big value" rule. */
    size_t (*walkSize)(const vlObj *o);
    /* Frees part of a big value until deadline_us (monotonic); 1 when what is left can be
     * freed at once (freeValue). *cursor starts at 0. NULL: always freed at once. */
    int (*freeStep)(vlObj *o, unsigned long *cursor, uint64_t deadline_us);
    /* Defrag: moves up to max_steps parts from *cursor (0: start, which also moves the value's
     * top block and stores it with objSetPtr); returns nonzero while parts remain. */
    int (*defragStep)(vlObj *o, unsigned long *cursor, size_t max_steps, vlMoveFn *move, void *ctx);
    /* DEBUG DEFRAG BLOCKS: up to 2 of the value's blocks (its top block, one inner part). */
    int (*blocks)(const vlObj *o, const void *out[2]);
    /* Persistence hooks: NULL until the RDB and AOF issues fill them. */
    int (*rdbSave)(const vlObj *o, struct vlRdbOut *out);
    vlObj *(*rdbLoad)(const void *key, size_t klen, int rdbtype, struct vlRdbIn *in);
    int (*rewrite)(const vlObj *o, struct vlCmdOut *out);
} vlTypeOps;

/* The rows, one per t_*.c. */
extern const vlTypeOps stringType, listType, setType, hashType;

const vlTypeOps *objOps(const vlObj *o); /* the object's row */

vlObj *objNewString(const void *key, size_t klen, const void *val, size_t vlen);
vlObj *objNewStringLL(const void *key, size_t klen, long long v);
vlObj *objNewPtr(const void *key, size_t klen, int type, int enc, void *ptr);
/* A copy of o under another key name (RENAME/COPY/MOVE). The value is shared or copied as
 * dup says: dup=0 moves ownership of the value pointer (o must then be freed with
 * objFreeShell), dup=1 deep-copies. */
vlObj *objRekey(vlObj *o, const void *key, size_t klen, int dup);
void objFree(vlObj *o);      /* frees the object and its value */
void objFreeShell(vlObj *o); /* frees the object but not a pointed-to value */
const char *objKey(const vlObj *o, size_t *len);
/* 1 when the value lives inside the object (EMBSTR, INT), 0 when o points to it. */
int objIsInline(const vlObj *o);
/* String value as bytes: for INT, formatted into buf (>= 21 bytes). */
const char *objStrVal(const vlObj *o, char *buf, size_t *len);
int objGetLL(const vlObj *o, long long *out); /* 1 if the string is an integer */
void objSetLL(vlObj *o, long long v);         /* o must be OBJ_ENC_INT: overwrite in place */
void *objPtr(const vlObj *o);
void objSetPtr(vlObj *o, void *ptr);
size_t objStrLen(const vlObj *o);
const char *objTypeName(int type);
const char *objEncName(const vlObj *o);
size_t objMemUsage(const vlObj *o, size_t samples); /* MEMORY USAGE: object + value */
void *objDupValue(const vlObj *o);                  /* deep copy of the pointed-to value (COPY) */
/* Large values are freed in slices (lazyfree.c): a rough count of the work to free one. */
size_t objFreeEffort(const vlObj *o);

/* Digests (DEBUG DIGEST): order-sensitive mix and order-insensitive xor of 20-byte states. */
void digestMix(unsigned char d[20], const void *p, size_t len);
void digestXor(unsigned char d[20], const void *p, size_t len);
void objDigest(const vlObj *o, unsigned char d[20]); /* value only */

#endif
