/* dictval.h - what hash and set values share: "a dict or one compact block" (dictval.c). */
#ifndef VL_DICTVAL_H
#define VL_DICTVAL_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "object.h"
#include "proto.h"

struct vlClient;

/* Value-level rows of vlTypeOps that t_hash.c and t_set.c both use as they are. */
size_t dvMemUsage(const vlObj *o, size_t samples);
size_t dvWalkSize(const vlObj *o);
int dvDefragStep(vlObj *o, unsigned long *cursor, size_t max_steps, vlMoveFn *move, void *ctx);
int dvFreeStep(vlObj *o, unsigned long *cursor, uint64_t deadline_us);
int dvBlocks(const vlObj *o, const void *out[2]);

/* What HSCAN/SSCAN and HRANDFIELD/SRANDMEMBER share. ...OrReply have replied when they
 * return NULL or VL_ERR. A scan collects dict entries from *cursor (updated) until count or its
 * budget of count*10 buckets; *items is the caller's to vlFree. */
vlObj *dvScanStartOrReply(struct vlClient *c, int type, unsigned long *cursor, long long *count,
                          const protoArg **pat, int *novalues); /* novalues: NULL but HSCAN */
size_t dvScan(dict *d, unsigned long *cursor, long long count, dictLink ***items);
int dvRandomCountOrReply(struct vlClient *c, const protoArg *a, long long *out); /* != LLONG_MIN */
int dvReplyStillWanted(struct vlClient *c, unsigned long i); /* 0: stop, the client is doomed */

/* For commands outside the two types (SORT): a set's members one by one (t_set.c), and a hash
 * field's value, borrowed until the hash changes (t_hash.c; 0 when absent). */
void setForEachMember(const vlObj *o, void (*fn)(void *ctx, const char *p, size_t len), void *ctx);
int hashFieldGet(const vlObj *o, const void *f, size_t flen, const unsigned char **v, size_t *vlen);

#endif
