/* observe.c - the slow log and the latency monitor: SLOWLOG and LATENCY.
 *
 * Both are bounded histories kept per server. The slow log is a ring of entries, newest at the
 * end, each holding its own copies of (at most 32, each at most 128 bytes of) the command's
 * arguments, the client's address and name: the command's argv points into the query buffer
 * and dies with the command. The latency monitor keeps, per event name, a ring of 160
 * one-second samples (two spikes in the same second fold into the larger one) and the
 * all-time maximum, as Redis does.
 *
 * One decision: entries live by value in a growable ring array rather than in a linked list
 * of separately allocated nodes. Rejected: a list (one more block per entry, and pointer
 * chasing for SLOWLOG GET) and a fixed array sized by slowlog-max-len (the limit changes at
 * runtime with CONFIG SET; the ring grows to the limit and trims on the next push). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "cmd.h"
#include "db.h"
#include "object.h"
#include "observe.h"
#include "server.h"

#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_ARGLEN 128
#define LATENCY_SAMPLES 160
#define LATENCY_NAME_MAX 64

typedef struct slowEntry {
    long long id;
    long long time;     /* unix seconds */
    long long duration; /* microseconds */
    int argc;
    vstr **argv;
    vstr *addr;
    vstr *name;
} slowEntry;

struct vlSlowlog {
    slowEntry *ring;
    size_t cap, start, count; /* oldest at ring[start], newest at ring[start+count-1] */
    long long next_id;
};

typedef struct latSample {
    int64_t time;      /* unix seconds */
    long long latency; /* ms */
} latSample;

typedef struct latEvent {
    char name[LATENCY_NAME_MAX];
    latSample samples[LATENCY_SAMPLES];
    int next; /* where the next sample goes */
    int used; /* samples held, up to LATENCY_SAMPLES */
    long long max;
} latEvent;

struct vlLatency {
    latEvent *events;
    size_t n, cap;
};

/* errorstats (s->errorstats): entries are vlErrorStat blocks, added by the reply path
 * (client.c) and dropped by CONFIG RESETSTAT; the table is created and freed here. */
static const void *errStatKey(const dictLink *e, size_t *len) {
    const vlErrorStat *es = (const vlErrorStat *)e;
    *len = es->len;
    return es->name;
}

static void errStatFree(dictLink *e) {
    vlFree(e);
}

static const dictType errStatType = {errStatKey, NULL, NULL, errStatFree};

void observeInit(vlServer *s) {
    s->slowlog = vlCalloc(sizeof(*s->slowlog));
    s->latency = vlCalloc(sizeof(*s->latency));
    if (!s->errorstats) s->errorstats = dictCreate(&errStatType);
    /* Called from serverStart once the tables exist and before any client: what is
     * allocated now is the server's fixed cost, MEMORY STATS startup.allocated. */
    s->startup_memory = allocHeapUsed(s->heap);
}

static void slowEntryFree(slowEntry *e) {
    for (int i = 0; i < e->argc; i++) vstrFree(e->argv[i]);
    vlFree(e->argv);
    vstrFree(e->addr);
    vstrFree(e->name);
}

static slowEntry *slowAt(struct vlSlowlog *sl, size_t i) {
    return &sl->ring[(sl->start + i) % sl->cap];
}

static void slowlogReset(struct vlSlowlog *sl) {
    for (size_t i = 0; i < sl->count; i++) slowEntryFree(slowAt(sl, i));
    sl->start = sl->count = 0;
}

void observeFree(vlServer *s) {
    if (s->slowlog) {
        slowlogReset(s->slowlog);
        vlFree(s->slowlog->ring);
        vlFree(s->slowlog);
        s->slowlog = NULL;
    }
    if (s->errorstats) {
        dictRelease(s->errorstats);
        s->errorstats = NULL;
    }
    if (s->latency) {
        vlFree(s->latency->events);
        vlFree(s->latency);
        s->latency = NULL;
    }
}

/* Copy of one argument, cut like Redis's slow log so a huge value costs 128 bytes here. */
static vstr *slowArgCopy(const protoArg *a) {
    if (a->len <= SLOWLOG_MAX_ARGLEN) return vstrNew(a->ptr, a->len);
    vstr *v = vstrNew(a->ptr, SLOWLOG_MAX_ARGLEN);
    vstrCatFmt(&v, "... (%zu more bytes)", a->len - SLOWLOG_MAX_ARGLEN);
    return v;
}

/* The ring grows by doubling, unrolled so that the oldest entry lands at index 0. */
static void slowlogGrow(struct vlSlowlog *sl) {
    size_t ncap = sl->cap ? sl->cap * 2 : 16;
    slowEntry *n = vlMalloc(ncap * sizeof(*n));
    for (size_t i = 0; i < sl->count; i++) n[i] = *slowAt(sl, i);
    vlFree(sl->ring);
    sl->ring = n;
    sl->cap = ncap;
    sl->start = 0;
}

/* Fills e from the client's current command (arguments cut and redacted as Redis does). */
static void slowEntryBuild(slowEntry *e, vlClient *c, long long duration_us) {
    memset(e, 0, sizeof(*e));
    e->time = (long long)(utilMsTime() / 1000);
    e->duration = duration_us;
    int argc = c->argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : c->argc;
    e->argc = argc;
    e->argv = vlMalloc(sizeof(vstr *) * (size_t)(argc ? argc : 1));
    for (int i = 0; i < argc; i++) {
        if (i == argc - 1 && c->argc > argc) {
            e->argv[i] = NULL;
            vstrCatFmt(&e->argv[i], "... (%d more arguments)", c->argc - argc + 1);
        } else {
            e->argv[i] =
                cmdArgIsSecret(c, i) ? vstrFromCStr("(redacted)") : slowArgCopy(&c->argv[i]);
        }
    }
    e->addr = vstrFromCStr((c->flags & CLIENT_UNIX) && !c->addr[0] ? "unix" : c->addr);
    e->name = vstrFromCStr(c->name ? c->name : "");
}

/* Puts a built entry in the log (the log owns it from here), or frees it when the log is off
 * or the command was not slow enough. */
static void slowlogInsert(vlServer *s, slowEntry *built, long long duration_us) {
    struct vlSlowlog *sl = s->slowlog;
    long long thr = s->cfg.slowlog_log_slower_than;
    long long maxlen = s->cfg.slowlog_max_len;
    /* max-len 0 turns the log off, ids included, as in Valkey 8 (Redis 7.0 still counted) */
    if (!sl || thr < 0 || maxlen == 0 || duration_us < thr) {
        slowEntryFree(built);
        return;
    }
    if (sl->count == sl->cap) slowlogGrow(sl);
    slowEntry *e = &sl->ring[(sl->start + sl->count) % sl->cap];
    sl->count++;
    *e = *built;
    e->duration = duration_us;
    e->id = sl->next_id++;
    while (sl->count > (size_t)maxlen) {
        slowEntryFree(slowAt(sl, 0));
        sl->start = (sl->start + 1) % sl->cap;
        sl->count--;
    }
}

void slowlogPush(vlServer *s, vlClient *c, long long duration_us) {
    long long thr = s->cfg.slowlog_log_slower_than;
    if (!s->slowlog || thr < 0 || s->cfg.slowlog_max_len == 0 || duration_us < thr) return;
    slowEntry e;
    slowEntryBuild(&e, c, duration_us);
    slowlogInsert(s, &e, duration_us);
}

/* A blocking command is logged when it completes (Valkey 8): its arguments are copied when
 * it blocks, since they live in the query buffer only until then. */
void slowlogBlocked(vlServer *s, vlClient *c, long long duration_us) {
    slowlogBlockedDiscard(c);
    if (!s->slowlog || s->cfg.slowlog_log_slower_than < 0 || s->cfg.slowlog_max_len == 0) return;
    slowEntry *e = vlMalloc(sizeof(*e));
    slowEntryBuild(e, c, duration_us);
    c->slow_pending = e;
}

void slowlogUnblocked(vlServer *s, vlClient *c, long long more_us) {
    slowEntry *e = c->slow_pending;
    if (!e) return;
    c->slow_pending = NULL;
    slowlogInsert(s, e, e->duration + more_us);
    vlFree(e);
}

void slowlogBlockedDiscard(vlClient *c) {
    slowEntry *e = c->slow_pending;
    if (!e) return;
    c->slow_pending = NULL;
    slowEntryFree(e);
    vlFree(e);
}

static const char *slowlogHelp[] = {
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
    NULL,
};

static const char *latencyHelp[] = {
    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the "
    "specified command names.",
    "    If no commands are specified then all histograms are replied.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HELP",
    "    Prints this help.",
    NULL,
};

void slowlogCommand(vlClient *c) {
    vlServer *s = c->srv;
    struct vlSlowlog *sl = s->slowlog;
    if (argEq(&c->argv[1], "help")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "slowlog");
            return;
        }
        addReplyHelp(c, slowlogHelp);
    } else if (argEq(&c->argv[1], "len")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "slowlog");
            return;
        }
        addReplyLongLong(c, (long long)sl->count);
    } else if (argEq(&c->argv[1], "reset")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "slowlog");
            return;
        }
        slowlogReset(sl);
        addReplyOk(c);
    } else if (argEq(&c->argv[1], "get")) {
        if (c->argc > 3) {
            addReplyErrorSubArity(c, "slowlog");
            return;
        }
        long long count = 10;
        if (c->argc == 3 &&
            getRangeLongOrReply(c, &c->argv[2], -1, 0x7fffffffffffffffLL, &count,
                                "ERR count should be greater than or equal to -1") != VL_OK)
            return;
        size_t n = sl->count;
        if (count >= 0 && (unsigned long long)count < n) n = (size_t)count;
        addReplyArrayLen(c, (long long)n);
        for (size_t i = 0; i < n; i++) {
            const slowEntry *e = slowAt(sl, sl->count - 1 - i);
            addReplyArrayLen(c, 6);
            addReplyLongLong(c, e->id);
            addReplyLongLong(c, e->time);
            addReplyLongLong(c, e->duration);
            addReplyArrayLen(c, e->argc);
            for (int j = 0; j < e->argc; j++) addReplyBulk(c, e->argv[j]->buf, e->argv[j]->len);
            addReplyBulk(c, e->addr->buf, e->addr->len);
            addReplyBulk(c, e->name->buf, e->name->len);
        }
    } else {
        addReplyErrorUnknownSub(c, "SLOWLOG");
    }
}

/* ------------------------------------------------------------------- latency monitor */

static latEvent *latencyFind(struct vlLatency *lt, const char *name, size_t len) {
    for (size_t i = 0; i < lt->n; i++)
        if (strlen(lt->events[i].name) == len && memcmp(lt->events[i].name, name, len) == 0)
            return &lt->events[i];
    return NULL;
}

void latencyAddSample(vlServer *s, const char *event, long long ms) {
    struct vlLatency *lt = s->latency;
    long long thr = s->cfg.latency_monitor_threshold;
    if (!lt || thr <= 0 || ms < thr) return;
    size_t len = strlen(event);
    if (len >= LATENCY_NAME_MAX) len = LATENCY_NAME_MAX - 1;
    latEvent *ev = latencyFind(lt, event, len);
    if (!ev) {
        if (lt->n == lt->cap) {
            lt->cap = lt->cap ? lt->cap * 2 : 4;
            lt->events = vlRealloc(lt->events, lt->cap * sizeof(latEvent));
        }
        ev = &lt->events[lt->n++];
        memset(ev, 0, sizeof(*ev));
        memcpy(ev->name, event, len);
    }
    int64_t now = (int64_t)(utilMsTime() / 1000);
    if (ms > ev->max) ev->max = ms;
    int last = (ev->next + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES;
    if (ev->used && ev->samples[last].time == now) {
        /* one sample per second: a second spike in the same second keeps the larger */
        if (ms > ev->samples[last].latency) ev->samples[last].latency = ms;
        return;
    }
    ev->samples[ev->next].time = now;
    ev->samples[ev->next].latency = ms;
    ev->next = (ev->next + 1) % LATENCY_SAMPLES;
    if (ev->used < LATENCY_SAMPLES) ev->used++;
}

/* i-th sample, oldest first */
static const latSample *latencySampleAt(const latEvent *ev, int i) {
    int first = (ev->next - ev->used + LATENCY_SAMPLES) % LATENCY_SAMPLES;
    return &ev->samples[(first + i) % LATENCY_SAMPLES];
}

static void latencyRemove(struct vlLatency *lt, latEvent *ev) {
    size_t i = (size_t)(ev - lt->events);
    memmove(&lt->events[i], &lt->events[i + 1], (lt->n - i - 1) * sizeof(latEvent));
    lt->n--;
}

/* The doctor's report: per event, how many spikes, their mean and mean deviation, how often
 * they came, and the worst; then advice matched to the event names seen. */
static void latencyDoctor(vlServer *s, vstr **out) {
    struct vlLatency *lt = s->latency;
    if (lt->n == 0) {
        vstrCatFmt(out,
                   "No latency spikes were recorded since this valkey-lite instance "
                   "started (or since the last LATENCY RESET).%s\n",
                   s->cfg.latency_monitor_threshold
                       ? ""
                       : " Note: the latency monitor is disabled; enable it with CONFIG SET "
                         "latency-monitor-threshold <milliseconds>.");
        return;
    }
    vstrCatStr(out, "Latency spikes were observed in this valkey-lite instance.\n\n");
    int saw_command = 0, saw_expire = 0, saw_other = 0;
    for (size_t i = 0; i < lt->n; i++) {
        const latEvent *ev = &lt->events[i];
        double sum = 0;
        for (int j = 0; j < ev->used; j++) sum += (double)latencySampleAt(ev, j)->latency;
        double avg = ev->used ? sum / ev->used : 0;
        double dev = 0;
        for (int j = 0; j < ev->used; j++) {
            double d = (double)latencySampleAt(ev, j)->latency - avg;
            dev += d < 0 ? -d : d;
        }
        dev = ev->used ? dev / ev->used : 0;
        double period = 0;
        if (ev->used > 1) {
            int64_t span = latencySampleAt(ev, ev->used - 1)->time - latencySampleAt(ev, 0)->time;
            period = (double)span / (ev->used - 1);
        }
        vstrCatFmt(out,
                   "%zu. %s: %d latency spikes (average %.0fms, mean deviation %.0fms, period "
                   "%.2f sec). Worst all time event %lldms.\n",
                   i + 1, ev->name, ev->used, avg, dev, period, ev->max);
        if (!strcmp(ev->name, "command") || !strcmp(ev->name, "fast-command"))
            saw_command = 1;
        else if (!strncmp(ev->name, "expire", 6))
            saw_expire = 1;
        else
            saw_other = 1;
    }
    vstrCatStr(out, "\nAdvice:\n");
    if (saw_command)
        vstrCatStr(out, "- Slow commands: read SLOWLOG GET to see which commands took long. "
                        "Commands on big values (LRANGE over a long list, HGETALL, SMEMBERS, "
                        "DEL of a huge key) are O(N): prefer SCAN-style iteration and UNLINK.\n");
    if (saw_expire)
        vstrCatStr(out, "- Expiry: many keys expiring at once make the expire cycle run long. "
                        "Spread the TTLs out.\n");
    if (saw_other)
        vstrCatStr(out, "- Other events: see LATENCY HISTORY <event> for when they happened.\n");
    vstrCatStr(out, "- A host that is overloaded or swapping delays every event; check the "
                    "machine's load and that the server is not swapping.\n");
}

/* LATENCY GRAPH event: the latest samples (up to 80) as columns, oldest on the left, each
 * scaled between the lowest and the highest sample onto 4 rows of two steps ('_' a half
 * cell, '#' a full one, '|' below), and under each column how long ago it was, written
 * top-down ("9s", "12m", "3h", "2d"). */
#define LATENCY_GRAPH_COLS 80
static void latencyGraph(vlClient *c) {
    struct vlLatency *lt = c->srv->latency;
    const latEvent *ev = latencyFind(lt, c->argv[2].ptr, c->argv[2].len);
    if (!ev || !ev->used) {
        addReplyErrorFormat(c, "ERR No samples available for event '%.*s'",
                            (int)(c->argv[2].len > 64 ? 64 : c->argv[2].len), c->argv[2].ptr);
        return;
    }
    int n = ev->used < LATENCY_GRAPH_COLS ? ev->used : LATENCY_GRAPH_COLS;
    int first = ev->used - n;
    long long lo = 0, hi = 0;
    for (int i = 0; i < n; i++) {
        long long l = latencySampleAt(ev, first + i)->latency;
        if (i == 0 || l < lo) lo = l;
        if (i == 0 || l > hi) hi = l;
    }
    vstr *out = NULL;
    vstrCatFmt(&out, "%s - high %lld ms, low %lld ms (all time high %lld ms)\n", ev->name, hi, lo,
               ev->max);
    for (int i = 0; i < LATENCY_GRAPH_COLS; i++) vstrCat(&out, "-", 1);
    vstrCat(&out, "\n", 1);
    int h[LATENCY_GRAPH_COLS];
    char label[LATENCY_GRAPH_COLS][8];
    int64_t now = (int64_t)(utilMsTime() / 1000);
    size_t maxlabel = 0;
    for (int i = 0; i < n; i++) {
        const latSample *smp = latencySampleAt(ev, first + i);
        h[i] = hi == lo ? 8 : 1 + (int)((smp->latency - lo) * 7 / (hi - lo)); /* 1..8 */
        long long ago = now - smp->time;
        if (ago < 0) ago = 0;
        if (ago < 60)
            snprintf(label[i], sizeof(label[i]), "%llds", ago);
        else if (ago < 3600)
            snprintf(label[i], sizeof(label[i]), "%lldm", ago / 60);
        else if (ago < 86400)
            snprintf(label[i], sizeof(label[i]), "%lldh", ago / 3600);
        else
            snprintf(label[i], sizeof(label[i]), "%lldd",
                     ago / 86400 > 99999 ? 99999 : ago / 86400);
        if (strlen(label[i]) > maxlabel) maxlabel = strlen(label[i]);
    }
    for (int row = 3; row >= 0; row--) { /* row r holds steps 2r+1 and 2r+2 */
        for (int i = 0; i < n; i++) {
            char ch = ' ';
            if (h[i] >= 2 * row + 3)
                ch = '|';
            else if (h[i] == 2 * row + 2)
                ch = '#';
            else if (h[i] == 2 * row + 1)
                ch = '_';
            vstrCat(&out, &ch, 1);
        }
        vstrCat(&out, "\n", 1);
    }
    vstrCat(&out, "\n", 1);
    for (size_t k = 0; k < maxlabel; k++) {
        for (int i = 0; i < n; i++) vstrCat(&out, k < strlen(label[i]) ? &label[i][k] : " ", 1);
        vstrCat(&out, "\n", 1);
    }
    addReplyVerbatim(c, out->buf, out->len, "txt");
    vstrFree(out);
}

typedef struct latHistCtx {
    const vlCommand **cmd;
    const vlCommandStats **st;
    size_t n, cap;
} latHistCtx;

static void latHistAdd(latHistCtx *h, const vlCommand *cmd, const vlCommandStats *st) {
    if (!st->calls) return;
    for (size_t i = 0; i < h->n; i++)
        if (h->cmd[i] == cmd) return; /* named twice */
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->cmd = vlRealloc(h->cmd, h->cap * sizeof(*h->cmd));
        h->st = vlRealloc(h->st, h->cap * sizeof(*h->st));
    }
    h->cmd[h->n] = cmd;
    h->st[h->n++] = st;
}

static void latHistCollect(void *ctx, const vlCommand *cmd, vlCommandStats *st) {
    latHistAdd(ctx, cmd, st);
}

/* LATENCY HISTOGRAM [command ...]: per command that ran, {calls, histogram_usec}, where
 * histogram_usec maps each power-of-two bound in microseconds to the calls that took at most
 * that long (cumulative; bounds that add nothing are left out), as Redis 7 replies. Unknown
 * names and commands never called are skipped. */
static void latencyHistogram(vlClient *c) {
    vlServer *s = c->srv;
    latHistCtx h = {0};
    if (c->argc == 2) {
        cmdForEach(s, latHistCollect, &h);
    } else {
        for (int i = 2; i < c->argc; i++) {
            const vlCommand *cmd = cmdLookup(s, c->argv[i].ptr, c->argv[i].len);
            const vlCommand *subs = cmd ? cmdSubcommands(s, cmd) : NULL;
            if (subs) /* a container stands for its subcommands, as in Redis */
                for (const vlCommand *sc = subs; sc->name; sc++)
                    latHistAdd(&h, sc, &s->cmdstats[cmdIndex(s, sc)]);
            else if (cmd)
                latHistAdd(&h, cmd, &s->cmdstats[cmdIndex(s, cmd)]);
        }
    }
    addReplyMapLen(c, (long long)h.n);
    for (size_t i = 0; i < h.n; i++) {
        const vlCommandStats *st = h.st[i];
        addReplyBulkCStr(c, h.cmd[i]->name);
        addReplyMapLen(c, 2);
        addReplyBulkCStr(c, "calls");
        addReplyLongLong(c, st->calls);
        addReplyBulkCStr(c, "histogram_usec");
        long long nb = 0;
        for (int b = 0; b < CMD_LAT_BUCKETS; b++) nb += st->lat_hist[b] != 0;
        addReplyMapLen(c, nb);
        long long cum = 0;
        for (int b = 0; b < CMD_LAT_BUCKETS; b++) {
            if (!st->lat_hist[b]) continue;
            cum += st->lat_hist[b];
            addReplyLongLong(c, 1LL << b);
            addReplyLongLong(c, cum);
        }
    }
    vlFree(h.cmd);
    vlFree(h.st);
}

void latencyCommand(vlClient *c) {
    vlServer *s = c->srv;
    struct vlLatency *lt = s->latency;
    if (argEq(&c->argv[1], "help")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "latency");
            return;
        }
        addReplyHelp(c, latencyHelp);
    } else if (argEq(&c->argv[1], "latest")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "latency");
            return;
        }
        long long n = 0;
        for (size_t i = 0; i < lt->n; i++) n += lt->events[i].used > 0;
        addReplyArrayLen(c, n);
        for (size_t i = 0; i < lt->n; i++) {
            const latEvent *ev = &lt->events[i];
            if (!ev->used) continue;
            const latSample *last = latencySampleAt(ev, ev->used - 1);
            addReplyArrayLen(c, 4);
            addReplyBulkCStr(c, ev->name);
            addReplyLongLong(c, last->time);
            addReplyLongLong(c, last->latency);
            addReplyLongLong(c, ev->max);
        }
    } else if (argEq(&c->argv[1], "history")) {
        if (c->argc != 3) {
            addReplyErrorSubArity(c, "latency");
            return;
        }
        const latEvent *ev = latencyFind(lt, c->argv[2].ptr, c->argv[2].len);
        if (!ev) {
            addReplyArrayLen(c, 0);
            return;
        }
        addReplyArrayLen(c, ev->used);
        for (int i = 0; i < ev->used; i++) {
            const latSample *smp = latencySampleAt(ev, i);
            addReplyArrayLen(c, 2);
            addReplyLongLong(c, smp->time);
            addReplyLongLong(c, smp->latency);
        }
    } else if (argEq(&c->argv[1], "reset")) {
        long long reset = 0;
        if (c->argc == 2) {
            reset = (long long)lt->n;
            lt->n = 0;
        } else {
            for (int i = 2; i < c->argc; i++) {
                latEvent *ev = latencyFind(lt, c->argv[i].ptr, c->argv[i].len);
                if (ev) {
                    latencyRemove(lt, ev);
                    reset++;
                }
            }
        }
        addReplyLongLong(c, reset);
    } else if (argEq(&c->argv[1], "graph")) {
        if (c->argc != 3) {
            addReplyErrorSubArity(c, "latency");
            return;
        }
        latencyGraph(c);
    } else if (argEq(&c->argv[1], "histogram")) {
        latencyHistogram(c);
    } else if (argEq(&c->argv[1], "doctor")) {
        if (c->argc != 2) {
            addReplyErrorSubArity(c, "latency");
            return;
        }
        vstr *out = NULL;
        latencyDoctor(s, &out);
        addReplyVerbatim(c, out->buf, out->len, "txt");
        vstrFree(out);
    } else {
        addReplyErrorUnknownSub(c, "LATENCY");
    }
}

/* ------------------------------------------------------------------- latencystats */

/* A log-linear histogram of nanoseconds: values under LATP_SUB have a bucket each; above,
 * each power of two is cut into LATP_SUB equal buckets (resolution 1/32, about 3%), up to
 * 2^LATP_MAXEXP ns (18 minutes; longer calls land in the last bucket). Allocated on a
 * command's first tracked call: about 9 KB for each command that ran. */
#define LATP_SUBBITS 5
#define LATP_SUB (1u << LATP_SUBBITS)
#define LATP_MAXEXP 40
#define LATP_BUCKETS ((LATP_MAXEXP - LATP_SUBBITS + 1) * LATP_SUB)

static size_t latpIndex(uint64_t ns) {
    if (ns < LATP_SUB) return (size_t)ns;
    int e = 63 - __builtin_clzll(ns); /* 2^e <= ns < 2^(e+1), e >= LATP_SUBBITS */
    if (e >= LATP_MAXEXP) return LATP_BUCKETS - 1;
    uint64_t sub = (ns >> (e - LATP_SUBBITS)) - LATP_SUB;
    return (size_t)(e - LATP_SUBBITS + 1) * LATP_SUB + (size_t)sub;
}

/* The largest value that falls in bucket i. */
static uint64_t latpUpper(size_t i) {
    if (i < LATP_SUB) return i;
    int e = (int)(i / LATP_SUB) - 1 + LATP_SUBBITS;
    uint64_t sub = i % LATP_SUB;
    return ((LATP_SUB + sub + 1) << (e - LATP_SUBBITS)) - 1;
}

void latencyTrack(vlCommandStats *st, uint64_t usec) {
    if (!st->pct_hist) st->pct_hist = vlCalloc(LATP_BUCKETS * sizeof(uint64_t));
    st->pct_hist[latpIndex(usec * 1000)]++;
}

void latencyTrackFree(vlCommandStats *st) {
    vlFree(st->pct_hist);
    st->pct_hist = NULL;
}

double latencyPercentile(const vlCommandStats *st, double pct) {
    if (!st->pct_hist) return 0;
    uint64_t total = 0;
    for (size_t i = 0; i < LATP_BUCKETS; i++) total += st->pct_hist[i];
    if (!total) return 0;
    /* the rank of the percentile's call, 1-based: at least the first, at most the last */
    uint64_t rank = (uint64_t)((pct / 100.0) * (double)total + 0.5);
    if (rank < 1) rank = 1;
    if (rank > total) rank = total;
    uint64_t cum = 0;
    size_t i = 0;
    for (; i < LATP_BUCKETS; i++) {
        cum += st->pct_hist[i];
        if (cum >= rank) break;
    }
    return (double)latpUpper(i < LATP_BUCKETS ? i : LATP_BUCKETS - 1) / 1000.0;
}
