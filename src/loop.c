/* loop.c - the server's libevent glue: listeners, the cron timer, the flush event, generic
 * timers. With conn.c, the only file that includes libevent.
 *
 * The server never owns process-wide libevent state: it registers events on whatever base
 * it is given (its own in the standalone binary, the host's when embedded), and every
 * callback enters the server's heap first, so blocks made inside are counted as the
 * server's. Writes are batched: a client with new output joins a pending list, and one
 * flush event, activated with event_active, writes them all once per loop pass (libevent
 * 2.1 has no before-sleep hook; an activated event runs after the callbacks already active,
 * so a burst of readable clients is served before anything is written).
 *
 * Listeners are evconnlistener on sockets we create ourselves, so bind errors are ours to
 * report, '-' optional addresses can be skipped, and port 0 can be read back. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/timerfd.h>
#endif

#include "config.h"
#include "conn.h"
#include "loop.h"
#include "server.h"

static void acceptCb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int socklen,
                     void *arg) {
    vlServer *s = arg;
    VL_UNUSED(l);
    vlHeap *prev = allocHeapEnter(s->heap);
    char addr[64] = "";
    int is_unix = sa->sa_family == AF_UNIX, is_local = is_unix;
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)sa;
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
        snprintf(addr, sizeof(addr), "%s:%d", ip, ntohs(in->sin_port));
        is_local = (ntohl(in->sin_addr.s_addr) >> 24) == 127; /* 127.0.0.0/8 */
    } else if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
        char ip[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
        snprintf(addr, sizeof(addr), "%s:%d", ip, ntohs(in6->sin6_port));
        const uint8_t *b = in6->sin6_addr.s6_addr;
        is_local = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
                   (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127);
    } else {
        snprintf(addr, sizeof(addr), "%s:0", s->cfg.unixsocket ? s->cfg.unixsocket : "");
    }
    VL_UNUSED(socklen);
    /* locality is decided here, from the peer's address, never from the printed text (a
     * "::1:" prefix test also matched 2001:db8::1:2:3) */
    connAccept(s, fd, is_unix, is_local, addr);
    allocHeapLeave(prev);
}

/* One listening socket and what it was opened for: "addr port" for TCP, the resolved path for
 * a unix socket (the file we created, and the only one we ever unlink). A rebind keeps every
 * listener whose address is still wanted and opens only the new ones, so a failed CONFIG SET
 * leaves exactly the old set (closing first and re-opening on rollback could fail, and did:
 * a server with no socket at all). */
struct vlListener {
    struct evconnlistener *ev;
    int is_unix;
    int port;    /* as asked (0 = the kernel's pick) */
    char addr[]; /* address as configured (without '-'), or the socket's path */
};

/* accept() failed. Out of descriptors (EMFILE/ENFILE) or memory, the pending connection
 * stays queued and the listener stays readable, so the loop would spin on it and log on every
 * pass (seen: 90% CPU and 81 MB of "Too many open files" in 3 s). Instead the listeners pause
 * for ACCEPT_BACKOFF_MS, and the error is logged at most once a second with a count of the
 * ones not logged. maxclients is fitted to the fd limit at start (serverFitMaxclients), so
 * this is the last line of defence: descriptors taken by something else. */
#define ACCEPT_BACKOFF_MS 100

static void acceptResume(void *arg) {
    vlServer *s = arg;
    for (int i = 0; i < s->nlisteners; i++) evconnlistener_enable(s->listeners[i]->ev);
}

static void acceptErrorCb(struct evconnlistener *l, void *arg) {
    vlServer *s = arg;
    int e = EVUTIL_SOCKET_ERROR();
    VL_UNUSED(l);
    vlHeap *prev = allocHeapEnter(s->heap);
    int64_t now = (int64_t)utilMsTime();
    if (now - s->accept_err_logged_ms >= 1000) {
        serverLog(s, LL_WARNING, "Accepting client connection: accept: %s (%llu more not logged)",
                  strerror(e), (unsigned long long)s->accept_err_unlogged);
        s->accept_err_logged_ms = now;
        s->accept_err_unlogged = 0;
    } else {
        s->accept_err_unlogged++;
    }
    if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
        for (int i = 0; i < s->nlisteners; i++) evconnlistener_disable(s->listeners[i]->ev);
        if (!s->accept_backoff) s->accept_backoff = loopTimerNew(s, acceptResume, s);
        loopTimerStart(s->accept_backoff, ACCEPT_BACKOFF_MS * 1000);
    }
    allocHeapLeave(prev);
}

static vlListener *listenerNew(struct evconnlistener *ev, int is_unix, int port, const char *addr) {
    size_t n = strlen(addr);
    vlListener *l = vlMalloc(sizeof(*l) + n + 1);
    l->ev = ev;
    l->is_unix = is_unix;
    l->port = port;
    memcpy(l->addr, addr, n + 1);
    evconnlistener_set_error_cb(ev, acceptErrorCb);
    return l;
}

static void listenerFree(vlListener *l) {
    evconnlistener_free(l->ev);
    if (l->is_unix) unlink(l->addr);
    vlFree(l);
}

/* Takes the listener for (is_unix, addr, port) out of old[] when there is one. */
static vlListener *listenerTake(vlListener **old, int nold, int is_unix, const char *addr,
                                int port) {
    for (int i = 0; i < nold; i++) {
        vlListener *l = old[i];
        if (l && l->is_unix == is_unix && l->port == port && !strcmp(l->addr, addr)) {
            old[i] = NULL;
            return l;
        }
    }
    return NULL;
}

static int listenTcp(vlServer *s, const char *addr, int port, char *err, size_t errlen,
                     int *bound_port) {
    struct addrinfo hints, *res = NULL;
    char portstr[16];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    snprintf(portstr, sizeof(portstr), "%d", port);
    const char *host = addr;
    if (strcmp(host, "*") == 0) host = "0.0.0.0";
    if (strcmp(host, "::*") == 0) host = "::";
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
        return -EINVAL;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "socket: %s", strerror(e));
        freeaddrinfo(res);
        return -e;
    }
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (res->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, s->cfg.tcp_backlog) < 0) {
        int e = errno;
        snprintf(err, errlen, "Could not create server TCP listening socket %s:%d: %s", host, port,
                 strerror(e));
        close(fd);
        freeaddrinfo(res);
        return -e;
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else
            *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    /* backlog 0: the socket already listens with tcp-backlog (libevent's -1 would call
     * listen(fd, 128) again and silently shrink it) */
    struct evconnlistener *l =
        evconnlistener_new(s->base, acceptCb, s, LEV_OPT_CLOSE_ON_FREE, 0, fd);
    if (!l) {
        snprintf(err, errlen, "evconnlistener_new failed");
        close(fd);
        return -ENOMEM;
    }
    s->listeners[s->nlisteners++] = listenerNew(l, 0, port, addr);
    return 0;
}

static int listenUnix(vlServer *s, const char *path, char *err, size_t errlen) {
    struct sockaddr_un sun;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        snprintf(err, errlen, "unixsocket path too long: %s", path);
        return -1;
    }
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket(AF_UNIX): %s", strerror(errno));
        return -1;
    }
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, path);
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, s->cfg.tcp_backlog) < 0) {
        snprintf(err, errlen, "Could not create server unix socket %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (s->cfg.unixsocketperm) chmod(path, (mode_t)s->cfg.unixsocketperm);
    struct evconnlistener *l =
        evconnlistener_new(s->base, acceptCb, s, LEV_OPT_CLOSE_ON_FREE, 0, fd);
    if (!l) {
        close(fd);
        unlink(path);
        snprintf(err, errlen, "evconnlistener_new failed");
        return -1;
    }
    s->listeners[s->nlisteners++] = listenerNew(l, 1, 0, path);
    return 0;
}

static void closeListeners(vlServer *s) {
    for (int i = 0; i < s->nlisteners; i++) listenerFree(s->listeners[i]);
    s->nlisteners = 0;
}

/* Opens what the configuration asks for into s->listeners, taking sockets that are already
 * open for the same address out of old[] instead of opening them twice. On failure,
 * everything this call put in s->listeners is handed back to old[] (taken ones) or closed
 * (new ones). Port 0 means no TCP at all (Redis's meaning), which is how an embedded server
 * is in-process only. */
static int openListeners(vlServer *s, vlListener **old, int nold, char *err, size_t errlen) {
    int port = s->cfg.port;
    int old_listen_port = s->listen_port;
    s->nlisteners = 0;
    s->listen_port = 0;
    int taken_from[VL_MAX_BIND + 1];
    char *closed[VL_MAX_BIND + 1]; /* old listeners closed to make room (see EADDRINUSE) */
    int closed_port[VL_MAX_BIND + 1], nclosed = 0;
    if (port != 0) {
        int bound_any = 0, bound_port = port;
        for (int i = 0; i < s->cfg.nbind; i++) {
            const char *a = s->cfg.bind[i];
            int optional = a[0] == '-';
            if (optional) a++;
            vlListener *l = listenerTake(old, nold, 0, a, port);
            if (l) {
                taken_from[s->nlisteners] = 1;
                s->listeners[s->nlisteners++] = l;
                bound_any = 1;
                continue;
            }
            char e[256];
            taken_from[s->nlisteners] = 0;
            int rc = listenTcp(s, a, bound_port, e, sizeof(e), &bound_port);
            if (rc == -EADDRINUSE && nclosed == 0) {
                /* a wildcard and a specific address cannot both hold one port: going from
                 * "*" to "127.0.0.1" (or back) needs the old sockets on this port closed
                 * first; they are re-opened if the new set fails */
                for (int j = 0; j < nold; j++) {
                    if (!old[j] || old[j]->is_unix || old[j]->port != bound_port) continue;
                    closed[nclosed] = vlStrdup(old[j]->addr);
                    closed_port[nclosed++] = old[j]->port;
                    listenerFree(old[j]);
                    old[j] = NULL;
                }
                if (nclosed) rc = listenTcp(s, a, bound_port, e, sizeof(e), &bound_port);
            }
            if (rc == 0) {
                bound_any = 1;
                continue;
            }
            if (optional && (rc == -EADDRNOTAVAIL || rc == -EAFNOSUPPORT ||
                             rc == -EPROTONOSUPPORT || rc == -EINVAL)) {
                serverLog(s, LL_NOTICE, "Skipping optional bind address %s: %s", a, e);
                continue;
            }
            snprintf(err, errlen, "%s", e);
            goto fail;
        }
        if (!bound_any && s->cfg.nbind > 0) {
            snprintf(err, errlen, "Failed listening on any of the bind addresses");
            goto fail;
        }
        s->listen_port = bound_port;
    }
    if (s->cfg.unixsocket) {
        /* unixsocket cannot change at run time: the socket made at start stays, wherever
         * `dir` has moved since (re-resolving it would open a second one and unlink the
         * first) */
        vlListener *l = NULL;
        for (int i = 0; i < nold && !l; i++) {
            if (old[i] && old[i]->is_unix) {
                l = old[i];
                old[i] = NULL;
            }
        }
        taken_from[s->nlisteners] = l != NULL;
        if (l) {
            s->listeners[s->nlisteners++] = l;
        } else {
            char *path = serverResolvePath(s, s->cfg.unixsocket);
            int rc = listenUnix(s, path, err, errlen);
            vlFree(path);
            if (rc != 0) goto fail;
        }
    }
    for (int i = 0; i < nclosed; i++) vlFree(closed[i]);
    return VL_OK;

fail:
    for (int i = 0; i < s->nlisteners; i++) {
        if (!taken_from[i]) {
            listenerFree(s->listeners[i]);
            continue;
        }
        for (int j = 0; j < nold; j++) { /* back to its slot */
            if (!old[j]) {
                old[j] = s->listeners[i];
                break;
            }
        }
    }
    s->nlisteners = 0;
    /* what was closed to make room is opened again, into old[]'s empty slots */
    for (int i = 0; i < nclosed; i++) {
        char e[256];
        int p = closed_port[i];
        if (listenTcp(s, closed[i], p, e, sizeof(e), &p) == 0) {
            for (int j = 0; j < nold; j++) {
                if (!old[j]) {
                    old[j] = s->listeners[--s->nlisteners];
                    break;
                }
            }
        } else {
            serverLog(s, LL_WARNING, "Could not listen again on %s:%d: %s", closed[i], p, e);
        }
        vlFree(closed[i]);
    }
    s->nlisteners = 0;
    s->listen_port = old_listen_port;
    return VL_ERR;
}

static void cronCb(evutil_socket_t fd, short what, void *arg) {
    vlServer *s = arg;
    VL_UNUSED(fd);
    VL_UNUSED(what);
    vlHeap *prev = allocHeapEnter(s->heap);
    if (s->pending_write) connFlushPending(s); /* as in timerCb */
    serverCron(s);
    allocHeapLeave(prev);
}

static void flushCb(evutil_socket_t fd, short what, void *arg) {
    vlServer *s = arg;
    VL_UNUSED(fd);
    VL_UNUSED(what);
    vlHeap *prev = allocHeapEnter(s->heap);
    connFlushPending(s);
    if (s->shutdown_asap && s->own_base) event_base_loopbreak(s->base);
    allocHeapLeave(prev);
}

void loopScheduleFlush(vlServer *s) {
    if (s->flush_ev && !event_pending(s->flush_ev, EV_TIMEOUT, NULL))
        event_active(s->flush_ev, EV_TIMEOUT, 0);
}

int loopSetHz(vlServer *s) {
    if (!s->cron_ev) return VL_OK;
    int hz = s->cfg.hz < 1 ? 1 : s->cfg.hz > 500 ? 500 : s->cfg.hz;
    struct timeval tv = {0, 1000000 / hz};
    event_del(s->cron_ev);
    event_add(s->cron_ev, &tv);
    return VL_OK;
}

/* A second, level-triggered epoll set holding every client socket, next to libevent's (which
 * libevent does not let us poll from inside a callback). A defrag slice polls it every
 * 50 us once it has run 100 us and ends when a request is waiting: measured with
 * vl-fragbench's PING probe, that is the difference between waiting out the slice
 * (p50 0.46 ms with 500 us slices) and not. */
void loopWaitAdd(vlServer *s, int fd) {
#ifdef __linux__
    if (s->waitfd < 0) return;
    struct epoll_event ev = {.events = EPOLLIN};
    ev.data.fd = fd;
    epoll_ctl(s->waitfd, EPOLL_CTL_ADD, fd, &ev);
#else
    VL_UNUSED(s);
    VL_UNUSED(fd);
#endif
}

void loopWaitDel(vlServer *s, int fd) {
#ifdef __linux__
    if (s->waitfd >= 0) epoll_ctl(s->waitfd, EPOLL_CTL_DEL, fd, NULL);
#else
    VL_UNUSED(s);
    VL_UNUSED(fd);
#endif
}

int loopInputWaiting(vlServer *s) {
#ifdef __linux__
    struct epoll_event ev;
    return s->waitfd >= 0 && epoll_wait(s->waitfd, &ev, 1, 0) > 0;
#else
    VL_UNUSED(s);
    return 0;
#endif
}

int loopAttach(vlServer *s, struct event_base *base, char *err, size_t errlen) {
    s->base = base;
    if (openListeners(s, NULL, 0, err, errlen) != VL_OK) return VL_ERR;
#ifdef __linux__
    s->waitfd = epoll_create1(EPOLL_CLOEXEC); /* -1 on failure: slices just never yield */
#endif
    s->cron_ev = event_new(base, -1, EV_PERSIST, cronCb, s);
    s->flush_ev = event_new(base, -1, 0, flushCb, s);
    if (!s->cron_ev || !s->flush_ev) {
        snprintf(err, errlen, "event_new failed");
        loopDetach(s);
        return VL_ERR;
    }
    loopSetHz(s);
    s->attached = 1;
    return VL_OK;
}

void loopDetach(vlServer *s) {
    closeListeners(s);
    if (s->accept_backoff) loopTimerFree(s->accept_backoff);
    s->accept_backoff = NULL;
    if (s->waitfd >= 0) close(s->waitfd);
    s->waitfd = -1;
    if (s->cron_ev) event_free(s->cron_ev);
    if (s->flush_ev) event_free(s->flush_ev);
    s->cron_ev = s->flush_ev = NULL;
    s->attached = 0;
}

int loopRebind(vlServer *s, char *err, size_t errlen) {
    if (!s->attached) return VL_OK;
    vlListener *old[VL_MAX_BIND + 1];
    int nold = s->nlisteners;
    memcpy(old, s->listeners, sizeof(old[0]) * (size_t)nold);
    if (openListeners(s, old, nold, err, errlen) != VL_OK) {
        /* the old set as it was (what was taken went back to old[]; what was closed to
         * make room was opened again, unless that failed and was logged) */
        s->nlisteners = 0;
        for (int i = 0; i < nold; i++)
            if (old[i]) s->listeners[s->nlisteners++] = old[i];
        return VL_ERR;
    }
    for (int i = 0; i < nold; i++) /* what the new set did not take */
        if (old[i]) listenerFree(old[i]);
    return VL_OK;
}

/* Generic one-shot timers for modules (defrag work slices, lazy free, blocking timeouts):
 * the callback runs inside the server's heap like every other callback.
 *
 * libevent's epoll backend rounds every wait up to a whole millisecond, so a timer set for
 * 167 us fires after >= 1 ms. A precise timer (loopTimerNewPrecise, Linux) also owns a
 * timerfd that libevent watches like a socket; a start under a second arms the timerfd
 * instead, and the loop wakes when it expires. Only the defrag engine needs one: its pause
 * after each slice is a fraction of a millisecond (the rest of its duty cycle). */
typedef struct loopTimer {
    vlServer *s;
    void (*fn)(void *arg);
    void *arg;
    struct event *ev;   /* libevent timer */
    struct event *fdev; /* precise timers: read event on tfd, else NULL */
    int tfd;            /* precise timers: the timerfd, else -1 */
    int tfd_armed;
} loopTimer;

static void timerRun(loopTimer *t) {
    vlHeap *prev = allocHeapEnter(t->s->heap);
    /* Replies computed earlier in this loop pass go out before background work (defrag,
     * lazy free) runs: libevent queued this timer ahead of the flush event, and a reply
     * would otherwise wait a whole extra slice (vl-fragbench's probe during defrag, 1M keys:
     * p99 1.05 -> 0.51 ms, max 3.8 -> 0.85-1.6 ms). */
    if (t->s->pending_write) connFlushPending(t->s);
    t->fn(t->arg);
    allocHeapLeave(prev);
}

static void timerCb(evutil_socket_t fd, short what, void *arg) {
    VL_UNUSED(fd);
    VL_UNUSED(what);
    timerRun(arg);
}

#ifdef __linux__
static void timerFdCb(evutil_socket_t fd, short what, void *arg) {
    loopTimer *t = arg;
    uint64_t expirations;
    VL_UNUSED(what);
    if (read(fd, &expirations, sizeof(expirations)) != (ssize_t)sizeof(expirations)) return;
    t->tfd_armed = 0;
    timerRun(t);
}

static void timerFdSet(loopTimer *t, uint64_t us) {
    struct itimerspec its = {{0, 0}, {(time_t)(us / 1000000), (long)(us % 1000000) * 1000}};
    if (timerfd_settime(t->tfd, 0, &its, NULL) == 0) t->tfd_armed = us > 0;
}
#endif

static loopTimer *timerNew(vlServer *s, void (*fn)(void *arg), void *arg) {
    loopTimer *t = vlCalloc(sizeof(*t));
    t->s = s;
    t->fn = fn;
    t->arg = arg;
    t->ev = event_new(s->base, -1, 0, timerCb, t);
    t->tfd = -1;
    return t;
}

struct event *loopTimerNew(vlServer *s, void (*fn)(void *arg), void *arg) {
    return (struct event *)timerNew(s, fn, arg);
}

struct event *loopTimerNewPrecise(vlServer *s, void (*fn)(void *arg), void *arg) {
    loopTimer *t = timerNew(s, fn, arg);
#ifdef __linux__
    /* on any failure it stays an ordinary timer */
    t->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (t->tfd >= 0) {
        t->fdev = event_new(s->base, t->tfd, EV_READ | EV_PERSIST, timerFdCb, t);
        if (!t->fdev || event_add(t->fdev, NULL) != 0) {
            if (t->fdev) event_free(t->fdev);
            t->fdev = NULL;
            close(t->tfd);
            t->tfd = -1;
        }
    }
#endif
    return (struct event *)t;
}

int loopTimerIsPrecise(struct event *ev) {
    return ((loopTimer *)ev)->tfd >= 0;
}

/* 1 while a start has not fired yet, on either path. */
int loopTimerPending(struct event *ev) {
    loopTimer *t = (loopTimer *)ev;
    return t->tfd_armed || event_pending(t->ev, EV_TIMEOUT, NULL) != 0;
}

/* Runs the callback once, us microseconds from now (0: this loop pass, after the callbacks
 * already active). A new start replaces a pending one. */
void loopTimerStart(struct event *ev, uint64_t us) {
    loopTimer *t = (loopTimer *)ev;
#ifdef __linux__
    if (t->tfd >= 0) {
        if (us > 0 && us < 1000000) {
            event_del(t->ev);
            timerFdSet(t, us);
            return;
        }
        if (t->tfd_armed) timerFdSet(t, 0); /* disarm */
    }
#endif
    struct timeval tv = {(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
    event_add(t->ev, &tv);
}

void loopTimerFree(struct event *ev) {
    loopTimer *t = (loopTimer *)ev;
    if (!t) return;
    event_free(t->ev);
    if (t->fdev) event_free(t->fdev);
    if (t->tfd >= 0) close(t->tfd);
    vlFree(t);
}

/* The standalone server's loop: SIGTERM/SIGINT stop it cleanly. Signals are only installed
 * when asked (vlServerMain), never by an embedded server. */
static void signalCb(evutil_socket_t sig, short what, void *arg) {
    vlServer *s = arg;
    VL_UNUSED(what);
    serverLog(s, LL_WARNING, "Received %s scheduling shutdown...",
              sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* carried out by the next cron tick (as Redis does), so SHUTDOWN ABORT can still
     * cancel it while the cron is held (DEBUG PAUSE-CRON) */
    s->shutdown_signal = (int)sig;
}

struct event_base *loopNewBase(void) {
    return event_base_new();
}

void loopFreeBase(struct event_base *b) {
    event_base_free(b);
}

const char *loopMethod(vlServer *s) {
    return s->base ? event_base_get_method(s->base) : "none";
}

void loopRunOwn(vlServer *s, int signals) {
    struct event *sigterm = NULL, *sigint = NULL;
    if (signals) {
        sigterm = evsignal_new(s->base, SIGTERM, signalCb, s);
        sigint = evsignal_new(s->base, SIGINT, signalCb, s);
        event_add(sigterm, NULL);
        event_add(sigint, NULL);
    }
    while (!s->shutdown_asap) {
        if (event_base_dispatch(s->base) != 0) break;
        if (event_base_got_break(s->base) && !s->shutdown_asap) continue;
        break;
    }
    if (sigterm) event_free(sigterm);
    if (sigint) event_free(sigint);
}

void loopBreak(vlServer *s) {
    if (s->base) event_base_loopbreak(s->base);
}
