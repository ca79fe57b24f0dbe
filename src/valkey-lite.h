/* valkey-lite.h - embed a Redis-compatible server in your program.
 *
 * The only installed header; it includes no other project header. Link with
 * `pkg-config --libs valkey-lite` (libvalkeylite.a, libevent, jemalloc). Every symbol the
 * library exports starts with "vl", so it links beside hiredis and libevent.
 *
 *     char err[256];
 *     vlServer *s = vlServerNew("port 7000\nbind 127.0.0.1\n", err, sizeof err);
 *     vlServerAttach(s, base);             // listeners, timers on YOUR event_base
 *     vlReply *r;
 *     vlCallv(s, &r, "SET", "k", "v", NULL); vlReplyFree(r);
 *     ... event_base_dispatch(base) ...
 *     vlServerStop(s); vlServerFree(s);
 *
 * Rules (asserted where they can be):
 * - Threads: a server is used from one thread only, the one that created it; its event base
 *   must be dispatched from that thread. Different servers may live in different threads.
 * - Out of memory: an allocation failure aborts the process, as in Redis (there is no
 *   partial-failure path to test in every caller).
 * - Re-entrancy: no vl* call on a server from inside its log handler or a push callback
 *   (they run inside the server's own work); queue the work and do it from your own event.
 * - The server never installs signal handlers, never touches libevent's globals and never
 *   starts threads. "port 0" (or no "port") means no TCP listener: in-process only.
 *   The one opt-in exception: "jemalloc-bg-thread yes" (the standalone server's default, off
 *   here) turns on jemalloc's background purge threads, which are process-wide; with them
 *   active defrag never purges pages on your loop (see README, Active defrag). */
#ifndef VALKEY_LITE_H
#define VALKEY_LITE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct event_base;
typedef struct vlServer vlServer;

/* Reply types: the same codes and the same leading fields as hiredis's redisReply. */
#define VL_REPLY_STRING 1
#define VL_REPLY_ARRAY 2
#define VL_REPLY_INTEGER 3
#define VL_REPLY_NIL 4
#define VL_REPLY_STATUS 5
#define VL_REPLY_ERROR 6
#define VL_REPLY_DOUBLE 7 /* RESP3 only (after HELLO 3), as hiredis 1.x */
#define VL_REPLY_BOOL 8
#define VL_REPLY_MAP 9
#define VL_REPLY_SET 10
#define VL_REPLY_ATTR 11
#define VL_REPLY_PUSH 12
#define VL_REPLY_BIGNUM 13
#define VL_REPLY_VERB 14

typedef struct vlReply {
    int type;
    long long integer; /* INTEGER, BOOL */
    size_t len;        /* of str */
    char *str;         /* STRING, STATUS, ERROR, DOUBLE, BIGNUM, VERB (NUL-terminated) */
    size_t elements;   /* ARRAY, MAP (2 per pair), SET, PUSH */
    struct vlReply **element;
    double dval; /* DOUBLE */
} vlReply;

/* Two servers in one process are independent (own heap, keyspace, clients, config), except
 * for what the process has only one of:
 * - jemalloc's background purge threads (`jemalloc-bg-thread`) serve every arena in the
 *   process: the last server to set it decides for all. An embedded server leaves them off
 *   unless its configuration says yes; the standalone server turns them on.
 * - the hash seed of every server's tables is set once, by the first server created.
 * - the open-files limit: only vlServerMain raises it (an embedded server fits maxclients
 *   to the limit it finds instead).
 * Nothing else is process-wide: no server changes the working directory, installs signal
 * handlers (vlServerMain excepted) or starts threads unless configured to. */

/* A server, configured by text in valkey-lite.conf syntax (the same parser as the file).
 * NULL on a bad config, with the reason in err ("(config):3: Bad directive ..."). */
vlServer *vlServerNew(const char *config_text, char *err, size_t errlen);
/* Register listeners, timers and the flush event on the host's base. 0 ok, -1 error (see
 * vlServerLastError). A stopped server may be attached again. */
int vlServerAttach(vlServer *s, struct event_base *base);
/* Run on an event base of the server's own until vlServerStop or SHUTDOWN. 0 ok, -1 error. */
int vlServerRun(vlServer *s);
/* Close listeners and connections, remove every event; the data stays. */
void vlServerStop(vlServer *s);
/* Free everything the server owns (memory, fds, its arena). Stops it first if needed. */
void vlServerFree(vlServer *s);
const char *vlServerLastError(vlServer *s);
int vlServerPort(vlServer *s); /* the TCP port listened on, 0 if none */

/* Run one command through the normal dispatcher with a connection-less client. argvlen may
 * be NULL for NUL-terminated arguments. Returns 0 and an owned reply (free with vlReplyFree;
 * an error reply is still 0 with type VL_REPLY_ERROR), -1 if the call itself is not possible
 * (bad arguments, re-entrant call). Blocking commands behave as their non-blocking forms. */
int vlCall(vlServer *s, int argc, const char **argv, const size_t *argvlen, vlReply **reply);
/* vlCall with NUL-terminated arguments given inline, ending with NULL. */
int vlCallv(vlServer *s, vlReply **reply, const char *arg0, ...);
void vlReplyFree(vlReply *r);

/* In-process pub/sub: a subscriber is a connection-less client whose messages are handed to
 * fn as PUSH-shaped replies (["message", channel, payload], ["pmessage", pattern, channel,
 * payload], ["smessage", ...]); msg is borrowed for the duration of the call. */
typedef struct vlSubscriber vlSubscriber;
typedef void vlPushFn(void *ud, const vlReply *msg);
vlSubscriber *vlSubscriberNew(vlServer *s, vlPushFn *fn, void *ud);
/* Run (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING on the subscriber; reply as vlCall. */
int vlSubscriberCall(vlSubscriber *sub, int argc, const char **argv, const size_t *argvlen,
                     vlReply **reply);
void vlSubscriberFree(vlSubscriber *sub);

/* Logs go to fn instead of stdout/logfile; line is in Redis's format. level: 0 debug,
 * 1 verbose, 2 notice, 3 warning. NULL restores the default. */
void vlSetLogHandler(vlServer *s, void (*fn)(void *ud, int level, const char *line), void *ud);
/* INFO text for a section ("memory", "all", NULL = default): malloc()ed, free() it. */
char *vlServerInfo(vlServer *s, const char *section);
const char *vlVersion(void);

/* The standalone server as src/valkey-lite-server runs it: argv as redis-server takes it
 * ([/path/to/config] [--name value ...], -v, -h), Redis's defaults (port 6379), the startup log
 * lines, daemonize and pidfile, SIGTERM/SIGINT shut it down. Returns the process's exit code.
 * Installs signal handlers and may fork (daemonize): for a program that is the server. */
int vlServerMain(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
