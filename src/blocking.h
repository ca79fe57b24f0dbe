/* blocking.h - blocking list pops: who waits on which key, timeouts, serving (blocking.c, t_list.c). */
#ifndef VL_BLOCKING_H
#define VL_BLOCKING_H

#include <stddef.h>
#include <stdint.h>
#include "object.h"
#include "proto.h"

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;
typedef struct vlDb vlDb;

/* blocking.c (list blocking commands) */
void blockingInit(vlServer *s);
void blockingFree(vlServer *s);
void blockingClientFree(vlClient *c);    /* unblock silently (client going away) */
void blockingHandleReady(vlServer *s);   /* serve clients whose keys got data */
void blockingCheckTimeouts(vlServer *s); /* from the cron */
int blockingUnblock(vlServer *s, uint64_t id, int with_error); /* CLIENT UNBLOCK */
size_t blockingCount(vlServer *s);
/* a key got data (push, rename into it, ...): clients blocked on it are served after the
 * current command (blockingHandleReady, called by cmd.c) */
void blockingSignalKey(vlServer *s, vlDb *db, const void *key, size_t klen);
void blockingSignalDb(vlServer *s, vlDb *db); /* after SWAPDB: its waited-on keys that exist */
/* What a list-blocked client does once a key it waits on holds a list (t_list.c fills it in,
 * blocking.c keeps a copy, dst included, and hands it back to listServeBlocked). */
typedef struct vlListBlockOp {
    int where;       /* pop side: 0 head (LEFT), 1 tail (RIGHT) */
    int whereto;     /* BLMOVE/BRPOPLPUSH: push side */
    int mpop;        /* BLMPOP: reply [key, [elements]] */
    long long count; /* BLMPOP COUNT (>= 1), else 1 */
    const char *dst; /* BLMOVE/BRPOPLPUSH destination (borrowed), NULL for pops */
    size_t dstlen;
} vlListBlockOp;
/* Blocks c (never a CLIENT_FAKE client) on keys[0..nkeys) of c->db until timeout_ms
 * (absolute unix ms, 0 = forever). Keys and op->dst are copied. */
void blockingBlockOnKeys(vlClient *c, const protoArg *keys, int nkeys, int64_t timeout_ms,
                         const vlListBlockOp *op);
/* t_list.c: serves a blocked client from o, the non-empty list at key in c->db: pops (and
 * for a move pushes), replies, notifies, deletes an emptied key. A move onto a destination
 * of the wrong type replies WRONGTYPE and leaves the source alone (Redis 7). */
void listServeBlocked(vlClient *c, vlObj *o, const void *key, size_t klen, const vlListBlockOp *op);
/* t_list.c: DEBUG LISTPACK key / DEBUG QUICKLIST key (argv[2] is the key): chunk count, fill,
 * bytes, and a structure check, as one bulk string */
void listDebugCommand(vlClient *c);

#endif
