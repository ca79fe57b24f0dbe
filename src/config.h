/* config.h - the configuration values and the functions that read and write them (config.c). */
#ifndef VL_CONFIG_H
#define VL_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "vstr.h"

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;

#define VL_MAX_BIND 16
#define MAXMEMORY_NOEVICTION 0
#define MAXMEMORY_ALLKEYS_LRU 1
#define MAXMEMORY_ALLKEYS_RANDOM 2
#define MAXMEMORY_VOLATILE_LRU 3
#define MAXMEMORY_VOLATILE_TTL 4
#define MAXMEMORY_VOLATILE_RANDOM 5
#define MAXMEMORY_ALLKEYS_LFU 6
#define MAXMEMORY_VOLATILE_LFU 7

/* client-output-buffer-limit classes (client.c's clientClass picks one) */
#define CLIENT_CLASS_NORMAL 0
#define CLIENT_CLASS_PUBSUB 1
#define CLIENT_CLASS_REPLICA 2
#define CLIENT_CLASS_COUNT 3

#define VL_LAT_PCT_MAX 16
#define VL_CONFIG_INERT_SLOTS 160

typedef struct vlObufLimit {
    unsigned long long hard, soft;
    long long soft_seconds;
} vlObufLimit;

typedef struct vlConfigValues {
    /* network */
    char *bind[VL_MAX_BIND];
    int nbind;
    int port;
    int tcp_backlog;
    char *unixsocket;
    int unixsocketperm;
    int timeout; /* idle client timeout, seconds */
    int tcp_keepalive;
    int maxclients;
    int protected_mode;
    char *requirepass;
    int enable_debug_cmd;      /* 0 no, 1 yes, 2 local */
    int enable_protected_cfgs; /* the same: may CONFIG SET change dir, dbfilename? */
    /* general */
    int hz;
    int dynamic_hz;
    int databases;
    int loglevel;
    char *logfile;
    char *pidfile;
    char *dir;
    int daemonize;
    int syslog_enabled;
    int always_show_logo;
    int set_proc_title;
    int crash_log_enabled;
    /* limits */
    long long proto_max_bulk_len;
    long long client_query_buffer_limit;
    vlObufLimit obuf_limits[CLIENT_CLASS_COUNT];
    /* memory */
    long long maxmemory;
    long long maxmemory_clients; /* bytes; -N: N percent of maxmemory; 0: no client eviction */
    int maxmemory_policy;
    int maxmemory_samples;
    int lazyfree_lazy_eviction, lazyfree_lazy_expire, lazyfree_lazy_server_del;
    int lazyfree_lazy_user_del, lazyfree_lazy_user_flush;
    int active_expire_effort;
    /* data structures */
    int list_max_listpack_size;
    int list_compress_depth;
    long long hash_max_listpack_entries, hash_max_listpack_value;
    long long set_max_intset_entries, set_max_listpack_entries, set_max_listpack_value;
    long long zset_max_listpack_entries, zset_max_listpack_value;
    int activerehashing;
    /* pub/sub */
    int notify_keyspace_events; /* NOTIFY_* flags */
    /* defrag */
    int activedefrag;
    long long active_defrag_ignore_bytes;
    int active_defrag_threshold_lower, active_defrag_threshold_upper;
    int active_defrag_cycle_min, active_defrag_cycle_max;
    long long active_defrag_max_scan_fields;
    int active_defrag_cycle_us;
    int active_defrag_force_all; /* test mode: run continuously, move every block */
    /* observability */
    long long slowlog_log_slower_than;
    long long slowlog_max_len;
    long long latency_monitor_threshold;
    /* persistence directives accepted for compatibility (no persistence here) */
    char *save;
    int appendonly;
    char *dbfilename;
    /* accepted for compatibility with clients and tools, stored for CONFIG GET, no behaviour
     * (config.c); lfu-* are there for an LFU eviction policy to read */
    int appendfsync; /* 0 always, 1 everysec, 2 no */
    int replica_read_only, replica_serve_stale_data, replica_priority, replica_lazy_flush;
    int repl_diskless_sync;
    long long busy_reply_threshold;
    int io_threads;
    int cluster_enabled;
    int oom_score_adj;
    int lfu_log_factor, lfu_decay_time;
    int latency_tracking;           /* INFO latencystats */
    int lat_npct;                   /* latency-tracking-info-percentiles: how many, */
    double lat_pct[VL_LAT_PCT_MAX]; /* and which, in [0, 100] */
    int stop_writes_on_bgsave_error, rdbcompression, rdbchecksum, jemalloc_bg_thread;
    /* directives accepted for compatibility with no effect here, as text (config.c) */
    char *inert[VL_CONFIG_INERT_SLOTS];
} vlConfigValues;

/* config.c */
int configSetOne(vlServer *s, const char *name, const char *value, char *err, size_t errlen);
int configLoadText(vlServer *s, const char *text, char *err, size_t errlen);
int configLoadFile(vlServer *s, const char *path, char *err, size_t errlen);
void configInitDefaults(vlServer *s);
vstr *configInertSet(const vlServer *s);
void configFormatPercentile(double p, char *buf, size_t len); /* Redis's "%f", zeros cut */
void configFree(vlServer *s);
void configGetCommand(vlClient *c);
void configSetCommand(vlClient *c);
/* CONFIG REWRITE; force_all writes every directive, defaults included (a DEBUG test aid). */
int configRewrite(vlServer *s, int force_all, char *err, size_t errlen);
/* Appends one value in the form the config parser reads back: bare when plain printable ASCII,
 * else quoted with Redis's escapes, so that no value can start a line of its own. */
void configQuoteArg(vstr **out, const char *p, size_t len);
/* How many arguments a config line splits into (Redis's quoting rules); -1 when it does not
 * split (unbalanced quotes). */
int configArgCount(const char *line);

#endif
