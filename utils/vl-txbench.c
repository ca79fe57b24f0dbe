/* vl-txbench - transactions per second: each request is MULTI, ten writes, EXEC.
 *
 *   vl-txbench -h HOST -p PORT [-c CLIENTS] [-n TRANSACTIONS] [-P PIPELINE] [-q] [--csv]
 *
 * redis-benchmark sends one command per request, so utils/bench.sh runs this instead for its
 * multi_exec row, with the same options and the same output (`"multi_exec","<tx per s>"` with
 * --csv). Each of CLIENTS connections keeps PIPELINE transactions in flight: it writes them,
 * then reads their 12 replies each and checks that every EXEC answered an array of ten. The
 * ten commands are INCR on keys of the connection's own (tx:<client>:<0-9>), so every EXEC
 * writes and no two clients contend. Runs until TRANSACTIONS are done; bounded by them. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TX_CMDS 10

static double nowSec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void) {
    fprintf(stderr, "usage: vl-txbench -h HOST -p PORT [-c N] [-n N] [-P N] [-q] [--csv]\n");
    exit(2);
}

static int appendTx(redisContext *c, int client) {
    if (redisAppendCommand(c, "MULTI") != REDIS_OK) return -1;
    for (int k = 0; k < TX_CMDS; k++)
        if (redisAppendCommand(c, "INCR tx:%d:%d", client, k) != REDIS_OK) return -1;
    return redisAppendCommand(c, "EXEC") == REDIS_OK ? 0 : -1;
}

/* Reads one transaction's 12 replies; 0 when EXEC gave its ten results. */
static int readTx(redisContext *c) {
    int ok = 0;
    for (int k = 0; k < TX_CMDS + 2; k++) {
        redisReply *r;
        if (redisGetReply(c, (void **)&r) != REDIS_OK || !r) return -1;
        if (k == TX_CMDS + 1)
            ok = r->type == REDIS_REPLY_ARRAY && r->elements == TX_CMDS;
        else if (r->type == REDIS_REPLY_ERROR)
            fprintf(stderr, "vl-txbench: error reply: %s\n", r->str);
        freeReplyObject(r);
    }
    return ok ? 0 : -1;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 6379, clients = 50, pipeline = 1, csv = 0;
    long total = 100000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "-h") && more)
            host = argv[++i];
        else if (!strcmp(a, "-p") && more)
            port = atoi(argv[++i]);
        else if (!strcmp(a, "-c") && more)
            clients = atoi(argv[++i]);
        else if (!strcmp(a, "-n") && more)
            total = atol(argv[++i]);
        else if (!strcmp(a, "-P") && more)
            pipeline = atoi(argv[++i]);
        else if (!strcmp(a, "-r") && more) /* bench.sh's random keys: own keys already */
            i++;
        else if (!strcmp(a, "--csv"))
            csv = 1;
        else if (strcmp(a, "-q") != 0)
            usage();
    }
    if (clients < 1 || clients > 1000 || pipeline < 1 || pipeline > 1000 || total < 1 || port < 1 ||
        port > 65535)
        usage();
    redisContext **cs = calloc((size_t)clients, sizeof(*cs));
    if (!cs) return 1;
    for (int i = 0; i < clients; i++) {
        cs[i] = redisConnect(host, port);
        if (!cs[i] || cs[i]->err) {
            fprintf(stderr, "vl-txbench: connect: %s\n", cs[i] ? cs[i]->errstr : "no memory");
            return 1;
        }
    }
    long sent = 0, done = 0;
    int rc = 0;
    double t0 = nowSec();
    while (done < total && rc == 0) {
        /* each client: up to `pipeline` transactions out, then all their replies */
        int inflight[1000] = {0};
        for (int i = 0; i < clients && sent < total; i++) {
            for (int p = 0; p < pipeline && sent < total; p++, sent++) {
                if (appendTx(cs[i], i) != 0) rc = 1;
                inflight[i]++;
            }
        }
        for (int i = 0; i < clients && rc == 0; i++) {
            for (int p = 0; p < inflight[i]; p++) {
                if (readTx(cs[i]) != 0) {
                    fprintf(stderr, "vl-txbench: a transaction failed\n");
                    rc = 1;
                    break;
                }
                done++;
            }
        }
    }
    double secs = nowSec() - t0;
    for (int i = 0; i < clients; i++) redisFree(cs[i]);
    free(cs);
    if (rc) return 1;
    double tps = secs > 0 ? (double)done / secs : 0;
    if (csv)
        printf("\"test\",\"rps\"\n\"multi_exec\",\"%.2f\"\n", tps);
    else
        printf("multi_exec: %.2f transactions per second (%ld in %.3f s)\n", tps, done, secs);
    return 0;
}
