/* vl-soak - hostile clients beside honest ones, against any RESP server on loopback.
 *
 *   utils/vl-soak -p PORT [-c hostile] [-w honest] [-k keys] [-s seconds] [-l list-key]
 *
 * Opens `hostile` connections (default 2,000) that each misbehave in one of six ways: connect
 * and idle; send random bytes; send half a request and stall; declare a 512 MB bulk and send
 * 1 KB of it; pipeline reads of `list-key` and never read a reply; trickle "PING\r\n" one byte
 * per tick while reading. Meanwhile `honest` clients (default 10) each overwrite their own `keys`
 * keys (h:<client>:<i>) with 64-byte values that name the round, pipelined ten at a time, and
 * check every reply is +OK. After `seconds` (or longer, up to ten times that, until every
 * honest key was written once) every hostile socket is closed, and each honest key is read
 * back and compared with the last value acknowledged for it.
 *
 * Prints one line: "soak: hostile <opened> of <asked> (<refused> refused, <cut> closed by the
 * server), honest <writes> writes, <errors> errors, verified <ok> of <keys>"; exits 0 only if
 * every honest write was acknowledged and every key reads back as written.
 *
 * Bounded in count and time: at most 20,000 hostile connections, 100 honest, 100,000 keys
 * each, 600 s; it raises its own descriptor limit as far as the hard limit allows and reports
 * connections it could not open as refused. Loopback only (127.0.0.1). Raw sockets and
 * poll(2): no hiredis, so a garbled stream is seen as it is. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VALLEN 64
#define BATCH 10

enum {
    R_IDLE,
    R_GARBAGE,
    R_HALF,
    R_BIGBULK,
    R_NONREADER,
    R_TRICKLE,
    R_COUNT
};

typedef struct {
    int fd;
    int role;
    int started; /* connected, and its misbehaviour begun */
    int cut;     /* the server closed it */
    size_t trickle_pos;
} hostile;

typedef struct {
    int fd;
    int id;
    long next;    /* next write index */
    long pending; /* writes in the batch in flight */
    char in[4096];
    size_t inlen;
    long *round; /* per key: round of the last acknowledged write, -1 none */
    long writes, errors;
} honest;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connection to 127.0.0.1:port. Blocking (honest clients, verification) waits for the
 * connect; non-blocking (hostile clients) returns at once with the connect under way, so a
 * SYN the server's full backlog dropped (retried by the kernel a second later) never stalls
 * the tool's loop and with it the honest clients. */
static int dial(int port, int nonblock) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (nonblock) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 &&
        !(nonblock && errno == EINPROGRESS)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Best effort: a hostile client does not care whether its bytes arrive. */
static void sendSome(int fd, const void *p, size_t len) {
    ssize_t w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
}

static void value(char *buf, int client, long key, long round) {
    int n = snprintf(buf, VALLEN + 1, "c%d-k%ld-r%ld-", client, key, round);
    memset(buf + n, 'v', (size_t)(VALLEN - n));
    buf[VALLEN] = '\0';
}

static int sendAll(int fd, const char *p, size_t len) {
    while (len > 0) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static void honestSendBatch(honest *h, long keys) {
    char cmd[BATCH * 160], val[VALLEN + 1];
    size_t len = 0;
    for (int i = 0; i < BATCH; i++, h->next++) {
        long key = h->next % keys, round = h->next / keys;
        char name[48];
        int nl = snprintf(name, sizeof(name), "h:%d:%ld", h->id, key);
        value(val, h->id, key, round);
        len += (size_t)snprintf(cmd + len, sizeof(cmd) - len,
                                "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", nl, name, VALLEN,
                                val);
    }
    if (sendAll(h->fd, cmd, len) != 0) h->errors += BATCH;
    h->pending = BATCH;
}

/* Consumes +OK replies; anything else is an error. Returns 1 when the batch is complete. */
static int honestRead(honest *h, long keys) {
    ssize_t n = recv(h->fd, h->in + h->inlen, sizeof(h->in) - h->inlen, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        h->errors += h->pending;
        h->pending = 0;
        return -1;
    }
    if (n > 0) h->inlen += (size_t)n;
    size_t pos = 0;
    while (h->pending > 0 && h->inlen - pos >= 5) {
        long idx = h->next - h->pending;
        if (memcmp(h->in + pos, "+OK\r\n", 5) == 0) {
            h->round[idx % keys] = idx / keys;
            h->writes++;
            pos += 5;
        } else { /* any other reply line is an error; wait for its end */
            char *nl = memchr(h->in + pos, '\n', h->inlen - pos);
            if (!nl) break;
            h->errors++;
            pos = (size_t)(nl - h->in) + 1;
        }
        h->pending--;
    }
    memmove(h->in, h->in + pos, h->inlen - pos);
    h->inlen -= pos;
    return h->pending == 0;
}

/* Reads one bulk reply into out (VALLEN + 1 bytes); 0 on a matching shape. */
static int readBulk(int fd, char *out) {
    char buf[256];
    size_t len = 0;
    char want[16];
    int wl = snprintf(want, sizeof(want), "$%d\r\n", VALLEN);
    size_t total = (size_t)wl + VALLEN + 2;
    while (len < total) {
        ssize_t n = recv(fd, buf + len, total - len, 0);
        if (n <= 0) return -1;
        len += (size_t)n;
        if (len >= 5 && buf[0] != '$') return -1;
        if (len >= 5 && memcmp(buf, "$-1\r\n", 5) == 0) return -1;
    }
    if (memcmp(buf, want, (size_t)wl) != 0) return -1;
    memcpy(out, buf + wl, VALLEN);
    out[VALLEN] = '\0';
    return 0;
}

static long verify(honest *h, long keys, int port) {
    int fd = dial(port, 0);
    if (fd < 0) {
        fprintf(stderr, "vl-soak: verify: cannot connect: %s\n", strerror(errno));
        return 0;
    }
    long ok = 0;
    for (long k = 0; k < keys; k++) {
        char name[48], cmd[128], got[VALLEN + 1], want[VALLEN + 1];
        int nl = snprintf(name, sizeof(name), "h:%d:%ld", h->id, k);
        int cl = snprintf(cmd, sizeof(cmd), "*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", nl, name);
        if (sendAll(fd, cmd, (size_t)cl) != 0 || readBulk(fd, got) != 0) {
            fprintf(stderr, "vl-soak: verify: GET %s failed\n", name);
            break;
        }
        if (h->round[k] < 0) continue; /* never acknowledged: nothing to compare */
        value(want, h->id, k, h->round[k]);
        if (strcmp(got, want) == 0)
            ok++;
        else
            fprintf(stderr, "vl-soak: %s is %s, last acknowledged %s\n", name, got, want);
    }
    close(fd);
    return ok;
}

static void hostileStart(hostile *x, unsigned *seed, const char *listkey) {
    char buf[1024];
    switch (x->role) {
    case R_GARBAGE:
        for (size_t i = 0; i < 256; i++) buf[i] = (char)(rand_r(seed) & 0xff);
        sendSome(x->fd, buf, 256);
        break;
    case R_HALF: {
        static const char half[] = "*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nabc";
        sendSome(x->fd, half, sizeof(half) - 1);
        break;
    }
    case R_BIGBULK: {
        static const char hdr[] = "*2\r\n$4\r\nECHO\r\n$536870000\r\n";
        sendSome(x->fd, hdr, sizeof(hdr) - 1);
        memset(buf, 'b', sizeof(buf));
        sendSome(x->fd, buf, sizeof(buf));
        break;
    }
    case R_NONREADER: {
        int n = snprintf(buf, sizeof(buf), "LRANGE %s 0 -1\r\n", listkey);
        for (int i = 0; i < 20; i++) sendSome(x->fd, buf, (size_t)n);
        break;
    }
    default: break;
    }
}

static void raiseFdLimit(long want) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    rlim_t w = (rlim_t)want;
    if (rl.rlim_cur >= w) return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > w ? w : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static long argNum(const char *s, long lo, long hi, const char *what) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "vl-soak: %s must be %ld..%ld\n", what, lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv) {
    long port = 0, nhostile = 2000, nhonest = 10, keys = 1000, seconds = 5;
    const char *listkey = "soak:list";
    int opt;
    while ((opt = getopt(argc, argv, "p:c:w:k:s:l:")) != -1) {
        switch (opt) {
        case 'p': port = argNum(optarg, 1, 65535, "port"); break;
        case 'c': nhostile = argNum(optarg, 0, 20000, "hostile clients"); break;
        case 'w': nhonest = argNum(optarg, 1, 100, "honest clients"); break;
        case 'k': keys = argNum(optarg, 1, 100000, "keys"); break;
        case 's': seconds = argNum(optarg, 1, 600, "seconds"); break;
        case 'l': listkey = optarg; break;
        default:
            fprintf(stderr, "usage: vl-soak -p PORT [-c hostile] [-w honest] [-k keys] "
                            "[-s seconds] [-l list-key]\n");
            return 2;
        }
    }
    if (port == 0) {
        fprintf(stderr, "vl-soak: -p PORT is required\n");
        return 2;
    }
    raiseFdLimit(nhostile + nhonest + 64);

    honest *hs = calloc((size_t)nhonest, sizeof(*hs));
    hostile *xs = calloc((size_t)nhostile + 1, sizeof(*xs));
    struct pollfd *pfd = calloc((size_t)(nhonest + nhostile), sizeof(*pfd));
    if (!hs || !xs || !pfd) return 1;
    for (long i = 0; i < nhonest; i++) {
        hs[i].id = (int)i;
        hs[i].round = malloc((size_t)keys * sizeof(long));
        if (!hs[i].round) return 1;
        for (long k = 0; k < keys; k++) hs[i].round[k] = -1;
        hs[i].fd = dial((int)port, 1);
        if (hs[i].fd < 0) {
            fprintf(stderr, "vl-soak: cannot connect to 127.0.0.1:%ld\n", port);
            return 1;
        }
        honestSendBatch(&hs[i], keys);
    }

    unsigned seed = 12345;
    long opened = 0, refused = 0, cut = 0;
    /* The hostile clients stay for `seconds`, and longer if need be (up to ten times that)
     * until every honest client has written each of its keys once: on a slow or busy machine
     * the honest data still gets written entirely while the hostile clients are there. */
    double t0 = now(), end = t0 + (double)seconds, hard_end = t0 + 10.0 * (double)seconds;
    long next_hostile = 0;
    double next_trickle = 0;
    for (;;) {
        double t = now();
        int rounds_done = 1;
        for (long i = 0; i < nhonest && rounds_done; i++)
            rounds_done = hs[i].fd < 0 || hs[i].next - hs[i].pending >= keys;
        if (t >= hard_end || (t >= end && rounds_done)) break;
        /* open hostile clients a hundred per round, so honest traffic goes on meanwhile */
        for (int i = 0; i < 100 && next_hostile < nhostile; i++, next_hostile++) {
            hostile *x = &xs[opened];
            x->fd = dial((int)port, 1);
            if (x->fd < 0) {
                refused++;
                continue;
            }
            x->role = (int)(next_hostile % R_COUNT);
            opened++;
        }
        nfds_t n = 0;
        for (long i = 0; i < nhonest; i++) {
            pfd[n].fd = hs[i].fd;
            pfd[n].events = POLLIN;
            n++;
        }
        for (long i = 0; i < opened; i++) {
            pfd[n].fd = xs[i].cut ? -1 : xs[i].fd;
            pfd[n].events = !xs[i].started            ? POLLIN | POLLOUT
                            : xs[i].role == R_TRICKLE ? POLLIN
                                                      : POLLRDHUP;
            n++;
        }
        if (poll(pfd, n, 10) < 0 && errno != EINTR) break;
        /* trickling clients: one byte of "PING\r\n" each, every 10 ms (a timer, not their
         * writability: polling that would spin this loop and starve the honest clients) */
        if (now() >= next_trickle) {
            next_trickle = now() + 0.01;
            for (long i = 0; i < opened; i++) {
                hostile *x = &xs[i];
                if (x->role != R_TRICKLE || !x->started || x->cut) continue;
                sendSome(x->fd, &"PING\r\n"[x->trickle_pos++ % 6], 1);
            }
        }
        for (long i = 0; i < nhonest; i++) {
            if (hs[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
            int r = honestRead(&hs[i], keys);
            if (r < 0) {
                close(hs[i].fd);
                hs[i].fd = -1;
            } else if (r == 1) {
                honestSendBatch(&hs[i], keys);
            }
        }
        for (long i = 0; i < opened; i++) {
            hostile *x = &xs[i];
            short ev = pfd[nhonest + i].revents;
            if (x->cut || !ev) continue;
            if (!x->started) { /* the connect finished, one way or the other */
                if (ev & (POLLERR | POLLHUP)) {
                    x->cut = 1;
                    refused++;
                    continue;
                }
                x->started = 1;
                hostileStart(x, &seed, listkey);
                continue;
            }
            if (x->role == R_TRICKLE) {
                char junk[256];
                ssize_t r = recv(x->fd, junk, sizeof(junk), MSG_DONTWAIT);
                if (r == 0 || (ev & (POLLHUP | POLLERR))) x->cut = 1;
            } else if (ev & (POLLRDHUP | POLLHUP | POLLERR)) {
                x->cut = 1;
            }
            cut += x->cut;
        }
    }
    /* the last batch in flight is either answered or counted as an error */
    for (long i = 0; i < nhonest; i++) {
        if (hs[i].fd < 0) continue;
        double stop = now() + 10;
        while (hs[i].pending > 0 && now() < stop) {
            struct pollfd p = {.fd = hs[i].fd, .events = POLLIN};
            if (poll(&p, 1, 100) > 0 && honestRead(&hs[i], keys) < 0) break;
        }
        hs[i].errors += hs[i].pending;
        close(hs[i].fd);
    }
    for (long i = 0; i < opened; i++) close(xs[i].fd);

    long writes = 0, errors = 0, ok = 0, acked = 0;
    for (long i = 0; i < nhonest; i++) {
        writes += hs[i].writes;
        errors += hs[i].errors;
        ok += verify(&hs[i], keys, (int)port);
        for (long k = 0; k < keys; k++) acked += hs[i].round[k] >= 0;
        free(hs[i].round);
    }
    printf("soak: hostile %ld of %ld (%ld refused, %ld closed by the server), honest %ld "
           "writes, %ld errors, verified %ld of %ld\n",
           opened, nhostile, refused, cut, writes, errors, ok, acked);
    free(hs);
    free(xs);
    free(pfd);
    return errors == 0 && ok == acked && acked > 0 ? 0 : 1;
}
