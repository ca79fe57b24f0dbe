/* server.h - vlServer: the one struct every module's state hangs off, its lifecycle, the
 * cron and logging (server.c).
 *
 * One decision: there is no global server. Everything hangs off a vlServer, a client knows
 * its server, and every module keeps its private state behind one pointer on vlServer
 * (pubsub, defrag, lazyfree, blocking, ...), so this header names those structs but does not
 * define their insides. Each module has its own header (client.h, cmd.h, db.h, object.h,
 * config.h, pubsub.h, ...): a file includes what it uses, not a hub. This header includes no
 * libevent or jemalloc header: those stay in loop.c/conn.c and alloc_jemalloc.c. Rejected:
 * Redis's one 470-field global and its 4,000-line server.h (no two servers per process, every
 * file sees every field). */
#ifndef VL_SERVER_H
#define VL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alloc.h"
#include "config.h"
#include "dict.h"
#include "util.h"

#define VL_VERSION "0.1.0"
#define VL_REDIS_COMPAT_VERSION "7.2.4" /* what redis_version says, for clients' feature checks */
#define VL_VALKEY_COMPAT_VERSION "8.0.0"

struct event_base;
struct event;
struct evconnlistener;

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;
typedef struct vlCommand vlCommand;
typedef struct vlDb vlDb;
typedef struct vlCommandStats vlCommandStats;
struct vlPubsub;
struct vlDefrag;
struct vlLazyFree;
struct vlBlocking;
struct vlSlowlog;
struct vlLatency;
struct vlClientMem;
struct vlReply; /* public reply type of valkey-lite.h */
typedef struct vlListener vlListener;

#define LL_DEBUG 0
#define LL_VERBOSE 1
#define LL_NOTICE 2
#define LL_WARNING 3

typedef struct vlStats {
    long long numconnections, numcommands, rejected_conn;
    long long expiredkeys, evictedkeys, keyspace_hits, keyspace_misses;
    long long evicted_clients; /* maxmemory-clients (clientmem.c) */
    long long net_input_bytes, net_output_bytes;
    long long total_error_replies, unexpected_error_replies;
    long long client_qbuf_limit_disconnections, client_obuf_limit_disconnections;
    long long total_reads_processed, total_writes_processed;
    long long expired_time_cap_reached_count;
    long long lazyfreed_objects;
    long long io_threaded_reads, io_threaded_writes; /* always 0 */
    /* defrag (defrag.c updates) */
    long long active_defrag_hits, active_defrag_misses;
    long long active_defrag_key_hits, active_defrag_key_misses;
    long long active_defrag_time_us; /* wall time of the defrag runs that ended */
    /* instantaneous metrics */
    long long inst_last_ms, inst_last_cmds, inst_last_in, inst_last_out;
    double inst_ops, inst_in_kbps, inst_out_kbps;
    long long stat_peak_memory;
    /* the last 16 samples of ops, input kbps, output kbps behind inst_* (info.c) */
    double inst_samples[3][16];
    int inst_sample_idx;
} vlStats;

typedef void vlLogFn(void *ud, int level, const char *line);

struct vlServer {
    vlHeap *heap;
    /* event loop (loop.c) */
    struct event_base *base;
    int own_base;
    int standalone; /* vlServerMain's: may change process-wide things (fd limit, signals) */
    struct vlListener *listeners[VL_MAX_BIND + 1]; /* loop.c's records */
    int nlisteners;
    int listen_port; /* the TCP port actually bound (port 0: the kernel's pick) */
    struct event *cron_ev, *flush_ev, *close_ev;
    struct event *rehash_timer; /* active rehash steps (server.c), armed by the cron */
    int waitfd; /* epoll set of the client sockets, for loopInputWaiting; -1 when none */
    struct event *accept_backoff; /* re-enables the listeners after an accept error */
    int64_t accept_err_logged_ms;
    unsigned long long accept_err_unlogged;
    int rehash_armed;
    int attached, stopping, shutdown_asap;
    int64_t start_ms;
    uint64_t cronloops;
    /* configuration */
    vlConfigValues cfg;
    char *configfile;
    int cfg_applied;   /* 1 once listeners exist: some changes need work (hz, bind) */
    int cfg_save_seen; /* config loading: a save line was read (later ones append) */
    /* keyspace */
    vlDb *db;
    int active_expire_enabled;
    int cron_paused;                 /* DEBUG PAUSE-CRON: serverCron does nothing */
    int shutdown_signal;             /* SIGTERM/SIGINT to act on at the next cron tick */
    int dict_resizing;               /* DEBUG DICT-RESIZING: keyspace tables may resize */
    long long list_packed_threshold; /* DEBUG QUICKLIST-PACKED-THRESHOLD (stored, see debug.c) */
    uint32_t lruclock;
    int64_t mstime;          /* cached at each command */
    uint64_t now_mono_us;    /* last monotonic reading (end of the last command) */
    int64_t mono_to_real_us; /* realtime - monotonic, refreshed by the cron */
    /* commands */
    dict *commands;
    void *cmd_entries; /* cmd.c's array behind the commands dict */
    vlCommandStats *cmdstats;
    size_t ncommands;
    dict *errorstats;
    /* clients */
    vlClient *clients;
    size_t nclients;
    uint64_t next_client_id;
    vlClient *pending_write;
    vlClient *to_close;
    vlClient *to_resume;
    vlClient *current_client;
    /* Pushes (pub/sub messages) to a client while it runs its own command: held here and
     * added after that command's reply, as Valkey 8 does (pubsub.c, cmd.c). */
    vstr *pending_push;
    /* The read buffer of clients that hold none (conn.c): an idle client costs no query
     * buffer; a client left with a partial command gets its own. */
    char *shared_qbuf;
    size_t shared_qcap;
    vlClient *pending_push_client;
    vlClient *cron_cursor; /* the next client the cron visits (NULL: the head) */
    int64_t pause_end_ms;
    int pause_all; /* 1: all commands paused, 0: only writes */
    size_t monitors;
    size_t watched_keys;   /* WATCHed (db, key) entries: 0 keeps every write's check to a branch */
    vlClient *fake_client; /* for in-process calls (api.c) */
    void *api;             /* api.c's own state (owner thread, last error) */
    /* modules' own state */
    struct vlPubsub *pubsub;
    struct vlDefrag *defrag;
    struct vlLazyFree *lazyfree;
    struct vlBlocking *blocking;
    struct vlSlowlog *slowlog;
    struct vlLatency *latency;
    struct vlClientMem *clientmem; /* client memory and eviction (clientmem.c) */
    /* stats */
    vlStats stats;
    /* logging */
    vlLogFn *log_fn;
    void *log_ud;
    int in_log_cb;
    /* misc */
    char runid[41];
    int dirty_debug_sleep;
    char *executable;
    size_t startup_memory;      /* heap bytes once started: MEMORY STATS startup.allocated */
    size_t dirty_last;          /* the heap's dirty bytes at the last cronReturnMemory */
    size_t total_system_memory; /* physical RAM, read once at creation (0: unknown) */
};

/* server.c */
vlServer *serverCreate(char *err, size_t errlen);
int serverApplyConfigText(vlServer *s, const char *text, const char *fname, char *err,
                          size_t errlen);
/* Keyspace, command table and modules, once the configuration is known (idempotent). */
void serverInitData(vlServer *s);
int serverStart(vlServer *s, struct event_base *base, char *err, size_t errlen);
void serverStop(vlServer *s);
/* Fits maxclients to the open-files limit (see server.c). VL_ERR only when !at_start. */
int serverFitMaxclients(vlServer *s, int at_start, char *err, size_t errlen);
void serverFree(vlServer *s);
void serverCron(vlServer *s);
void serverUpdateCachedTime(vlServer *s); /* reads both clocks (cron, startup) */
/* Sets the cached command time from a monotonic reading: one clock read per command. */
void serverSetTimeFromMono(vlServer *s, uint64_t mono_us);
size_t serverUsedMemory(vlServer *s);
int serverEvictIfNeeded(vlServer *s); /* VL_ERR: still over maxmemory */
void serverLog(vlServer *s, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void serverLogRaw(vlServer *s, int level, const char *line);
/* A path the server opens, relative ones taken from `dir` (owned; vlFree it). The server never
 * changes the process's working directory. */
char *serverResolvePath(const vlServer *s, const char *path);
void serverPurgeMemory(vlServer *s); /* flush tcache, purge dirty pages */

/* CLIENT PAUSE in effect (WRITE or ALL): writes wait, and nothing expires or is evicted by
 * the server itself, as in Redis 7 and Valkey 8 (keys read as expired but stay). */
static inline int serverWritesPaused(const vlServer *s) {
    return s->pause_end_ms && s->mstime < s->pause_end_ms;
}

#endif
