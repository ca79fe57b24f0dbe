/* lazyfree.h - freeing big values in bounded slices (lazyfree.c). */
#ifndef VL_LAZYFREE_H
#define VL_LAZYFREE_H

#include <stddef.h>
#include <stdint.h>
#include "dict.h"
#include "object.h"

typedef struct vlServer vlServer;

/* lazyfree.c */
void lazyfreeInit(vlServer *s);
void lazyfreeFree(vlServer *s);
void lazyfreeObj(vlServer *s, vlObj *o);                    /* free now if small, else queue */
void lazyfreeDicts(vlServer *s, dict *keys, dict *expires); /* takes ownership */
size_t lazyfreePending(vlServer *s);
/* Memory queued to be freed (estimated when queued, counted down as it goes): eviction treats
 * it as already freed, as Redis does, or lazy eviction would evict everything and still OOM. */
size_t lazyfreePendingBytes(vlServer *s);
void lazyfreeStep(vlServer *s); /* one bounded slice (timer) */
void lazyfreeDefrag(vlServer *s, void *(*move)(void *p, void *ctx), void *ctx);

#endif
