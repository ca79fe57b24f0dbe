/* lib_embed.c - the embedding API through the public header only, linked against
 * libvalkeylite.a together with libhiredis and libevent (their symbols must not clash).
 *
 * Covers: two servers on one base (in-process and TCP), 100,000 vlCall between loop
 * iterations, attach/stop/free/attach again, every vlServerNew error path, in-process
 * pub/sub through a push callback, log handler, re-entrancy refusal, INFO access. */
#include <dirent.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctest.h"
#include "ctest_net.h"
#include "valkey-lite.h"

static int callIs(vlServer *s, const char *want, const char *a0, const char *a1, const char *a2) {
    vlReply *r = NULL;
    if (vlCallv(s, &r, a0, a1, a2, NULL) != 0 || !r) return 0;
    int ok = r->str && strcmp(r->str, want) == 0;
    if (!ok) printf("    %s %s -> type %d '%s'\n", a0, a1 ? a1 : "", r->type, r->str ? r->str : "");
    vlReplyFree(r);
    return ok;
}

static int configSet(vlServer *s, const char *name, const char *value) {
    vlReply *r = NULL;
    if (vlCallv(s, &r, "CONFIG", "SET", name, value, NULL) != 0 || !r) return 0;
    int ok = r->type == VL_REPLY_STATUS && strcmp(r->str, "OK") == 0;
    vlReplyFree(r);
    return ok;
}

static void quietLog(void *ud, int level, const char *line) {
    (void)level;
    (void)line;
    (*(int *)ud)++;
}

static void testNewErrors(void) {
    char err[256];
    CHECK(vlServerNew("no-such-directive 1\n", err, sizeof err) == NULL);
    CHECK(strstr(err, "Reading the configuration file, at line 1\n>>> 'no-such-directive 1'\nBad "
                      "directive") != NULL);
    CHECK(vlServerNew("port 70000\n", err, sizeof err) == NULL);
    CHECK(err[0] != '\0');
    CHECK(vlServerNew("hz yes\n", err, sizeof err) == NULL);
    CHECK(vlServerNew("bind \"unterminated\n", err, sizeof err) == NULL);
    CHECK(vlServerNew("maxmemory 12qq\n", err, sizeof err) == NULL);
    CHECK(vlServerNew("include /nonexistent/file.conf\n", err, sizeof err) == NULL);
    CHECK(vlServerNew("activedefrag maybe\n", NULL, 0) == NULL); /* no err buffer: still safe */
    vlServer *ok = vlServerNew(NULL, err, sizeof err);
    CHECK(ok != NULL);
    vlServerFree(ok);
    ok = vlServerNew("", err, sizeof err);
    CHECK(ok != NULL);
    CHECK(vlServerPort(ok) == 0);
    vlServerFree(ok);
    /* a line of separators the trim does not know splits into nothing (found by fuzz_config:
     * argv[0] of an empty line was read) */
    ok = vlServerNew("\v \f\nport 0\n", err, sizeof err);
    CHECK(ok != NULL);
    vlServerFree(ok);
    CHECK(strcmp(vlVersion(), "") != 0);
}

static int taskCount(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        if (de->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* The library starts no thread of its own; "jemalloc-bg-thread yes" is the one opt-in. */
/* An in-process call gets an error, not unbounded memory, for a reply past the output
 * ceiling (maxmemory here): SRANDMEMBER with a huge negative count draws with repeats. */
/* Redis 7's defaults: DEBUG and the file-placing configs are refused to clients. */
static void testSecureDefaults(void) {
    vlServer *s = vlServerNew("port 0\n", NULL, 0);
    CHECK(s != NULL);
    if (!s) return;
    vlReply *r = NULL;
    CHECK(vlCallv(s, &r, "CONFIG", "GET", "enable-*", NULL) == 0);
    int seen = 0;
    for (size_t i = 0; r && i + 1 < r->elements; i += 2) {
        const char *k = r->element[i]->str, *v = r->element[i + 1]->str;
        if (!strcmp(k, "enable-debug-command") || !strcmp(k, "enable-protected-configs")) {
            CHECK(!strcmp(v, "no"));
            seen++;
        }
    }
    CHECK_EQ(seen, 2);
    vlReplyFree(r);
    CHECK(callIs(s, "PONG", "PING", NULL, NULL));
    CHECK(vlCallv(s, &r, "CONFIG", "GET", "protected-mode", NULL) == 0);
    CHECK(r && r->elements == 2 && !strcmp(r->element[1]->str, "yes"));
    vlReplyFree(r);
    /* a library listens on loopback unless told otherwise (the standalone default is * -::*) */
    CHECK(vlCallv(s, &r, "CONFIG", "GET", "bind", NULL) == 0);
    CHECK(r && r->elements == 2 && !strcmp(r->element[1]->str, "127.0.0.1 -::1"));
    vlReplyFree(r);
    vlServerFree(s);
}

static void testCallOutputCeiling(void) {
    vlServer *s = vlServerNew("port 0\nmaxmemory 20mb\n", NULL, 0);
    CHECK(s != NULL);
    if (!s) return;
    vlReply *r = NULL;
    CHECK(vlCallv(s, &r, "SADD", "s", "a", "b", NULL) == 0);
    vlReplyFree(r);
    CHECK(vlCallv(s, &r, "SRANDMEMBER", "s", "-100000000", NULL) == 0);
    CHECK(r && r->type == VL_REPLY_ERROR && strstr(r->str, "output ceiling"));
    vlReplyFree(r);
    /* the client is usable afterwards, and small replies are untouched */
    CHECK(callIs(s, "PONG", "PING", NULL, NULL));
    CHECK(vlCallv(s, &r, "SRANDMEMBER", "s", "-1000", NULL) == 0);
    CHECK(r && r->type == VL_REPLY_ARRAY && r->elements == 1000);
    vlReplyFree(r);
    vlServerFree(s);
}

static void testThreadsOnlyWhenAsked(void) {
    char err[256];
    struct event_base *base = event_base_new();
    vlServer *s = vlServerNew("", err, sizeof err);
    CHECK(s && vlServerAttach(s, base) == 0);
    if (!s) return;
    CHECK(callIs(s, "OK", "SET", "k", "v"));
    CHECK(taskCount() == 1);
    vlReply *r = NULL;
    vlCallv(s, &r, "CONFIG", "GET", "jemalloc-bg-thread", NULL);
    CHECK(r && r->type == VL_REPLY_ARRAY && r->elements == 2 &&
          strcmp(r->element[1]->str, "no") == 0);
    vlReplyFree(r);
    char *info = vlServerInfo(s, "everything");
    int jemalloc = info && strstr(info, "mem_allocator:jemalloc") != NULL;
    CHECK(info && strstr(info, "defrag_purge:inline"));
    free(info);
    if (jemalloc) { /* libc builds (sanitizers) have no purge threads to start */
        CHECK(configSet(s, "jemalloc-bg-thread", "yes"));
        info = vlServerInfo(s, "defrag");
        CHECK(info && strstr(info, "defrag_purge:background"));
        free(info);
        CHECK(taskCount() > 1);
        CHECK(configSet(s, "jemalloc-bg-thread", "no"));
        info = vlServerInfo(s, "defrag");
        CHECK(info && strstr(info, "defrag_purge:inline"));
        free(info);
    }
    vlServerStop(s);
    vlServerFree(s);
    event_base_free(base);
}

static void testTwoServersAndTcp(void) {
    char err[256], conf[128];
    int port = freePort(), logs = 0;
    struct event_base *base = event_base_new();
    snprintf(conf, sizeof conf, "port %d\nbind 127.0.0.1\n", port);
    vlServer *a = vlServerNew(conf, err, sizeof err);
    vlServer *b = vlServerNew("port 0\n", err, sizeof err);
    CHECK(a && b);
    if (!a || !b) return;
    vlSetLogHandler(a, quietLog, &logs);
    vlSetLogHandler(b, quietLog, &logs);
    CHECK(vlServerAttach(a, base) == 0);
    CHECK(vlServerAttach(b, base) == 0);
    CHECK(vlServerAttach(b, base) == -1); /* already attached */
    CHECK(vlServerPort(a) == port);
    CHECK(callIs(a, "OK", "SET", "k", "in-a"));
    CHECK(callIs(b, "OK", "SET", "k", "in-b"));
    CHECK(callIs(a, "in-a", "GET", "k", NULL));
    CHECK(callIs(b, "in-b", "GET", "k", NULL));
    /* a blocking command behaves as its non-blocking form in-process */
    vlReply *r = NULL;
    vlCallv(a, &r, "GET", "nosuchkey", NULL);
    CHECK(r && r->type == VL_REPLY_NIL);
    vlReplyFree(r);
    /* blocking commands answer at once in-process: BLPOP on nothing is nil, not a hang */
    vlCallv(a, &r, "BLPOP", "emptylist", "0", NULL);
    CHECK(r && r->type == VL_REPLY_NIL);
    vlReplyFree(r);
    vlCallv(a, &r, "RPUSH", "jobs", "j1", NULL);
    vlReplyFree(r);
    vlCallv(a, &r, "BLPOP", "jobs", "0", NULL);
    CHECK(r && r->type == VL_REPLY_ARRAY && r->elements == 2 &&
          strcmp(r->element[1]->str, "j1") == 0);
    vlReplyFree(r);
    vlCallv(a, &r, "NOSUCHCOMMAND", NULL);
    CHECK(r && r->type == VL_REPLY_ERROR && strstr(r->str, "unknown command"));
    vlReplyFree(r);
    /* a TCP client (hiredis, blocking, from a child process) sees in-process data */
    pid_t pid = fork();
    if (pid == 0) {
        redisContext *rc = redisConnect("127.0.0.1", port);
        redisReply *rr = rc && !rc->err ? redisCommand(rc, "GET k") : NULL;
        int good = rr && rr->type == REDIS_REPLY_STRING && strcmp(rr->str, "in-a") == 0;
        if (rr) freeReplyObject(rr);
        if (rc) redisFree(rc);
        _exit(good ? 0 : 1);
    }
    int status = -1;
    for (int i = 0; i < 6000; i++) { /* serve the child while it asks (bounded: 60 s) */
        struct timeval tv = {0, 10000};
        event_base_loopexit(base, &tv);
        event_base_dispatch(base);
        if (waitpid(pid, &status, WNOHANG) == pid) break;
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *info = vlServerInfo(a, "memory");
    CHECK(info && strstr(info, "used_memory:"));
    free(info);
    vlServerStop(a);
    vlServerStop(b);
    vlServerFree(a);
    vlServerFree(b);
    event_base_free(base);
}

static void testManyCallsBetweenIterations(void) {
    char err[256];
    struct event_base *base = event_base_new();
    vlServer *s = vlServerNew("port 0\n", err, sizeof err);
    CHECK(s && vlServerAttach(s, base) == 0);
    char key[32], val[32];
    long long bad = 0;
    for (int i = 0; i < 100000; i++) {
        snprintf(key, sizeof key, "key:%d", i % 1000);
        snprintf(val, sizeof val, "%d", i);
        vlReply *r = NULL;
        if (vlCallv(s, &r, "SET", key, val, NULL) != 0 || r->type != VL_REPLY_STATUS) bad++;
        vlReplyFree(r);
        if (i % 1000 == 999) event_base_loop(base, EVLOOP_NONBLOCK);
    }
    CHECK_EQ(bad, 0);
    CHECK(callIs(s, "99999", "GET", "key:999", NULL));
    vlReply *r = NULL;
    vlCallv(s, &r, "DBSIZE", NULL);
    CHECK(r && r->type == VL_REPLY_INTEGER && r->integer == 1000);
    vlReplyFree(r);
    vlServerStop(s);
    vlServerFree(s);
    event_base_free(base);
}

static void testAttachStopAttach(void) {
    char err[256], conf[128];
    int port = freePort();
    snprintf(conf, sizeof conf, "port %d\nbind 127.0.0.1\n", port);
    struct event_base *base = event_base_new();
    vlServer *s = vlServerNew(conf, err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    for (int round = 0; round < 3; round++) {
        CHECK(vlServerAttach(s, base) == 0);
        CHECK(vlServerPort(s) == port);
        CHECK(callIs(s, "OK", "SET", "round", round == 0 ? "0" : round == 1 ? "1" : "2"));
        vlServerStop(s);
        CHECK(vlServerPort(s) == 0);
    }
    CHECK(callIs(s, "2", "GET", "round", NULL)); /* data survives a stop */
    vlServerFree(s);
    /* and a fresh base after the old one is gone */
    event_base_free(base);
    base = event_base_new();
    s = vlServerNew(conf, err, sizeof err);
    CHECK(s && vlServerAttach(s, base) == 0);
    vlServerFree(s); /* free without stop: stops first */
    event_base_free(base);
}

typedef struct {
    int messages;
    char last[64];
    vlServer *s;
    int reentry_refused;
} pushState;

static void onPush(void *ud, const vlReply *msg) {
    pushState *ps = ud;
    ps->messages++;
    if (msg->type == VL_REPLY_PUSH && msg->elements >= 3)
        snprintf(ps->last, sizeof ps->last, "%s", msg->element[msg->elements - 1]->str);
    vlReply *r = NULL;
    if (vlCallv(ps->s, &r, "PING", NULL) == -1) ps->reentry_refused = 1;
    vlReplyFree(r);
}

static void testInProcessPubsub(void) {
    char err[256];
    vlServer *s = vlServerNew("port 0\n", err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    pushState ps;
    memset(&ps, 0, sizeof ps);
    ps.s = s;
    vlSubscriber *sub = vlSubscriberNew(s, onPush, &ps);
    CHECK(sub != NULL);
    const char *argv[3] = {"SUBSCRIBE", "news", NULL};
    vlReply *r = NULL;
    CHECK(vlSubscriberCall(sub, 2, argv, NULL, &r) == 0);
    CHECK(r && r->elements == 3);
    vlReplyFree(r);
    vlCallv(s, &r, "PUBLISH", "news", "hello", NULL);
    CHECK(r && r->type == VL_REPLY_INTEGER && r->integer == 1);
    vlReplyFree(r);
    CHECK_EQ(ps.messages, 1);
    CHECK(strcmp(ps.last, "hello") == 0);
    CHECK(ps.reentry_refused);
    vlSubscriberFree(sub);
    vlCallv(s, &r, "PUBLISH", "news", "again", NULL);
    CHECK(r && r->integer == 0);
    vlReplyFree(r);
    vlServerFree(s);
}

/* vlServerRun: the server's own base until SHUTDOWN; a client in a child process asks for it
 * once the port answers (bounded retries). The data is still there afterwards. */
static void testRunUntilShutdown(void) {
    char err[256], conf[128];
    int port = freePort();
    snprintf(conf, sizeof conf, "port %d\nbind 127.0.0.1\n", port);
    vlServer *s = vlServerNew(conf, err, sizeof err);
    CHECK(s != NULL);
    if (!s) return;
    int logs = 0;
    vlSetLogHandler(s, quietLog, &logs);
    CHECK(callIs(s, "OK", "SET", "before", "run"));
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 500; i++) {
            redisContext *rc = redisConnect("127.0.0.1", port);
            if (rc && !rc->err) {
                redisReply *rr = redisCommand(rc, "SET during run");
                int ok = rr && rr->type == REDIS_REPLY_STATUS;
                if (rr) freeReplyObject(rr);
                rr = redisCommand(rc, "SHUTDOWN NOSAVE");
                if (rr) freeReplyObject(rr);
                redisFree(rc);
                _exit(ok ? 0 : 1);
            }
            if (rc) redisFree(rc);
            usleep(20000);
        }
        _exit(2);
    }
    CHECK_EQ(vlServerRun(s), 0);
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(callIs(s, "run", "GET", "before", NULL));
    CHECK(callIs(s, "run", "GET", "during", NULL));
    CHECK(logs > 0);
    vlServerFree(s);
}

int main(void) {
    RUN(testThreadsOnlyWhenAsked);
    RUN(testNewErrors);
    RUN(testSecureDefaults);
    RUN(testCallOutputCeiling);
    RUN(testTwoServersAndTcp);
    RUN(testManyCallsBetweenIterations);
    RUN(testAttachStopAttach);
    RUN(testInProcessPubsub);
    RUN(testRunUntilShutdown);
    CTEST_END();
}
