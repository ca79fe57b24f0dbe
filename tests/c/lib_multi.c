/* lib_multi.c - transactions seen from the embedding API: a write made with vlCall touches a
 * key a TCP client WATCHes (its EXEC answers nil), a vlCall write to another key does not,
 * a transaction run in-process (MULTI ... EXEC through vlCall) works and its writes touch
 * watchers too. The TCP client is hiredis async on the host's own event_base, so every step
 * runs in one thread, in order, from the reply callbacks. */
#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <string.h>

#include "ctest.h"
#include "ctest_net.h"
#include "valkey-lite.h"

typedef struct {
    struct event_base *base;
    vlServer *s;
    int step;
    int exec_nil[3];   /* per round: EXEC answered nil */
    int exec_elems[3]; /* per round: elements of EXEC's array, -1 if not an array */
    char last_get[3][32];
} state;

static int call(vlServer *s, int want_type, const char *a0, const char *a1, const char *a2) {
    vlReply *r = NULL;
    if (vlCallv(s, &r, a0, a1, a2, NULL) != 0 || !r) return 0;
    int ok = r->type == want_type;
    if (!ok) printf("    %s %s -> type %d '%s'\n", a0, a1 ? a1 : "", r->type, r->str ? r->str : "");
    vlReplyFree(r);
    return ok;
}

static void ignore(redisAsyncContext *ac, void *r, void *priv) {
    (void)ac;
    (void)r;
    (void)priv;
}

static void onExec(redisAsyncContext *ac, void *r, void *priv);

/* WATCH answered: the in-process side writes (or not), then the TCP side runs its
 * transaction. */
static void onWatch(redisAsyncContext *ac, void *r, void *priv) {
    state *st = priv;
    (void)r;
    switch (st->step) {
    case 0: CHECK(call(st->s, VL_REPLY_STATUS, "SET", "wk", "from-vlcall")); break;
    case 1: CHECK(call(st->s, VL_REPLY_STATUS, "SET", "other", "x")); break;
    case 2:
        /* a whole transaction in-process: its SET touches the TCP client's key */
        CHECK(call(st->s, VL_REPLY_STATUS, "MULTI", NULL, NULL));
        CHECK(call(st->s, VL_REPLY_STATUS, "SET", "wk", "from-vlcall-exec"));
        CHECK(call(st->s, VL_REPLY_STATUS, "INCR", "cnt", NULL));
        {
            vlReply *e = NULL;
            vlCallv(st->s, &e, "EXEC", NULL);
            CHECK(e && e->type == VL_REPLY_ARRAY && e->elements == 2);
            if (e && e->type == VL_REPLY_ARRAY && e->elements == 2) {
                CHECK(e->element[0]->type == VL_REPLY_STATUS);
                CHECK(e->element[1]->type == VL_REPLY_INTEGER && e->element[1]->integer == 1);
            }
            vlReplyFree(e);
        }
        break;
    }
    redisAsyncCommand(ac, ignore, NULL, "MULTI");
    redisAsyncCommand(ac, ignore, NULL, "SET wk from-tcp-%d", st->step);
    redisAsyncCommand(ac, onExec, st, "EXEC");
}

static void onExec(redisAsyncContext *ac, void *r, void *priv) {
    state *st = priv;
    redisReply *reply = r;
    int i = st->step;
    st->exec_nil[i] = reply && reply->type == REDIS_REPLY_NIL;
    st->exec_elems[i] = reply && reply->type == REDIS_REPLY_ARRAY ? (int)reply->elements : -1;
    /* what the key holds now, read in-process */
    vlReply *g = NULL;
    vlCallv(st->s, &g, "GET", "wk", NULL);
    if (g && g->str) snprintf(st->last_get[i], sizeof(st->last_get[i]), "%s", g->str);
    vlReplyFree(g);
    if (++st->step == 3) {
        event_base_loopbreak(st->base);
        return;
    }
    redisAsyncCommand(ac, onWatch, st, "WATCH wk");
}

static void testVlCallWritesTouchWatchedKeys(void) {
    char err[256], conf[128];
    int port = freePort();
    snprintf(conf, sizeof conf, "port %d\nbind 127.0.0.1\n", port);
    struct event_base *base = event_base_new();
    vlServer *s = vlServerNew(conf, err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    CHECK(vlServerAttach(s, base) == 0);
    CHECK(call(s, VL_REPLY_STATUS, "SET", "wk", "initial"));
    state st;
    memset(&st, 0, sizeof st);
    st.base = base;
    st.s = s;
    redisAsyncContext *ac = redisAsyncConnect("127.0.0.1", port);
    CHECK(ac && !ac->err);
    redisLibeventAttach(ac, base);
    redisAsyncCommand(ac, onWatch, &st, "WATCH wk");
    struct timeval limit = {20, 0};
    event_base_loopexit(base, &limit);
    event_base_dispatch(base);
    CHECK_EQ(st.step, 3);
    /* round 0: vlCall SET dirtied the watch: nil, the in-process value stays */
    CHECK(st.exec_nil[0]);
    CHECK(strcmp(st.last_get[0], "from-vlcall") == 0);
    /* round 1: vlCall wrote another key: the transaction ran */
    CHECK_EQ(st.exec_elems[1], 1);
    CHECK(strcmp(st.last_get[1], "from-tcp-1") == 0);
    /* round 2: an in-process MULTI/EXEC wrote the key: nil again */
    CHECK(st.exec_nil[2]);
    CHECK(strcmp(st.last_get[2], "from-vlcall-exec") == 0);
    /* in-process error texts and nothing watched once the TCP client is gone */
    CHECK(call(s, VL_REPLY_ERROR, "EXEC", NULL, NULL));
    CHECK(call(s, VL_REPLY_ERROR, "DISCARD", NULL, NULL));
    redisAsyncFree(ac);
    for (int i = 0; i < 100; i++) { /* let the server see the close */
        struct timeval tv = {0, 10000};
        event_base_loopexit(base, &tv);
        event_base_dispatch(base);
        char *info = vlServerInfo(s, "clients");
        int done = info && strstr(info, "total_watched_keys:0\r\n");
        free(info);
        if (done) break;
    }
    char *info = vlServerInfo(s, "clients");
    CHECK(info && strstr(info, "total_watched_keys:0\r\n"));
    free(info);
    vlServerStop(s);
    vlServerFree(s);
    event_base_free(base);
}

int main(void) {
    RUN(testVlCallWritesTouchWatchedKeys);
    CTEST_END();
}
