/* conn.c - client I/O: accept, read into the query buffer, run complete commands, write
 * replies with writev.
 *
 * One raw struct event per direction, not bufferevents: measured, a bufferevent costs about
 * 7 syscalls per round trip (4 KB reads, an ioctl per read, deferred writes) against 3 here
 * (read, writev, epoll_wait). The read event is persistent; the write event is armed only
 * after a partial write and disarmed when the output drains. Normal output goes out from the
 * server's flush event, once per loop pass, for every client that has some.
 *
 * The query buffer is one block per client. Commands are parsed in place (argv points into
 * it); it is compacted when the consumed prefix is large, and a big bulk is given exactly
 * the room it needs so that it is read with as few syscalls and copies as possible. */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "client.h"
#include "clientmem.h"
#include "cmd.h"
#include "conn.h"
#include "loop.h"
#include "server.h"

#define QBUF_CHUNK (16 * 1024)
#define IOV_BATCH 64
#define WRITE_MAX_PER_EVENT (64 * 1024 * 1024)

static void readCb(evutil_socket_t fd, short what, void *arg);
static void writeCb(evutil_socket_t fd, short what, void *arg);

/* Refuses a connection with one error line, written straight to the socket. */
static int refuse(vlServer *s, int fd, const char *msg) {
    ssize_t w = write(fd, msg, strlen(msg));
    VL_UNUSED(w);
    close(fd);
    s->stats.rejected_conn++;
    return VL_ERR;
}

/* Redis's protected mode: with no password for the default user, only the loopback interface
 * and unix sockets may talk to the server, whatever it is bound to. */
static const char protected_msg[] =
    "-DENIED Running in protected mode because protected mode is enabled and no password is "
    "set for the default user. In this mode connections are only accepted from the loopback "
    "interface. If you want to connect from external computers, you may adopt one of the "
    "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET "
    "protected-mode no' from the loopback interface by connecting from the same host the "
    "server is running, however MAKE SURE it's not publicly accessible from internet if you "
    "do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the configuration file, and setting the protected "
    "mode option to 'no', and then restarting the server. 3) If you started the server "
    "manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an "
    "authentication password for the default user. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.\r\n";

int connAccept(vlServer *s, int fd, int is_unix, int is_local, const char *addr) {
    if (s->nclients >= (size_t)s->cfg.maxclients)
        return refuse(s, fd, "-ERR max number of clients reached\r\n");
    if (s->cfg.protected_mode && !s->cfg.requirepass && !is_local) {
        serverLog(s, LL_VERBOSE, "Refused a connection from %s: protected mode", addr);
        return refuse(s, fd, protected_msg);
    }
    int yes = 1;
    if (!is_unix) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
        if (s->cfg.tcp_keepalive > 0) setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes));
    }
    evutil_make_socket_nonblocking(fd);
    vlClient *c = clientCreate(s, fd, (is_unix ? CLIENT_UNIX : 0) | (is_local ? CLIENT_LOCAL : 0));
    loopWaitAdd(s, fd);
    snprintf(c->addr, sizeof(c->addr), "%s", addr);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (!is_unix && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        char ip[64] = "?";
        int port = 0;
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *in = (struct sockaddr_in *)&ss;
            evutil_inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
            port = ntohs(in->sin_port);
        } else if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
            evutil_inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
            port = ntohs(in6->sin6_port);
        }
        snprintf(c->laddr, sizeof(c->laddr), "%s:%d", ip, port);
    } else {
        snprintf(c->laddr, sizeof(c->laddr), "%s", addr);
    }
    c->ev = event_new(s->base, fd, EV_READ | EV_PERSIST, readCb, c);
    event_add(c->ev, NULL);
    s->stats.numconnections++;
    return VL_OK;
}

void connEventFree(vlClient *c) {
    if (c->ev) event_free(c->ev);
    if (c->wev) event_free(c->wev);
    c->ev = c->wev = NULL;
}

static void freeClosable(vlServer *s) {
    while (s->to_close) {
        vlClient *c = s->to_close;
        s->to_close = c->close_next;
        c->flags &= ~CLIENT_CLOSE_ASAP; /* already unlinked from the close list */
        clientFree(c);
    }
}

/* Writes what the client has queued. Returns VL_ERR when the client was freed. */
int connWrite(vlClient *c) {
    vlServer *s = c->srv;
    struct iovec iov[IOV_BATCH];
    size_t total = 0;
    while (c->reply.bytes > 0 && total < WRITE_MAX_PER_EVENT) {
        int n = replyIov(&c->reply, iov, IOV_BATCH);
        if (n == 0) break;
        ssize_t w = writev(c->fd, iov, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            clientFree(c);
            return VL_ERR;
        }
        replyConsumed(&c->reply, (size_t)w);
        total += (size_t)w;
        s->stats.net_output_bytes += w;
        c->net_out += w;
        s->stats.total_writes_processed++;
    }
    if (total) clientMemUpdate(c);
    if (c->reply.bytes > 0) {
        if (!(c->flags & CLIENT_WRITE_ARMED)) {
            if (!c->wev) c->wev = event_new(s->base, c->fd, EV_WRITE | EV_PERSIST, writeCb, c);
            event_add(c->wev, NULL);
            c->flags |= CLIENT_WRITE_ARMED;
        }
        return VL_OK;
    }
    if (c->flags & CLIENT_WRITE_ARMED) {
        event_del(c->wev);
        c->flags &= ~CLIENT_WRITE_ARMED;
    }
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) {
        clientFree(c);
        return VL_ERR;
    }
    return VL_OK;
}

static void resumeClients(vlServer *s);

void connFlushPending(vlServer *s) {
    resumeClients(s);
    /* Output added this pass (replies, pub/sub messages, monitor lines) is counted before
     * it is written, and this is a safe point: no command runs, victims go at once. */
    for (vlClient *c = s->pending_write; c; c = c->pending_next) clientMemUpdate(c);
    if (s->cfg.maxmemory_clients) clientMemEvict(s, 1);
    while (s->pending_write) {
        vlClient *c = s->pending_write;
        s->pending_write = c->pending_next;
        c->flags &= ~CLIENT_PENDING_WRITE;
        if (c->flags & CLIENT_CLOSE_ASAP) continue;
        if (c->flags & CLIENT_WRITE_ARMED) continue; /* the write event handles it */
        connWrite(c);
    }
    freeClosable(s);
}

static void writeCb(evutil_socket_t fd, short what, void *arg) {
    vlClient *c = arg;
    vlServer *s = c->srv;
    VL_UNUSED(fd);
    VL_UNUSED(what);
    vlHeap *prev = allocHeapEnter(s->heap);
    connWrite(c);
    allocHeapLeave(prev);
}

/* Makes room for need more bytes. Returns 0 when memory cannot be had: the size is the
 * client's choice, so that closes the client, never the process. */
static int qbufReserve(vlClient *c, size_t need) {
    if (c->qcap - c->qlen >= need) return 1;
    if (c->qpos > 0) { /* drop the consumed prefix first */
        memmove(c->qbuf, c->qbuf + c->qpos, c->qlen - c->qpos);
        c->qlen -= c->qpos;
        c->qpos = 0;
        if (c->qcap - c->qlen >= need) return 1;
    }
    size_t cap = c->qlen + need;
    if (cap < QBUF_CHUNK) cap = QBUF_CHUNK;
    char *q = vlTryRealloc(c->qbuf, cap);
    if (!q) return 0;
    c->qbuf = q;
    c->qcap = vlAllocSize(q);
    return 1;
}

/* How much room the next read gets. A big bulk is read into room of its own, but room grows
 * with the bytes that actually came: up to three times what the command has so far (the
 * buffer grows fourfold), never the whole declared length at once. A header that declares
 * 512 MB and is followed by 1 KB costs 16-64 KB, not 512 MB. Fourfold rather than doubling:
 * the helper that built the same fix measured ~40% more page faults for a 10 MB SET when
 * doubling (more reallocs, each touching fresh pages). */
static size_t readRoom(vlClient *c) {
    size_t pending = c->qlen - c->qpos;
    size_t big = protoBigBulkRemaining(&c->proto, pending);
    if (big <= QBUF_CHUNK) return QBUF_CHUNK;
    size_t step = pending > QBUF_CHUNK ? 3 * pending : QBUF_CHUNK;
    return big < step ? big : step;
}

/* A client whose input will never be consumed again (it is closing) must not be polled for
 * it: the read event is level-triggered, so a socket with unread bytes would wake the loop on
 * every pass and spin it (issue 13: 95% CPU for one client that sent QUIT and kept writing). */
static void stopReading(vlClient *c) {
    if (c->ev) event_del(c->ev);
}

/* Runs every complete command in the buffer. Stops early when the client blocks, is paused,
 * or is going away; the rest waits in the buffer. */
void connProcessInput(vlClient *c) {
    vlServer *s = c->srv;
    while (c->qpos < c->qlen) {
        if (c->flags &
            (CLIENT_BLOCKED | CLIENT_CLOSE_ASAP | CLIENT_CLOSE_AFTER_REPLY | CLIENT_PAUSED))
            break;
        proto *p = &c->proto;
        int r = protoParse(p, c->qbuf + c->qpos, c->qlen - c->qpos);
        if (r == PROTO_NEED_MORE) break;
        if (r == PROTO_ERROR) {
            char msg[160];
            snprintf(msg, sizeof(msg), "ERR %s", p->err);
            c->cmd = NULL;
            addReplyError(c, msg);
            serverLog(s, LL_VERBOSE, "Protocol error (%s) from client: id=%llu addr=%s", p->err,
                      (unsigned long long)c->id, c->addr);
            c->flags |= CLIENT_CLOSE_AFTER_REPLY;
            c->qpos = c->qlen;
            break;
        }
        c->argc = (int)p->argc;
        c->argv = p->argv;
        if (c->argc > 0 && !cmdProcess(c)) {
            /* paused: keep the command, parse it again when reading resumes */
            protoReset(p);
            c->argc = 0;
            break;
        }
        c->qpos += p->consumed;
        protoReset(p);
        c->argc = 0;
        c->argv = NULL;
    }
    if (c->qpos == c->qlen) c->qpos = c->qlen = 0;
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) clientMarkPending(c);
}

static void closeOverQueryLimit(vlClient *c, size_t used) {
    vlServer *s = c->srv;
    serverLog(s, LL_WARNING,
              "Closing client that reached max query buffer length: id=%llu addr=%s qbuf=%zu",
              (unsigned long long)c->id, c->addr, used);
    s->stats.client_qbuf_limit_disconnections++;
    clientFree(c);
}

/* The shared read buffer (s->shared_qbuf): a client with no buffer of its own reads into it,
 * its complete commands run from it, and only what is left (a partial command, or commands
 * behind a block or a pause) is copied to a buffer of its own. Nothing else may point into
 * it once the read is processed: argv lives only while its command runs, blocked and queued
 * commands keep copies, and the parser keeps offsets. As Valkey 8 does: ten thousand idle
 * clients hold no query buffers. */
static void qbufLeaveShared(vlClient *c, int keep_rest) {
    size_t rest = keep_rest ? c->qlen - c->qpos : 0;
    char *q = NULL;
    if (rest) {
        q = vlTryRealloc(NULL, rest > QBUF_CHUNK ? rest : QBUF_CHUNK);
        if (!q) { /* no memory for it: the client goes, its bytes with it */
            rest = 0;
            clientCloseAsap(c);
        } else {
            memcpy(q, c->qbuf + c->qpos, rest);
        }
    }
    c->qbuf = q;
    c->qcap = q ? vlAllocSize(q) : 0;
    c->qlen = rest;
    c->qpos = 0;
}

static void readCb(evutil_socket_t fd, short what, void *arg) {
    vlClient *c = arg;
    vlServer *s = c->srv;
    VL_UNUSED(what);
    vlHeap *prev = allocHeapEnter(s->heap);
    if (c->flags & (CLIENT_CLOSE_ASAP | CLIENT_CLOSE_AFTER_REPLY)) {
        stopReading(c);
        allocHeapLeave(prev);
        return;
    }
    size_t room = readRoom(c);
    int shared = !c->qbuf && room <= QBUF_CHUNK;
    if (shared) {
        if (!s->shared_qbuf) {
            s->shared_qbuf = vlMalloc(QBUF_CHUNK);
            s->shared_qcap = vlAllocSize(s->shared_qbuf);
        }
        c->qbuf = s->shared_qbuf;
        c->qcap = s->shared_qcap;
        c->qlen = c->qpos = 0;
    } else if (!qbufReserve(c, room)) {
        serverLog(
            s, LL_WARNING,
            "Closing client that asked for more memory than there is: id=%llu addr=%s qbuf=%zu",
            (unsigned long long)c->id, c->addr, c->qlen - c->qpos);
        s->stats.client_qbuf_limit_disconnections++;
        clientFree(c);
        allocHeapLeave(prev);
        return;
    }
    ssize_t n = read(fd, c->qbuf + c->qlen, c->qcap - c->qlen);
    if (n <= 0) {
        if (shared) qbufLeaveShared(c, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            allocHeapLeave(prev);
            return;
        }
        clientFree(c);
        allocHeapLeave(prev);
        return;
    }
    c->qlen += (size_t)n;
    if (c->qlen - c->qpos > c->qpeak) c->qpeak = c->qlen - c->qpos;
    /* the one clock read of this batch: commands parsed from it start from here */
    serverSetTimeFromMono(s, utilMonoUs());
    c->last_ms = s->mstime;
    s->stats.net_input_bytes += n;
    c->net_in += n;
    s->stats.total_reads_processed++;
    size_t used = c->qlen - c->qpos + protoMemUsage(&c->proto);
    if ((long long)used > s->cfg.client_query_buffer_limit) {
        if (shared) qbufLeaveShared(c, 0);
        closeOverQueryLimit(c, used);
        allocHeapLeave(prev);
        return;
    }
    clientMemUpdate(c); /* a half-sent command only grows the query buffer */
    if (s->cfg.maxmemory_clients) clientMemEvict(s, 0);
    connProcessInput(c);
    int closing = c->flags & (CLIENT_CLOSE_ASAP | CLIENT_CLOSE_AFTER_REPLY);
    if (shared) {
        qbufLeaveShared(c, !closing);
        clientMemUpdate(c);
    }
    if (closing) stopReading(c);
    /* a buffer of its own stays for the next commands; the cron shrinks or frees it */
    allocHeapLeave(prev);
}

#define QBUF_IDLE_MS 2000           /* an empty buffer of its own goes after this idle time */
#define QBUF_SHRINK_MIN (32 * 1024) /* smaller buffers are not worth resizing */

void connQbufCron(vlClient *c, int64_t now_ms) {
    if (!c->qbuf || c->qbuf == c->srv->shared_qbuf) return;
    size_t used = c->qlen - c->qpos;
    if (used == 0 && now_ms - c->last_ms >= QBUF_IDLE_MS) {
        vlFree(c->qbuf);
        c->qbuf = NULL;
        c->qcap = c->qlen = c->qpos = 0;
    } else if (used == 0 && c->qcap > QBUF_SHRINK_MIN && c->qpeak < c->qcap / 2) {
        char *q = vlTryRealloc(c->qbuf, c->qpeak > QBUF_CHUNK ? c->qpeak : QBUF_CHUNK);
        if (q) {
            c->qbuf = q;
            c->qcap = vlAllocSize(q);
            c->qlen = c->qpos = 0;
        }
    }
    c->qpeak = used; /* the peak is measured anew until the next look */
    clientMemUpdate(c);
}

/* Called when a blocked or paused client may go on: commands already in its buffer run
 * from the flush pass, never from inside another client's command. */
void connResumeReading(vlClient *c) {
    c->flags &= ~CLIENT_PAUSED;
    if (c->flags & (CLIENT_FAKE | CLIENT_RESUME)) return;
    c->flags |= CLIENT_RESUME;
    c->resume_next = c->srv->to_resume;
    c->srv->to_resume = c;
    loopScheduleFlush(c->srv);
}

static void resumeClients(vlServer *s) {
    while (s->to_resume) {
        vlClient *c = s->to_resume;
        s->to_resume = c->resume_next;
        c->flags &= ~CLIENT_RESUME;
        if (c->qpos < c->qlen) {
            serverSetTimeFromMono(s, utilMonoUs());
            connProcessInput(c);
        }
    }
}
