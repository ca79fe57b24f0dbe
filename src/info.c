/* info.c - the INFO text, the memory figures behind it, and the instantaneous-rate sampler.
 *
 * INFO is a table of sections (rule 4): each has a name, a title and a writer, and says
 * whether "INFO" with no argument (or "default") includes it; "all" and "everything" take
 * every section. Field names are Redis's/Valkey's so that clients and dashboards that parse
 * INFO keep working; fields that describe features valkey-lite does not have (persistence,
 * replication) are printed with their idle values because clients check them (loading:0).
 *
 * One decision: memory figures are computed fresh on every call (allocator stats after an
 * epoch refresh, RSS from /proc), never cached between cron ticks. A test or a FLUSHALL that
 * reads INFO right after freeing sees the truth. Rejected: Redis's 100 ms cached figures
 * (the source of waits and flaky thresholds in its defrag tests). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "blocking.h"
#include "client.h"
#include "clientmem.h"
#include "cmd.h"
#include "config.h"
#include "observe.h"
#include "db.h"
#include "defrag.h"
#include "info.h"
#include "lazyfree.h"
#include "loop.h"
#include "multi.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

#define INFO_DEFAULT 1 /* in "INFO" and "INFO default" */

/* ------------------------------------------------------------------- helpers */

/* "1.02M" style, as Redis's used_memory_human. */
static void bytesHuman(char *buf, size_t len, unsigned long long n) {
    static const char units[] = "KMGTPE";
    if (n < 1024) {
        snprintf(buf, len, "%lluB", n);
        return;
    }
    double d = (double)n / 1024;
    int u = 0;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    snprintf(buf, len, "%.2f%c", d, units[u]);
}

static double ratio(size_t a, size_t b) {
    return b ? (double)a / (double)b : 0;
}

static long long diff(size_t a, size_t b) {
    return (long long)a - (long long)b;
}

/* Resident set size of the whole process (with two servers in one process, both see it). */
static size_t processRss(void) {
    FILE *fp = fopen("/proc/self/statm", "r");
    if (!fp) return 0;
    unsigned long long size = 0, rss = 0;
    int n = fscanf(fp, "%llu %llu", &size, &rss);
    fclose(fp);
    if (n != 2) return 0;
    return (size_t)(rss * (unsigned long long)sysconf(_SC_PAGESIZE));
}

void infoMemoryStats(vlServer *s, vlMemStats *m) {
    memset(m, 0, sizeof(*m));
    m->used = allocHeapUsed(s->heap);
    if ((long long)m->used > s->stats.stat_peak_memory)
        s->stats.stat_peak_memory = (long long)m->used;
    m->peak = (size_t)s->stats.stat_peak_memory;
    m->startup = s->startup_memory;
    m->rss = processRss();
    long pages = sysconf(_SC_PHYS_PAGES);
    m->total_system = pages > 0 ? (size_t)pages * (size_t)sysconf(_SC_PAGESIZE) : 0;
    allocGetStats(s->heap, &m->alloc);
    for (const vlClient *c = s->clients; c; c = c->next) {
        if (c->flags & CLIENT_FAKE) continue;
        if (clientClass(c) == CLIENT_CLASS_PUBSUB)
            m->clients_pubsub += clientMemUsage(c);
        else
            m->clients_normal += clientMemUsage(c);
    }
    for (int i = 0; s->db && i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        m->keys += dictSize(db->keys);
        /* Keys and values share one block, so a key's overhead is its table slot. An expire
         * entry is a small block of its own (header + key copy): counted at 32 bytes, the
         * usual jemalloc bin, instead of walking a million entries per INFO. */
        m->db_overhead +=
            dictMemUsage(db->keys) + dictMemUsage(db->expires) + dictSize(db->expires) * 32;
        const dict *ds[2] = {db->keys, db->expires};
        for (int k = 0; k < 2; k++) {
            size_t size0, used0, size1, used1;
            dictTableStats(ds[k], 0, &size0, &used0);
            dictTableStats(ds[k], 1, &size1, &used1);
            m->ht_lut += (size0 + size1) * sizeof(void *);
            if (dictIsRehashing(ds[k])) {
                m->ht_rehashing += size0 * sizeof(void *); /* the table being emptied */
                m->rehashing_count++;
            }
        }
    }
    m->overhead = m->startup + m->clients_normal + m->clients_pubsub + m->db_overhead +
                  (s->pubsub ? pubsubMemUsage(s) : 0);
    m->dataset = m->used > m->overhead ? m->used - m->overhead : 0;
}

static const char *policyName(int p) {
    switch (p) {
    case MAXMEMORY_ALLKEYS_LRU: return "allkeys-lru";
    case MAXMEMORY_ALLKEYS_RANDOM: return "allkeys-random";
    case MAXMEMORY_VOLATILE_LRU: return "volatile-lru";
    case MAXMEMORY_VOLATILE_TTL: return "volatile-ttl";
    case MAXMEMORY_VOLATILE_RANDOM: return "volatile-random";
    case MAXMEMORY_ALLKEYS_LFU: return "allkeys-lfu";
    case MAXMEMORY_VOLATILE_LFU: return "volatile-lfu";
    default: return "noeviction";
    }
}

/* ------------------------------------------------------------------- sections */

static void infoServer(vlServer *s, vstr **out) {
    struct utsname un;
    if (uname(&un) != 0) memset(&un, 0, sizeof(un));
    uint64_t now_us = utilUsTime();
    long long uptime = (long long)(now_us / 1000 - (uint64_t)s->start_ms) / 1000;
    char exe[PATH_MAX];
    exe[0] = '\0';
    if (s->executable && !realpath(s->executable, exe))
        snprintf(exe, sizeof(exe), "%s", s->executable);
    char conf[PATH_MAX];
    conf[0] = '\0';
    if (s->configfile && !realpath(s->configfile, conf))
        snprintf(conf, sizeof(conf), "%s", s->configfile);
    vstrCatFmt(out,
               "redis_version:%s\r\n"
               "redis_git_sha1:00000000\r\n"
               "redis_git_dirty:0\r\n"
               "redis_build_id:0\r\n"
               "redis_mode:standalone\r\n"
               "server_name:valkey-lite\r\n"
               "valkey_version:%s\r\n"
               "valkey_lite_version:%s\r\n"
               "os:%s %s %s\r\n"
               "arch_bits:%d\r\n"
               "monotonic_clock:POSIX clock_gettime\r\n"
               "multiplexing_api:%s\r\n"
               "atomicvar_api:c11-builtin\r\n"
               "gcc_version:%d.%d.%d\r\n"
               "process_id:%ld\r\n"
               "process_supervised:no\r\n"
               "run_id:%s\r\n"
               "tcp_port:%d\r\n"
               "server_time_usec:%llu\r\n"
               "uptime_in_seconds:%lld\r\n"
               "uptime_in_days:%lld\r\n"
               "hz:%d\r\n"
               "configured_hz:%d\r\n"
               "lru_clock:%u\r\n"
               "executable:%s\r\n"
               "config_file:%s\r\n"
               "io_threads_active:0\r\n",
               VL_REDIS_COMPAT_VERSION, VL_VALKEY_COMPAT_VERSION, VL_VERSION, un.sysname,
               un.release, un.machine, (int)(sizeof(long) * 8), loopMethod(s),
#ifdef __GNUC__
               __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
               0, 0, 0,
#endif
               (long)getpid(), s->runid, s->listen_port, (unsigned long long)now_us, uptime,
               uptime / 86400, s->cfg.hz, s->cfg.hz, s->lruclock, exe, conf);
}

static void infoClients(vlServer *s, vstr **out) {
    size_t connected = 0, pubsub = 0, watching = 0, max_in = 0, max_out = 0, paused = 0;
    for (const vlClient *c = s->clients; c; c = c->next) {
        if (c->flags & CLIENT_FAKE) continue;
        connected++;
        if (c->flags & CLIENT_PUBSUB) pubsub++;
        if (multiWatchCount(c)) watching++;
        if (c->flags & CLIENT_PAUSED) paused++; /* held by CLIENT PAUSE: blocked, as Redis counts */
        if (c->qcap > max_in) max_in = c->qcap;
        if (c->reply.bytes > max_out) max_out = c->reply.bytes;
    }
    size_t blocked = s->blocking ? blockingCount(s) : 0;
    vstrCatFmt(out,
               "connected_clients:%zu\r\n"
               "cluster_connections:0\r\n"
               "maxclients:%d\r\n"
               "client_recent_max_input_buffer:%zu\r\n"
               "client_recent_max_output_buffer:%zu\r\n"
               "blocked_clients:%zu\r\n"
               "tracking_clients:0\r\n"
               "pubsub_clients:%zu\r\n"
               "watching_clients:%zu\r\n"
               "clients_in_timeout_table:%zu\r\n"
               "total_watched_keys:%zu\r\n",
               connected, s->cfg.maxclients, max_in, max_out, blocked + paused, pubsub, watching,
               blocked, s->watched_keys);
}

static void infoMemoryPrint(vlServer *s, const vlMemStats *mp, vstr **out) {
    const vlMemStats m = *mp;
    const allocStats *a = &m.alloc;
    char used_h[32], rss_h[32], peak_h[32], sys_h[32], max_h[32];
    bytesHuman(used_h, sizeof(used_h), m.used);
    bytesHuman(rss_h, sizeof(rss_h), m.rss);
    bytesHuman(peak_h, sizeof(peak_h), m.peak);
    bytesHuman(sys_h, sizeof(sys_h), m.total_system);
    bytesHuman(max_h, sizeof(max_h), (unsigned long long)s->cfg.maxmemory);
    size_t net = m.used > m.startup ? m.used - m.startup : 0;
    vstrCatFmt(out,
               "used_memory:%zu\r\n"
               "used_memory_human:%s\r\n"
               "used_memory_rss:%zu\r\n"
               "used_memory_rss_human:%s\r\n"
               "used_memory_peak:%zu\r\n"
               "used_memory_peak_human:%s\r\n"
               "used_memory_peak_perc:%.2f%%\r\n"
               "used_memory_overhead:%zu\r\n"
               "used_memory_startup:%zu\r\n"
               "used_memory_dataset:%zu\r\n"
               "used_memory_dataset_perc:%.2f%%\r\n"
               "allocator_allocated:%zu\r\n"
               "allocator_active:%zu\r\n"
               "allocator_resident:%zu\r\n"
               "allocator_dirty:%zu\r\n"
               "allocator_muzzy:%zu\r\n"
               "allocator_small_allocated:%zu\r\n"
               "total_system_memory:%zu\r\n"
               "total_system_memory_human:%s\r\n"
               "used_memory_lua:0\r\n"
               "used_memory_scripts:0\r\n"
               "maxmemory:%lld\r\n"
               "maxmemory_human:%s\r\n"
               "maxmemory_policy:%s\r\n",
               m.used, used_h, m.rss, rss_h, m.peak, peak_h, ratio(m.used, m.peak) * 100,
               m.overhead, m.startup, m.dataset, net ? ratio(m.dataset, net) * 100 : 0,
               a->allocated, a->active, a->resident, a->dirty, a->muzzy, a->small_allocated,
               m.total_system, sys_h, s->cfg.maxmemory, max_h, policyName(s->cfg.maxmemory_policy));
    vstrCatFmt(out,
               "allocator_frag_ratio:%.2f\r\n"
               "allocator_frag_bytes:%lld\r\n"
               "allocator_rss_ratio:%.2f\r\n"
               "allocator_rss_bytes:%lld\r\n"
               "rss_overhead_ratio:%.2f\r\n"
               "rss_overhead_bytes:%lld\r\n"
               "mem_fragmentation_ratio:%.2f\r\n"
               "mem_fragmentation_bytes:%lld\r\n"
               "mem_not_counted_for_evict:0\r\n"
               "mem_replication_backlog:0\r\n"
               "mem_total_replication_buffers:0\r\n"
               "mem_clients_slaves:0\r\n"
               "mem_clients_normal:%zu\r\n"
               "mem_clients_pubsub:%zu\r\n"
               "mem_overhead_db_hashtable_rehashing:%zu\r\n"
               "mem_aof_buffer:0\r\n"
               "mem_allocator:%s\r\n"
               "active_defrag_running:%d\r\n"
               "lazyfree_pending_objects:%zu\r\n"
               "lazyfreed_objects:%lld\r\n",
               ratio(a->active, a->allocated), diff(a->active, a->allocated),
               ratio(a->resident, a->active), diff(a->resident, a->active),
               ratio(m.rss, a->resident), diff(m.rss, a->resident), ratio(m.rss, m.used),
               diff(m.rss, m.used), m.clients_normal, m.clients_pubsub, m.ht_rehashing, allocName(),
               s->defrag ? defragRunningEffort(s) : 0, s->lazyfree ? lazyfreePending(s) : 0,
               s->stats.lazyfreed_objects);
}

void infoMemoryFigures(vlServer *s, vstr **out) {
    vlMemStats m;
    infoMemoryStats(s, &m);
    infoMemoryPrint(s, &m, out);
}

static void infoPersistence(vlServer *s, vstr **out) {
    vstrCatFmt(out,
               "loading:0\r\n"
               "async_loading:0\r\n"
               "current_cow_size:0\r\n"
               "current_fork_perc:0.00\r\n"
               "rdb_changes_since_last_save:0\r\n"
               "rdb_bgsave_in_progress:0\r\n"
               "rdb_last_save_time:%lld\r\n"
               "rdb_last_bgsave_status:ok\r\n"
               "rdb_last_bgsave_time_sec:-1\r\n"
               "rdb_current_bgsave_time_sec:-1\r\n"
               "rdb_saves:0\r\n"
               "aof_enabled:0\r\n"
               "aof_rewrite_in_progress:0\r\n"
               "aof_rewrite_scheduled:0\r\n"
               "aof_last_rewrite_time_sec:-1\r\n"
               "aof_current_rewrite_time_sec:-1\r\n"
               "aof_last_bgrewrite_status:ok\r\n"
               "aof_rewrites:0\r\n"
               "aof_last_write_status:ok\r\n"
               "module_fork_in_progress:0\r\n",
               (long long)(s->start_ms / 1000));
}

static void infoStats(vlServer *s, vstr **out) {
    const vlStats *st = &s->stats;
    vstrCatFmt(out,
               "total_connections_received:%lld\r\n"
               "total_commands_processed:%lld\r\n"
               "instantaneous_ops_per_sec:%lld\r\n"
               "total_net_input_bytes:%lld\r\n"
               "total_net_output_bytes:%lld\r\n"
               "total_net_repl_input_bytes:0\r\n"
               "total_net_repl_output_bytes:0\r\n"
               "instantaneous_input_kbps:%.2f\r\n"
               "instantaneous_output_kbps:%.2f\r\n"
               "instantaneous_input_repl_kbps:0.00\r\n"
               "instantaneous_output_repl_kbps:0.00\r\n"
               "rejected_connections:%lld\r\n"
               "sync_full:0\r\n"
               "sync_partial_ok:0\r\n"
               "sync_partial_err:0\r\n"
               "expired_keys:%lld\r\n"
               "expired_time_cap_reached_count:%lld\r\n"
               "evicted_keys:%lld\r\n"
               "evicted_clients:%lld\r\n"
               "keyspace_hits:%lld\r\n"
               "keyspace_misses:%lld\r\n",
               st->numconnections, st->numcommands, (long long)(st->inst_ops + 0.5),
               st->net_input_bytes, st->net_output_bytes, st->inst_in_kbps, st->inst_out_kbps,
               st->rejected_conn, st->expiredkeys, st->expired_time_cap_reached_count,
               st->evictedkeys, st->evicted_clients, st->keyspace_hits, st->keyspace_misses);
    if (s->pubsub) {
        pubsubInfo(s, out);
    } else {
        vstrCatStr(out, "pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n");
    }
    vstrCatFmt(out,
               "latest_fork_usec:0\r\n"
               "total_forks:0\r\n"
               "active_defrag_hits:%lld\r\n"
               "active_defrag_misses:%lld\r\n"
               "active_defrag_key_hits:%lld\r\n"
               "active_defrag_key_misses:%lld\r\n"
               "total_active_defrag_time:%lld\r\n"
               "current_active_defrag_time:%lld\r\n"
               "tracking_total_keys:0\r\n"
               "tracking_total_items:0\r\n"
               "tracking_total_prefixes:0\r\n"
               "unexpected_error_replies:%lld\r\n"
               "total_error_replies:%lld\r\n"
               "dump_payload_sanitizations:0\r\n"
               "total_reads_processed:%lld\r\n"
               "total_writes_processed:%lld\r\n"
               "io_threaded_reads_processed:%lld\r\n"
               "io_threaded_writes_processed:%lld\r\n"
               "client_query_buffer_limit_disconnections:%lld\r\n"
               "client_output_buffer_limit_disconnections:%lld\r\n",
               st->active_defrag_hits, st->active_defrag_misses, st->active_defrag_key_hits,
               st->active_defrag_key_misses,
               (st->active_defrag_time_us + defragCurrentTimeUs(s)) / 1000,
               defragCurrentTimeUs(s) / 1000, st->unexpected_error_replies, st->total_error_replies,
               st->total_reads_processed, st->total_writes_processed, st->io_threaded_reads,
               st->io_threaded_writes, st->client_qbuf_limit_disconnections,
               st->client_obuf_limit_disconnections);
}

static void infoReplication(vlServer *s, vstr **out) {
    vstrCatFmt(out,
               "role:master\r\n"
               "connected_slaves:0\r\n"
               "master_failover_state:no-failover\r\n"
               "master_replid:%s\r\n"
               "master_replid2:0000000000000000000000000000000000000000\r\n"
               "master_repl_offset:0\r\n"
               "second_repl_offset:-1\r\n"
               "repl_backlog_active:0\r\n"
               "repl_backlog_size:1048576\r\n"
               "repl_backlog_first_byte_offset:0\r\n"
               "repl_backlog_histlen:0\r\n",
               s->runid);
}

static void catTimeval(vstr **out, const char *name, const struct timeval *tv) {
    vstrCatFmt(out, "%s:%ld.%06ld\r\n", name, (long)tv->tv_sec, (long)tv->tv_usec);
}

static void infoCpu(vlServer *s, vstr **out) {
    VL_UNUSED(s);
    struct rusage self, thread;
    memset(&self, 0, sizeof(self));
    memset(&thread, 0, sizeof(thread));
    getrusage(RUSAGE_SELF, &self);
    /* The calling thread runs the server's loop (standalone or a host's loop thread). */
    getrusage(RUSAGE_THREAD, &thread);
    catTimeval(out, "used_cpu_sys", &self.ru_stime);
    catTimeval(out, "used_cpu_user", &self.ru_utime);
    vstrCatStr(out, "used_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\n");
    catTimeval(out, "used_cpu_sys_main_thread", &thread.ru_stime);
    catTimeval(out, "used_cpu_user_main_thread", &thread.ru_utime);
}

static void infoModules(vlServer *s, vstr **out) {
    VL_UNUSED(s);
    VL_UNUSED(out);
}

typedef struct cmdStatRef {
    const char *name;
    const vlCommandStats *st;
} cmdStatRef;

typedef struct cmdStatList {
    cmdStatRef *refs;
    size_t n, cap;
} cmdStatList;

static void collectCmdStat(void *ctx, const vlCommand *cmd, vlCommandStats *st) {
    cmdStatList *l = ctx;
    if (!st->calls && !st->failed_calls && !st->rejected_calls) return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->refs = vlRealloc(l->refs, l->cap * sizeof(cmdStatRef));
    }
    l->refs[l->n].name = cmd->name;
    l->refs[l->n].st = st;
    l->n++;
}

static int cmpCmdStat(const void *a, const void *b) {
    return strcmp(((const cmdStatRef *)a)->name, ((const cmdStatRef *)b)->name);
}

static void infoCommandstats(vlServer *s, vstr **out) {
    if (!s->commands) return;
    cmdStatList l = {NULL, 0, 0};
    cmdForEach(s, collectCmdStat, &l);
    if (l.n) qsort(l.refs, l.n, sizeof(cmdStatRef), cmpCmdStat);
    for (size_t i = 0; i < l.n; i++) {
        const vlCommandStats *st = l.refs[i].st;
        vstrCatFmt(out,
                   "cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,"
                   "failed_calls=%lld\r\n",
                   l.refs[i].name, st->calls, st->usec,
                   st->calls ? (double)st->usec / (double)st->calls : 0, st->rejected_calls,
                   st->failed_calls);
    }
    vlFree(l.refs);
}

/* latency_percentiles_usec_<cmd>:p50=...,p99=... for each command that ran while
 * latency-tracking was on, in the commandstats order. */
static void infoLatencystats(vlServer *s, vstr **out) {
    if (!s->commands || !s->cfg.latency_tracking) return;
    cmdStatList l = {NULL, 0, 0};
    cmdForEach(s, collectCmdStat, &l);
    if (l.n) qsort(l.refs, l.n, sizeof(cmdStatRef), cmpCmdStat);
    for (size_t i = 0; i < l.n; i++) {
        const vlCommandStats *st = l.refs[i].st;
        if (!st->pct_hist) continue;
        vstrCatFmt(out, "latency_percentiles_usec_%s:", l.refs[i].name);
        for (int j = 0; j < s->cfg.lat_npct; j++) {
            char p[64];
            configFormatPercentile(s->cfg.lat_pct[j], p, sizeof p);
            vstrCatFmt(out, "%sp%s=%.3f", j ? "," : "", p,
                       latencyPercentile(st, s->cfg.lat_pct[j]));
        }
        vstrCat(out, "\r\n", 2);
    }
    vlFree(l.refs);
}

static int cmpErrStat(const void *a, const void *b) {
    const vlErrorStat *x = *(const vlErrorStat *const *)a, *y = *(const vlErrorStat *const *)b;
    size_t n = x->len < y->len ? x->len : y->len;
    int r = memcmp(x->name, y->name, n);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

static void infoErrorstats(vlServer *s, vstr **out) {
    if (!s->errorstats || !dictSize(s->errorstats)) return;
    size_t n = 0, cap = dictSize(s->errorstats);
    const vlErrorStat **v = vlMalloc(cap * sizeof(*v));
    dictIter it;
    dictIterInit(&it, s->errorstats);
    dictLink *e;
    while ((e = dictIterNext(&it)) && n < cap) v[n++] = (const vlErrorStat *)e;
    dictIterRelease(&it);
    qsort(v, n, sizeof(*v), cmpErrStat);
    for (size_t i = 0; i < n; i++)
        vstrCatFmt(out, "errorstat_%.*s:count=%lld\r\n", (int)v[i]->len, v[i]->name, v[i]->count);
    vlFree(v);
}

static void infoCluster(vlServer *s, vstr **out) {
    VL_UNUSED(s);
    vstrCatStr(out, "cluster_enabled:0\r\n");
}

static void infoKeyspace(vlServer *s, vstr **out) {
    for (int i = 0; s->db && i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        size_t keys = dictSize(db->keys), expires = dictSize(db->expires);
        if (!keys && !expires) continue;
        vstrCatFmt(out, "db%d:keys=%zu,expires=%zu,avg_ttl=%lld\r\n", i, keys, expires,
                   db->avg_ttl);
    }
}

static void infoDefrag(vlServer *s, vstr **out) {
    if (s->defrag) defragInfo(s, out);
}

typedef struct infoSection {
    const char *name;  /* as asked for, lower case */
    const char *title; /* as printed after "# " */
    void (*write)(vlServer *s, vstr **out);
    int flags;
} infoSection;

static const infoSection infoSections[] = {
    {"server", "Server", infoServer, INFO_DEFAULT},
    {"clients", "Clients", infoClients, INFO_DEFAULT},
    {"memory", "Memory", infoMemoryFigures, INFO_DEFAULT},
    {"defrag", "Defrag", infoDefrag, INFO_DEFAULT},
    {"persistence", "Persistence", infoPersistence, INFO_DEFAULT},
    {"stats", "Stats", infoStats, INFO_DEFAULT},
    {"replication", "Replication", infoReplication, INFO_DEFAULT},
    {"cpu", "CPU", infoCpu, INFO_DEFAULT},
    {"modules", "Modules", infoModules, INFO_DEFAULT},
    {"commandstats", "Commandstats", infoCommandstats, 0},
    {"errorstats", "Errorstats", infoErrorstats, INFO_DEFAULT},
    {"latencystats", "Latencystats", infoLatencystats, 0},
    {"cluster", "Cluster", infoCluster, INFO_DEFAULT},
    {"keyspace", "Keyspace", infoKeyspace, INFO_DEFAULT},
};

#define INFO_NSECTIONS (sizeof(infoSections) / sizeof(infoSections[0]))

vstr *infoGenerate(vlServer *s, const protoArg *sections, int nsections) {
    char want[INFO_NSECTIONS];
    memset(want, 0, sizeof(want));
    for (size_t j = 0; j < INFO_NSECTIONS; j++)
        if (nsections == 0) want[j] = (infoSections[j].flags & INFO_DEFAULT) != 0;
    for (int i = 0; i < nsections; i++) {
        const protoArg *a = &sections[i];
        int all = argEq(a, "all") || argEq(a, "everything");
        int def = argEq(a, "default");
        for (size_t j = 0; j < INFO_NSECTIONS; j++) {
            if (all || (def && (infoSections[j].flags & INFO_DEFAULT)) ||
                argEq(a, infoSections[j].name))
                want[j] = 1;
        }
    }
    /* The memory figures are taken before the text is built: the text's own buffer (5 KB
     * with its first 4 KB) is INFO's scratch, not the server's state. Counted, it put
     * used_memory a reply buffer above what eviction had just brought under maxmemory, and
     * MEMORY STATS and INFO disagreed by that much. */
    vlMemStats mem;
    int mem_taken = 0;
    for (size_t j = 0; j < INFO_NSECTIONS; j++) {
        if (want[j] && infoSections[j].write == infoMemoryFigures) {
            infoMemoryStats(s, &mem);
            mem_taken = 1;
        }
    }
    vstr *out = vstrNewCap(4096);
    int first = 1;
    for (size_t j = 0; j < INFO_NSECTIONS; j++) {
        if (!want[j]) continue;
        if (!first) vstrCat(&out, "\r\n", 2);
        first = 0;
        vstrCatFmt(&out, "# %s\r\n", infoSections[j].title);
        if (mem_taken && infoSections[j].write == infoMemoryFigures)
            infoMemoryPrint(s, &mem, &out);
        else
            infoSections[j].write(s, &out);
    }
    return out;
}

/* ------------------------------------------------------------------- sampler */

#define INST_SAMPLES 16

static double instAverage(const double *v) {
    double sum = 0;
    for (int i = 0; i < INST_SAMPLES; i++) sum += v[i];
    return sum / INST_SAMPLES;
}

static double perSecond(long long now, long long before, long long ms) {
    return now > before ? (double)(now - before) * 1000.0 / (double)ms : 0;
}

void infoSampleStats(vlServer *s) {
    vlStats *st = &s->stats;
    size_t used = allocHeapUsed(s->heap);
    if ((long long)used > st->stat_peak_memory) st->stat_peak_memory = (long long)used;
    long long now = (long long)utilMsTime();
    long long ms = now - st->inst_last_ms;
    /* The first call (and the first after CONFIG RESETSTAT) only sets the baseline. */
    if (st->inst_last_ms && ms > 0) {
        int i = st->inst_sample_idx % INST_SAMPLES;
        st->inst_samples[0][i] = perSecond(st->numcommands, st->inst_last_cmds, ms);
        st->inst_samples[1][i] = perSecond(st->net_input_bytes, st->inst_last_in, ms) / 1024;
        st->inst_samples[2][i] = perSecond(st->net_output_bytes, st->inst_last_out, ms) / 1024;
        st->inst_sample_idx = (i + 1) % INST_SAMPLES;
        st->inst_ops = instAverage(st->inst_samples[0]);
        st->inst_in_kbps = instAverage(st->inst_samples[1]);
        st->inst_out_kbps = instAverage(st->inst_samples[2]);
    } else if (st->inst_last_ms && ms <= 0) {
        return; /* clock stepped back or two calls in one ms: wait for the next */
    }
    st->inst_last_ms = now;
    st->inst_last_cmds = st->numcommands;
    st->inst_last_in = st->net_input_bytes;
    st->inst_last_out = st->net_output_bytes;
}
