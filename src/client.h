/* client.h - vlClient, its flags, the reply API commands use, and argument helpers (client.c). */
#ifndef VL_CLIENT_H
#define VL_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "dict.h"
#include "object.h"
#include "proto.h"
#include "reply.h"
#include "vstr.h"

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;
typedef struct vlCommand vlCommand;
typedef struct vlDb vlDb;
struct vlReply;
struct event;

/* ---------------------------------------------------------------- clients */

#define CLIENT_CLOSE_AFTER_REPLY (1 << 0)
#define CLIENT_CLOSE_ASAP (1 << 1)
#define CLIENT_PENDING_WRITE (1 << 2)
#define CLIENT_PUBSUB (1 << 3)
#define CLIENT_BLOCKED (1 << 4)
#define CLIENT_MONITOR (1 << 5)
#define CLIENT_UNIX (1 << 6)
#define CLIENT_FAKE (1 << 7) /* in-process (vlCall): no connection */
#define CLIENT_REPLY_OFF (1 << 8)
#define CLIENT_REPLY_SKIP_NEXT (1 << 9)
#define CLIENT_REPLY_SKIP (1 << 10)
#define CLIENT_WRITE_ARMED (1 << 11) /* EV_WRITE is armed after a partial write */
#define CLIENT_IN_CALL (1 << 12)
#define CLIENT_PAUSED (1 << 13) /* reading is suspended by CLIENT PAUSE */
#define CLIENT_NO_EVICT (1 << 14)
#define CLIENT_EXECUTING (1 << 15)     /* inside cmdProcess: frees are deferred */
#define CLIENT_RESUME (1 << 16)        /* on s->to_resume */
#define CLIENT_OVERFLOW (1 << 17)      /* output passed the ceiling: replies dropped (client.c) */
#define CLIENT_LOCAL (1 << 18)         /* loopback or unix peer (decided from its sockaddr) */
#define CLIENT_MULTI (1 << 19)         /* between MULTI and EXEC/DISCARD: commands are queued */
#define CLIENT_DIRTY_CAS (1 << 20)     /* a WATCHed key was touched: EXEC answers a null array */
#define CLIENT_DIRTY_EXEC (1 << 21)    /* an error while queueing: EXEC answers EXECABORT */
#define CLIENT_DENY_BLOCKING (1 << 22) /* inside EXEC: blocking commands time out at once */
/* Adding a pub/sub push (a message or a (un)subscribe confirmation): it reaches the client
 * even under CLIENT REPLY OFF or SKIP, as in Redis. */
#define CLIENT_PUSHING (1 << 23)
#define CLIENT_NO_TOUCH (1 << 24) /* CLIENT NO-TOUCH: its reads leave keys' LRU/LFU alone */

/* Where an in-process subscriber's messages go (the embedding layer installs one): kind is
 * "message", "pmessage" or "smessage"; pat is NULL except for pmessage. The core knows nothing
 * of the public reply type; the sink builds what its host wants. */
typedef void vlPushSink(vlClient *c, void *ud, const char *kind, const void *pat, size_t plen,
                        const void *ch, size_t chlen, const void *msg, size_t mlen);

typedef struct vlClient {
    vlServer *srv;
    uint64_t id;
    int fd;
    int flags;
    int resp;
    int authenticated;
    vlDb *db;
    struct event *ev;  /* read event */
    struct event *wev; /* write event, armed only after a partial write */
    /* query side */
    char *qbuf;
    size_t qlen, qpos, qcap, qpeak;
    proto proto;
    int argc;
    protoArg *argv;
    const vlCommand *cmd, *lastcmd;
    int cmd_idx; /* cmd's index in s->cmdstats */
    /* reply side */
    replyBuf reply;
    uint64_t obuf_soft_since; /* ms when the soft output limit was first exceeded, 0 none */
    /* identity */
    char *name, *lib_name, *lib_ver;
    char addr[64], laddr[64];
    int64_t ctime_ms, last_ms;
    /* server lists (intrusive) */
    vlClient *prev, *next;
    vlClient *pending_next;
    vlClient *close_next;
    vlClient *resume_next; /* on s->to_resume: unblocked/unpaused, has commands waiting */
    /* pub/sub: the client's own copies of its subscriptions (pubsub.c) */
    dict *sub_channels, *sub_patterns, *sub_shard;
    /* blocking state (blocking.c owns it) */
    struct vlBlockState *bstate;
    /* MULTI queue and WATCHed keys (multi.c owns it; NULL when neither) */
    struct vlMultiState *mstate;
    /* in-process clients: where push messages go (api.c) */
    vlPushSink *push_sink; /* set: messages go here instead of the reply stream */
    void *push_ud;
    long long net_in, net_out; /* bytes read from and written to it (tot-net-in/out) */
    long long ncmds;           /* commands it completed (tot-cmds) */
    void *slow_pending;        /* the slow log entry of its blocked command (observe.c) */
    /* client eviction (clientmem.c): what the client counts in the server's sum, and its
     * place in the lists of evictable clients by size (bucket + 1, 0 in none) */
    size_t mem_counted;
    int mem_bucket;
    vlClient *mem_prev, *mem_next;
} vlClient;

vlClient *clientCreate(vlServer *s, int fd, int flags);
void clientFree(vlClient *c);      /* immediate; not from inside the client's own command */
void clientCloseAsap(vlClient *c); /* deferred to a safe point */
void clientMarkPending(vlClient *c);
size_t clientOutputBytes(const vlClient *c);
void clientSetResp(vlClient *c, int resp);
void clientCheckOutputLimits(vlClient *c);      /* close it if over the hard/soft limit */
int clientClass(const vlClient *c);             /* CLIENT_CLASS_* */
int clientIsLocal(const vlClient *c);           /* loopback, unix socket or in-process */
void clientInfoString(vlClient *c, vstr **out); /* one CLIENT LIST line, no newline */

/* Reply API for commands (client.c): Redis's familiar names. They do nothing when the
 * client's replies are off, and queue the client for the flush otherwise. */
void addReplyRaw(vlClient *c, const void *p, size_t len);
void addReplyOk(vlClient *c);
void addReplyStatus(vlClient *c, const char *s);
void addReplyError(vlClient *c, const char *err); /* full text, e.g. "ERR syntax error" */
void addReplyErrorFormat(vlClient *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void addReplyErrorArity(vlClient *c);
void addReplyErrorSyntax(vlClient *c);
void addReplyErrorNotInt(vlClient *c);
void addReplyErrorWrongType(vlClient *c);
void addReplyLongLong(vlClient *c, long long v);
void addReplyBulk(vlClient *c, const void *p, size_t len);
void addReplyBulkCStr(vlClient *c, const char *s);
void addReplyBulkLongLong(vlClient *c, long long v);
void addReplyBulkObj(vlClient *c, const vlObj *o); /* a string object's value */
void addReplyNull(vlClient *c);
void addReplyNullArray(vlClient *c);
void addReplyArrayLen(vlClient *c, long long n);
void addReplyMapLen(vlClient *c, long long n);
void addReplySetLen(vlClient *c, long long n);
void addReplyPushLen(vlClient *c, long long n);
void addReplyDouble(vlClient *c, double d);
void addReplyBool(vlClient *c, int b);
void addReplyBigNumber(vlClient *c, const char *p, size_t len);
void addReplyVerbatim(vlClient *c, const char *p, size_t len, const char *ext3);
void *addReplyDeferredLen(vlClient *c);
void setDeferredArrayLen(vlClient *c, void *slot, long long n);
void setDeferredMapLen(vlClient *c, void *slot, long long n);
void setDeferredSetLen(vlClient *c, void *slot, long long n);

/* Subcommand replies: a HELP array of status lines (NULL-terminated), Redis 7's
 * "wrong number of arguments for 'cmd|sub' command" (argv[1] lowered) and
 * "unknown subcommand 'x'. Try CMD HELP." */
void addReplyHelp(vlClient *c, const char *const *lines);
void addReplyErrorSubArity(vlClient *c, const char *cmd);
void addReplyErrorUnknownSub(vlClient *c, const char *upper);

/* Argument helpers: ...OrReply have replied when they fail. */
int argEq(const protoArg *a, const char *s); /* case-insensitive */
int getLongLongOrReply(vlClient *c, const protoArg *a, long long *out, const char *msg);
int getPositiveLongOrReply(vlClient *c, const protoArg *a, long long *out, const char *msg);
int getRangeLongOrReply(vlClient *c, const protoArg *a, long long min, long long max,
                        long long *out, const char *msg);
int getLongDoubleOrReply(vlClient *c, const protoArg *a, long double *out, const char *msg);
int getScanCursorOrReply(vlClient *c, const protoArg *a, unsigned long *out);
void addReplyScanCursor(vlClient *c, unsigned long cursor); /* [cursor, ...]: the 2-array head */
/* timeout argument of blocking commands (seconds, fractional): absolute ms, 0 = forever */
int getTimeoutOrReply(vlClient *c, const protoArg *a, int64_t *out_abs_ms);

#endif
