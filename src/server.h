/* server.h - the server tier's shared types: vlServer, vlClient, vlDb, vlObj, the command
 * table, and the functions modules call on each other.
 *
 * One decision: there is no global server. Everything hangs off a vlServer, a client knows
 * its server, and every module keeps its private state behind one pointer on vlServer
 * (pubsub, defrag, lazyfree, blocking, ...), so this header names those structs but does not
 * define their insides. This header includes no libevent or jemalloc header: those stay in
 * loop.c/conn.c and alloc.c. Rejected: Redis's one 470-field global (no two servers per
 * process, every file sees every field). */
#ifndef VL_SERVER_H
#define VL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alloc.h"
#include "dict.h"
#include "proto.h"
#include "reply.h"
#include "util.h"
#include "vstr.h"

#define VL_VERSION "0.1.0"
#define VL_REDIS_COMPAT_VERSION "7.2.4" /* what redis_version says, for clients' feature checks */
#define VL_VALKEY_COMPAT_VERSION "8.0.0"

struct event_base;
struct event;
struct evconnlistener;

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;
typedef struct vlCommand vlCommand;
struct vlPubsub;
struct vlDefrag;
struct vlLazyFree;
struct vlBlocking;
struct vlSlowlog;
struct vlLatency;
struct vlReply; /* public reply type of valkey-lite.h */
typedef struct vlListener vlListener;

#include "object.h"

/* ---------------------------------------------------------------- keyspace */

typedef struct vlExpire {
    dictLink link;
    int64_t when; /* unix ms */
    uint32_t klen;
    char key[];
} vlExpire;

typedef struct vlDb {
    dict *keys;    /* vlObj entries */
    dict *expires; /* vlExpire entries: own copies of volatile keys' names */
    int id;
    long long avg_ttl;
    unsigned long expire_cursor;
} vlDb;

#define LOOKUP_NONE 0
#define LOOKUP_NOTOUCH 1 /* don't update LRU */
#define LOOKUP_WRITE 2   /* for a write: misses are not counted */

vlObj *dbLookup(vlClient *c, const void *key, size_t klen, int flags);
vlObj *dbLookupRead(vlClient *c, const protoArg *key);
vlObj *dbLookupWrite(vlClient *c, const protoArg *key);
/* Type-checked lookups: reply WRONGTYPE (and return NULL with *wrong set) on mismatch. */
vlObj *dbLookupTypeOrReply(vlClient *c, const protoArg *key, int type, int write, int *wrong);
void dbAdd(vlServer *s, vlDb *db, vlObj *o);                     /* key must be absent; db owns o */
void dbReplaceObj(vlServer *s, vlDb *db, vlObj *old, vlObj *nu); /* same key, new block */
/* Set key to o (SET semantics): replaces any old value; keepttl keeps the expire. */
void dbSetKey(vlServer *s, vlDb *db, vlObj *o, int keepttl);
int dbDelete(vlServer *s, vlDb *db, const void *key, size_t klen);       /* 1 if deleted */
int dbUnlinkLazy(vlServer *s, vlDb *db, const void *key, size_t klen);   /* UNLINK semantics */
vlObj *dbUnlinkObj(vlServer *s, vlDb *db, const void *key, size_t klen); /* detach, caller owns */
void dbSetExpire(vlServer *s, vlDb *db, vlObj *o, int64_t when_ms);
int dbRemoveExpire(vlServer *s, vlDb *db, vlObj *o);
int64_t dbGetExpire(vlDb *db, const vlObj *o);         /* -1 if none */
int dbExpireIfNeeded(vlServer *s, vlDb *db, vlObj *o); /* 1 if o was expired and deleted */
long long dbEmpty(vlServer *s, int dbid, int async);   /* -1: all dbs; returns keys removed */
vlDb *dbGet(vlServer *s, int id);
extern const dictType dbKeysType;    /* vlObj entries keyed by their embedded name */
extern const dictType dbExpiresType; /* vlExpire entries */
void dbSignalModified(vlServer *s, vlDb *db, const void *key, size_t klen); /* wakes blockers */

/* ---------------------------------------------------------------- commands */

typedef void vlCommandProc(vlClient *c);

#define CMD_WRITE (1u << 0)
#define CMD_READONLY (1u << 1)
#define CMD_DENYOOM (1u << 2)
#define CMD_ADMIN (1u << 3)
#define CMD_PUBSUB (1u << 4)
#define CMD_NOSCRIPT (1u << 5)
#define CMD_BLOCKING (1u << 6)
#define CMD_LOADING (1u << 7)
#define CMD_STALE (1u << 8)
#define CMD_FAST (1u << 9)
#define CMD_NO_AUTH (1u << 10)
#define CMD_ALLOW_SUBSCRIBED (1u << 11) /* allowed in RESP2 subscribed mode */
#define CMD_PAUSE_EXEMPT (1u << 12)
/* Movable keys counted by an argument (LMPOP numkeys key...): firstkey is the index of that
 * count, and the keys follow it. COMMAND INFO shows 0 0 0 and a keynum key spec. */
#define CMD_KEYNUM (1u << 13)

struct vlCommand {
    const char *name; /* lower case */
    vlCommandProc *proc;
    int arity; /* >0 exact, <0 at least -arity */
    uint32_t flags;
    int firstkey, lastkey, keystep;
    const char *group; /* COMMAND DOCS group: string, list, generic, ... */
    const char *summary;
};

/* errorstats entries (s->errorstats), keyed by the error's first word */
typedef struct vlErrorStat {
    dictLink link;
    long long count;
    size_t len;
    char name[];
} vlErrorStat;

/* Per-server, per-command figures (the command table itself is const and shared). */
#define CMD_LAT_BUCKETS 32 /* LATENCY HISTOGRAM: bucket i counts calls of (2^(i-1), 2^i] us */
typedef struct vlCommandStats {
    long long calls, failed_calls, rejected_calls;
    long long usec;
    long long lat_hist[CMD_LAT_BUCKETS]; /* the last bucket also holds anything longer */
} vlCommandStats;

extern const vlCommand vlConnCommands[], vlServerCommands[], vlKeyCommands[], vlStringCommands[],
    vlListCommands[], vlHashCommands[], vlSetCommands[], vlPubsubCommands[], vlDebugCommands[];

const vlCommand *cmdLookup(vlServer *s, const char *name, size_t len);
int cmdIndex(vlServer *s, const vlCommand *cmd);
/* Index of the numkeys argument of a CMD_KEYNUM command, else 0. */
static inline int cmdKeynum(const vlCommand *cmd) {
    return (cmd->flags & CMD_KEYNUM) ? cmd->firstkey : 0;
}
void cmdTableInit(vlServer *s);
/* 1 when argument i of the client's current command is a secret (a password): monitors and
 * SLOWLOG show "(redacted)" instead. */
int cmdArgIsSecret(const vlClient *c, int i);
void cmdTableFree(vlServer *s);
/* Run the client's current argv through the admission checks and the command. Returns 1
 * when the command was consumed (run or rejected), 0 when it must wait (CLIENT PAUSE): the
 * caller keeps it in the query buffer and stops reading until the pause ends. */
int cmdProcess(vlClient *c);
void cmdCall(vlClient *c, const vlCommand *cmd); /* just run + stats (used to re-run) */
void cmdForEach(vlServer *s, void (*fn)(void *ctx, const vlCommand *cmd, vlCommandStats *st),
                void *ctx);

/* ---------------------------------------------------------------- clients */

#define CLIENT_CLOSE_AFTER_REPLY (1 << 0)
#define CLIENT_CLOSE_ASAP (1 << 1)
#define CLIENT_PENDING_WRITE (1 << 2)
#define CLIENT_PUBSUB (1 << 3)
#define CLIENT_BLOCKED (1 << 4)
#define CLIENT_MONITOR (1 << 5)
#define CLIENT_UNIX (1 << 6)
#define CLIENT_FAKE (1 << 7) /* in-process (vlCall): no connection */
#define CLIENT_REPLY_OFF (1 << 8)
#define CLIENT_REPLY_SKIP_NEXT (1 << 9)
#define CLIENT_REPLY_SKIP (1 << 10)
#define CLIENT_WRITE_ARMED (1 << 11) /* EV_WRITE is armed after a partial write */
#define CLIENT_IN_CALL (1 << 12)
#define CLIENT_PAUSED (1 << 13) /* reading is suspended by CLIENT PAUSE */
#define CLIENT_NO_EVICT (1 << 14)
#define CLIENT_EXECUTING (1 << 15) /* inside cmdProcess: frees are deferred */
#define CLIENT_RESUME (1 << 16)    /* on s->to_resume */
#define CLIENT_OVERFLOW (1 << 17)  /* output passed the ceiling: replies dropped (client.c) */
#define CLIENT_LOCAL (1 << 18)     /* loopback or unix peer (decided from its sockaddr) */

typedef struct vlClient {
    vlServer *srv;
    uint64_t id;
    int fd;
    int flags;
    int resp;
    int authenticated;
    vlDb *db;
    struct event *ev;  /* read event */
    struct event *wev; /* write event, armed only after a partial write */
    /* query side */
    char *qbuf;
    size_t qlen, qpos, qcap, qpeak;
    proto proto;
    int argc;
    protoArg *argv;
    const vlCommand *cmd, *lastcmd;
    int cmd_idx; /* cmd's index in s->cmdstats */
    /* reply side */
    replyBuf reply;
    uint64_t obuf_soft_since; /* ms when the soft output limit was first exceeded, 0 none */
    /* identity */
    char *name, *lib_name, *lib_ver;
    char addr[64], laddr[64];
    int64_t ctime_ms, last_ms;
    /* server lists (intrusive) */
    vlClient *prev, *next;
    vlClient *pending_next;
    vlClient *close_next;
    vlClient *resume_next; /* on s->to_resume: unblocked/unpaused, has commands waiting */
    /* pub/sub: the client's own copies of its subscriptions (pubsub.c) */
    dict *sub_channels, *sub_patterns, *sub_shard;
    /* blocking state (blocking.c owns it) */
    struct vlBlockState *bstate;
    /* in-process clients: where push messages go (api.c) */
    void (*push_cb)(void *ud, struct vlReply *msg);
    void *push_ud;
    long long reply_bytes_total; /* stats */
} vlClient;

vlClient *clientCreate(vlServer *s, int fd, int flags);
void clientFree(vlClient *c);      /* immediate; not from inside the client's own command */
void clientCloseAsap(vlClient *c); /* deferred to a safe point */
void clientMarkPending(vlClient *c);
size_t clientOutputBytes(const vlClient *c);
void clientSetResp(vlClient *c, int resp);
void clientCheckOutputLimits(vlClient *c);      /* close it if over the hard/soft limit */
int clientClass(const vlClient *c);             /* CLIENT_CLASS_* */
int clientIsLocal(const vlClient *c);           /* loopback, unix socket or in-process */
void clientInfoString(vlClient *c, vstr **out); /* one CLIENT LIST line, no newline */

#define CLIENT_CLASS_NORMAL 0
#define CLIENT_CLASS_PUBSUB 1
#define CLIENT_CLASS_REPLICA 2
#define CLIENT_CLASS_COUNT 3

/* Reply API for commands (client.c): Redis's familiar names. They do nothing when the
 * client's replies are off, and queue the client for the flush otherwise. */
void addReplyRaw(vlClient *c, const void *p, size_t len);
void addReplyOk(vlClient *c);
void addReplyStatus(vlClient *c, const char *s);
void addReplyError(vlClient *c, const char *err); /* full text, e.g. "ERR syntax error" */
void addReplyErrorFormat(vlClient *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void addReplyErrorArity(vlClient *c);
void addReplyErrorSyntax(vlClient *c);
void addReplyErrorNotInt(vlClient *c);
void addReplyErrorWrongType(vlClient *c);
void addReplyLongLong(vlClient *c, long long v);
void addReplyBulk(vlClient *c, const void *p, size_t len);
void addReplyBulkCStr(vlClient *c, const char *s);
void addReplyBulkLongLong(vlClient *c, long long v);
void addReplyBulkObj(vlClient *c, const vlObj *o); /* a string object's value */
void addReplyNull(vlClient *c);
void addReplyNullArray(vlClient *c);
void addReplyArrayLen(vlClient *c, long long n);
void addReplyMapLen(vlClient *c, long long n);
void addReplySetLen(vlClient *c, long long n);
void addReplyPushLen(vlClient *c, long long n);
void addReplyDouble(vlClient *c, double d);
void addReplyBool(vlClient *c, int b);
void addReplyVerbatim(vlClient *c, const char *p, size_t len, const char *ext3);
void addReplyHumanLongDouble(vlClient *c, long double d);
void *addReplyDeferredLen(vlClient *c);
void setDeferredArrayLen(vlClient *c, void *slot, long long n);
void setDeferredMapLen(vlClient *c, void *slot, long long n);
void setDeferredSetLen(vlClient *c, void *slot, long long n);

/* Subcommand replies: a HELP array of status lines (NULL-terminated), Redis 7's
 * "wrong number of arguments for 'cmd|sub' command" (argv[1] lowered) and
 * "unknown subcommand 'x'. Try CMD HELP." */
void addReplyHelp(vlClient *c, const char *const *lines);
void addReplyErrorSubArity(vlClient *c, const char *cmd);
void addReplyErrorUnknownSub(vlClient *c, const char *upper);

/* Argument helpers: ...OrReply have replied when they fail. */
int argEq(const protoArg *a, const char *s); /* case-insensitive */
int getLongLongOrReply(vlClient *c, const protoArg *a, long long *out, const char *msg);
int getLongOrReply(vlClient *c, const protoArg *a, long *out, const char *msg);
int getPositiveLongOrReply(vlClient *c, const protoArg *a, long long *out, const char *msg);
int getRangeLongOrReply(vlClient *c, const protoArg *a, long long min, long long max,
                        long long *out, const char *msg);
int getLongDoubleOrReply(vlClient *c, const protoArg *a, long double *out, const char *msg);
int getDoubleOrReply(vlClient *c, const protoArg *a, double *out, const char *msg);
int getScanCursorOrReply(vlClient *c, const protoArg *a, unsigned long *out);
void addReplyScanCursor(vlClient *c, unsigned long cursor); /* [cursor, ...]: the 2-array head */
/* timeout argument of blocking commands (seconds, fractional): absolute ms, 0 = forever */
int getTimeoutOrReply(vlClient *c, const protoArg *a, int64_t *out_abs_ms);

/* ---------------------------------------------------------------- server */

#define VL_MAX_BIND 16
#define MAXMEMORY_NOEVICTION 0
#define MAXMEMORY_ALLKEYS_LRU 1
#define MAXMEMORY_ALLKEYS_RANDOM 2
#define MAXMEMORY_VOLATILE_LRU 3
#define MAXMEMORY_VOLATILE_TTL 4
#define MAXMEMORY_VOLATILE_RANDOM 5
#define MAXMEMORY_ALLKEYS_LFU 6
#define MAXMEMORY_VOLATILE_LFU 7

#define LL_DEBUG 0
#define LL_VERBOSE 1
#define LL_NOTICE 2
#define LL_WARNING 3

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
    int stop_writes_on_bgsave_error, rdbcompression, rdbchecksum, jemalloc_bg_thread;
} vlConfigValues;

typedef struct vlStats {
    long long numconnections, numcommands, rejected_conn;
    long long expiredkeys, evictedkeys, keyspace_hits, keyspace_misses;
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
    int cfg_applied; /* 1 once listeners exist: some changes need work (hz, bind) */
    /* keyspace */
    vlDb *db;
    int active_expire_enabled;
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
    vlClient *cron_cursor; /* the next client the cron visits (NULL: the head) */
    int64_t pause_end_ms;
    int pause_all; /* 1: all commands paused, 0: only writes */
    size_t monitors;
    vlClient *fake_client; /* for in-process calls (api.c) */
    void *api;             /* api.c's own state (owner thread, last error) */
    /* modules' own state */
    struct vlPubsub *pubsub;
    struct vlDefrag *defrag;
    struct vlLazyFree *lazyfree;
    struct vlBlocking *blocking;
    struct vlSlowlog *slowlog;
    struct vlLatency *latency;
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

/* loop.c (libevent glue) */
int loopAttach(vlServer *s, struct event_base *base, char *err, size_t errlen);
void loopDetach(vlServer *s);
void loopScheduleFlush(vlServer *s);
int loopSetHz(vlServer *s);
int loopRebind(vlServer *s, char *err, size_t errlen);
/* Is a client's request waiting to be read? Background work (defrag slices) asks, to end
 * early. One epoll_wait with no timeout; 0 where the OS has no epoll. */
int loopInputWaiting(vlServer *s);
void loopWaitAdd(vlServer *s, int fd);
void loopWaitDel(vlServer *s, int fd);
struct event *loopTimerNew(vlServer *s, void (*fn)(void *arg), void *arg);
struct event *loopTimerNewPrecise(vlServer *s, void (*fn)(void *arg), void *arg);
int loopTimerIsPrecise(struct event *ev);
int loopTimerPending(struct event *ev);
void loopTimerStart(struct event *ev, uint64_t us);
void loopTimerFree(struct event *ev);
int loopRunStandalone(vlServer *s); /* own base, SIGTERM/SIGINT handled, until shutdown */
struct event_base *loopNewBase(void);
void loopFreeBase(struct event_base *b);
const char *loopMethod(vlServer *s);
void loopRunOwn(vlServer *s); /* dispatch the server's own base until loopBreak/SHUTDOWN */
void loopBreak(vlServer *s);

/* conn.c (client I/O) */
/* is_local: the peer is on the loopback interface or a unix socket (protected mode) */
int connAccept(vlServer *s, int fd, int is_unix, int is_local, const char *addr);
void connFlushPending(vlServer *s);
int connWrite(vlClient *c); /* VL_ERR if the client had to be closed */
void connEventFree(vlClient *c);
void connResumeReading(vlClient *c);
void connProcessInput(vlClient *c);

/* config.c */
int configSetOne(vlServer *s, const char *name, const char *value, char *err, size_t errlen);
int configLoadText(vlServer *s, const char *text, const char *fname, char *err, size_t errlen);
int configLoadFile(vlServer *s, const char *path, char *err, size_t errlen);
void configInitDefaults(vlServer *s);
void configFree(vlServer *s);
void configGetCommand(vlClient *c);
void configSetCommand(vlClient *c);
int configRewrite(vlServer *s, char *err, size_t errlen);
void configWriteAll(vlServer *s, vstr **out); /* every directive as "name value\n" */

/* info.c */
vstr *infoGenerate(vlServer *s, const protoArg *sections, int nsections);
void infoMemoryFigures(vlServer *s, vstr **out);
void infoSampleStats(vlServer *s); /* cron, every 100 ms: instantaneous ops and kbps */
/* Memory figures, computed when asked (INFO memory, MEMORY STATS / DOCTOR). */
typedef struct vlMemStats {
    size_t used, peak, startup, rss, total_system;
    size_t clients_normal, clients_pubsub; /* buffers + client structs */
    size_t db_overhead;                    /* keyspace and expires tables, expire entries */
    size_t overhead, dataset;              /* overhead = startup + clients + db_overhead */
    size_t keys;
    allocStats alloc;
} vlMemStats;
void infoMemoryStats(vlServer *s, vlMemStats *m);

/* expire.c */
void expireActiveCycle(vlServer *s, int fast);

/* notify (pubsub.c) */
#define NOTIFY_KEYSPACE (1 << 0)
#define NOTIFY_KEYEVENT (1 << 1)
#define NOTIFY_GENERIC (1 << 2)
#define NOTIFY_STRING (1 << 3)
#define NOTIFY_LIST (1 << 4)
#define NOTIFY_SET (1 << 5)
#define NOTIFY_HASH (1 << 6)
#define NOTIFY_ZSET (1 << 7)
#define NOTIFY_EXPIRED (1 << 8)
#define NOTIFY_EVICTED (1 << 9)
#define NOTIFY_STREAM (1 << 10)
#define NOTIFY_KEY_MISS (1 << 11)
#define NOTIFY_LOADED (1 << 12)
#define NOTIFY_MODULE (1 << 13)
#define NOTIFY_NEW (1 << 14)
#define NOTIFY_ALL                                                                           \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)
void notifyKeyspaceEvent(vlServer *s, int type, const char *event, const void *key, size_t klen,
                         int dbid);
int notifyFlagsFromString(const char *str, int *flags);
void notifyFlagsToString(int flags, char *buf, size_t len);

/* pubsub.c */
void pubsubInit(vlServer *s);
void pubsubFree(vlServer *s);
void pubsubClientFree(vlClient *c);                    /* unsubscribe from everything, no replies */
size_t pubsubClientCount(const vlClient *c, int kind); /* 0 channels, 1 patterns, 2 shard */
long long pubsubPublish(vlServer *s, const void *ch, size_t chlen, const void *msg, size_t mlen,
                        int shard);
size_t pubsubMemUsage(vlServer *s);
void pubsubInfo(vlServer *s, vstr **out);
/* After the vlClient block itself moved (c is the new address): the registry's borrowed
 * pointers to the client are updated. O(the client's subscriptions). The defrag walks
 * (pubsubDefragStep, pubsubClientDefrag) are declared with the other walks below. */
void pubsubClientMoved(vlClient *c);

/* api.c: deliver a pub/sub message to an in-process subscriber (CLIENT_FAKE with push_cb);
 * pat is NULL except for pmessage */
void apiDeliverPush(vlClient *c, const char *kind, const void *pat, size_t plen, const void *ch,
                    size_t chlen, const void *msg, size_t mlen);

/* blocking.c (list blocking commands) */
void blockingInit(vlServer *s);
void blockingFree(vlServer *s);
void blockingClientFree(vlClient *c);    /* unblock silently (client going away) */
void blockingHandleReady(vlServer *s);   /* serve clients whose keys got data */
void blockingCheckTimeouts(vlServer *s); /* from the cron */
int blockingUnblock(vlServer *s, uint64_t id, int with_error); /* CLIENT UNBLOCK */
size_t blockingCount(vlServer *s);
/* a key got data (push, rename into it, ...): clients blocked on it are served after the
 * current command (blockingHandleReady, called by cmd.c) */
void blockingSignalKey(vlServer *s, vlDb *db, const void *key, size_t klen);
void blockingSignalDb(vlServer *s, vlDb *db); /* after SWAPDB: its waited-on keys that exist */
/* What a list-blocked client does once a key it waits on holds a list (t_list.c fills it in,
 * blocking.c keeps a copy, dst included, and hands it back to listServeBlocked). */
typedef struct vlListBlockOp {
    int where;       /* pop side: 0 head (LEFT), 1 tail (RIGHT) */
    int whereto;     /* BLMOVE/BRPOPLPUSH: push side */
    int mpop;        /* BLMPOP: reply [key, [elements]] */
    long long count; /* BLMPOP COUNT (>= 1), else 1 */
    const char *dst; /* BLMOVE/BRPOPLPUSH destination (borrowed), NULL for pops */
    size_t dstlen;
} vlListBlockOp;
/* Blocks c (never a CLIENT_FAKE client) on keys[0..nkeys) of c->db until timeout_ms
 * (absolute unix ms, 0 = forever). Keys and op->dst are copied. */
void blockingBlockOnKeys(vlClient *c, const protoArg *keys, int nkeys, int64_t timeout_ms,
                         const vlListBlockOp *op);
/* t_list.c: serves a blocked client from o, the non-empty list at key in c->db: pops (and
 * for a move pushes), replies, notifies, deletes an emptied key. A move onto a destination
 * of the wrong type replies WRONGTYPE and leaves the source alone (Redis 7). */
void listServeBlocked(vlClient *c, vlObj *o, const void *key, size_t klen, const vlListBlockOp *op);
/* t_list.c: DEBUG LISTPACK key / DEBUG QUICKLIST key (argv[2] is the key): chunk count, fill,
 * bytes, and a structure check, as one bulk string */
void listDebugCommand(vlClient *c);

/* lazyfree.c */
void lazyfreeInit(vlServer *s);
void lazyfreeFree(vlServer *s);
void lazyfreeObj(vlServer *s, vlObj *o);                    /* free now if small, else queue */
void lazyfreeDicts(vlServer *s, dict *keys, dict *expires); /* takes ownership */
size_t lazyfreePending(vlServer *s);
/* Memory queued to be freed (estimated when queued, counted down as it goes): eviction treats
 * it as already freed, as Redis does, or lazy eviction would evict everything and still OOM. */
size_t lazyfreePendingBytes(vlServer *s);
void lazyfreeStep(vlServer *s); /* one bounded slice (timer) */
void lazyfreeDefrag(vlServer *s, void *(*move)(void *p, void *ctx), void *ctx);

/* defrag.c */
void defragInit(vlServer *s);
void defragFree(vlServer *s);
void defragCron(vlServer *s);               /* control, once per cron second */
int defragRunningEffort(vlServer *s);       /* active_defrag_running: effort %, 0 when idle */
long long defragCurrentTimeUs(vlServer *s); /* wall time of the run in progress, 0 when idle */
void defragInfo(vlServer *s, vstr **out);
void defragCommand(vlClient *c); /* DEBUG DEFRAG ... */

/* Defrag walks, one per structure that owns blocks (implemented by each module). move(p, ctx)
 * returns the block's new address (contents copied, old block freed) or NULL if it stays.
 * Each returns nonzero while its pass is unfinished; cursors are scan cursors (0 = start). */
size_t pubsubDefragStep(vlServer *s, unsigned long *cursor, size_t budget, vlMoveFn *move,
                        void *ctx);
int pubsubClientDefrag(vlClient *c, unsigned long *cursor, size_t budget, vlMoveFn *move,
                       void *ctx);

/* slowlog / latency (observe.c) */
void observeInit(vlServer *s);
void observeFree(vlServer *s);
void slowlogPush(vlServer *s, vlClient *c, long long duration_us);
void latencyAddSample(vlServer *s, const char *event, long long ms);
void slowlogCommand(vlClient *c);
void latencyCommand(vlClient *c);

/* db.c keyspace helpers used by several commands */
int keyspaceTypeFromName(const char *name, size_t len); /* -1 if unknown */

#endif
