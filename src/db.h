/* db.h - the keyspace: vlDb, lookups, adds, deletes, expiry (db.c, expire.c). */
#ifndef VL_DB_H
#define VL_DB_H

#include <stddef.h>
#include <stdint.h>
#include "dict.h"
#include "object.h"
#include "proto.h"

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;

/* ---------------------------------------------------------------- keyspace */

typedef struct vlExpire {
    dictLink link;
    int64_t when; /* unix ms */
    uint32_t klen;
    char key[];
} vlExpire;

typedef struct vlDb {
    dict *keys;    /* vlObj entries */
    dict *expires; /* vlExpire entries: own copies of volatile keys' names */
    int id;
    long long avg_ttl;
    unsigned long expire_cursor;
    dict *watched; /* WATCHed keys of this db id (multi.c), NULL while nobody watches here */
} vlDb;

#define LOOKUP_NONE 0
#define LOOKUP_NOTOUCH 1 /* don't update LRU */
#define LOOKUP_WRITE 2   /* for a write: misses are not counted */
#define LOOKUP_TOUCH 4   /* TOUCH: update the LRU even for a CLIENT NO-TOUCH client */

vlObj *dbLookup(vlClient *c, const void *key, size_t klen, int flags);
/* A key's 24-bit stamp (vlObj.lru): the LRU clock, or under an LFU policy Redis's LFU layout
 * (minutes and a log counter; see db.c). New: for a key just created; Access: the stamp after
 * one more access. dbLfuCounter reads an LFU stamp's counter, decayed to now. */
int dbPolicyIsLfu(const vlServer *s);
uint32_t dbStampNew(const vlServer *s);
uint32_t dbStampAccess(const vlServer *s, uint32_t stamp);
uint32_t dbLfuCounter(const vlServer *s, uint32_t stamp);
vlObj *dbLookupRead(vlClient *c, const protoArg *key);
vlObj *dbLookupWrite(vlClient *c, const protoArg *key);
/* Type-checked lookups: reply WRONGTYPE (and return NULL with *wrong set) on mismatch. */
vlObj *dbLookupTypeOrReply(vlClient *c, const protoArg *key, int type, int write, int *wrong);
void dbAdd(vlServer *s, vlDb *db, vlObj *o);                     /* key must be absent; db owns o */
void dbReplaceObj(vlServer *s, vlDb *db, vlObj *old, vlObj *nu); /* same key, new block */
/* Set key to o (SET semantics): replaces any old value; keepttl keeps the expire. */
void dbSetKey(vlServer *s, vlDb *db, vlObj *o, int keepttl);
int dbDelete(vlServer *s, vlDb *db, const void *key, size_t klen);       /* 1 if deleted */
int dbUnlinkLazy(vlServer *s, vlDb *db, const void *key, size_t klen);   /* UNLINK semantics */
vlObj *dbUnlinkObj(vlServer *s, vlDb *db, const void *key, size_t klen); /* detach, caller owns */
void dbSetExpire(vlServer *s, vlDb *db, vlObj *o, int64_t when_ms);
int dbRemoveExpire(vlServer *s, vlDb *db, vlObj *o);
int64_t dbGetExpire(vlDb *db, const vlObj *o);         /* -1 if none */
int dbExpireIfNeeded(vlServer *s, vlDb *db, vlObj *o); /* 1 if o was expired and deleted */
long long dbEmpty(vlServer *s, int dbid, int async);   /* -1: all dbs; returns keys removed */
vlDb *dbGet(vlServer *s, int id);
extern const dictType dbKeysType;    /* vlObj entries keyed by their embedded name */
extern const dictType dbExpiresType; /* vlExpire entries */
void dbSignalModified(vlServer *s, vlDb *db, const void *key, size_t klen); /* wakes blockers */

/* expire.c */
void expireActiveCycle(vlServer *s, int fast);

/* db.c keyspace helpers used by several commands */
int keyspaceTypeFromName(const char *name, size_t len); /* -1 if unknown */

#endif
