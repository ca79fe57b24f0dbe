/* pubsub.c - channels, patterns and shard channels (SUBSCRIBE ... PUBSUB), message delivery in
 * RESP2 and RESP3, keyspace notifications, and the defrag walk over all of it.
 *
 * State: three registries on the server (channels, patterns, shard channels), each a dict of
 * psChan entries that OWN the name bytes and hold the subscribers. Each client keeps its own
 * subscription sets (c->sub_channels/sub_patterns/sub_shard): dicts of psName entries, its own
 * copy of each name (DESIGN.md rule 2: one owner per block, so a defrag move is "copy, free,
 * store the new pointer" with exactly one pointer to store).
 *
 * The one decision: a channel's subscribers are ONE inline client pointer while there is a
 * single subscriber (the common case: a million channels with one listener each), and a dict
 * of psSub entries keyed by client id from the second subscriber on (O(1) add and remove for a
 * channel with 10,000 listeners, plain iteration for PUBLISH). A single-subscriber channel
 * costs one block in the registry (and the client's copy), not a block plus a dict plus a
 * table plus an entry. The client pointers are borrowed: pubsubClientFree removes a client
 * from every channel before the client goes, so no registry entry outlives its client.
 * Measured: a million one-subscriber channels cost ~97 bytes each (registry entry, the
 * client's copy, two table slots), against ~190 on redis-server 7.0.
 *
 * Rejected: a list of clients per channel (Redis 7.0: O(n) unsubscribe, a storm of
 * unsubscribes on a big channel is quadratic); sharing one refcounted name block between the
 * registry and the clients' sets (two owners: a defrag move would have to hunt for aliases);
 * a pattern trie (PSUBSCRIBE counts are small next to channels, and a glob over a few patterns
 * per PUBLISH is what Redis does too). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "db.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

#define PS_CHANNELS 0
#define PS_PATTERNS 1
#define PS_SHARD 2
#define PS_KINDS 3

/* A registry entry. Exactly one of one/many is in use while the entry exists. */
typedef struct psChan {
    dictLink link;
    vlClient *one; /* the only subscriber (borrowed), or NULL */
    dict *many;    /* psSub entries keyed by client id, two subscribers or more */
    uint32_t len;
    char name[];
} psChan;

/* A subscriber of a channel with several subscribers. */
typedef struct psSub {
    dictLink link;
    uint64_t id; /* the key: client ids are unique for the server's life */
    vlClient *c; /* borrowed */
} psSub;

/* An entry of a client's own subscription set: its private copy of the name. */
typedef struct psName {
    dictLink link;
    uint32_t len;
    char name[];
} psName;

struct vlPubsub {
    dict *reg[PS_KINDS];
    /* Bytes of every block this file allocates outside the registries' own tables: entries,
     * subscriber dicts, clients' sets. Kept as a running sum (dict usage measured before and
     * after each change) so INFO stays O(1) with a million channels. */
    size_t tracked;
};

static const void *chanKey(const dictLink *e, size_t *len) {
    const psChan *ch = (const psChan *)e;
    *len = ch->len;
    return ch->name;
}

static const void *nameKey(const dictLink *e, size_t *len) {
    const psName *n = (const psName *)e;
    *len = n->len;
    return n->name;
}

static const void *subKey(const dictLink *e, size_t *len) {
    *len = sizeof(uint64_t);
    return &((const psSub *)e)->id;
}

/* Client ids are sequential and not chosen by the network: a multiplicative mix spreads them
 * over the buckets without siphash's cost. */
static uint64_t subHash(const void *key, size_t len) {
    VL_UNUSED(len);
    uint64_t x;
    memcpy(&x, key, sizeof(x));
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static const dictType regType = {chanKey, NULL, NULL, NULL};
static const dictType nameType = {nameKey, NULL, NULL, NULL};
static const dictType subType = {subKey, subHash, NULL, NULL};

static const char *const subscribeName[PS_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsubscribeName[PS_KINDS] = {"unsubscribe", "punsubscribe",
                                                      "sunsubscribe"};

/* ------------------------------------------------------------------- tracked allocation */

static void *trackAlloc(struct vlPubsub *ps, size_t size) {
    void *p = vlMalloc(size);
    ps->tracked += vlAllocSize(p);
    return p;
}

static void trackFree(struct vlPubsub *ps, void *p) {
    ps->tracked -= vlAllocSize(p);
    vlFree(p);
}

static dict *trackDictCreate(struct vlPubsub *ps, const dictType *type) {
    dict *d = dictCreate(type);
    ps->tracked += vlAllocSize(d) + dictMemUsage(d) - sizeof(*d);
    return d;
}

/* d must be empty (its entries are freed by their owners before). */
static void trackDictRelease(struct vlPubsub *ps, dict *d) {
    ps->tracked -= vlAllocSize(d) + dictMemUsage(d) - sizeof(*d);
    dictRelease(d);
}

/* Adds and removals may grow, shrink or step a rehash: the table bytes are measured around
 * them (modular arithmetic makes a shrink a subtraction). */
static void trackAdd(struct vlPubsub *ps, dict *d, dictLink *e) {
    size_t before = dictMemUsage(d);
    dictAddNew(d, e);
    ps->tracked += dictMemUsage(d) - before;
}

/* Lookups step an ongoing rehash too, which may free the old table. */
static dictLink *trackFind(struct vlPubsub *ps, dict *d, const void *key, size_t len) {
    size_t before = dictMemUsage(d);
    dictLink *e = dictFind(d, key, len);
    ps->tracked += dictMemUsage(d) - before;
    return e;
}

static dictLink *trackRandom(struct vlPubsub *ps, dict *d) {
    size_t before = dictMemUsage(d);
    dictLink *e = dictRandom(d);
    ps->tracked += dictMemUsage(d) - before;
    return e;
}

static dictLink *trackUnlink(struct vlPubsub *ps, dict *d, const void *key, size_t len) {
    size_t before = dictMemUsage(d);
    dictLink *e = dictUnlink(d, key, len);
    dictShrinkIfNeeded(d);
    ps->tracked += dictMemUsage(d) - before;
    return e;
}

/* ------------------------------------------------------------------- lifecycle */

void pubsubInit(vlServer *s) {
    struct vlPubsub *ps = vlCalloc(sizeof(*ps));
    for (int k = 0; k < PS_KINDS; k++) ps->reg[k] = dictCreate(&regType);
    s->pubsub = ps;
}

/* Clients are freed before this (serverFree), so the registries are normally empty; anything
 * left is freed without touching its (gone) clients. */
void pubsubFree(vlServer *s) {
    struct vlPubsub *ps = s->pubsub;
    if (!ps) return;
    for (int k = 0; k < PS_KINDS; k++) {
        dictIter it;
        dictIterInit(&it, ps->reg[k]);
        dictLink *e;
        while ((e = dictIterNext(&it))) {
            psChan *ch = (psChan *)e;
            dictUnlink(ps->reg[k], ch->name, ch->len);
            if (ch->many) {
                dictIter si;
                dictIterInit(&si, ch->many);
                dictLink *se;
                while ((se = dictIterNext(&si))) {
                    dictUnlink(ch->many, &((psSub *)se)->id, sizeof(uint64_t));
                    vlFree(se);
                }
                dictIterRelease(&si);
                dictRelease(ch->many);
            }
            vlFree(ch);
        }
        dictIterRelease(&it);
        dictRelease(ps->reg[k]);
    }
    vlFree(ps);
    s->pubsub = NULL;
}

static dict **clientSet(vlClient *c, int kind) {
    switch (kind) {
    case PS_CHANNELS: return &c->sub_channels;
    case PS_PATTERNS: return &c->sub_patterns;
    default: return &c->sub_shard;
    }
}

size_t pubsubClientCount(const vlClient *c, int kind) {
    const dict *d = kind == PS_CHANNELS   ? c->sub_channels
                    : kind == PS_PATTERNS ? c->sub_patterns
                                          : c->sub_shard;
    return d ? dictSize(d) : 0;
}

/* The count Redis puts in (un)subscribe replies: channels + patterns, or shard alone. */
static long long replyCount(const vlClient *c, int kind) {
    if (kind == PS_SHARD) return (long long)pubsubClientCount(c, PS_SHARD);
    return (long long)(pubsubClientCount(c, PS_CHANNELS) + pubsubClientCount(c, PS_PATTERNS));
}

static void updatePubsubFlag(vlClient *c) {
    if (pubsubClientCount(c, PS_CHANNELS) + pubsubClientCount(c, PS_PATTERNS) +
        pubsubClientCount(c, PS_SHARD))
        c->flags |= CLIENT_PUBSUB;
    else
        c->flags &= ~CLIENT_PUBSUB;
}

static size_t chanSubscribers(const psChan *ch) {
    return ch->one ? 1 : ch->many ? dictSize(ch->many) : 0;
}

/* ------------------------------------------------------------------- registry */

static psSub *subNew(struct vlPubsub *ps, vlClient *c) {
    psSub *sub = trackAlloc(ps, sizeof(*sub));
    sub->link.next = NULL;
    sub->id = c->id;
    sub->c = c;
    return sub;
}

static void chanAddClient(struct vlPubsub *ps, psChan *ch, vlClient *c) {
    if (!ch->one && !ch->many) {
        ch->one = c;
        return;
    }
    if (ch->one) {
        ch->many = trackDictCreate(ps, &subType);
        trackAdd(ps, ch->many, &subNew(ps, ch->one)->link);
        ch->one = NULL;
    }
    trackAdd(ps, ch->many, &subNew(ps, c)->link);
}

/* Removes c (known to be a subscriber); returns the subscribers left. Back to the inline
 * pointer at one subscriber, so a storm that leaves one listener gives its memory back. */
static size_t chanRemoveClient(struct vlPubsub *ps, psChan *ch, vlClient *c) {
    if (ch->one == c) {
        ch->one = NULL;
        return 0;
    }
    if (!ch->many) return 0;
    dictLink *e = trackUnlink(ps, ch->many, &c->id, sizeof(uint64_t));
    if (e) trackFree(ps, e);
    if (dictSize(ch->many) > 1) return dictSize(ch->many);
    if (dictSize(ch->many) == 1) {
        dictLink *last = trackRandom(ps, ch->many);
        psSub *sub = (psSub *)trackUnlink(ps, ch->many, &((psSub *)last)->id, sizeof(uint64_t));
        ch->one = sub->c;
        trackFree(ps, sub);
    }
    trackDictRelease(ps, ch->many);
    ch->many = NULL;
    return ch->one ? 1 : 0;
}

static void registryAdd(struct vlPubsub *ps, int kind, vlClient *c, const char *name,
                        uint32_t len) {
    dict *reg = ps->reg[kind];
    psChan *ch = (psChan *)dictFind(reg, name, len);
    if (!ch) {
        ch = trackAlloc(ps, offsetof(psChan, name) + len);
        ch->link.next = NULL;
        ch->one = NULL;
        ch->many = NULL;
        ch->len = len;
        memcpy(ch->name, name, len);
        dictAddNew(reg, &ch->link);
    }
    chanAddClient(ps, ch, c);
}

static void registryRemove(struct vlPubsub *ps, int kind, vlClient *c, const char *name,
                           size_t len) {
    dict *reg = ps->reg[kind];
    psChan *ch = (psChan *)dictFind(reg, name, len);
    if (!ch || chanRemoveClient(ps, ch, c) > 0) return;
    dictUnlink(reg, name, len);
    trackFree(ps, ch);
    /* An emptied registry gives its whole table back at once; otherwise shrink in steps. */
    if (dictSize(reg) == 0)
        dictEmpty(reg, NULL, NULL);
    else
        dictShrinkIfNeeded(reg);
}

/* ------------------------------------------------------------------- subscribe, unsubscribe */

/* 1 if newly subscribed, 0 if it already was. */
static int clientSubscribe(vlClient *c, int kind, const char *name, size_t len) {
    struct vlPubsub *ps = c->srv->pubsub;
    dict **set = clientSet(c, kind);
    if (*set && trackFind(ps, *set, name, len)) return 0;
    if (!*set) *set = trackDictCreate(ps, &nameType);
    psName *n = trackAlloc(ps, offsetof(psName, name) + len);
    n->link.next = NULL;
    n->len = (uint32_t)len;
    memcpy(n->name, name, len);
    trackAdd(ps, *set, &n->link);
    registryAdd(ps, kind, c, name, (uint32_t)len);
    c->flags |= CLIENT_PUBSUB;
    return 1;
}

static void releaseSetIfEmpty(struct vlPubsub *ps, dict **set) {
    if (*set && dictSize(*set) == 0) {
        trackDictRelease(ps, *set);
        *set = NULL;
    }
}

/* 1 if c was subscribed and no longer is. */
static int clientUnsubscribe(vlClient *c, int kind, const char *name, size_t len) {
    struct vlPubsub *ps = c->srv->pubsub;
    dict **set = clientSet(c, kind);
    if (!*set) return 0;
    psName *n = (psName *)trackUnlink(ps, *set, name, len);
    if (!n) return 0;
    registryRemove(ps, kind, c, n->name, n->len);
    trackFree(ps, n);
    releaseSetIfEmpty(ps, set);
    updatePubsubFlag(c);
    return 1;
}

static void replySubscription(vlClient *c, const char *what, const char *name, size_t len,
                              long long count) {
    c->flags |= CLIENT_PUSHING;
    addReplyPushLen(c, 3);
    addReplyBulk(c, what, strlen(what));
    if (name)
        addReplyBulk(c, name, len);
    else
        addReplyNull(c);
    addReplyLongLong(c, count);
    c->flags &= ~CLIENT_PUSHING; /* pushes never nest */
}

/* Drops every subscription of one kind; with reply, one confirmation each (or the
 * [kind, nil, count] reply when there were none). Returns how many were dropped. */
static size_t unsubscribeAll(vlClient *c, int kind, int reply) {
    struct vlPubsub *ps = c->srv->pubsub;
    dict **set = clientSet(c, kind);
    size_t n = 0;
    if (*set) {
        dictIter it;
        dictIterInit(&it, *set);
        dictLink *e;
        while ((e = dictIterNext(&it))) {
            psName *nm = (psName *)e;
            /* the iterator allows unlinking the entry it just returned; no shrink under it */
            dictUnlink(*set, nm->name, nm->len);
            if (ps) registryRemove(ps, kind, c, nm->name, nm->len);
            if (reply)
                replySubscription(c, unsubscribeName[kind], nm->name, nm->len, replyCount(c, kind));
            if (ps)
                trackFree(ps, nm);
            else
                vlFree(nm);
            n++;
        }
        dictIterRelease(&it);
        if (ps) {
            releaseSetIfEmpty(ps, set);
        } else {
            dictRelease(*set);
            *set = NULL;
        }
    }
    if (reply && n == 0) replySubscription(c, unsubscribeName[kind], NULL, 0, replyCount(c, kind));
    updatePubsubFlag(c);
    return n;
}

void pubsubClientFree(vlClient *c) {
    for (int k = 0; k < PS_KINDS; k++) unsubscribeAll(c, k, 0);
    c->flags &= ~CLIENT_PUBSUB;
}

/* ------------------------------------------------------------------- publish */

/* Redis's matcher never enters its loop for an empty string, so only the empty pattern
 * matches the empty channel ("*" does not): kept, since subscribers see the difference. */
static int psMatch(const char *pat, size_t plen, const char *str, size_t slen) {
    if (slen == 0) return plen == 0;
    return utilGlobMatch(pat, plen, str, slen, 0);
}

typedef struct psMessage {
    const char *kind;
    size_t kindlen;
    const char *pat;
    size_t plen;
    const char *ch;
    size_t chlen;
    const char *msg;
    size_t mlen;
} psMessage;

static void pendingBulk(vstr **v, const void *p, size_t len) {
    vstrCatFmt(v, "$%zu\r\n", len);
    vstrCat(v, p, len);
    vstrCat(v, "\r\n", 2);
}

static void deliver(vlClient *c, const psMessage *m) {
    if (c->flags & CLIENT_FAKE) {
        if (c->push_sink)
            c->push_sink(c, c->push_ud, m->kind, m->pat, m->plen, m->ch, m->chlen, m->msg, m->mlen);
        return;
    }
    vlServer *s = c->srv;
    if (c == s->current_client && c->cmd) {
        /* a message to the client running this command (PUBLISH to itself, inside MULTI
         * too) comes after the command's reply: cmdProcess adds it (pubsubFlushPending) */
        vstrCatFmt(&s->pending_push, "%c%d\r\n", c->resp >= 3 ? '>' : '*', m->pat ? 4 : 3);
        pendingBulk(&s->pending_push, m->kind, m->kindlen);
        if (m->pat) pendingBulk(&s->pending_push, m->pat, m->plen);
        pendingBulk(&s->pending_push, m->ch, m->chlen);
        pendingBulk(&s->pending_push, m->msg, m->mlen);
        s->pending_push_client = c;
        return;
    }
    c->flags |= CLIENT_PUSHING;
    addReplyPushLen(c, m->pat ? 4 : 3);
    addReplyBulk(c, m->kind, m->kindlen);
    if (m->pat) addReplyBulk(c, m->pat, m->plen);
    addReplyBulk(c, m->ch, m->chlen);
    addReplyBulk(c, m->msg, m->mlen);
    c->flags &= ~CLIENT_PUSHING; /* pushes never nest */
    /* A subscriber that does not read is closed here (deferred), not left to grow. */
    clientCheckOutputLimits(c);
}

void pubsubFlushPending(vlServer *s) {
    vlClient *c = s->pending_push_client;
    vstr *v = s->pending_push;
    s->pending_push = NULL;
    s->pending_push_client = NULL;
    if (c && v && v->len) {
        c->flags |= CLIENT_PUSHING;
        addReplyRaw(c, v->buf, v->len);
        c->flags &= ~CLIENT_PUSHING; /* pushes never nest */
        clientCheckOutputLimits(c);
    }
    vstrFree(v);
}

static long long deliverToChan(psChan *ch, const psMessage *m) {
    if (ch->one) {
        deliver(ch->one, m);
        return 1;
    }
    if (!ch->many) return 0;
    long long n = 0;
    dictIter it;
    dictIterInit(&it, ch->many);
    dictLink *e;
    while ((e = dictIterNext(&it))) {
        deliver(((psSub *)e)->c, m);
        n++;
    }
    dictIterRelease(&it);
    return n;
}

long long pubsubPublish(vlServer *s, const void *ch, size_t chlen, const void *msg, size_t mlen,
                        int shard) {
    struct vlPubsub *ps = s->pubsub;
    if (!ps) return 0;
    long long receivers = 0;
    psMessage m = {shard ? "smessage" : "message", shard ? 8 : 7, NULL, 0, ch, chlen, msg, mlen};
    psChan *e = (psChan *)dictFind(ps->reg[shard ? PS_SHARD : PS_CHANNELS], ch, chlen);
    if (e) receivers += deliverToChan(e, &m);
    if (shard || dictSize(ps->reg[PS_PATTERNS]) == 0) return receivers;
    m.kind = "pmessage";
    m.kindlen = 8;
    dictIter it;
    dictIterInit(&it, ps->reg[PS_PATTERNS]);
    dictLink *pe;
    while ((pe = dictIterNext(&it))) {
        psChan *p = (psChan *)pe;
        if (!psMatch(p->name, p->len, ch, chlen)) continue;
        m.pat = p->name;
        m.plen = p->len;
        receivers += deliverToChan(p, &m);
    }
    dictIterRelease(&it);
    return receivers;
}

/* ------------------------------------------------------------------- commands */

/* Names are stored with a 32-bit length; the request parser's bulk limit keeps real ones far
 * below, but a raised proto-max-bulk-len must not wrap it. */
static int checkNamesOrReply(vlClient *c) {
    for (int i = 1; i < c->argc; i++) {
        if (c->argv[i].len > UINT32_MAX) {
            addReplyError(c, "ERR channel name too long");
            return VL_ERR;
        }
    }
    return VL_OK;
}

static void subscribeGeneric(vlClient *c, int kind) {
    /* An in-process client without a push callback (vlCall's shared client) could never
     * receive a message, and in RESP2 it would be stuck in subscribed mode: refused, with
     * Redis's text for clients that cannot block. */
    if ((c->flags & CLIENT_FAKE) && !c->push_sink) {
        static const char *const upper[PS_KINDS] = {"SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"};
        addReplyErrorFormat(c, "ERR %s isn't allowed for a DENY BLOCKING client", upper[kind]);
        return;
    }
    if (checkNamesOrReply(c) != VL_OK) return;
    for (int i = 1; i < c->argc; i++) {
        clientSubscribe(c, kind, c->argv[i].ptr, c->argv[i].len);
        replySubscription(c, subscribeName[kind], c->argv[i].ptr, c->argv[i].len,
                          replyCount(c, kind));
    }
}

static void unsubscribeGeneric(vlClient *c, int kind) {
    if (c->argc == 1) {
        unsubscribeAll(c, kind, 1);
        return;
    }
    for (int i = 1; i < c->argc; i++) {
        clientUnsubscribe(c, kind, c->argv[i].ptr, c->argv[i].len);
        replySubscription(c, unsubscribeName[kind], c->argv[i].ptr, c->argv[i].len,
                          replyCount(c, kind));
    }
}

static void subscribeCommand(vlClient *c) {
    subscribeGeneric(c, PS_CHANNELS);
}
static void psubscribeCommand(vlClient *c) {
    subscribeGeneric(c, PS_PATTERNS);
}
static void ssubscribeCommand(vlClient *c) {
    subscribeGeneric(c, PS_SHARD);
}
static void unsubscribeCommand(vlClient *c) {
    unsubscribeGeneric(c, PS_CHANNELS);
}
static void punsubscribeCommand(vlClient *c) {
    unsubscribeGeneric(c, PS_PATTERNS);
}
static void sunsubscribeCommand(vlClient *c) {
    unsubscribeGeneric(c, PS_SHARD);
}

static void publishCommand(vlClient *c) {
    addReplyLongLong(c, pubsubPublish(c->srv, c->argv[1].ptr, c->argv[1].len, c->argv[2].ptr,
                                      c->argv[2].len, 0));
}

static void spublishCommand(vlClient *c) {
    addReplyLongLong(c, pubsubPublish(c->srv, c->argv[1].ptr, c->argv[1].len, c->argv[2].ptr,
                                      c->argv[2].len, 1));
}

/* PUBSUB CHANNELS / SHARDCHANNELS [pattern] */
static void listChannels(vlClient *c, int kind) {
    if (c->argc > 3) {
        addReplyErrorFormat(c,
                            "ERR unknown subcommand or wrong number of arguments for '%.*s'. "
                            "Try PUBSUB HELP.",
                            (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].ptr);
        return;
    }
    dict *reg = c->srv->pubsub->reg[kind];
    const char *pat = c->argc == 3 ? c->argv[2].ptr : NULL;
    size_t plen = c->argc == 3 ? c->argv[2].len : 0;
    void *slot = addReplyDeferredLen(c);
    long long n = 0;
    dictIter it;
    dictIterInit(&it, reg);
    dictLink *e;
    while ((e = dictIterNext(&it))) {
        psChan *ch = (psChan *)e;
        if (pat && !psMatch(pat, plen, ch->name, ch->len)) continue;
        addReplyBulk(c, ch->name, ch->len);
        n++;
    }
    dictIterRelease(&it);
    setDeferredArrayLen(c, slot, n);
}

/* PUBSUB NUMSUB / SHARDNUMSUB [name ...]: a flat array name, count (RESP3 too, as Redis). */
static void countSubscribers(vlClient *c, int kind) {
    dict *reg = c->srv->pubsub->reg[kind];
    addReplyArrayLen(c, (long long)(c->argc - 2) * 2);
    for (int i = 2; i < c->argc; i++) {
        psChan *ch = (psChan *)dictFind(reg, c->argv[i].ptr, c->argv[i].len);
        addReplyBulk(c, c->argv[i].ptr, c->argv[i].len);
        addReplyLongLong(c, ch ? (long long)chanSubscribers(ch) : 0);
    }
}

static void psChannels(vlClient *c) {
    listChannels(c, PS_CHANNELS);
}
static void psShardChannels(vlClient *c) {
    listChannels(c, PS_SHARD);
}
static void psNumsub(vlClient *c) {
    countSubscribers(c, PS_CHANNELS);
}
static void psShardNumsub(vlClient *c) {
    countSubscribers(c, PS_SHARD);
}
static void psNumpat(vlClient *c) {
    addReplyLongLong(c, (long long)dictSize(c->srv->pubsub->reg[PS_PATTERNS]));
}

static void psHelp(vlClient *c) {
    static const char *const lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        ("    Return the currently active shard level channels matching a <pattern> (default: "
         "'*')."),
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };
    size_t n = sizeof(lines) / sizeof(lines[0]);
    addReplyArrayLen(c, (long long)n);
    for (size_t i = 0; i < n; i++) addReplyStatus(c, lines[i]);
}

/* The subcommands, with Redis's arities (checked here, reported as 'pubsub|name'). */
static const struct {
    const char *name;
    vlCommandProc *proc;
    int arity;
} psSubcommands[] = {
    {"channels", psChannels, -2},       {"numpat", psNumpat, 2},
    {"numsub", psNumsub, -2},           {"shardchannels", psShardChannels, -2},
    {"shardnumsub", psShardNumsub, -2}, {"help", psHelp, 2},
};

static void pubsubCommand(vlClient *c) {
    for (size_t i = 0; i < sizeof(psSubcommands) / sizeof(psSubcommands[0]); i++) {
        if (!argEq(&c->argv[1], psSubcommands[i].name)) continue;
        int arity = psSubcommands[i].arity;
        if ((arity > 0 && c->argc != arity) || c->argc < -arity) {
            addReplyErrorFormat(c, "ERR wrong number of arguments for 'pubsub|%s' command",
                                psSubcommands[i].name);
            return;
        }
        psSubcommands[i].proc(c);
        return;
    }
    addReplyErrorFormat(c, "ERR unknown subcommand '%.*s'. Try PUBSUB HELP.",
                        (int)(c->argv[1].len < 128 ? c->argv[1].len : 128), c->argv[1].ptr);
}

#define PS_SUB_FLAGS (CMD_PUBSUB | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_ALLOW_SUBSCRIBED)

const vlCommand vlPubsubCommands[] = {
    {"subscribe", subscribeCommand, -2, PS_SUB_FLAGS, 0, 0, 0, "pubsub",
     "Listens for messages published to channels."},
    {"unsubscribe", unsubscribeCommand, -1, PS_SUB_FLAGS | CMD_UNSUBSCRIBE, 0, 0, 0, "pubsub",
     "Stops listening to messages posted to channels."},
    {"psubscribe", psubscribeCommand, -2, PS_SUB_FLAGS, 0, 0, 0, "pubsub",
     "Listens for messages published to channels that match one or more patterns."},
    {"punsubscribe", punsubscribeCommand, -1, PS_SUB_FLAGS | CMD_UNSUBSCRIBE, 0, 0, 0, "pubsub",
     "Stops listening to messages published to channels that match one or more patterns."},
    {"ssubscribe", ssubscribeCommand, -2, PS_SUB_FLAGS, 1, -1, 1, "pubsub",
     "Listens for messages published to shard channels."},
    {"sunsubscribe", sunsubscribeCommand, -1, PS_SUB_FLAGS | CMD_UNSUBSCRIBE, 1, -1, 1, "pubsub",
     "Stops listening to messages posted to shard channels."},
    {"publish", publishCommand, 3, CMD_PUBSUB | CMD_LOADING | CMD_STALE | CMD_FAST, 0, 0, 0,
     "pubsub", "Posts a message to a channel."},
    {"spublish", spublishCommand, 3, CMD_PUBSUB | CMD_LOADING | CMD_STALE | CMD_FAST, 1, 1, 1,
     "pubsub", "Post a message to a shard channel"},
    {"pubsub", pubsubCommand, -2, CMD_PUBSUB | CMD_LOADING | CMD_STALE, 0, 0, 0, "pubsub",
     "A container for Pub/Sub commands."},
    {0}};

/* ------------------------------------------------------------------- introspection */

size_t pubsubMemUsage(vlServer *s) {
    struct vlPubsub *ps = s->pubsub;
    if (!ps) return 0;
    size_t n = sizeof(*ps) + ps->tracked;
    for (int k = 0; k < PS_KINDS; k++) n += dictMemUsage(ps->reg[k]);
    return n;
}

void pubsubInfo(vlServer *s, vstr **out) {
    struct vlPubsub *ps = s->pubsub;
    vstrCatFmt(out, "pubsub_channels:%zu\r\npubsub_patterns:%zu\r\npubsubshard_channels:%zu\r\n",
               ps ? dictSize(ps->reg[PS_CHANNELS]) : 0, ps ? dictSize(ps->reg[PS_PATTERNS]) : 0,
               ps ? dictSize(ps->reg[PS_SHARD]) : 0);
}

/* ------------------------------------------------------------------- defrag */

typedef struct psDefrag {
    void *(*move)(void *p, void *ctx);
    void *ctx;
    size_t visited;
} psDefrag;

static void *defragTable(void *table, void *arg) {
    psDefrag *d = arg;
    return d->move(table, d->ctx);
}

static dictLink *defragPlainEntry(dictLink *e, void *arg) {
    psDefrag *d = arg;
    d->visited++;
    return d->move(e, d->ctx);
}

/* A subscriber dict is walked whole inside its channel's visit: it is counted against the
 * budget, and even 10,000 subscribers are a few hundred microseconds of moves. */
static void defragWholeDict(dict **dp, psDefrag *d) {
    dict *nd = d->move(*dp, d->ctx);
    if (nd) *dp = nd;
    unsigned long cur = 0;
    do {
        cur = dictDefragStep(*dp, cur, defragPlainEntry, defragTable, d);
    } while (cur);
}

static dictLink *defragChanEntry(dictLink *e, void *arg) {
    psDefrag *d = arg;
    d->visited++;
    psChan *moved = d->move(e, d->ctx);
    psChan *ch = moved ? moved : (psChan *)e;
    if (ch->many) defragWholeDict(&ch->many, d);
    return moved ? &moved->link : NULL;
}

/* The cursor's top two bits say which dict is being walked; the rest is that dict's scan
 * cursor (dict cursors stay below 2^60: DICT_MAX_EXP). */
#define PS_STAGE_SHIFT (sizeof(unsigned long) * 8 - 2)
#define PS_CURSOR_MASK ((1UL << PS_STAGE_SHIFT) - 1)

typedef dictLink *psEntryMover(dictLink *e, void *ctx);

/* Walks the dicts *dicts[0..n) as one resumable pass; a NULL dict is an empty stage. */
static size_t defragStages(dict **const *dicts, int n, unsigned long *cursor, size_t budget,
                           psEntryMover *mover, psDefrag *d) {
    unsigned long stage = *cursor >> PS_STAGE_SHIFT, cur = *cursor & PS_CURSOR_MASK;
    if (budget == 0) budget = 1;
    while (stage < (unsigned long)n && d->visited < budget) {
        dict **dp = dicts[stage];
        if (*dp) {
            if (cur == 0) {
                dict *nd = d->move(*dp, d->ctx);
                if (nd) *dp = nd;
            }
            cur = dictDefragStep(*dp, cur, mover, defragTable, d);
        } else {
            cur = 0;
        }
        d->visited++; /* empty buckets cost a little too: the budget bounds the slice */
        if (cur == 0) stage++;
    }
    if (stage >= (unsigned long)n) {
        *cursor = 0;
        return 0;
    }
    *cursor = (stage << PS_STAGE_SHIFT) | cur;
    return 1;
}

size_t pubsubDefragStep(vlServer *s, unsigned long *cursor, size_t budget, vlMoveFn *move,
                        void *ctx) {
    if (!s->pubsub) {
        *cursor = 0;
        return 0;
    }
    psDefrag d = {move, ctx, 0};
    if (*cursor == 0) {
        struct vlPubsub *np = move(s->pubsub, ctx);
        if (np) s->pubsub = np;
    }
    struct vlPubsub *ps = s->pubsub;
    dict **const dicts[PS_KINDS] = {&ps->reg[0], &ps->reg[1], &ps->reg[2]};
    return defragStages(dicts, PS_KINDS, cursor, budget, defragChanEntry, &d);
}

/* A client's sets are walked whole (the defrag engine visits one client per step and checks
 * its clock between clients); returns 0: nothing is left pending. */
/* Resumable like pubsubDefragStep: a client with 700,000 subscriptions walked in one call
 * took 1.15 s of CPU in one defrag slice (measured in tests/unit/defrag.tcl). */
int pubsubClientDefrag(vlClient *c, unsigned long *cursor, size_t budget, vlMoveFn *move,
                       void *ctx) {
    psDefrag d = {move, ctx, 0};
    dict **const dicts[PS_KINDS] = {&c->sub_channels, &c->sub_patterns, &c->sub_shard};
    return defragStages(dicts, PS_KINDS, cursor, budget, defragPlainEntry, &d) != 0;
}

/* ------------------------------------------------------------------- keyspace notifications */

/* Flag letters in the order CONFIG GET prints them (Redis's): the type classes (or A), then
 * K, E, m. 'n' is not part of A. */
static const struct {
    char ch;
    int flag;
} notifyLetters[] = {
    {'g', NOTIFY_GENERIC},  {'$', NOTIFY_STRING},   {'l', NOTIFY_LIST},    {'s', NOTIFY_SET},
    {'h', NOTIFY_HASH},     {'z', NOTIFY_ZSET},     {'x', NOTIFY_EXPIRED}, {'e', NOTIFY_EVICTED},
    {'t', NOTIFY_STREAM},   {'d', NOTIFY_MODULE},   {'n', NOTIFY_NEW},     {'K', NOTIFY_KEYSPACE},
    {'E', NOTIFY_KEYEVENT}, {'m', NOTIFY_KEY_MISS},
};

#define PS_INTRO_FLAGS (CMD_PUBSUB | CMD_LOADING | CMD_STALE)

const vlCommand vlPubsubSubcommands[] = {
    {"pubsub|channels", pubsubCommand, -2, PS_INTRO_FLAGS, 0, 0, 0, "pubsub",
     "Returns the active channels."},
    {"pubsub|numpat", pubsubCommand, 2, PS_INTRO_FLAGS, 0, 0, 0, "pubsub",
     "Returns a count of unique pattern subscriptions."},
    {"pubsub|numsub", pubsubCommand, -2, PS_INTRO_FLAGS, 0, 0, 0, "pubsub",
     "Returns a count of subscribers to channels."},
    {"pubsub|shardchannels", pubsubCommand, -2, PS_INTRO_FLAGS, 0, 0, 0, "pubsub",
     "Returns the active shard channels."},
    {"pubsub|shardnumsub", pubsubCommand, -2, PS_INTRO_FLAGS, 0, 0, 0, "pubsub",
     "Returns the count of subscribers of shard channels."},
    {"pubsub|help", pubsubCommand, 2, CMD_LOADING | CMD_STALE, 0, 0, 0, "pubsub",
     "Returns helpful text about the different subcommands."},
    {0},
};

int notifyFlagsFromString(const char *str, int *flags) {
    int f = 0;
    for (const char *p = str; *p; p++) {
        if (*p == 'A') {
            f |= NOTIFY_ALL;
            continue;
        }
        size_t i, n = sizeof(notifyLetters) / sizeof(notifyLetters[0]);
        for (i = 0; i < n && notifyLetters[i].ch != *p; i++) {
        }
        if (i == n) return VL_ERR;
        f |= notifyLetters[i].flag;
    }
    *flags = f;
    return VL_OK;
}

/* Redis 7.0 prints "A" alone when all type classes are set and drops a set 'n' there (so a
 * CONFIG REWRITE of "An" loses it); here "An" comes back as "An". */
void notifyFlagsToString(int flags, char *buf, size_t len) {
    size_t o = 0;
    if (len == 0) return;
    int all = (flags & NOTIFY_ALL) == NOTIFY_ALL;
    if (all && o + 1 < len) buf[o++] = 'A';
    for (size_t i = 0; i < sizeof(notifyLetters) / sizeof(notifyLetters[0]); i++) {
        if (!(flags & notifyLetters[i].flag)) continue;
        if (all && (notifyLetters[i].flag & NOTIFY_ALL)) continue;
        if (o + 1 < len) buf[o++] = notifyLetters[i].ch;
    }
    buf[o] = '\0';
}

/* Publishes "<prefix><middle>" with the message; the channel is built on the stack when it
 * fits, which is every realistic key. */
static void notifyPublish(vlServer *s, const char *prefix, size_t prelen, const void *middle,
                          size_t midlen, const void *msg, size_t mlen) {
    char stackbuf[256];
    size_t total = prelen + midlen;
    char *buf = total <= sizeof(stackbuf) ? stackbuf : vlMalloc(total);
    memcpy(buf, prefix, prelen);
    memcpy(buf + prelen, middle, midlen);
    pubsubPublish(s, buf, total, msg, mlen, 0);
    if (buf != stackbuf) vlFree(buf);
}

void notifyKeyspaceEvent(vlServer *s, int type, const char *event, const void *key, size_t klen,
                         int dbid) {
    /* Called on every write: with notifications off this is the whole cost. */
    int flags = s->cfg.notify_keyspace_events;
    if (vlLikely(!(flags & type))) return;
    struct vlPubsub *ps = s->pubsub;
    if (!ps || (dictSize(ps->reg[PS_CHANNELS]) == 0 && dictSize(ps->reg[PS_PATTERNS]) == 0)) return;
    char prefix[64];
    size_t elen = strlen(event);
    if (flags & NOTIFY_KEYSPACE) {
        int n = snprintf(prefix, sizeof(prefix), "__keyspace@%d__:", dbid);
        notifyPublish(s, prefix, (size_t)n, key, klen, event, elen);
    }
    if (flags & NOTIFY_KEYEVENT) {
        int n = snprintf(prefix, sizeof(prefix), "__keyevent@%d__:", dbid);
        notifyPublish(s, prefix, (size_t)n, event, elen, key, klen);
    }
}
