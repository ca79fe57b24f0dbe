/* vl-fragbench - drive a fragmentation scenario against any RESP server and watch defrag.
 *
 *   utils/vl-fragbench [-h host] [-p port] [-s keys|list|hash|pubsub] [-n count]
 *                      [-o out-prefix] [-t timeout-seconds] [--no-defrag]
 *
 * Builds fragmentation (keys: N x 150 B strings, every other deleted; list: two interleaved
 * lists of 100 B elements with list-max-listpack-size 5, one deleted; hash: two interleaved
 * hashes, one deleted; pubsub: two subscribers on interleaved channels, one leaves), turns
 * active defrag on, then samples INFO every 100 ms while a probe connection sends a PING
 * every millisecond. Writes <out>.csv (time, RSS, allocator frag ratio, active, allocated,
 * defrag effort, stage, pass) and <out>.gp, and runs gnuplot (if installed) to make <out>.png.
 * Prints: fragmentation peak and end, time to <= 1.05, the server's CPU (all threads, INFO
 * used_cpu_*) from defrag on to a second after it stopped, per GB of RSS reclaimed,
 * and the probe's latency (p50, p99, p99.9, max, pings over 1 and 2 ms) while defrag ran and
 * over as many pings before it, the machine's own noise. Works against redis-server too
 * (where its jemalloc allows active defrag). Loopback only; every loop is bounded. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef struct opts {
    const char *host, *scenario, *out;
    int port, timeout, defrag;
    long n;
} opts;

static double nowSec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static redisContext *connectOrDie(const opts *o) {
    redisContext *c = redisConnect(o->host, o->port);
    if (!c || c->err) {
        fprintf(stderr, "cannot connect to %s:%d: %s\n", o->host, o->port, c ? c->errstr : "?");
        exit(1);
    }
    return c;
}

static void cmdOk(redisContext *c, const char *fmt, const char *arg) {
    redisReply *r = redisCommand(c, fmt, arg);
    if (!r || r->type == REDIS_REPLY_ERROR)
        fprintf(stderr, "warning: %s %s: %s\n", fmt, arg ? arg : "", r ? r->str : c->errstr);
    if (r) freeReplyObject(r);
}

/* Appends count commands, then reads count replies: a bounded pipeline. */
static void drain(redisContext *c, long count) {
    for (long i = 0; i < count; i++) {
        redisReply *r = NULL;
        if (redisGetReply(c, (void **)&r) != REDIS_OK) {
            fprintf(stderr, "pipeline broke: %s\n", c->errstr);
            exit(1);
        }
        freeReplyObject(r);
    }
}

static double infoField(const char *info, const char *field) {
    char key[96];
    snprintf(key, sizeof(key), "\n%s:", field);
    const char *p = strstr(info, key);
    return p ? atof(p + strlen(key)) : -1;
}

/* The engine's stages in order (src/defrag.c), 0 for none or another server. */
static int stageNo(const char *stage) {
    static const char *const names[] = {"keys",   "expires", "bigkeys",
                                        "pubsub", "clients", "lazyfree"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(stage, names[i])) return i + 1;
    return 0;
}

static void infoStr(const char *info, const char *field, char *out, size_t outlen) {
    char key[96];
    snprintf(key, sizeof(key), "\n%s:", field);
    const char *p = strstr(info, key);
    out[0] = '\0';
    if (!p) return;
    p += strlen(key);
    size_t n = strcspn(p, "\r\n");
    if (n >= outlen) n = outlen - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static void buildKeys(redisContext *c, long n) {
    char val[151];
    memset(val, 'v', 150);
    val[150] = '\0';
    for (long i = 0; i < n; i++) {
        redisAppendCommand(c, "SET key:%ld %s", i, val);
        if (i % 1000 == 999) drain(c, 1000);
    }
    drain(c, n % 1000);
    for (long i = 0; i < n; i += 2) {
        redisAppendCommand(c, "DEL key:%ld", i);
        if (i % 2000 == 1998) drain(c, 1000);
    }
    drain(c, (n / 2) % 1000);
}

static void buildList(redisContext *c, long n) {
    cmdOk(c, "CONFIG SET list-max-listpack-size %s", "5");
    char val[101];
    memset(val, 'x', 100);
    val[100] = '\0';
    for (long i = 0; i < n; i++) {
        redisAppendCommand(c, "RPUSH lista %s", val);
        redisAppendCommand(c, "RPUSH listb %s", val);
        if (i % 500 == 499) drain(c, 1000);
    }
    drain(c, (n % 500) * 2);
    cmdOk(c, "DEL %s", "listb");
}

static void buildHash(redisContext *c, long n) {
    char val[61];
    memset(val, 'h', 60);
    val[60] = '\0';
    for (long i = 0; i < n; i++) {
        redisAppendCommand(c, "HSET ha f:%ld %s", i, val);
        redisAppendCommand(c, "HSET hb f:%ld %s", i, val);
        if (i % 500 == 499) drain(c, 1000);
    }
    drain(c, (n % 500) * 2);
    cmdOk(c, "DEL %s", "hb");
}

/* The two subscribers; a stays (returned), b leaves. */
static redisContext *buildPubsub(const opts *o, long n) {
    redisContext *a = connectOrDie(o), *b = connectOrDie(o);
    for (long i = 0; i < n; i += 2) {
        redisAppendCommand(a, "SUBSCRIBE channel:%09ld", i);
        redisAppendCommand(b, "SUBSCRIBE channel:%09ld", i + 1);
        if (i % 2000 == 1998) {
            drain(a, 1000);
            drain(b, 1000);
        }
    }
    drain(a, (n / 2) % 1000);
    drain(b, (n / 2) % 1000);
    redisFree(b);
    return a;
}

static int cmpDouble(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Sorts lat[] and prints one line: count, p50, p99, p99.9, max, and how many went over 1 and
 * 2 ms (the bounds), the same for the baseline and the defrag run so they compare. */
static void probeSummary(const char *label, double *lat, size_t n) {
    if (n == 0) {
        printf("%s: no pings\n", label);
        return;
    }
    qsort(lat, n, sizeof(double), cmpDouble);
    size_t over1 = 0, over2 = 0;
    for (size_t i = 0; i < n; i++) {
        over1 += lat[i] > 1.0;
        over2 += lat[i] > 2.0;
    }
    printf("%s: %zu pings, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms, %zu over 1 ms, "
           "%zu over 2 ms\n",
           label, n, lat[n / 2], lat[(size_t)((double)n * 0.99)], lat[(size_t)((double)n * 0.999)],
           lat[n - 1], over1, over2);
}

int main(int argc, char **argv) {
    opts o = {"127.0.0.1", "keys", "fragbench", 6379, 60, 1, 400000};
    for (int i = 1; i < argc; i++) {
        int more = i + 1 < argc;
        if (!strcmp(argv[i], "-h") && more)
            o.host = argv[++i];
        else if (!strcmp(argv[i], "-p") && more)
            o.port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && more)
            o.scenario = argv[++i];
        else if (!strcmp(argv[i], "-n") && more)
            o.n = atol(argv[++i]);
        else if (!strcmp(argv[i], "-o") && more)
            o.out = argv[++i];
        else if (!strcmp(argv[i], "-t") && more)
            o.timeout = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-defrag"))
            o.defrag = 0;
        else {
            fprintf(stderr,
                    "usage: %s [-h host] [-p port] [-s keys|list|hash|pubsub] [-n count] "
                    "[-o out-prefix] [-t seconds] [--no-defrag]\n",
                    argv[0]);
            return 2;
        }
    }
    if (o.timeout < 1 || o.timeout > 3600 || o.n < 2 || o.n > 50000000) {
        fprintf(stderr, "timeout must be 1..3600 s and count 2..50000000\n");
        return 2;
    }
    redisContext *c = connectOrDie(&o), *probe = connectOrDie(&o), *keep = NULL;
    cmdOk(c, "CONFIG SET activedefrag %s", "no");
    cmdOk(c, "FLUSHALL %s", "SYNC");
    double t_build = nowSec();
    if (!strcmp(o.scenario, "keys"))
        buildKeys(c, o.n);
    else if (!strcmp(o.scenario, "list"))
        buildList(c, o.n);
    else if (!strcmp(o.scenario, "hash"))
        buildHash(c, o.n);
    else if (!strcmp(o.scenario, "pubsub"))
        keep = buildPubsub(&o, o.n);
    else {
        fprintf(stderr, "unknown scenario %s\n", o.scenario);
        return 2;
    }
    printf("scenario %s, n=%ld, built in %.1f s\n", o.scenario, o.n, nowSec() - t_build);
    cmdOk(c, "MEMORY PURGE%s", "");
    /* baseline: the same probe, as many pings as a defrag run usually sees, before defrag,
     * to tell the machine's own noise from what defrag adds */
    enum {
        BASE_PINGS = 2500
    };
    double *base = malloc(BASE_PINGS * sizeof(double));
    if (!base) return 1;
    for (int i = 0; i < BASE_PINGS; i++) {
        double p0 = nowSec();
        redisReply *pr = redisCommand(probe, "PING");
        base[i] = (nowSec() - p0) * 1000.0;
        if (pr) freeReplyObject(pr);
        usleep(1000);
    }
    probeSummary("probe before defrag", base, BASE_PINGS);
    free(base);
    if (o.defrag) {
        cmdOk(c, "CONFIG SET active-defrag-ignore-bytes %s", "2mb");
        cmdOk(c, "CONFIG SET active-defrag-threshold-lower %s", "5");
        cmdOk(c, "CONFIG SET active-defrag-cycle-min %s", "50");
        cmdOk(c, "CONFIG SET active-defrag-cycle-max %s", "75");
        cmdOk(c, "CONFIG SET activedefrag %s", "yes");
    }
    char csvpath[512], gppath[512], pngpath[512];
    snprintf(csvpath, sizeof(csvpath), "%s.csv", o.out);
    snprintf(gppath, sizeof(gppath), "%s.gp", o.out);
    snprintf(pngpath, sizeof(pngpath), "%s.png", o.out);
    FILE *csv = fopen(csvpath, "w");
    if (!csv) {
        perror(csvpath);
        return 1;
    }
    fprintf(csv, "t,rss_mb,frag_ratio,active_mb,allocated_mb,effort,stage,stage_no,pass\n");
    size_t maxlat = (size_t)o.timeout * 1000 + 16, nlat = 0;
    double *lat = malloc(maxlat * sizeof(double));
    double t0 = nowSec(), next_sample = t0, t_target = -1, peak = 0, end_frag = 0;
    double rss0 = -1, rss_end = 0, cpu0 = -1, cpu_end = 0, eng0 = -1, eng_end = -1;
    int seen_running = 0, idle_samples = 0;
    while (nowSec() - t0 < o.timeout) {
        double now = nowSec();
        if (now >= next_sample) {
            next_sample += 0.1;
            redisReply *r = redisCommand(c, "INFO everything");
            if (!r || r->type != REDIS_REPLY_STRING) break;
            const char *info = r->str;
            double rss = infoField(info, "used_memory_rss"),
                   frag = infoField(info, "allocator_frag_ratio");
            double active = infoField(info, "allocator_active"),
                   alloc = infoField(info, "allocator_allocated");
            double effort = infoField(info, "active_defrag_running");
            /* the server process's CPU (every thread: jemalloc's purge threads too, and the
             * probe's pings, ~1% of a core), in ms, from the fields Redis also reports */
            double cpu =
                1000.0 * (infoField(info, "used_cpu_user") + infoField(info, "used_cpu_sys"));
            char stage[64];
            infoStr(info, "defrag_stage", stage, sizeof(stage));
            double pass = infoField(info, "defrag_pass");
            if (rss0 < 0) rss0 = rss;
            double eng = infoField(info, "defrag_total_cpu_us"); /* valkey-lite only */
            if (eng0 < 0) eng0 = eng;
            eng_end = eng;
            if (cpu0 < 0) cpu0 = cpu;
            rss_end = rss;
            cpu_end = cpu;
            if (frag > peak) peak = frag;
            end_frag = frag;
            if (t_target < 0 && frag > 0 && frag <= 1.05) t_target = now - t0;
            fprintf(csv, "%.2f,%.2f,%.3f,%.2f,%.2f,%.0f,%s", now - t0, rss / 1048576.0, frag,
                    active / 1048576.0, alloc / 1048576.0, effort, stage[0] ? stage : "-");
            fprintf(csv, ",%d,%.0f", stageNo(stage), pass < 0 ? 0 : pass);
            fputc('\n', csv);
            if (effort > 0) seen_running = 1;
            idle_samples = effort > 0 ? 0 : idle_samples + 1;
            freeReplyObject(r);
            /* done: defrag ran and has been idle for a second, or never started in 5 s */
            if ((seen_running && idle_samples >= 10) ||
                (!seen_running && now - t0 > 5 && !o.defrag))
                break;
            if (!seen_running && now - t0 > 10) break;
        }
        double p0 = nowSec();
        redisReply *pr = redisCommand(probe, "PING");
        double dt = nowSec() - p0;
        if (pr) freeReplyObject(pr);
        if (seen_running && idle_samples == 0 && nlat < maxlat) lat[nlat++] = dt * 1000.0;
        usleep(1000);
    }
    fclose(csv);
    double reclaimed_gb = (rss0 - rss_end) / 1073741824.0;
    printf("frag peak %.2f, end %.2f; time to <= 1.05: %s%.1f s\n", peak, end_frag,
           t_target < 0 ? "never, " : "", t_target < 0 ? 0 : t_target);
    printf("rss %.1f MB -> %.1f MB; server CPU while defrag ran %.2f s", rss0 / 1048576.0,
           rss_end / 1048576.0, (cpu_end - cpu0) / 1000.0);
    if (reclaimed_gb > 0.001)
        printf(" = %.2f CPU s per GB reclaimed", (cpu_end - cpu0) / 1000.0 / reclaimed_gb);
    if (eng0 >= 0 && eng_end >= eng0) printf(" (engine slices %.2f s)", (eng_end - eng0) / 1e6);
    putchar('\n');
    probeSummary("probe while defrag ran", lat, nlat);
    FILE *gp = fopen(gppath, "w");
    if (gp) {
        fprintf(gp,
                "set datafile separator ','\nset terminal png size 1000,600\nset output '%s'\n"
                "set title 'vl-fragbench %s (n=%ld)'\nset xlabel 'seconds'\n"
                "set ylabel 'MB'\nset y2label 'ratio / effort %%'\nset y2tics\nset key top right\n"
                "plot '%s' using 1:2 with lines title 'RSS MB', "
                "'' using 1:4 with lines title 'allocator active MB', "
                "'' using 1:($3*100) axes x1y2 with lines title 'frag ratio x100', "
                "'' using 1:6 axes x1y2 with steps title 'defrag effort %%', "
                "'' using 1:($8*10) axes x1y2 with steps title 'stage x10 (1 keys 2 expires "
                "3 bigkeys 4 pubsub 5 clients 6 lazyfree)', "
                "'' using 1:($9*20) axes x1y2 with steps title 'pass x20'\n",
                pngpath, o.scenario, o.n, csvpath);
        fclose(gp);
        char cmd[1200];
        snprintf(cmd, sizeof(cmd), "command -v gnuplot >/dev/null 2>&1 && gnuplot '%s'", gppath);
        if (system(cmd) == 0)
            printf("wrote %s, %s and %s\n", csvpath, gppath, pngpath);
        else
            printf("wrote %s and %s (install gnuplot for the PNG: gnuplot %s)\n", csvpath, gppath,
                   gppath);
    }
    free(lat);
    if (keep) redisFree(keep);
    redisFree(probe);
    redisFree(c);
    return 0;
}
