/* cmd.h - the command table, admission and dispatch (cmd.c), and the tables each module exports. */
#ifndef VL_CMD_H
#define VL_CMD_H

#include <stddef.h>
#include <stdint.h>
#include "proto.h"

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;
typedef struct vlCommand vlCommand;

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
/* Runs at once inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET);
 * also the commands an out-of-memory client in MULTI may still send. */
#define CMD_NO_QUEUE (1u << 14)
#define CMD_NO_MULTI (1u << 15)     /* refused inside MULTI (SAVE, SHUTDOWN), as Redis 7 */
#define CMD_SKIP_SLOWLOG (1u << 16) /* EXEC: its commands are logged one by one instead */
/* Its keys are named, never read or written (WATCH): the key spec says RO and nothing else. */
#define CMD_KEYS_NO_ACCESS (1u << 17)
/* (P|S)UNSUBSCRIBE: refused with NOSUB when the client has no subscription (Valkey 8). */
#define CMD_UNSUBSCRIBE (1u << 18)
/* Keys beyond the (first, last, step) triple (SORT's STORE target, BY/GET patterns): COMMAND
 * INFO says movablekeys, and COMMAND GETKEYS asks cmd_server.c's table of key finders. */
#define CMD_MOVABLEKEYS (1u << 19)

struct vlCommand {
    const char *name; /* lower case */
    vlCommandProc *proc;
    int arity; /* >0 exact, <0 at least -arity */
    uint32_t flags;
    int firstkey, lastkey, keystep;
    const char *group; /* COMMAND DOCS group: string, list, generic, ... */
    const char *summary;
};

/* A container's subcommands: a {0}-terminated table whose rows are named "parent|sub" as
 * Redis names them, each with its own arity (counting the parent), flags, keys and stats;
 * cmd.c pairs each table with its parent. A call whose argv[1] names none of them runs the
 * parent's proc, which answers Redis's "unknown subcommand" error. */
typedef struct vlSubcommands {
    const char *parent;
    const vlCommand *subs;
} vlSubcommands;

/* "parent|sub" -> "sub"; a top-level name as is. */
static inline const char *cmdShortName(const vlCommand *cmd) {
    const char *bar = cmd->name;
    while (*bar && *bar != '|') bar++;
    return *bar ? bar + 1 : cmd->name;
}

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
    uint64_t *pct_hist; /* latency-tracking: fine histogram for INFO latencystats (observe.c) */
} vlCommandStats;

extern const vlCommand vlClientSubcommands[], vlConfigSubcommands[], vlCommandSubcommands[],
    vlObjectSubcommands[], vlMemorySubcommands[], vlSlowlogSubcommands[], vlLatencySubcommands[],
    vlPubsubSubcommands[];
extern const vlCommand vlConnCommands[], vlServerCommands[], vlKeyCommands[], vlStringCommands[],
    vlListCommands[], vlHashCommands[], vlSetCommands[], vlPubsubCommands[], vlDebugCommands[],
    vlMultiCommands[], vlSortCommands[];

/* A command by name, or a subcommand by "parent|sub"; NULL when there is none. */
const vlCommand *cmdLookup(vlServer *s, const char *name, size_t len);
/* A container's subcommand table ({0}-terminated), or NULL for a plain command. */
const vlCommand *cmdSubcommands(vlServer *s, const vlCommand *cmd);
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
/* rename-command (config files only): the command answers to `to` from now on, or to nothing
 * when `to` is "". */
int cmdRename(vlServer *s, const char *from, const char *to, char *err, size_t errlen);
/* Run the client's current argv through the admission checks and the command. Returns 1
 * when the command was consumed (run or rejected), 0 when it must wait (CLIENT PAUSE): the
 * caller keeps it in the query buffer and stops reading until the pause ends. */
int cmdProcess(vlClient *c);
/* EXEC's way to run one queued command (argv already in place): monitors see it, then it
 * runs timed like any other. No admission checks: those ran when it was queued. */
void cmdCallQueued(vlClient *c, const vlCommand *cmd, int idx);
/* Every command and subcommand, with its stats (containers and their subcommands both). */
void cmdForEach(vlServer *s, void (*fn)(void *ctx, const vlCommand *cmd, vlCommandStats *st),
                void *ctx);
size_t cmdCountTopLevel(vlServer *s); /* COMMAND COUNT: subcommands are not counted */

#endif
