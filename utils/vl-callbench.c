/* vl-callbench - in-process command throughput through the public API.
 *
 *   utils/vl-callbench [count]      (default 1,000,000 SETs, then as many GETs)
 *
 * Runs SET key:i value and GET key:i through vlCall on an embedded server with no TCP at
 * all, and prints operations per second, to compare with the same commands over loopback
 * TCP (redis-benchmark -t set,get against src/valkey-lite-server). Each call goes through
 * the normal dispatcher and builds a vlReply, exactly what a host program pays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "valkey-lite.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n < 1 || n > 100000000) {
        fprintf(stderr, "count must be 1..100000000\n");
        return 2;
    }
    char err[256];
    vlServer *s = vlServerNew("port 0\n", err, sizeof(err));
    if (!s) {
        fprintf(stderr, "vlServerNew: %s\n", err);
        return 1;
    }
    char key[32];
    const char *argv3[3];
    size_t lens[3];
    long bad = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        int kl = snprintf(key, sizeof(key), "key:%ld", i % 100000);
        argv3[0] = "SET", lens[0] = 3;
        argv3[1] = key, lens[1] = (size_t)kl;
        argv3[2] = "xxx", lens[2] = 3;
        vlReply *r = NULL;
        if (vlCall(s, 3, argv3, lens, &r) != 0 || r->type != VL_REPLY_STATUS) bad++;
        vlReplyFree(r);
    }
    double t1 = now();
    for (long i = 0; i < n; i++) {
        int kl = snprintf(key, sizeof(key), "key:%ld", i % 100000);
        argv3[0] = "GET", lens[0] = 3;
        argv3[1] = key, lens[1] = (size_t)kl;
        vlReply *r = NULL;
        if (vlCall(s, 2, argv3, lens, &r) != 0 || r->type != VL_REPLY_STRING) bad++;
        vlReplyFree(r);
    }
    double t2 = now();
    printf("in-process vlCall: SET %.0f ops/s (%.0f ns/op), GET %.0f ops/s (%.0f ns/op), %ld bad\n",
           (double)n / (t1 - t0), (t1 - t0) / (double)n * 1e9, (double)n / (t2 - t1),
           (t2 - t1) / (double)n * 1e9, bad);
    vlServerFree(s);
    return bad ? 1 : 0;
}
