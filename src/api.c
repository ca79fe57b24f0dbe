/* api.c - the public embedding API (valkey-lite.h) on top of the server tier.
 *
 * In-process calls run through the same dispatcher as network commands, on a
 * connection-less client (CLIENT_FAKE) whose reply blocks are parsed into a vlReply tree
 * after each call: one code path for every command, so an embedded host sees exactly what a
 * TCP client sees. Replies are allocated with the process's malloc, not in the server's
 * heap: the host owns and frees them, and they must not count as server memory.
 * Subscribers are further fake clients whose pub/sub messages are handed to a callback
 * (its push sink, deliverPush) instead of being queued.
 *
 * Rejected: a second, direct C API over the keyspace (a second set of semantics to keep
 * equal to the commands'). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "respparse.h"
#include "client.h"
#include "cmd.h"
#include "config.h"
#include "loop.h"
#include "api.h"
#include "pubsub.h"
#include "server.h"
#include "valkey-lite.h"

#define API_MAX_ARGS (1 << 20)

struct vlSubscriber {
    vlServer *s;
    vlClient *c;
};

typedef struct apiState {
    pthread_t owner;
    int in_callback; /* inside a push callback: re-entrant calls are refused */
    char lasterr[256];
    struct event_base *own_base;
} apiState;

/* The api state lives in the server's private slot for it. */
static apiState *apiGet(vlServer *s) {
    return (apiState *)s->api;
}

static int apiCheck(vlServer *s) {
    apiState *a = apiGet(s);
    if (!pthread_equal(a->owner, pthread_self())) {
        fprintf(stderr, "valkey-lite: a server was used from a thread other than its own\n");
        abort();
    }
    return !(a->in_callback || s->in_log_cb);
}

/* The hash seed is process-wide (set once, read-only afterwards), so the first server sets it. */
static void apiSeedHash(void) {
    uint8_t seed[16];
    utilRandomBytes(seed, sizeof(seed));
    dictSetHashSeed(seed);
}

const char *vlVersion(void) {
    return VL_VERSION;
}

/* The one way a server comes to be, embedded or standalone: the process's hash seed (set by
 * the first server), a heap, the defaults, the api state. Embedded defaults: no TCP unless the
 * configuration asks for a port, and no threads unless it asks for jemalloc's purge threads
 * (they are process-wide: the host's heap too). The caller loads the configuration. */
vlServer *apiServerNew(int standalone, char *err, size_t errlen) {
    static pthread_once_t seeded = PTHREAD_ONCE_INIT;
    pthread_once(&seeded, apiSeedHash);
    vlServer *s = serverCreate(err, errlen);
    if (!s) return NULL;
    s->standalone = standalone;
    if (!standalone) {
        vlHeap *prev = allocHeapEnter(s->heap);
        char e[256];
        configSetOne(s, "port", "0", e, sizeof(e));
        /* a library listens on loopback unless its host says otherwise */
        configSetOne(s, "bind", "127.0.0.1 -::1", e, sizeof(e));
        configSetOne(s, "jemalloc-bg-thread", "no", e, sizeof(e));
        allocHeapLeave(prev);
    }
    apiState *a = calloc(1, sizeof(*a));
    if (!a) abort();
    a->owner = pthread_self();
    s->api = a;
    return s;
}

vlServer *vlServerNew(const char *config_text, char *err, size_t errlen) {
    char dummy[8];
    if (!err || errlen == 0) {
        err = dummy;
        errlen = sizeof(dummy);
    }
    err[0] = '\0';
    vlServer *s = apiServerNew(0, err, errlen);
    if (!s) return NULL;
    vlHeap *prev = allocHeapEnter(s->heap);
    int rc = config_text ? configLoadText(s, config_text, err, errlen) : VL_OK;
    allocHeapLeave(prev);
    if (rc != VL_OK) {
        vlServerFree(s);
        return NULL;
    }
    serverInitData(s); /* usable in-process before (or without) any event loop */
    return s;
}

const char *vlServerLastError(vlServer *s) {
    return apiGet(s)->lasterr;
}

int vlServerPort(vlServer *s) {
    return s->attached ? s->listen_port : 0;
}

int vlServerAttach(vlServer *s, struct event_base *base) {
    if (!apiCheck(s) || s->attached || !base) return -1;
    apiState *a = apiGet(s);
    return serverStart(s, base, a->lasterr, sizeof(a->lasterr)) == VL_OK ? 0 : -1;
}

int apiServerRun(vlServer *s, int signals, void (*started)(vlServer *s)) {
    if (!apiCheck(s) || s->attached) return -1;
    apiState *a = apiGet(s);
    a->own_base = loopNewBase();
    if (!a->own_base) return -1;
    s->own_base = 1;
    if (serverStart(s, a->own_base, a->lasterr, sizeof(a->lasterr)) != VL_OK) {
        loopFreeBase(a->own_base);
        a->own_base = NULL;
        s->own_base = 0;
        return -1;
    }
    if (started) started(s);
    loopRunOwn(s, signals);
    serverStop(s);
    loopFreeBase(a->own_base);
    a->own_base = NULL;
    s->own_base = 0;
    s->shutdown_asap = 0;
    return 0;
}

int vlServerRun(vlServer *s) {
    return apiServerRun(s, 0, NULL);
}

void vlServerStop(vlServer *s) {
    if (!apiCheck(s)) return;
    if (apiGet(s)->own_base) { /* inside vlServerRun: make it return */
        s->shutdown_asap = 1;
        loopBreak(s);
        return;
    }
    if (s->attached) serverStop(s);
}

void vlServerFree(vlServer *s) {
    if (!s || !apiCheck(s)) return;
    apiState *a = apiGet(s);
    serverFree(s);
    free(a);
}

void vlSetLogHandler(vlServer *s, void (*fn)(void *ud, int level, const char *line), void *ud) {
    s->log_fn = fn;
    s->log_ud = ud;
}

/* ------------------------------------------------------------------- replies */

/* Takes everything queued on the fake client and turns it into replies. */
static vlReply *drainReplies(vlClient *c) {
    vstr *buf = NULL;
    struct iovec iov[64];
    while (c->reply.bytes) {
        int n = replyIov(&c->reply, iov, 64);
        size_t got = 0;
        for (int i = 0; i < n; i++) {
            vstrCat(&buf, iov[i].iov_base, iov[i].iov_len);
            got += iov[i].iov_len;
        }
        replyConsumed(&c->reply, got);
    }
    vlReply *r = NULL;
    if (buf && buf->len) {
        size_t used;
        r = respParseReply(buf->buf, buf->len, &used);
        if (!r) { /* our own encoder's output: this would be a bug, not the caller's fault */
            static const char msg[] = "ERR internal error: unparsable reply";
            r = respReplyStr(VL_REPLY_ERROR, msg, sizeof(msg) - 1);
        }
    } else {
        r = respReplyNew(VL_REPLY_NIL);
    }
    vstrFree(buf);
    return r;
}

static vlClient *fakeClient(vlServer *s) {
    if (!s->fake_client) {
        s->fake_client = clientCreate(s, -1, CLIENT_FAKE);
        s->fake_client->authenticated = 1;
        s->fake_client->proto.unauth = 0;
        snprintf(s->fake_client->addr, sizeof(s->fake_client->addr), "in-process");
    }
    return s->fake_client;
}

static int runOn(vlServer *s, vlClient *c, int argc, const char **argv, const size_t *argvlen,
                 vlReply **reply) {
    if (reply) *reply = NULL;
    if (!apiCheck(s) || argc <= 0 || argc > API_MAX_ARGS || !argv) return -1;
    vlHeap *prev = allocHeapEnter(s->heap);
    protoArg small[16];
    protoArg *args = argc <= 16 ? small : vlMalloc(sizeof(protoArg) * (size_t)argc);
    for (int i = 0; i < argc; i++) {
        args[i].ptr = argv[i];
        args[i].len = argvlen ? argvlen[i] : strlen(argv[i]);
    }
    c->argc = argc;
    c->argv = args;
    serverSetTimeFromMono(s, utilMonoUs());
    cmdProcess(c);
    c->argc = 0;
    c->argv = NULL;
    if (args != small) vlFree(args);
    vlReply *r = drainReplies(c);
    if (c->flags & CLIENT_OVERFLOW) { /* what was built was dropped at the output ceiling */
        vlReplyFree(r);
        static const char msg[] = "ERR reply exceeds the output ceiling of an in-process call";
        r = respReplyStr(VL_REPLY_ERROR, msg, sizeof(msg) - 1);
    }
    /* close-after-reply (QUIT) and class output limits do not apply to an in-process client */
    c->flags &= ~(CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_OVERFLOW);
    allocHeapLeave(prev);
    if (reply)
        *reply = r;
    else
        vlReplyFree(r);
    return 0;
}

int vlCall(vlServer *s, int argc, const char **argv, const size_t *argvlen, vlReply **reply) {
    if (!s) return -1;
    if (!apiCheck(s)) return -1;
    vlHeap *prev = allocHeapEnter(s->heap);
    vlClient *c = fakeClient(s);
    allocHeapLeave(prev);
    return runOn(s, c, argc, argv, argvlen, reply);
}

int vlCallv(vlServer *s, vlReply **reply, const char *arg0, ...) {
    const char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, arg0);
    for (const char *a = arg0; a && argc < 64; a = va_arg(ap, const char *)) argv[argc++] = a;
    va_end(ap);
    return vlCall(s, argc, argv, NULL, reply);
}

/* ------------------------------------------------------------------- subscribers */

typedef struct subHook {
    vlPushFn *fn;
    void *ud;
} subHook;

/* The subscriber's push sink: builds the PUSH-shaped reply the host's callback gets. */
static void deliverPush(vlClient *c, void *ud, const char *kind, const void *pat, size_t plen,
                        const void *ch, size_t chlen, const void *msg, size_t mlen) {
    subHook *h = ud;
    int n = pat ? 4 : 3;
    vlReply *r = respReplyNew(VL_REPLY_PUSH);
    r->elements = (size_t)n;
    r->element = calloc((size_t)n, sizeof(vlReply *));
    if (!r->element) abort();
    int i = 0;
    r->element[i++] = respReplyStr(VL_REPLY_STRING, kind, strlen(kind));
    if (pat) r->element[i++] = respReplyStr(VL_REPLY_STRING, pat, plen);
    r->element[i++] = respReplyStr(VL_REPLY_STRING, ch, chlen);
    r->element[i++] = respReplyStr(VL_REPLY_STRING, msg, mlen);
    apiState *a = apiGet(c->srv);
    a->in_callback++;
    h->fn(h->ud, r);
    a->in_callback--;
    vlReplyFree(r);
}

vlSubscriber *vlSubscriberNew(vlServer *s, vlPushFn *fn, void *ud) {
    if (!apiCheck(s) || !fn) return NULL;
    vlHeap *prev = allocHeapEnter(s->heap);
    vlSubscriber *sub = vlCalloc(sizeof(*sub));
    sub->s = s;
    sub->c = clientCreate(s, -1, CLIENT_FAKE);
    sub->c->authenticated = 1;
    sub->c->proto.unauth = 0;
    snprintf(sub->c->addr, sizeof(sub->c->addr), "in-process-subscriber");
    subHook *h = vlMalloc(sizeof(*h));
    h->fn = fn;
    h->ud = ud;
    sub->c->push_sink = deliverPush;
    sub->c->push_ud = h;
    allocHeapLeave(prev);
    return sub;
}

int vlSubscriberCall(vlSubscriber *sub, int argc, const char **argv, const size_t *argvlen,
                     vlReply **reply) {
    if (!sub) return -1;
    return runOn(sub->s, sub->c, argc, argv, argvlen, reply);
}

void vlSubscriberFree(vlSubscriber *sub) {
    if (!sub) return;
    vlServer *s = sub->s;
    if (!apiCheck(s)) return;
    vlHeap *prev = allocHeapEnter(s->heap);
    vlFree(sub->c->push_ud);
    clientFree(sub->c);
    vlFree(sub);
    allocHeapLeave(prev);
}

char *vlServerInfo(vlServer *s, const char *section) {
    vlReply *r = NULL;
    const char *argv[2] = {"INFO", section};
    if (vlCall(s, section ? 2 : 1, argv, NULL, &r) != 0 || !r) return NULL;
    char *out = NULL;
    if (r->str) out = strdup(r->str);
    vlReplyFree(r);
    return out;
}
