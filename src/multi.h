/* multi.h - transactions: MULTI/EXEC/DISCARD and WATCH/UNWATCH (multi.c). */
#ifndef VL_MULTI_H
#define VL_MULTI_H

#include <stddef.h>
#include <stdint.h>

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;
typedef struct vlCommand vlCommand;
typedef struct vlDb vlDb;

/* The client goes away: its queue is dropped and its keys unwatched. */
void multiClientFree(vlClient *c);
/* DISCARD without the reply (RESET): queue dropped, flags cleared, keys unwatched. */
void multiDiscard(vlClient *c);
/* A command was refused while c is in MULTI (unknown, arity, OOM, ...): EXEC will answer
 * EXECABORT, and the queue is dropped now since it can never run. No-op outside MULTI. */
void multiFlagTransaction(vlClient *c);
/* EXEC was refused at admission (err is the full error text): the transaction ends with
 * "EXECABORT Transaction discarded because of: <err>", and monitors see the EXEC. */
void multiExecAbort(vlClient *c, const char *err);
/* Queues c's current command (argv copied) and replies +QUEUED; a client whose queue would
 * pass client-query-buffer-limit is closed instead, as for an oversized query buffer. */
void multiQueueCommand(vlClient *c, const vlCommand *cmd, int idx);
int multiIsExec(const vlCommand *cmd);
/* The union of the queued commands' flags (EXEC's admission: OOM, CLIENT PAUSE WRITE). */
uint32_t multiQueuedFlags(const vlClient *c);
long long multiQueuedCount(const vlClient *c); /* CLIENT LIST multi=: -1 outside MULTI */
size_t multiMemUsage(const vlClient *c);       /* queued argv and watch records, in bytes */
size_t multiWatchCount(const vlClient *c);     /* keys c WATCHes */

/* Touching: a watched key was written, expired or evicted. One branch while nobody watches. */
void multiTouchKey(vlServer *s, vlDb *db, const void *key, size_t klen);
/* Before db's contents are emptied (FLUSHDB/FLUSHALL): watched keys that exist are touched,
 * except stale ones watched while already expired (their deletion changes nothing). */
void multiTouchFlush(vlServer *s, vlDb *db);
/* Before the contents of a and b are swapped (SWAPDB). */
void multiTouchSwap(vlServer *s, vlDb *a, vlDb *b);

#endif
