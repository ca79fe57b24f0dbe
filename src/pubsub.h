/* pubsub.h - pub/sub, keyspace notifications and their defrag walks (pubsub.c). */
#ifndef VL_PUBSUB_H
#define VL_PUBSUB_H

#include <stddef.h>
#include <stdint.h>
#include "object.h"
#include "vstr.h"

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;

/* notify (pubsub.c) */
#define NOTIFY_KEYSPACE (1 << 0)
#define NOTIFY_KEYEVENT (1 << 1)
#define NOTIFY_GENERIC (1 << 2)
#define NOTIFY_STRING (1 << 3)
#define NOTIFY_LIST (1 << 4)
#define NOTIFY_SET (1 << 5)
#define NOTIFY_HASH (1 << 6)
#define NOTIFY_ZSET (1 << 7)
#define NOTIFY_EXPIRED (1 << 8)
#define NOTIFY_EVICTED (1 << 9)
#define NOTIFY_STREAM (1 << 10)
#define NOTIFY_KEY_MISS (1 << 11)
#define NOTIFY_LOADED (1 << 12)
#define NOTIFY_MODULE (1 << 13)
#define NOTIFY_NEW (1 << 14)
#define NOTIFY_ALL                                                                           \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)
/* Adds the messages held for the client whose command just ran (see deliver in pubsub.c). */
void pubsubFlushPending(vlServer *s);
void notifyKeyspaceEvent(vlServer *s, int type, const char *event, const void *key, size_t klen,
                         int dbid);
int notifyFlagsFromString(const char *str, int *flags);
void notifyFlagsToString(int flags, char *buf, size_t len);

/* pubsub.c */
void pubsubInit(vlServer *s);
void pubsubFree(vlServer *s);
void pubsubClientFree(vlClient *c);                    /* unsubscribe from everything, no replies */
size_t pubsubClientCount(const vlClient *c, int kind); /* 0 channels, 1 patterns, 2 shard */
long long pubsubPublish(vlServer *s, const void *ch, size_t chlen, const void *msg, size_t mlen,
                        int shard);
size_t pubsubMemUsage(vlServer *s);
void pubsubInfo(vlServer *s, vstr **out);

/* Defrag walks, one per structure that owns blocks (implemented by each module). move(p, ctx)
 * returns the block's new address (contents copied, old block freed) or NULL if it stays.
 * Each returns nonzero while its pass is unfinished; cursors are scan cursors (0 = start). */
size_t pubsubDefragStep(vlServer *s, unsigned long *cursor, size_t budget, vlMoveFn *move,
                        void *ctx);
int pubsubClientDefrag(vlClient *c, unsigned long *cursor, size_t budget, vlMoveFn *move,
                       void *ctx);

#endif
