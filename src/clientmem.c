/* clientmem.c - what clients cost, and client eviction (maxmemory-clients).
 *
 * Every connected client's memory (struct, query buffer, parser arrays, reply blocks) is kept
 * in a running sum: a client is re-counted where its buffers change (after a read, after each
 * of its commands, before and after its output is written), each time in O(1), so nothing
 * walks the client list per command. Evictable clients (not CLIENT NO-EVICT) also sit in one
 * of 64 lists by the power of two of their size, so "the client that uses most" is the head of
 * the top non-empty list: within a factor of two of the largest, found in at most 64 steps.
 *
 * When the sum passes maxmemory-clients, the largest evictable clients are disconnected until
 * it is under again, as in Redis 7 and Valkey. The sum counts no-evict clients too (they use
 * the memory), but they are never chosen. A client is never freed while a command may still
 * hold it: outside the loop's safe points a victim's output is dropped at once and the client
 * is closed at the next one, and it stops counting at once so that one victim is enough.
 *
 * Rejected: walking all clients to find the largest at each eviction (one client over the
 * limit would cost O(clients) per command while nothing else can be evicted), and a heap
 * ordered by size (a re-count after every command would cost O(log clients)). */
#include <string.h>

#include "client.h"
#include "clientmem.h"
#include "multi.h"
#include "server.h"

#define CMEM_BUCKETS 64
/* Below this, maxmemory-clients would leave no room to talk to the server at all: Redis's
 * floor, 128 KB, also when the limit is a percentage of a small maxmemory. */
#define CMEM_MIN_LIMIT (128 * 1024)

struct vlClientMem {
    size_t total;                   /* what every counted client holds */
    vlClient *bucket[CMEM_BUCKETS]; /* evictable clients by floor(log2(bytes)) */
};

void clientMemInit(vlServer *s) {
    if (!s->clientmem) s->clientmem = vlCalloc(sizeof(struct vlClientMem));
}

void clientMemFree(vlServer *s) {
    vlFree(s->clientmem);
    s->clientmem = NULL;
}

size_t clientMemUsage(const vlClient *c) {
    return sizeof(*c) + c->qcap + protoMemUsage(&c->proto) + replyMemUsage(&c->reply) +
           multiMemUsage(c); /* queued MULTI commands and WATCH records */
}

size_t clientMemTotal(const vlServer *s) {
    return s->clientmem ? s->clientmem->total : 0;
}

static void bucketUnlink(struct vlClientMem *cm, vlClient *c) {
    if (!c->mem_bucket) return;
    if (c->mem_prev)
        c->mem_prev->mem_next = c->mem_next;
    else
        cm->bucket[c->mem_bucket - 1] = c->mem_next;
    if (c->mem_next) c->mem_next->mem_prev = c->mem_prev;
    c->mem_prev = c->mem_next = NULL;
    c->mem_bucket = 0;
}

static void bucketLink(struct vlClientMem *cm, vlClient *c, int b) {
    c->mem_prev = NULL;
    c->mem_next = cm->bucket[b];
    if (c->mem_next) c->mem_next->mem_prev = c;
    cm->bucket[b] = c;
    c->mem_bucket = b + 1;
}

void clientMemUpdate(vlClient *c) {
    struct vlClientMem *cm = c->srv->clientmem;
    if (!cm || (c->flags & CLIENT_FAKE)) return;
    size_t now = (c->flags & CLIENT_CLOSE_ASAP) ? 0 : clientMemUsage(c);
    cm->total = cm->total - c->mem_counted + now;
    c->mem_counted = now;
    /* bucket + 1, 0 for none: a client fresh from vlCalloc is in none */
    int want = (now && !(c->flags & CLIENT_NO_EVICT)) ? 64 - __builtin_clzll(now) : 0;
    if (want == c->mem_bucket) return;
    bucketUnlink(cm, c);
    if (want) bucketLink(cm, c, want - 1);
}

void clientMemForget(vlClient *c) {
    struct vlClientMem *cm = c->srv->clientmem;
    if (!cm) return;
    cm->total -= c->mem_counted;
    c->mem_counted = 0;
    bucketUnlink(cm, c);
}

size_t clientMemLimit(const vlServer *s) {
    long long v = s->cfg.maxmemory_clients;
    unsigned long long bytes;
    if (v > 0)
        bytes = (unsigned long long)v;
    else if (v < 0 && s->cfg.maxmemory > 0)
        bytes = (unsigned long long)((long double)s->cfg.maxmemory * (long double)-v / 100.0L);
    else
        return 0;
    if (bytes < CMEM_MIN_LIMIT) bytes = CMEM_MIN_LIMIT;
    return bytes > (unsigned long long)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}

static vlClient *largest(struct vlClientMem *cm) {
    for (int b = CMEM_BUCKETS - 1; b >= 0; b--)
        if (cm->bucket[b]) return cm->bucket[b];
    return NULL;
}

static void evictOne(vlClient *c, int now) {
    vlServer *s = c->srv;
    vstr *info = NULL;
    clientInfoString(c, &info);
    serverLog(s, LL_NOTICE, "Evicting client: %s", info ? info->buf : "");
    vstrFree(info);
    s->stats.evicted_clients++;
    if (now) {
        clientFree(c);
        return;
    }
    replyFree(&c->reply); /* its output is the memory, most often: give it back now */
    c->flags |= CLIENT_REPLY_OFF;
    clientCloseAsap(c);
    clientMemUpdate(c); /* closing: counts 0 from here */
}

void clientMemEvict(vlServer *s, int now) {
    struct vlClientMem *cm = s->clientmem;
    if (!cm) return;
    size_t limit = clientMemLimit(s);
    if (!limit) return;
    /* each round takes one client out of the sum: at most one round per counted client */
    while (cm->total > limit) {
        vlClient *v = largest(cm);
        if (!v) break; /* what is left is no-evict */
        evictOne(v, now);
    }
}

void clientMemAfterCommand(vlClient *c) {
    clientMemUpdate(c);
    vlServer *s = c->srv;
    if (s->cfg.maxmemory_clients && s->clientmem && s->clientmem->total > clientMemLimit(s))
        clientMemEvict(s, 0);
}
