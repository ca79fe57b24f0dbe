/* reply.h - reply builder: RESP2/RESP3 encoding into a chain of blocks (pure tier). */
#ifndef VL_REPLY_H
#define VL_REPLY_H

#include <stddef.h>
#include <sys/uio.h>

#define REPLY_BLOCK_SIZE (16 * 1024)

typedef struct replyBlock {
    struct replyBlock *next;
    size_t size, used;
    char buf[];
} replyBlock;

typedef struct replyBuf {
    replyBlock *head, *tail;
    size_t bytes; /* queued and not yet sent */
    size_t sent;  /* bytes of head already sent */
    size_t alloc; /* usable bytes of every block: replyMemUsage without a walk */
    int resp;     /* 2 or 3 */
} replyBuf;

void replyInit(replyBuf *rb, int resp);
void replyFree(replyBuf *rb); /* frees every block */
void replyRaw(replyBuf *rb, const void *p, size_t len);
void replyStatus(replyBuf *rb, const char *s, size_t len); /* "+s": \r\n in s become spaces */
void replyError(replyBuf *rb, const char *s, size_t len);  /* "-s": \r\n in s become spaces */
void replyLongLong(replyBuf *rb, long long v);
void replyBulk(replyBuf *rb, const void *p, size_t len);
void replyBulkLongLong(replyBuf *rb, long long v);
void replyNull(replyBuf *rb);      /* RESP2 $-1, RESP3 _ */
void replyNullArray(replyBuf *rb); /* RESP2 *-1, RESP3 _ */
void replyArrayLen(replyBuf *rb, long long n);
void replyMapLen(replyBuf *rb, long long n);  /* n pairs; RESP2: array of 2n */
void replySetLen(replyBuf *rb, long long n);  /* RESP2: array */
void replyPushLen(replyBuf *rb, long long n); /* RESP2: array */
void replyDouble(replyBuf *rb, double d);     /* RESP2: bulk string */
void replyBool(replyBuf *rb, int b);          /* RESP2: :1 / :0 */
void replyVerbatim(replyBuf *rb, const char *p, size_t len, const char *ext3); /* RESP2: bulk */
void replyBigNumber(replyBuf *rb, const char *p, size_t len);                  /* RESP2: bulk */
/* Deferred aggregate length: reserve now, fill in once the count is known. */
void *replyDeferLen(replyBuf *rb);
void replySetDeferredArrayLen(replyBuf *rb, void *slot, long long n);
void replySetDeferredMapLen(replyBuf *rb, void *slot, long long n);
void replySetDeferredSetLen(replyBuf *rb, void *slot, long long n);
/* Output side: iovecs of what is queued, then mark n bytes as written. */
int replyIov(replyBuf *rb, struct iovec *iov, int max);
void replyConsumed(replyBuf *rb, size_t n);
size_t replyMemUsage(const replyBuf *rb);
/* Defrag: move every block through move() (returns the new address or NULL). */
void replyDefrag(replyBuf *rb, void *(*move)(void *p, void *ctx), void *ctx);

#endif
