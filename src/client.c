/* client.c - a client's life outside its socket: creation, the server's client list,
 * freeing at a safe point, the reply API the commands use, and argument helpers.
 *
 * The reply API keeps Redis's names (addReplyBulk, ...) because every reader of a command
 * knows them; they encode through reply.c into the client's blocks and put the client on
 * the server's pending-write list once. Freeing a client from inside its own command (QUIT,
 * CLIENT KILL of itself, an output limit hit while replying) is deferred to the close list:
 * the caller still holds the pointer. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blocking.h"
#include "client.h"
#include "clientmem.h"
#include "cmd.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "loop.h"
#include "multi.h"
#include "object.h"
#include "observe.h"
#include "pubsub.h"
#include "server.h"

vlClient *clientCreate(vlServer *s, int fd, int flags) {
    vlClient *c = vlCalloc(sizeof(*c));
    c->srv = s;
    c->id = ++s->next_client_id;
    c->fd = fd;
    c->flags = flags;
    c->resp = 2;
    c->authenticated = s->cfg.requirepass == NULL;
    c->db = &s->db[0];
    replyInit(&c->reply, 2);
    protoInit(&c->proto, s->cfg.proto_max_bulk_len);
    c->proto.unauth = !c->authenticated;
    c->ctime_ms = c->last_ms = (int64_t)utilMsTime();
    c->next = s->clients;
    if (s->clients) s->clients->prev = c;
    s->clients = c;
    s->nclients++;
    return c;
}

static void unlinkFrom(vlClient **head, vlClient *c, size_t off) {
    /* remove c from a singly linked list whose link is at byte offset off */
    vlClient **pp = head;
    while (*pp) {
        if (*pp == c) {
            *pp = *(vlClient **)((char *)c + off);
            return;
        }
        pp = (vlClient **)((char *)*pp + off);
    }
}

void clientFree(vlClient *c) {
    vlServer *s = c->srv;
    if (s->current_client == c) s->current_client = NULL;
    if (s->cron_cursor == c) s->cron_cursor = c->next;
    if (c->flags & CLIENT_BLOCKED) blockingClientFree(c);
    slowlogBlockedDiscard(c);
    clientMemForget(c);
    pubsubClientFree(c);
    multiClientFree(c);
    if (c->flags & CLIENT_MONITOR) s->monitors--;
    if (c->flags & CLIENT_PENDING_WRITE)
        unlinkFrom(&s->pending_write, c, offsetof(vlClient, pending_next));
    if (c->flags & CLIENT_CLOSE_ASAP) unlinkFrom(&s->to_close, c, offsetof(vlClient, close_next));
    if (c->flags & CLIENT_RESUME) unlinkFrom(&s->to_resume, c, offsetof(vlClient, resume_next));
    if (!(c->flags & CLIENT_FAKE)) {
        connEventFree(c);
        if (c->fd >= 0) {
            loopWaitDel(s, c->fd);
            close(c->fd);
        }
    }
    if (c->prev)
        c->prev->next = c->next;
    else if (s->clients == c)
        s->clients = c->next;
    if (c->next) c->next->prev = c->prev;
    s->nclients--;
    replyFree(&c->reply);
    protoFree(&c->proto);
    vlFree(c->qbuf);
    vlFree(c->name);
    vlFree(c->lib_name);
    vlFree(c->lib_ver);
    vlFree(c);
}

void clientCloseAsap(vlClient *c) {
    if (c->flags & CLIENT_CLOSE_ASAP) return;
    c->flags |= CLIENT_CLOSE_ASAP;
    c->close_next = c->srv->to_close;
    c->srv->to_close = c;
    loopScheduleFlush(c->srv);
}

void clientMarkPending(vlClient *c) {
    if (c->flags & (CLIENT_PENDING_WRITE | CLIENT_FAKE)) return;
    c->flags |= CLIENT_PENDING_WRITE;
    c->pending_next = c->srv->pending_write;
    c->srv->pending_write = c;
    loopScheduleFlush(c->srv);
}

/* What counts against client-output-buffer-limit: as in Redis, output beyond the first
 * 16 KB (Redis's static per-client buffer, our first reply block) is the client's debt. */
size_t clientOutputBytes(const vlClient *c) {
    return c->reply.bytes > REPLY_BLOCK_SIZE ? c->reply.bytes - REPLY_BLOCK_SIZE : 0;
}

void clientSetResp(vlClient *c, int resp) {
    c->resp = resp;
    c->reply.resp = resp;
}

int clientIsLocal(const vlClient *c) {
    return (c->flags & (CLIENT_LOCAL | CLIENT_UNIX | CLIENT_FAKE)) != 0;
}

int clientClass(const vlClient *c) {
    return (c->flags & CLIENT_PUBSUB) ? CLIENT_CLASS_PUBSUB : CLIENT_CLASS_NORMAL;
}

/* The most output one client may hold, whatever its class's limits say (the default normal
 * limit is none at all): half the machine's memory, and no more than maxmemory when that is
 * set. Without it, SRANDMEMBER s -2000000000 under "normal 0 0 0" grew one reply to 24 GB
 * and the kernel killed the process. */
static unsigned long long outputCeiling(const vlServer *s) {
    unsigned long long ceiling = s->total_system_memory ? s->total_system_memory / 2 : ULLONG_MAX;
    if (s->cfg.maxmemory > 0 && (unsigned long long)s->cfg.maxmemory < ceiling)
        ceiling = (unsigned long long)s->cfg.maxmemory;
    return ceiling;
}

/* Drops what is queued and closes the client (in-process clients are kept and told by
 * vlCall that the reply was too big). */
static void closeOverLimit(vlClient *c, const char *why) {
    vlServer *s = c->srv;
    replyFree(&c->reply);
    if (c->flags & CLIENT_FAKE) {
        c->flags |= CLIENT_OVERFLOW;
        return;
    }
    vstr *info = NULL;
    clientInfoString(c, &info);
    serverLog(s, LL_WARNING, "Client %s scheduled to be closed ASAP for %s.", info ? info->buf : "",
              why);
    vstrFree(info);
    s->stats.client_obuf_limit_disconnections++;
    c->flags |= CLIENT_REPLY_OFF; /* nothing more is sent to this client */
    clientCloseAsap(c);
}

void clientCheckOutputLimits(vlClient *c) {
    if (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_OVERFLOW)) return;
    unsigned long long used = clientOutputBytes(c);
    if (used > outputCeiling(c->srv)) {
        closeOverLimit(c, "overcoming of the output ceiling (half the memory, or maxmemory)");
        return;
    }
    if (c->flags & CLIENT_FAKE) return;
    const vlObufLimit *l = &c->srv->cfg.obuf_limits[clientClass(c)];
    /* An unauthenticated client may not pile up output at all (Redis 7.2.8's fix for
     * CVE-2025-21605): past 1 KB beyond its first block it is closed, whatever the class's
     * limits say, since it can send a million PINGs and each earns a NOAUTH. */
    int over_hard = (l->hard && used >= l->hard) || (!c->authenticated && used > 1024);
    int over_soft = l->soft && used >= l->soft;
    int64_t now = c->srv->mstime; /* cached: this runs after every command */
    if (over_soft && !over_hard) {
        if (c->obuf_soft_since == 0) {
            c->obuf_soft_since = (uint64_t)now;
        } else if (now - (int64_t)c->obuf_soft_since > l->soft_seconds * 1000) {
            over_hard = 1;
        }
    } else if (!over_soft) {
        c->obuf_soft_since = 0;
    }
    if (over_hard) closeOverLimit(c, "overcoming of output buffer limits");
}

static int replyAllowed(vlClient *c) {
    int off = (c->flags & CLIENT_PUSHING) ? 0 : CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP;
    return !(c->flags & (off | CLIENT_CLOSE_ASAP | CLIENT_OVERFLOW));
}

#define PREP(c)                       \
    do {                              \
        if (!replyAllowed(c)) return; \
        clientMarkPending(c);         \
    } while (0)

void addReplyRaw(vlClient *c, const void *p, size_t len) {
    PREP(c);
    replyRaw(&c->reply, p, len);
}

void addReplyOk(vlClient *c) {
    PREP(c);
    replyRaw(&c->reply, "+OK\r\n", 5);
}

void addReplyStatus(vlClient *c, const char *s) {
    PREP(c);
    replyStatus(&c->reply, s, strlen(s));
}

/* Errors are counted (errorstats by their first word) even when replies are off. */
static void countError(vlClient *c, const char *err) {
    vlServer *s = c->srv;
    s->stats.total_error_replies++;
    size_t n = strcspn(err, " ");
    if (n > 64) n = 64;
    if (s->errorstats) {
        dictLink *e = dictFind(s->errorstats, err, n);
        if (!e) {
            struct errStat {
                dictLink link;
                long long count;
                size_t len;
                char name[];
            } *es = vlMalloc(sizeof(*es) + n);
            es->link.next = NULL;
            es->count = 0;
            es->len = n;
            memcpy(es->name, err, n);
            dictAddNew(s->errorstats, &es->link);
            e = &es->link;
        }
        ((vlErrorStat *)e)->count++;
    }
    if (c->cmd) s->cmdstats[c->cmd_idx].failed_calls++;
}

void addReplyError(vlClient *c, const char *err) {
    countError(c, err);
    PREP(c);
    replyError(&c->reply, err, strlen(err));
}

void addReplyErrorFormat(vlClient *c, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    addReplyError(c, buf);
}

void addReplyErrorArity(vlClient *c) {
    char name[128];
    size_t n = c->argc ? c->argv[0].len : 0;
    if (n > sizeof(name) - 1) n = sizeof(name) - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = c->argv[0].ptr[i];
        name[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
    name[n] = '\0';
    addReplyErrorFormat(c, "ERR wrong number of arguments for '%s' command",
                        c->cmd ? c->cmd->name : name);
}

void addReplyErrorSyntax(vlClient *c) {
    addReplyError(c, "ERR syntax error");
}

void addReplyErrorNotInt(vlClient *c) {
    addReplyError(c, "ERR value is not an integer or out of range");
}

void addReplyErrorWrongType(vlClient *c) {
    addReplyError(c, "WRONGTYPE Operation against a key holding the wrong kind of value");
}

void addReplyLongLong(vlClient *c, long long v) {
    PREP(c);
    if (v == 0)
        replyRaw(&c->reply, ":0\r\n", 4);
    else if (v == 1)
        replyRaw(&c->reply, ":1\r\n", 4);
    else
        replyLongLong(&c->reply, v);
}

void addReplyBulk(vlClient *c, const void *p, size_t len) {
    PREP(c);
    replyBulk(&c->reply, p, len);
}

void addReplyBulkCStr(vlClient *c, const char *s) {
    if (!s) {
        addReplyNull(c);
        return;
    }
    addReplyBulk(c, s, strlen(s));
}

void addReplyBulkLongLong(vlClient *c, long long v) {
    PREP(c);
    replyBulkLongLong(&c->reply, v);
}

void addReplyBulkObj(vlClient *c, const vlObj *o) {
    char buf[24];
    size_t len;
    const char *v = objStrVal(o, buf, &len);
    addReplyBulk(c, v, len);
}

void addReplyNull(vlClient *c) {
    PREP(c);
    replyNull(&c->reply);
}

void addReplyNullArray(vlClient *c) {
    PREP(c);
    replyNullArray(&c->reply);
}

void addReplyArrayLen(vlClient *c, long long n) {
    PREP(c);
    replyArrayLen(&c->reply, n);
}

void addReplyMapLen(vlClient *c, long long n) {
    PREP(c);
    replyMapLen(&c->reply, n);
}

void addReplySetLen(vlClient *c, long long n) {
    PREP(c);
    replySetLen(&c->reply, n);
}

void addReplyPushLen(vlClient *c, long long n) {
    PREP(c);
    replyPushLen(&c->reply, n);
}

void addReplyDouble(vlClient *c, double d) {
    PREP(c);
    replyDouble(&c->reply, d);
}

void addReplyBool(vlClient *c, int b) {
    PREP(c);
    replyBool(&c->reply, b);
}

void addReplyBigNumber(vlClient *c, const char *p, size_t len) {
    PREP(c);
    replyBigNumber(&c->reply, p, len);
}

void addReplyVerbatim(vlClient *c, const char *p, size_t len, const char *ext3) {
    PREP(c);
    replyVerbatim(&c->reply, p, len, ext3);
}

/* A client whose replies are off still gets a slot (never filled in by the protocol): the
 * returned handle is NULL and the setters ignore it. */
void *addReplyDeferredLen(vlClient *c) {
    if (!replyAllowed(c)) return NULL;
    clientMarkPending(c);
    return replyDeferLen(&c->reply);
}

void setDeferredArrayLen(vlClient *c, void *slot, long long n) {
    if (slot) replySetDeferredArrayLen(&c->reply, slot, n);
}

void setDeferredMapLen(vlClient *c, void *slot, long long n) {
    if (slot) replySetDeferredMapLen(&c->reply, slot, n);
}

void setDeferredSetLen(vlClient *c, void *slot, long long n) {
    if (slot) replySetDeferredSetLen(&c->reply, slot, n);
}

/* ------------------------------------------------------------------- arguments */

int argEq(const protoArg *a, const char *s) {
    size_t n = strlen(s);
    return a->len == n && strncasecmp(a->ptr, s, n) == 0;
}

int getLongLongOrReply(vlClient *c, const protoArg *a, long long *out, const char *msg) {
    if (!utilStrToLL(a->ptr, a->len, out)) {
        addReplyError(c, msg ? msg : "ERR value is not an integer or out of range");
        return VL_ERR;
    }
    return VL_OK;
}

int getRangeLongOrReply(vlClient *c, const protoArg *a, long long min, long long max,
                        long long *out, const char *msg) {
    long long v;
    if (!utilStrToLL(a->ptr, a->len, &v) || v < min || v > max) {
        if (msg) {
            addReplyError(c, msg);
        } else {
            addReplyErrorFormat(c, "ERR value is out of range, must be between %lld and %lld", min,
                                max);
        }
        return VL_ERR;
    }
    *out = v;
    return VL_OK;
}

int getPositiveLongOrReply(vlClient *c, const protoArg *a, long long *out, const char *msg) {
    return getRangeLongOrReply(c, a, 0, 0x7fffffffffffffffLL, out,
                               msg ? msg : "ERR value is out of range, must be positive");
}

int getLongDoubleOrReply(vlClient *c, const protoArg *a, long double *out, const char *msg) {
    if (!utilStrToLD(a->ptr, a->len, out)) {
        addReplyError(c, msg ? msg : "ERR value is not a valid float");
        return VL_ERR;
    }
    return VL_OK;
}

/* SCAN-family cursor, parsed as Redis does (strtoul: a negative cursor wraps, "+5" and
 * leading zeros pass, spaces and trailing bytes do not). */
int getScanCursorOrReply(vlClient *c, const protoArg *a, unsigned long *out) {
    char buf[64];
    if (a->len == 0 || a->len >= sizeof(buf)) goto invalid;
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    if (isspace((unsigned char)buf[0])) goto invalid;
    errno = 0;
    char *end;
    unsigned long v = strtoul(buf, &end, 10);
    if (*end != '\0' || errno == ERANGE) goto invalid;
    *out = v;
    return VL_OK;
invalid:
    addReplyError(c, "ERR invalid cursor");
    return VL_ERR;
}

/* The head of every SCAN-family reply: a 2-array, then the next cursor as a bulk string; the
 * caller adds the array of elements. */
void addReplyScanCursor(vlClient *c, unsigned long cursor) {
    char buf[24];
    int len = snprintf(buf, sizeof(buf), "%lu", cursor);
    addReplyArrayLen(c, 2);
    addReplyBulk(c, buf, (size_t)len);
}

int getTimeoutOrReply(vlClient *c, const protoArg *a, int64_t *out_abs_ms) {
    long double t;
    if (!utilStrToLD(a->ptr, a->len, &t)) {
        addReplyError(c, "ERR timeout is not a float or out of range");
        return VL_ERR;
    }
    if (t < 0) {
        addReplyError(c, "ERR timeout is negative");
        return VL_ERR;
    }
    long double ms = t * 1000.0L;
    if (ms > (long double)(1LL << 50)) {
        addReplyError(c, "ERR timeout is out of range");
        return VL_ERR;
    }
    long long ims = (long long)(ms + 0.5L);
    if (ims == 0 && t > 0) ims = 1;
    *out_abs_ms = ims ? (int64_t)utilMsTime() + ims : 0;
    return VL_OK;
}

/* ------------------------------------------------------------------- CLIENT LIST */

static void flagString(const vlClient *c, char *buf) {
    char *p = buf;
    if (c->flags & CLIENT_PUBSUB) *p++ = 'P';
    if (c->flags & CLIENT_MULTI) *p++ = 'x';
    if (c->flags & CLIENT_BLOCKED) *p++ = 'b';
    if (c->flags & CLIENT_DIRTY_CAS) *p++ = 'd';
    if (c->flags & CLIENT_MONITOR) *p++ = 'O';
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) *p++ = 'c';
    if (c->flags & CLIENT_UNIX) *p++ = 'U';
    if (c->flags & CLIENT_CLOSE_ASAP) *p++ = 'A';
    if (c->flags & CLIENT_NO_EVICT) *p++ = 'e';
    if (c->flags & CLIENT_NO_TOUCH) *p++ = 'T';
    if (p == buf) *p++ = 'N';
    *p = '\0';
}

/* Bytes waiting in the query buffer. The command being run is not waiting any more (it is
 * consumed only after it runs here; Valkey counts it out before). */
static size_t queryPending(const vlClient *c) {
    size_t pending = c->qlen - c->qpos;
    if (c->cmd && !(c->flags & CLIENT_FAKE) && pending >= c->proto.consumed)
        pending -= c->proto.consumed;
    return pending;
}

void clientInfoString(vlClient *c, vstr **out) {
    char flags[16];
    flagString(c, flags);
    int64_t now = (int64_t)utilMsTime();
    const char *cmd = c->lastcmd ? c->lastcmd->name : "NULL";
    vstrCatFmt(out,
               "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d "
               "sub=%zu psub=%zu ssub=%zu multi=%lld watch=%zu qbuf=%zu qbuf-free=%zu "
               "argv-mem=%zu multi-mem=%zu rbs=%zu rbp=%zu obl=0 oll=0 omem=%zu tot-mem=%zu "
               "events=r cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s "
               "tot-net-in=%lld tot-net-out=%lld tot-cmds=%lld",
               (unsigned long long)c->id, c->addr, c->laddr, c->fd, c->name ? c->name : "",
               (long long)(now - c->ctime_ms) / 1000, (long long)(now - c->last_ms) / 1000, flags,
               c->db ? c->db->id : 0, pubsubClientCount(c, 0), pubsubClientCount(c, 1),
               pubsubClientCount(c, 2), multiQueuedCount(c), multiWatchCount(c), queryPending(c),
               c->qcap - c->qlen, (size_t)c->argc * sizeof(protoArg), multiMemUsage(c), c->qcap,
               c->qpeak, clientOutputBytes(c), clientMemUsage(c), cmd, c->resp,
               c->lib_name ? c->lib_name : "", c->lib_ver ? c->lib_ver : "", c->net_in, c->net_out,
               c->ncmds);
}

/* ------------------------------------------------------------------- subcommands */

void addReplyHelp(vlClient *c, const char *const *lines) {
    long long n = 0;
    while (lines[n]) n++;
    addReplyArrayLen(c, n);
    for (long long i = 0; i < n; i++) addReplyStatus(c, lines[i]);
}

void addReplyErrorSubArity(vlClient *c, const char *cmd) {
    char sub[64];
    size_t n = c->argv[1].len < sizeof(sub) - 1 ? c->argv[1].len : sizeof(sub) - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = c->argv[1].ptr[i];
        sub[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
    sub[n] = '\0';
    addReplyErrorFormat(c, "ERR wrong number of arguments for '%s|%s' command", cmd, sub);
}

void addReplyErrorUnknownSub(vlClient *c, const char *upper) {
    int n = (int)(c->argv[1].len < 128 ? c->argv[1].len : 128);
    addReplyErrorFormat(c, "ERR unknown subcommand '%.*s'. Try %s HELP.", n, c->argv[1].ptr, upper);
}
