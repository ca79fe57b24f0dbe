/* vl-embed-demo - a host program that embeds valkey-lite in its own libevent loop.
 *
 *   utils/vl-embed-demo [port] [seconds]     (defaults: 7379, run until Ctrl-C)
 *
 * The host owns the event_base and the signal handling. The embedded server serves TCP
 * clients on the port (try: redis-cli -p 7379 GET demo:ticks), the host reads and writes the
 * store in-process from its own timer, and it receives pub/sub messages in-process (try:
 * redis-cli -p 7379 PUBLISH demo:chat hello). */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "valkey-lite.h"

typedef struct host {
    vlServer *srv;
    struct event_base *base;
    long ticks;
} host;

static void onTick(evutil_socket_t fd, short what, void *arg) {
    host *h = arg;
    (void)fd;
    (void)what;
    vlReply *r = NULL;
    vlCallv(h->srv, &r, "INCR", "demo:ticks", NULL);
    if (r && r->type == VL_REPLY_INTEGER) h->ticks = r->integer;
    vlReplyFree(r);
    if (h->ticks % 50 == 0) {
        vlCallv(h->srv, &r, "DBSIZE", NULL);
        printf("host: tick %ld, %lld keys in the store\n", h->ticks, r ? r->integer : -1LL);
        vlReplyFree(r);
    }
}

static void onMessage(void *ud, const vlReply *msg) {
    (void)ud;
    if (msg->elements == 3)
        printf("host: in-process subscriber got '%s' on %s\n", msg->element[2]->str,
               msg->element[1]->str);
}

static void onLog(void *ud, int level, const char *line) {
    (void)ud;
    if (level >= 2) printf("server log: %s\n", line);
}

static void onSignal(evutil_socket_t sig, short what, void *arg) {
    (void)sig;
    (void)what;
    event_base_loopbreak(((host *)arg)->base);
}

int main(int argc, char **argv) {
    const char *port = argc > 1 ? argv[1] : "7379";
    int seconds = argc > 2 ? atoi(argv[2]) : 0;
    char conf[128], err[256];
    snprintf(conf, sizeof(conf), "port %s\nbind 127.0.0.1\n", port);
    host h = {0};
    h.base = event_base_new();
    h.srv = vlServerNew(conf, err, sizeof(err));
    if (!h.srv) {
        fprintf(stderr, "vlServerNew: %s\n", err);
        return 1;
    }
    vlSetLogHandler(h.srv, onLog, NULL);
    if (vlServerAttach(h.srv, h.base) != 0) {
        fprintf(stderr, "vlServerAttach: %s\n", vlServerLastError(h.srv));
        return 1;
    }
    vlSubscriber *sub = vlSubscriberNew(h.srv, onMessage, NULL);
    const char *subargv[2] = {"SUBSCRIBE", "demo:chat"};
    vlReply *r = NULL;
    vlSubscriberCall(sub, 2, subargv, NULL, &r);
    vlReplyFree(r);
    struct event *tick = event_new(h.base, -1, EV_PERSIST, onTick, &h);
    struct timeval every = {0, 100000};
    event_add(tick, &every);
    struct event *sigint = evsignal_new(h.base, SIGINT, onSignal, &h);
    event_add(sigint, NULL);
    printf("host: serving on 127.0.0.1:%d (valkey-lite %s)\n", vlServerPort(h.srv), vlVersion());
    fflush(stdout);
    if (seconds > 0) {
        struct timeval limit = {seconds, 0};
        event_base_loopexit(h.base, &limit);
    }
    event_base_dispatch(h.base);
    printf("host: stopping after %ld ticks\n", h.ticks);
    event_free(tick);
    event_free(sigint);
    vlSubscriberFree(sub);
    vlServerStop(h.srv);
    vlServerFree(h.srv);
    event_base_free(h.base);
    return 0;
}
