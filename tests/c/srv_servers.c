/* test_servers.c - two servers in one process on one event_base (DESIGN.md rule 1).
 *
 * Both servers attach to the same base; hiredis async clients on that base talk to each over
 * TCP. The keyspaces must be independent, each server's used_memory must count only its own
 * data, and stopping/freeing one must leave the other serving. */
#include <arpa/inet.h>
#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctest.h"
#include "server.h"
#include "ctest_server.h"

typedef struct {
    struct event_base *base;
    char got[2][32];
    int replies;
} state;

static void onGet(redisAsyncContext *ac, void *r, void *priv) {
    state *st = ac->data;
    redisReply *reply = r;
    int which = (int)(long)priv;
    if (reply && reply->type == REDIS_REPLY_STRING)
        snprintf(st->got[which], sizeof(st->got[which]), "%s", reply->str);
    if (++st->replies == 2) event_base_loopbreak(st->base);
}

static void onSet(redisAsyncContext *ac, void *r, void *priv) {
    VL_UNUSED(ac);
    VL_UNUSED(r);
    VL_UNUSED(priv);
}

static void testTwoServersOneBase(void) {
    uint8_t seed[16] = {1};
    dictSetHashSeed(seed);
    struct event_base *base = event_base_new();
    int p1 = freePort(), p2 = freePort();
    vlServer *a = startOn(base, p1), *b = startOn(base, p2);
    CHECK(a != NULL);
    CHECK(b != NULL);
    if (!a || !b) return;
    CHECK(a->listen_port == p1);
    CHECK(b->listen_port == p2);
    state st;
    memset(&st, 0, sizeof(st));
    st.base = base;
    redisAsyncContext *ca = redisAsyncConnect("127.0.0.1", p1);
    redisAsyncContext *cb = redisAsyncConnect("127.0.0.1", p2);
    CHECK(ca && !ca->err);
    CHECK(cb && !cb->err);
    ca->data = cb->data = &st;
    redisLibeventAttach(ca, base);
    redisLibeventAttach(cb, base);
    size_t used_b_before = serverUsedMemory(b);
    redisAsyncCommand(ca, onSet, NULL, "SET k %s", "value-of-a");
    redisAsyncCommand(cb, onSet, NULL, "SET k %s", "value-of-b");
    /* a big value in a only: b's used_memory must not see it */
    static char big[200000];
    memset(big, 'x', sizeof(big) - 1);
    redisAsyncCommand(ca, onSet, NULL, "SET big %s", big);
    redisAsyncCommand(ca, onGet, (void *)0L, "GET k");
    redisAsyncCommand(cb, onGet, (void *)1L, "GET k");
    struct timeval limit = {10, 0};
    event_base_loopexit(base, &limit);
    event_base_dispatch(base);
    CHECK(strcmp(st.got[0], "value-of-a") == 0);
    CHECK(strcmp(st.got[1], "value-of-b") == 0);
    CHECK(serverUsedMemory(a) >= sizeof(big));
    CHECK(serverUsedMemory(b) < used_b_before + sizeof(big) / 2);
    redisAsyncFree(ca);
    redisAsyncFree(cb);
    serverStop(a);
    serverFree(a);
    /* b still serves after a is gone */
    memset(&st, 0, sizeof(st));
    st.base = base;
    cb = redisAsyncConnect("127.0.0.1", p2);
    cb->data = &st;
    redisLibeventAttach(cb, base);
    redisAsyncCommand(cb, onGet, (void *)1L, "GET k");
    redisAsyncCommand(cb, onGet, (void *)0L, "GET k");
    event_base_loopexit(base, &limit);
    event_base_dispatch(base);
    CHECK(strcmp(st.got[1], "value-of-b") == 0);
    redisAsyncFree(cb);
    serverStop(b);
    serverFree(b);
    event_base_free(base);
}

int main(void) {
    RUN(testTwoServersOneBase);
    CTEST_END();
}
