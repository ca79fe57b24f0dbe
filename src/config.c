/* config.c - the configuration: one table of directives and everything that reads or writes
 * them (config file, `--name value` overrides, CONFIG GET/SET/REWRITE, DEBUG, defaults).
 *
 * The one decision: a directive is a row of data - name, alias, type, where its value lives
 * in vlConfigValues (offsetof, type-checked with _Generic), default, bounds, flags, and which
 * apply hook must run after it changes - and every path walks the same rows, so a directive
 * added to the table works everywhere at once. Values travel as text between "get" and "set":
 * a CONFIG SET that fails half way restores each touched directive from its printed old
 * value (the same text CONFIG GET shows), which also covers `dir` (the process's cwd) and the
 * listeners. Apply hooks run once per CONFIG SET after every value is in place, fallible ones
 * first (rebind before eviction), so a failed rebind is undone before anything irreversible.
 *
 * Rejected: one hand-written parse/print pair per directive (a long if-else chain that the
 * rewrite, GET and defaults each had to repeat), and a byte copy of the whole struct for
 * rollback (owned strings and the process-wide cwd make that wrong). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "config_int.h"
#include "defrag.h"
#include "loop.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

/* ------------------------------------------------------------------- enums */

static const cfgEnum enumLoglevel[] = {{"debug", LL_DEBUG},
                                       {"verbose", LL_VERBOSE},
                                       {"notice", LL_NOTICE},
                                       {"warning", LL_WARNING},
                                       {NULL, 0}};
static const cfgEnum enumPolicy[] = {{"noeviction", MAXMEMORY_NOEVICTION},
                                     {"allkeys-lru", MAXMEMORY_ALLKEYS_LRU},
                                     {"allkeys-random", MAXMEMORY_ALLKEYS_RANDOM},
                                     {"volatile-lru", MAXMEMORY_VOLATILE_LRU},
                                     {"volatile-ttl", MAXMEMORY_VOLATILE_TTL},
                                     {"volatile-random", MAXMEMORY_VOLATILE_RANDOM},
                                     {"allkeys-lfu", MAXMEMORY_ALLKEYS_LFU},
                                     {"volatile-lfu", MAXMEMORY_VOLATILE_LFU},
                                     {NULL, 0}};
static const cfgEnum enumProtected[] = {{"no", 0}, {"yes", 1}, {"local", 2}, {NULL, 0}};
static const cfgEnum enumFsync[] = {{"always", 0}, {"everysec", 1}, {"no", 2}, {NULL, 0}};
static const cfgEnum enumOomAdj[] = {
    {"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}, {NULL, 0}};

static const cfgEnum enumSupervised[] = {
    {"upstart", 0}, {"systemd", 1}, {"auto", 2}, {"no", 3}, {NULL, 0}};
static const cfgEnum enumSyslog[] = {{"user", 0},   {"local0", 1}, {"local1", 2}, {"local2", 3},
                                     {"local3", 4}, {"local4", 5}, {"local5", 6}, {"local6", 7},
                                     {"local7", 8}, {NULL, 0}};
static const cfgEnum enumDisklessLoad[] = {
    {"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}, {"flush-before-load", 3}, {NULL, 0}};
static const cfgEnum enumAclPubsub[] = {{"allchannels", 1}, {"resetchannels", 0}, {NULL, 0}};
static const cfgEnum enumSanitize[] = {{"no", 0}, {"yes", 1}, {"clients", 2}, {NULL, 0}};
static const cfgEnum enumEndpoint[] = {
    {"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}, {NULL, 0}};
static const cfgEnum enumPropagation[] = {
    {"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}, {NULL, 0}};
static const cfgEnum enumShutdownSig[] = {{"default", 0}, {"save", 1},  {"nosave", 2},
                                          {"now", 3},     {"force", 4}, {NULL, 0}};
static const cfgEnum enumLogFormat[] = {{"legacy", 0}, {"logfmt", 1}, {NULL, 0}};
static const cfgEnum enumLogTs[] = {{"legacy", 0}, {"iso8601", 1}, {"milliseconds", 2}, {NULL, 0}};
static const cfgEnum enumTlsAuth[] = {{"no", 0}, {"yes", 1}, {"optional", 2}, {NULL, 0}};

/* ------------------------------------------------------------------- checks and specials */

static int checkNoAppendonly(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(str);
    if (!num) return VL_OK;
    snprintf(err, errlen, "appendonly yes is not supported: valkey-lite keeps no data on disk");
    return VL_ERR;
}

static int checkNoCluster(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(str);
    if (!num) return VL_OK;
    snprintf(err, errlen, "cluster mode is not supported by valkey-lite");
    return VL_ERR;
}

static int checkDbfilename(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(num);
    if (str[0] == '\0' || strchr(str, '/')) {
        snprintf(err, errlen, "dbfilename can't be a path, just a filename");
        return VL_ERR;
    }
    return VL_OK;
}

/* Redis refuses a log file it cannot open at load time rather than logging nowhere. A relative
 * one is relative to `dir`, which may come later in the file: serverStart checks that one. */
static int checkLogfile(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(num);
    if (str[0] != '/') return VL_OK;
    /* can it be written, without creating it yet (a config that fails later on another line
     * must not leave a file behind): the file if it exists, else its directory */
    int ok;
    if (access(str, F_OK) == 0) {
        ok = access(str, W_OK) == 0;
    } else {
        char *dir = vlStrdup(str);
        char *slash = strrchr(dir, '/');
        slash[slash == dir ? 1 : 0] = '\0';
        ok = errno == ENOENT && access(dir, W_OK | X_OK) == 0;
        vlFree(dir);
    }
    if (!ok) {
        snprintf(err, errlen, "Can't open the log file: %s", strerror(errno));
        return VL_ERR;
    }
    return VL_OK;
}

/* Inert directives that ask for what this server cannot do are refused, with a reason. */
static int checkNoReplica(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(num);
    if (str[0] == '\0' || !strcasecmp(str, "no one")) return VL_OK;
    const char *port = strchr(str, ' ');
    long long p;
    if (!port || strchr(port + 1, ' ')) {
        snprintf(err, errlen, "wrong number of arguments");
        return VL_ERR;
    }
    if (!utilStrToLL(port + 1, strlen(port + 1), &p) || p < 0 || p > 65535) {
        snprintf(err, errlen, "Invalid primary port");
        return VL_ERR;
    }
    snprintf(err, errlen, "replication is not supported by this server");
    return VL_ERR;
}

/* oom-score-adj-values: three integers in [-2000, 2000], as Valkey checks them (stored only). */
static int checkOomValues(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(num);
    int n = 0;
    const char *p = str;
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        long long v;
        if (!utilStrToLL(p, len, &v) || v < -2000 || v > 2000) {
            snprintf(err, errlen,
                     "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            return VL_ERR;
        }
        n++;
        p += len + (sp ? 1 : 0);
    }
    if (n != 3) {
        snprintf(err, errlen, "wrong number of arguments");
        return VL_ERR;
    }
    return VL_OK;
}

static int checkNoTls(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(str);
    if (num == 0) return VL_OK;
    snprintf(err, errlen, "TLS is not supported by this server");
    return VL_ERR;
}

static int checkNoModule(long long num, const char *str, char *err, size_t errlen) {
    VL_UNUSED(num);
    if (str[0] == '\0') return VL_OK;
    snprintf(err, errlen, "modules are not supported by this server");
    return VL_ERR;
}

static int oneEmpty(int argc, char **argv) {
    return argc == 0 || (argc == 1 && argv[0][0] == '\0');
}

static void specialFreeStr(vlConfigValues *cv, const cfgDef *d) {
    char **p = (char **)CV_PTR(cv, d);
    vlFree(*p);
    *p = NULL;
}

/* A bind address is an IPv4 or IPv6 literal (an IPv6 one may name its zone, fe80::1%eth0),
 * '*' or '::*', with an optional leading '-'. Nothing else: the value reaches CONFIG GET, the
 * log and the rewritten file, so a "bind" holding a newline and another directive was a way
 * to write arbitrary config lines (issue 13). */
static int bindAddrValid(const char *a) {
    if (a[0] == '-') a++;
    if (!strcmp(a, "*") || !strcmp(a, "::*")) return 1;
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, a, buf) == 1) return 1;
    char host[INET6_ADDRSTRLEN + 1];
    size_t n = strcspn(a, "%");
    if (n == 0 || n >= sizeof(host)) return 0;
    memcpy(host, a, n);
    host[n] = '\0';
    if (inet_pton(AF_INET6, host, buf) != 1) return 0;
    for (const char *z = a + n + (a[n] == '%'); *z; z++) /* zone: an interface name */
        if (!((*z >= 'a' && *z <= 'z') || (*z >= 'A' && *z <= 'Z') || (*z >= '0' && *z <= '9') ||
              *z == '.' || *z == '_' || *z == '-'))
            return 0;
    return a[n] != '%' || a[n + 1] != '\0';
}

/* bind: a list of addresses; a leading '-' (kept in the stored text) marks one optional. */
static int bindSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                   size_t errlen) {
    VL_UNUSED(d);
    if (oneEmpty(argc, argv)) argc = 0;
    if (argc > VL_MAX_BIND) {
        snprintf(err, errlen, "Too many bind addresses specified.");
        return VL_ERR;
    }
    for (int i = 0; i < argc; i++) {
        if (!bindAddrValid(argv[i])) {
            snprintf(err, errlen, "Failed to bind to specified addresses.");
            return VL_ERR;
        }
    }
    for (int i = 0; i < cv->nbind; i++) vlFree(cv->bind[i]);
    for (int i = 0; i < argc; i++) cv->bind[i] = vlStrdup(argv[i]);
    for (int i = argc; i < VL_MAX_BIND; i++) cv->bind[i] = NULL;
    cv->nbind = argc;
    return VL_OK;
}

static void bindGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    VL_UNUSED(d);
    for (int i = 0; i < cv->nbind; i++) {
        if (i) vstrCat(out, " ", 1);
        vstrCatStr(out, cv->bind[i]);
    }
}

static void bindFree(vlConfigValues *cv, const cfgDef *d) {
    VL_UNUSED(d);
    for (int i = 0; i < cv->nbind; i++) {
        vlFree(cv->bind[i]);
        cv->bind[i] = NULL;
    }
    cv->nbind = 0;
}

static int permSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                   size_t errlen) {
    VL_UNUSED(d);
    char *end;
    errno = 0;
    long v = argc == 1 ? strtol(argv[0], &end, 8) : -1;
    if (argc != 1 || errno || argv[0][0] == '\0' || *end || v < 0 || v > 07777) {
        snprintf(err, errlen, "Invalid socket file permissions");
        return VL_ERR;
    }
    cv->unixsocketperm = (int)v;
    return VL_OK;
}

static void permGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    VL_UNUSED(d);
    vstrCatFmt(out, "%o", (unsigned)cv->unixsocketperm);
}

/* dir: stored as an absolute path; nothing changes the process's working directory (a
 * library must not move its host's cwd, and two servers in one process each have their own
 * dir). Every relative path the server opens (logfile, unixsocket, pidfile) is resolved
 * against it when used (serverResolvePath), which is what Redis's chdir amounted to. */
static int dirSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                  size_t errlen) {
    VL_UNUSED(d);
    struct stat st;
    if (argc != 1 || argv[0][0] == '\0') {
        snprintf(err, errlen, "empty dir");
        return VL_ERR;
    }
    char *abs = realpath(argv[0], NULL);
    int e = 0;
    if (!abs || stat(abs, &st) != 0)
        e = errno;
    else if (!S_ISDIR(st.st_mode))
        e = ENOTDIR;
    else if (access(abs, X_OK) != 0)
        e = errno;
    if (e) {
        snprintf(err, errlen, "%s", strerror(e));
        free(abs);
        return VL_ERR;
    }
    vlFree(cv->dir);
    cv->dir = vlStrdup(abs);
    free(abs);
    return VL_OK;
}

static void strGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    const char *v = *(char *const *)CV_CPTR(cv, d);
    if (v) vstrCatStr(out, v);
}

/* save: pairs of "seconds changes", or "" for none. Stored for CONFIG GET only. */
static int saveSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                   size_t errlen) {
    VL_UNUSED(d);
    if (oneEmpty(argc, argv)) argc = 0;
    long long n;
    if (argc % 2) {
        snprintf(err, errlen, "Invalid save parameters");
        return VL_ERR;
    }
    for (int i = 0; i < argc; i++) {
        if (!utilStrToLL(argv[i], strlen(argv[i]), &n) || n < (i % 2 ? 0 : 1)) {
            snprintf(err, errlen, "Invalid save parameters");
            return VL_ERR;
        }
    }
    vstr *v = vstrNew("", 0);
    for (int i = 0; i < argc; i++) {
        if (i) vstrCat(&v, " ", 1);
        vstrCatStr(&v, argv[i]);
    }
    vlFree(cv->save);
    cv->save = vlStrdup(v->buf);
    vstrFree(v);
    return VL_OK;
}

static int notifySet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                     size_t errlen) {
    VL_UNUSED(d);
    int flags = 0;
    if (argc != 1 || (argv[0][0] && notifyFlagsFromString(argv[0], &flags) != VL_OK)) {
        snprintf(err, errlen, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        return VL_ERR;
    }
    cv->notify_keyspace_events = flags;
    return VL_OK;
}

static void notifyGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    VL_UNUSED(d);
    char buf[64] = "";
    if (cv->notify_keyspace_events)
        notifyFlagsToString(cv->notify_keyspace_events, buf, sizeof buf);
    vstrCatStr(out, buf);
}

/* client-output-buffer-limit: triples "class hard soft seconds"; each names one class and
 * leaves the others alone. All triples are checked before any is stored. */
static const struct {
    const char *name;
    int cls;
} obufClasses[] = {{"normal", CLIENT_CLASS_NORMAL},
                   {"slave", CLIENT_CLASS_REPLICA}, /* first: the name GET prints */
                   {"replica", CLIENT_CLASS_REPLICA},
                   {"pubsub", CLIENT_CLASS_PUBSUB}};

static int obufSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                   size_t errlen) {
    VL_UNUSED(d);
    vlObufLimit next[CLIENT_CLASS_COUNT];
    memcpy(next, cv->obuf_limits, sizeof next);
    if (argc == 0 || argc % 4) {
        snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
        return VL_ERR;
    }
    for (int i = 0; i < argc; i += 4) {
        int cls = -1;
        for (size_t k = 0; k < sizeof(obufClasses) / sizeof(obufClasses[0]); k++)
            if (!strcasecmp(argv[i], obufClasses[k].name)) cls = obufClasses[k].cls;
        if (cls < 0) {
            snprintf(err, errlen, "Invalid client class specified in buffer limit configuration.");
            return VL_ERR;
        }
        long long hard, soft, secs;
        if (!utilParseMemory(argv[i + 1], &hard) || !utilParseMemory(argv[i + 2], &soft) ||
            !utilStrToLL(argv[i + 3], strlen(argv[i + 3]), &secs) || hard < 0 || soft < 0 ||
            secs < 0) {
            snprintf(err, errlen,
                     "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            return VL_ERR;
        }
        next[cls].hard = (unsigned long long)hard;
        next[cls].soft = (unsigned long long)soft;
        next[cls].soft_seconds = secs;
    }
    memcpy(cv->obuf_limits, next, sizeof next);
    return VL_OK;
}

static void obufGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    VL_UNUSED(d);
    static const int order[] = {CLIENT_CLASS_NORMAL, CLIENT_CLASS_REPLICA, CLIENT_CLASS_PUBSUB};
    static const char *const names[] = {"normal", "slave", "pubsub"};
    for (int i = 0; i < 3; i++) {
        const vlObufLimit *l = &cv->obuf_limits[order[i]];
        vstrCatFmt(out, "%s%s %llu %llu %lld", i ? " " : "", names[i], l->hard, l->soft,
                   l->soft_seconds);
    }
}

/* latency-tracking-info-percentiles: up to VL_LAT_PCT_MAX numbers in [0, 100]; shown as
 * Redis shows them ("%f", trailing zeros cut: "0.0 99.90" reads back "0 99.9"). */
static int latPctSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                     size_t errlen) {
    VL_UNUSED(d);
    if (oneEmpty(argc, argv)) argc = 0;
    double v[VL_LAT_PCT_MAX];
    if (argc > VL_LAT_PCT_MAX) {
        snprintf(err, errlen, "Too many percentiles (at most %d)", VL_LAT_PCT_MAX);
        return VL_ERR;
    }
    for (int i = 0; i < argc; i++) {
        if (!utilStrToD(argv[i], strlen(argv[i]), &v[i]) || v[i] < 0 || v[i] > 100) {
            snprintf(err, errlen, "Invalid latency-tracking-info-percentiles parameters");
            return VL_ERR;
        }
    }
    memcpy(cv->lat_pct, v, (size_t)argc * sizeof(double));
    cv->lat_npct = argc;
    return VL_OK;
}

void configFormatPercentile(double p, char *buf, size_t len) {
    int n = snprintf(buf, len, "%f", p);
    if (n <= 0 || (size_t)n >= len || !strchr(buf, '.')) return;
    while (n > 0 && buf[n - 1] == '0') buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.') buf[--n] = '\0';
}

static void latPctGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    VL_UNUSED(d);
    for (int i = 0; i < cv->lat_npct; i++) {
        char buf[64];
        configFormatPercentile(cv->lat_pct[i], buf, sizeof buf);
        vstrCatFmt(out, "%s%s", i ? " " : "", buf);
    }
}

/* maxmemory-clients: a memory value, or a percentage of maxmemory ("10%", 0-100), kept as
 * its negative (Redis's encoding) and shown back as written. 0 turns client eviction off. */
static int maxmemClientsSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err,
                            size_t errlen) {
    VL_UNUSED(d);
    long long v;
    size_t len = argc == 1 ? strlen(argv[0]) : 0;
    if (len > 1 && argv[0][len - 1] == '%') {
        if (!utilStrToLL(argv[0], len - 1, &v) || v < 0) {
            snprintf(err, errlen, "argument must be a memory or percent value");
            return VL_ERR;
        }
        if (v > 100) {
            snprintf(err, errlen, "percentage argument must be less or equal to 100");
            return VL_ERR;
        }
        v = -v;
    } else if (argc != 1 || !utilParseMemory(argv[0], &v) || v < 0) {
        snprintf(err, errlen, "argument must be a memory or percent value");
        return VL_ERR;
    }
    cv->maxmemory_clients = v;
    return VL_OK;
}

static void maxmemClientsGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    VL_UNUSED(d);
    long long v = cv->maxmemory_clients;
    if (v < 0)
        vstrCatFmt(out, "%lld%%", -v);
    else
        vstrCatFmt(out, "%lld", v);
}

/* The specials' "split" text arrives as argc/argv; see cfgSetText for CONFIG SET values. */
static const cfgSpecial spBind = {bindSet, bindGet, bindFree};
static const cfgSpecial spPerm = {permSet, permGet, NULL};
static const cfgSpecial spDir = {dirSet, strGet, specialFreeStr};
static const cfgSpecial spSave = {saveSet, strGet, specialFreeStr};
static const cfgSpecial spNotify = {notifySet, notifyGet, NULL};
static const cfgSpecial spObuf = {obufSet, obufGet, NULL};
static const cfgSpecial spLatPct = {latPctSet, latPctGet, NULL};
static const cfgSpecial spMaxmemClients = {maxmemClientsSet, maxmemClientsGet, NULL};

/* ------------------------------------------------------------------- the table */

const cfgDef cfgTable[] = {
    /* network */
    SPECIAL("bind", NULL, CF_MULTIARG, offsetof(vlConfigValues, bind), "* -::*", spBind,
            HOOK_LISTEN),
    INT("port", NULL, 0, port, 6379, 0, 65535, HOOK_LISTEN),
    INT("tcp-backlog", NULL, CF_IMMUTABLE, tcp_backlog, 511, 0, INT_MAX, HOOK_NONE),
    STR("unixsocket", NULL, CF_IMMUTABLE | CF_EMPTY_NULL, unixsocket, "", NULL),
    SPECIAL("unixsocketperm", NULL, CF_IMMUTABLE, OFF_INT(unixsocketperm), "0", spPerm, HOOK_NONE),
    INT("timeout", NULL, 0, timeout, 0, 0, INT_MAX, HOOK_NONE),
    INT("tcp-keepalive", NULL, 0, tcp_keepalive, 300, 0, INT_MAX, HOOK_NONE),
    INT("maxclients", NULL, 0, maxclients, 10000, 1, INT_MAX, HOOK_MAXCLIENTS),
    BOOL("protected-mode", NULL, 0, protected_mode, 1, NULL),
    STR_HOOK("requirepass", NULL, CF_EMPTY_NULL, requirepass, "", HOOK_REQUIREPASS),
    /* Redis 7's defaults: DEBUG and the file-placing configs are off for clients */
    ENUM("enable-debug-command", NULL, CF_IMMUTABLE, enable_debug_cmd, 0, enumProtected),
    ENUM("enable-protected-configs", NULL, CF_IMMUTABLE, enable_protected_cfgs, 0, enumProtected),
    /* general */
    INT("hz", NULL, 0, hz, 10, 1, 500, HOOK_HZ),
    BOOL("dynamic-hz", NULL, 0, dynamic_hz, 1, NULL),
    INT("databases", NULL, CF_IMMUTABLE, databases, 16, 1, INT_MAX, HOOK_NONE),
    ENUM("loglevel", NULL, 0, loglevel, LL_NOTICE, enumLoglevel),
    STR("logfile", NULL, CF_IMMUTABLE, logfile, "", checkLogfile),
    STR("pidfile", NULL, CF_IMMUTABLE | CF_EMPTY_NULL, pidfile, "", NULL),
    SPECIAL("dir", NULL, CF_ALWAYS_REWRITE | CF_PROTECTED, OFF_STR(dir), ".", spDir, HOOK_NONE),
    BOOL("daemonize", NULL, CF_IMMUTABLE, daemonize, 0, NULL),
    BOOL("syslog-enabled", NULL, CF_IMMUTABLE, syslog_enabled, 0, NULL),
    BOOL("always-show-logo", NULL, CF_IMMUTABLE, always_show_logo, 0, NULL),
    BOOL("set-proc-title", NULL, CF_IMMUTABLE, set_proc_title, 1, NULL),
    BOOL("crash-log-enabled", NULL, 0, crash_log_enabled, 1, NULL),
    /* limits */
    MEM("proto-max-bulk-len", NULL, 0, proto_max_bulk_len, 512 * MB, MB, LLONG_MAX, HOOK_NONE),
    MEM("client-query-buffer-limit", NULL, 0, client_query_buffer_limit, GB, MB, LLONG_MAX,
        HOOK_NONE),
    SPECIAL("client-output-buffer-limit", NULL, CF_MULTIARG, offsetof(vlConfigValues, obuf_limits),
            "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60", spObuf, HOOK_NONE),
    /* memory */
    MEM("maxmemory", NULL, 0, maxmemory, 0, 0, LLONG_MAX, HOOK_MAXMEMORY),
    SPECIAL("maxmemory-clients", NULL, 0, offsetof(vlConfigValues, maxmemory_clients), "0",
            spMaxmemClients, HOOK_NONE),
    ENUM("maxmemory-policy", NULL, 0, maxmemory_policy, MAXMEMORY_NOEVICTION, enumPolicy),
    INT("maxmemory-samples", NULL, 0, maxmemory_samples, 5, 1, 64, HOOK_NONE),
    BOOL("lazyfree-lazy-eviction", NULL, 0, lazyfree_lazy_eviction, 0, NULL),
    BOOL("lazyfree-lazy-expire", NULL, 0, lazyfree_lazy_expire, 0, NULL),
    BOOL("lazyfree-lazy-server-del", NULL, 0, lazyfree_lazy_server_del, 0, NULL),
    BOOL("lazyfree-lazy-user-del", NULL, 0, lazyfree_lazy_user_del, 0, NULL),
    BOOL("lazyfree-lazy-user-flush", NULL, 0, lazyfree_lazy_user_flush, 0, NULL),
    INT("active-expire-effort", NULL, 0, active_expire_effort, 1, 1, 10, HOOK_NONE),
    /* data structures */
    INT("list-max-listpack-size", "list-max-ziplist-size", 0, list_max_listpack_size, -2, INT_MIN,
        INT_MAX, HOOK_NONE),
    INT("list-compress-depth", NULL, 0, list_compress_depth, 0, 0, INT_MAX, HOOK_NONE),
    LL("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, hash_max_listpack_entries, 128,
       0, LLONG_MAX),
    MEM("hash-max-listpack-value", "hash-max-ziplist-value", 0, hash_max_listpack_value, 64, 0,
        LLONG_MAX, HOOK_NONE),
    LL("set-max-intset-entries", NULL, 0, set_max_intset_entries, 512, 0, LLONG_MAX),
    LL("set-max-listpack-entries", NULL, 0, set_max_listpack_entries, 128, 0, LLONG_MAX),
    MEM("set-max-listpack-value", NULL, 0, set_max_listpack_value, 64, 0, LLONG_MAX, HOOK_NONE),
    LL("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, zset_max_listpack_entries, 128,
       0, LLONG_MAX),
    MEM("zset-max-listpack-value", "zset-max-ziplist-value", 0, zset_max_listpack_value, 64, 0,
        LLONG_MAX, HOOK_NONE),
    BOOL("activerehashing", NULL, 0, activerehashing, 1, NULL),
    /* pub/sub */
    SPECIAL("notify-keyspace-events", NULL, 0, OFF_INT(notify_keyspace_events), "", spNotify,
            HOOK_NONE),
    /* active defrag */
    BOOL_HOOK("activedefrag", NULL, 0, activedefrag, 0, HOOK_DEFRAG),
    MEM("active-defrag-ignore-bytes", NULL, 0, active_defrag_ignore_bytes, 100 * MB, 1, LLONG_MAX,
        HOOK_DEFRAG),
    INT("active-defrag-threshold-lower", NULL, 0, active_defrag_threshold_lower, 10, 0, 1000,
        HOOK_DEFRAG),
    INT("active-defrag-threshold-upper", NULL, 0, active_defrag_threshold_upper, 100, 0, 1000,
        HOOK_DEFRAG),
    INT("active-defrag-cycle-min", NULL, 0, active_defrag_cycle_min, 1, 1, 99, HOOK_DEFRAG),
    INT("active-defrag-cycle-max", NULL, 0, active_defrag_cycle_max, 25, 1, 99, HOOK_DEFRAG),
    LL("active-defrag-max-scan-fields", NULL, 0, active_defrag_max_scan_fields, 1000, 1, LLONG_MAX),
    INT("active-defrag-cycle-us", NULL, 0, active_defrag_cycle_us, 500, 1, 100000, HOOK_NONE),
    BOOL_HOOK("active-defrag-force-all", NULL, 0, active_defrag_force_all, 0, HOOK_DEFRAG),
    /* observability */
    LL("slowlog-log-slower-than", NULL, 0, slowlog_log_slower_than, 10000, -1, LLONG_MAX),
    LL("slowlog-max-len", NULL, 0, slowlog_max_len, 128, 0, LLONG_MAX),
    LL("latency-monitor-threshold", NULL, 0, latency_monitor_threshold, 0, 0, LLONG_MAX),
    /* persistence: accepted for compatibility, nothing is ever written to disk */
    SPECIAL("save", NULL, CF_MULTIARG, OFF_STR(save), "3600 1 300 100 60 10000", spSave, HOOK_NONE),
    BOOL("appendonly", NULL, 0, appendonly, 0, checkNoAppendonly),
    STR("dbfilename", NULL, CF_PROTECTED, dbfilename, "dump.rdb", checkDbfilename),
    /* accepted for compatibility with clients and tools; no behaviour behind them */
    ENUM("appendfsync", NULL, 0, appendfsync, 1, enumFsync),
    BOOL("replica-read-only", "slave-read-only", 0, replica_read_only, 1, NULL),
    BOOL("replica-serve-stale-data", "slave-serve-stale-data", 0, replica_serve_stale_data, 1,
         NULL),
    INT("replica-priority", "slave-priority", 0, replica_priority, 100, 0, INT_MAX, HOOK_NONE),
    BOOL("replica-lazy-flush", "slave-lazy-flush", 0, replica_lazy_flush, 0, NULL),
    BOOL("repl-diskless-sync", NULL, 0, repl_diskless_sync, 1, NULL),
    LL("busy-reply-threshold", "lua-time-limit", 0, busy_reply_threshold, 5000, 0, LLONG_MAX),
    INT("io-threads", NULL, CF_IMMUTABLE, io_threads, 1, 1, 128, HOOK_NONE),
    BOOL("cluster-enabled", NULL, CF_IMMUTABLE, cluster_enabled, 0, checkNoCluster),
    ENUM("oom-score-adj", NULL, 0, oom_score_adj, 0, enumOomAdj),
    INT("lfu-log-factor", NULL, 0, lfu_log_factor, 10, 0, INT_MAX, HOOK_NONE),
    INT("lfu-decay-time", NULL, 0, lfu_decay_time, 1, 0, INT_MAX, HOOK_NONE),
    BOOL("stop-writes-on-bgsave-error", NULL, 0, stop_writes_on_bgsave_error, 1, NULL),
    BOOL("rdbcompression", NULL, 0, rdbcompression, 1, NULL),
    BOOL("rdbchecksum", NULL, 0, rdbchecksum, 1, NULL),
    BOOL_HOOK("jemalloc-bg-thread", NULL, 0, jemalloc_bg_thread, 1, HOOK_BGTHREAD),
    BOOL("latency-tracking", NULL, 0, latency_tracking, 1, NULL),
    SPECIAL("latency-tracking-info-percentiles", NULL, CF_MULTIARG,
            offsetof(vlConfigValues, lat_pct), "50 99 99.9", spLatPct, HOOK_NONE),

    /* Accepted for compatibility with Valkey 8's and Redis 7's configuration files, checked
     * as they check them, stored for CONFIG GET and REWRITE, with no effect here (replication,
     * cluster, TLS, AOF and RDB tuning, ...). The startup log names the ones a configuration
     * sets. A value that asks for what this server cannot do is refused: a replicaof other
     * than "no one", a tls-port, a module. */
    INERT_BOOL("rdb-del-sync-files", NULL, 0, 0, "no"),
    INERT_BOOL("repl-disable-tcp-nodelay", NULL, 0, 1, "no"),
    INERT_BOOL("dual-channel-replication-enabled", NULL, 0, 2, "no"),
    INERT_BOOL("aof-rewrite-incremental-fsync", NULL, 0, 3, "yes"),
    INERT_BOOL("no-appendfsync-on-rewrite", NULL, 0, 4, "no"),
    INERT_BOOL("cluster-require-full-coverage", NULL, 0, 5, "yes"),
    INERT_BOOL("rdb-save-incremental-fsync", NULL, 0, 6, "yes"),
    INERT_BOOL("aof-load-truncated", NULL, 0, 7, "yes"),
    INERT_BOOL("aof-use-rdb-preamble", NULL, 0, 8, "yes"),
    INERT_BOOL("aof-timestamp-enabled", NULL, 0, 9, "no"),
    INERT_BOOL("cluster-replica-no-failover", "cluster-slave-no-failover", 0, 10, "no"),
    INERT_BOOL("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, 11, "yes"),
    INERT_BOOL("cluster-allow-reads-when-down", NULL, 0, 12, "no"),
    INERT_BOOL("cluster-allow-pubsubshard-when-down", NULL, 0, 13, "yes"),
    INERT_BOOL("crash-memcheck-enabled", NULL, 0, 14, "yes"),
    INERT_BOOL("use-exit-on-panic", NULL, CF_HIDDEN, 15, "no"),
    INERT_BOOL("disable-thp", NULL, CF_IMMUTABLE, 16, "yes"),
    INERT_BOOL("cluster-allow-replica-migration", NULL, 0, 17, "yes"),
    INERT_BOOL("replica-announced", NULL, 0, 18, "yes"),
    INERT_BOOL("aof-disable-auto-gc", NULL, CF_HIDDEN, 20, "no"),
    INERT_BOOL("replica-ignore-disk-write-errors", NULL, 0, 21, "no"),
    INERT_BOOL("extended-redis-compatibility", NULL, 0, 22, "no"),
    INERT_BOOL("enable-debug-assert", NULL, CF_IMMUTABLE | CF_HIDDEN, 23, "no"),
    INERT_BOOL("cluster-slot-stats-enabled", NULL, 0, 24, "no"),
    INERT_BOOL("hide-user-data-from-log", NULL, 0, 25, "yes"),
    INERT_STR("aclfile", NULL, CF_IMMUTABLE, 26, ""),
    INERT_STR("unixsocketgroup", NULL, CF_IMMUTABLE, 27, ""),
    INERT_STR("replica-announce-ip", "slave-announce-ip", 0, 28, ""),
    INERT_STR("primaryuser", "masteruser", 0, 29, ""),
    INERT_STR("cluster-announce-ip", NULL, 0, 30, ""),
    INERT_STR("cluster-announce-client-ipv4", NULL, 0, 31, ""),
    INERT_STR("cluster-announce-client-ipv6", NULL, 0, 32, ""),
    INERT_STR("cluster-config-file", NULL, CF_IMMUTABLE, 33, "nodes.conf"),
    INERT_STR("cluster-announce-hostname", NULL, 0, 34, ""),
    INERT_STR("cluster-announce-human-nodename", NULL, 0, 35, ""),
    INERT_STR("syslog-ident", NULL, CF_IMMUTABLE, 36, "valkey"),
    INERT_STR("appendfilename", NULL, CF_IMMUTABLE, 37, "appendonly.aof"),
    INERT_STR("appenddirname", NULL, CF_IMMUTABLE, 38, "appendonlydir"),
    INERT_STR("server-cpulist", "server_cpulist", CF_IMMUTABLE, 39, ""),
    INERT_STR("bio-cpulist", "bio_cpulist", CF_IMMUTABLE, 40, ""),
    INERT_STR("aof-rewrite-cpulist", "aof_rewrite_cpulist", CF_IMMUTABLE, 41, ""),
    INERT_STR("bgsave-cpulist", "bgsave_cpulist", CF_IMMUTABLE, 42, ""),
    INERT_STR("ignore-warnings", NULL, 0, 43, ""),
    INERT_STR("proc-title-template", NULL, 0, 44, "{title} {listen-addr} {server-mode}"),
    INERT_STR("bind-source-addr", NULL, 0, 45, ""),
    INERT_STR("req-res-logfile", NULL, CF_IMMUTABLE | CF_HIDDEN, 46, ""),
    INERT_STR("locale-collate", NULL, 0, 47, ""),
    INERT_STR("debug-context", NULL, CF_HIDDEN, 48, ""),
    INERT_STR("primaryauth", "masterauth", 0, 49, ""),
    INERT_STR("availability-zone", NULL, 0, 50, ""),
    INERT_ENUM("supervised", NULL, CF_IMMUTABLE, 51, "no", enumSupervised),
    INERT_ENUM("syslog-facility", NULL, CF_IMMUTABLE, 52, "local0", enumSyslog),
    INERT_ENUM("repl-diskless-load", NULL, 0, 53, "disabled", enumDisklessLoad),
    INERT_ENUM("acl-pubsub-default", NULL, 0, 54, "resetchannels", enumAclPubsub),
    INERT_ENUM("sanitize-dump-payload", NULL, 0, 55, "no", enumSanitize),
    INERT_ENUM("enable-module-command", NULL, CF_IMMUTABLE, 56, "no", enumProtected),
    INERT_ENUM("cluster-preferred-endpoint-type", NULL, 0, 57, "ip", enumEndpoint),
    INERT_ENUM("propagation-error-behavior", NULL, 0, 58, "ignore", enumPropagation),
    INERT_ENUM("shutdown-on-sigint", NULL, CF_MULTIARG, 59, "default", enumShutdownSig),
    INERT_ENUM("shutdown-on-sigterm", NULL, CF_MULTIARG, 60, "default", enumShutdownSig),
    INERT_ENUM("log-format", NULL, 0, 61, "legacy", enumLogFormat),
    INERT_ENUM("log-timestamp-format", NULL, 0, 62, "legacy", enumLogTs),
    INERT_NUM("events-per-io-thread", NULL, 0, 63, "2", 0, INT_MAX),
    INERT_NUM("prefetch-batch-max-size", NULL, 0, 64, "16", 0, 128),
    INERT_NUM("auto-aof-rewrite-percentage", NULL, 0, 65, "100", 0, INT_MAX),
    INERT_NUM("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 66, "10", 0,
              INT_MAX),
    INERT_NUM("cluster-migration-barrier", NULL, 0, 67, "1", 0, INT_MAX),
    INERT_NUM("repl-diskless-sync-delay", NULL, 0, 68, "5", 0, INT_MAX),
    INERT_NUM("maxmemory-eviction-tenacity", NULL, 0, 69, "10", 0, 100),
    INERT_NUM("replica-announce-port", "slave-announce-port", 0, 70, "0", 0, 65535),
    INERT_NUM("cluster-port", NULL, CF_IMMUTABLE, 71, "0", 0, 65535),
    INERT_NUM("cluster-announce-bus-port", NULL, 0, 72, "0", 0, 65535),
    INERT_NUM("cluster-announce-port", NULL, 0, 73, "0", 0, 65535),
    INERT_NUM("cluster-announce-tls-port", NULL, 0, 74, "0", 0, 65535),
    INERT_NUM("repl-timeout", NULL, 0, 75, "60", 1, INT_MAX),
    INERT_NUM("repl-ping-replica-period", "repl-ping-slave-period", 0, 76, "10", 1, INT_MAX),
    INERT_NUM("rdb-key-save-delay", NULL, CF_HIDDEN, 77, "0", INT_MIN, INT_MAX),
    INERT_NUM("key-load-delay", NULL, CF_HIDDEN, 78, "0", INT_MIN, INT_MAX),
    INERT_NUM("min-replicas-to-write", "min-slaves-to-write", 0, 79, "0", 0, INT_MAX),
    INERT_NUM("min-replicas-max-lag", "min-slaves-max-lag", 0, 80, "10", 0, INT_MAX),
    INERT_NUM("watchdog-period", NULL, CF_HIDDEN, 81, "0", 0, INT_MAX),
    INERT_NUM("shutdown-timeout", NULL, 0, 82, "10", 0, INT_MAX),
    INERT_NUM("repl-diskless-sync-max-replicas", NULL, 0, 83, "0", 0, INT_MAX),
    INERT_NUM("socket-mark-id", NULL, CF_IMMUTABLE, 84, "0", 0, UINT_MAX),
    INERT_NUM("max-new-connections-per-cycle", NULL, 0, 85, "10", 1, 1000),
    INERT_NUM("max-new-tls-connections-per-cycle", NULL, 0, 86, "1", 1, 1000),
    INERT_NUM("client-default-resp", NULL, CF_IMMUTABLE | CF_HIDDEN, 87, "2", 2, 3),
    INERT_NUM("acllog-max-len", NULL, 0, 88, "128", 0, LONG_MAX),
    INERT_NUM("cluster-blacklist-ttl", NULL, 0, 89, "60", 0, LLONG_MAX),
    INERT_NUM("cluster-node-timeout", NULL, 0, 90, "15000", 0, LLONG_MAX),
    INERT_NUM("cluster-ping-interval", NULL, CF_HIDDEN, 91, "0", 0, LLONG_MAX),
    INERT_NUM("stream-node-max-entries", NULL, 0, 92, "100", 0, LLONG_MAX),
    INERT_MEM("repl-backlog-size", NULL, 0, 93, "10485760", 1, LLONG_MAX),
    INERT_MEM("cluster-link-sendbuf-limit", NULL, 0, 94, "0", 0, LLONG_MAX),
    INERT_MEM("stream-node-max-bytes", NULL, 0, 95, "4096", 0, LONG_MAX),
    INERT_MEM("hll-sparse-max-bytes", NULL, 0, 96, "3000", 0, LONG_MAX),
    INERT_NUM("tracking-table-max-keys", NULL, 0, 97, "1000000", 0, LONG_MAX),
    INERT_NUM("repl-backlog-ttl", NULL, 0, 99, "3600", 0, LONG_MAX),
    INERT_MEM("auto-aof-rewrite-min-size", NULL, 0, 100, "67108864", 0, LLONG_MAX),
    INERT_NUM("loading-process-events-interval-bytes", NULL, CF_HIDDEN, 101, "2097152", 1024,
              INT_MAX),
    INERT_CHECKED("tls-port", NULL, 0, 102, CT_LL, "0", 0, 65535, checkNoTls),
    INERT_NUM("tls-session-cache-size", NULL, 0, 103, "20480", 0, INT_MAX),
    INERT_NUM("tls-session-cache-timeout", NULL, 0, 104, "300", 0, INT_MAX),
    INERT_BOOL("tls-cluster", NULL, 0, 105, "no"),
    INERT_BOOL("tls-replication", NULL, 0, 106, "no"),
    INERT_ENUM("tls-auth-clients", NULL, 0, 107, "yes", enumTlsAuth),
    INERT_BOOL("tls-prefer-server-ciphers", NULL, 0, 108, "no"),
    INERT_BOOL("tls-session-caching", NULL, 0, 109, "yes"),
    INERT_STR("tls-cert-file", NULL, 0, 110, ""),
    INERT_STR("tls-key-file", NULL, 0, 111, ""),
    INERT_STR("tls-key-file-pass", NULL, 0, 112, ""),
    INERT_STR("tls-client-cert-file", NULL, 0, 113, ""),
    INERT_STR("tls-client-key-file", NULL, 0, 114, ""),
    INERT_STR("tls-client-key-file-pass", NULL, 0, 115, ""),
    INERT_STR("tls-dh-params-file", NULL, 0, 116, ""),
    INERT_STR("tls-ca-cert-file", NULL, 0, 117, ""),
    INERT_STR("tls-ca-cert-dir", NULL, 0, 118, ""),
    INERT_STR("tls-protocols", NULL, 0, 119, ""),
    INERT_STR("tls-ciphers", NULL, 0, 120, ""),
    INERT_STR("tls-ciphersuites", NULL, 0, 121, ""),
    INERT_CHECKED("oom-score-adj-values", NULL, CF_MULTIARG, 122, CT_LIST, "0 200 800", 0, 0,
                  checkOomValues),
    INERT_CHECKED("replicaof", "slaveof", CF_MULTIARG | CF_IMMUTABLE, 123, CT_LIST, "", 0, 0,
                  checkNoReplica),
    INERT_BOOL("io-threads-do-reads", NULL, 0, 125, "no"), /* Redis 7.0 */
    /* Valkey's and Redis's way of loading a module at start: there are no modules here */
    INERT_CHECKED("loadmodule", NULL, CF_MULTIARG | CF_IMMUTABLE | CF_HIDDEN, 126, CT_LIST, "", 0,
                  0, checkNoModule),
};

#define CFG_COUNT (sizeof(cfgTable) / sizeof(cfgTable[0]))
const size_t cfgCount = CFG_COUNT;

/* ------------------------------------------------------------------- apply hooks */

/* A failed rebind answers Redis's text; the reason (address, errno) goes to the log. */
static int hookListen(vlServer *s, char *err, size_t errlen) {
    if (!s->cfg_applied) return VL_OK;
    char why[256];
    if (loopRebind(s, why, sizeof(why)) == VL_OK) return VL_OK;
    serverLog(s, LL_WARNING, "Failed to bind: %s", why);
    /* Redis's two texts: a new port that cannot be had, or addresses that cannot */
    snprintf(err, errlen, "%s",
             s->cfg.port != s->listen_port ? "Unable to listen on this port. Check server logs."
                                           : "Failed to bind to specified addresses.");
    return VL_ERR;
}

static int hookHz(vlServer *s, char *err, size_t errlen) {
    if (s->cfg_applied && loopSetHz(s) != VL_OK) {
        snprintf(err, errlen, "Unable to reschedule the server cron");
        return VL_ERR;
    }
    return VL_OK;
}

/* Never fails: being over the new limit is what eviction (or OOM replies) is for. */
static int hookMaxmemory(vlServer *s, char *err, size_t errlen) {
    VL_UNUSED(err);
    VL_UNUSED(errlen);
    allocHeapSetSoftLimit(s->heap, (size_t)s->cfg.maxmemory);
    if (!s->cfg_applied || !s->cfg.maxmemory) return VL_OK;
    size_t used = serverUsedMemory(s);
    if ((unsigned long long)used > (unsigned long long)s->cfg.maxmemory)
        serverLog(s, LL_WARNING,
                  "WARNING: the new maxmemory value set via CONFIG SET (%lld) is smaller than "
                  "the current memory usage (%zu). This will result in key eviction and/or the "
                  "inability to accept new write commands depending on the maxmemory-policy.",
                  s->cfg.maxmemory, used);
    serverEvictIfNeeded(s);
    return VL_OK;
}

/* Process-wide, like the allocator it switches: the last server to set it wins. Never fails
 * (an allocator without background threads just keeps purging inline). */
static int hookBgThread(vlServer *s, char *err, size_t errlen) {
    VL_UNUSED(err);
    VL_UNUSED(errlen);
    if (s->cfg_applied) allocSetBackgroundPurge(s->cfg.jemalloc_bg_thread);
    return VL_OK;
}

/* A running server must have a descriptor for every client it admits (server.c). */
static int hookMaxclients(vlServer *s, char *err, size_t errlen) {
    return s->cfg_applied ? serverFitMaxclients(s, 0, err, errlen) : VL_OK;
}

/* With no password the default user needs none: clients that connected under the old one
 * are let in at once, as in Redis (where the default user becomes nopass). */
static int hookRequirepass(vlServer *s, char *err, size_t errlen) {
    VL_UNUSED(err);
    VL_UNUSED(errlen);
    if (s->cfg.requirepass) return VL_OK;
    for (vlClient *c = s->clients; c; c = c->next) {
        c->authenticated = 1;
        c->proto.unauth = 0;
    }
    return VL_OK;
}

/* The defrag control re-reads its settings now, not at its next once-a-second look: a run
 * starts, stops or changes effort (INFO active_defrag_running) within the command. */
static int hookDefrag(vlServer *s, char *err, size_t errlen) {
    VL_UNUSED(err);
    VL_UNUSED(errlen);
    if (s->cfg_applied) defragCron(s);
    return VL_OK;
}

typedef int cfgHookFn(vlServer *s, char *err, size_t errlen);
static cfgHookFn *const cfgHooks[HOOK_COUNT] = {
    [HOOK_NONE] = NULL,
    [HOOK_LISTEN] = hookListen,
    [HOOK_HZ] = hookHz,
    [HOOK_MAXMEMORY] = hookMaxmemory,
    [HOOK_BGTHREAD] = hookBgThread,
    [HOOK_MAXCLIENTS] = hookMaxclients,
    [HOOK_REQUIREPASS] = hookRequirepass,
    [HOOK_DEFRAG] = hookDefrag,
};

/* Runs the hooks in mask, in table order. Returns the failing hook's index, or 0. */
int cfgRunHooks(vlServer *s, unsigned mask, char *err, size_t errlen) {
    for (int h = 1; h < HOOK_COUNT; h++) {
        if ((mask & (1u << h)) && cfgHooks[h](s, err, errlen) != VL_OK) return h;
    }
    return 0;
}

/* ------------------------------------------------------------------- get / set one value */

const cfgDef *cfgLookup(const char *name, size_t len, const char **matched) {
    for (size_t i = 0; i < CFG_COUNT; i++) {
        const cfgDef *d = &cfgTable[i];
        if (strlen(d->name) == len && !strncasecmp(d->name, name, len)) {
            if (matched) *matched = d->name;
            return d;
        }
        if (d->alias && strlen(d->alias) == len && !strncasecmp(d->alias, name, len)) {
            if (matched) *matched = d->alias;
            return d;
        }
    }
    return NULL;
}

static void cfgEnumList(const cfgEnum *e, char *err, size_t errlen) {
    size_t o = (size_t)snprintf(err, errlen, "argument(s) must be one of the following: ");
    for (int i = 0; e[i].name && o < errlen; i++)
        o += (size_t)snprintf(err + o, errlen - o, "%s%s", i ? ", " : "", e[i].name);
}

/* Parses argv into the value of d in cv. On failure cv is unchanged and err says why. */
int cfgSet(vlConfigValues *cv, const cfgDef *d, int argc, char **argv, char *err, size_t errlen) {
    if (d->type == CT_SPECIAL) return d->special->set(cv, d, argc, argv, err, errlen);
    int kind = d->type == CT_INERT ? d->ikind : d->type;
    vstr *list = NULL; /* an inert list or multi-value enum: its canonical text */
    if (kind == CT_LIST || (kind == CT_ENUM && (d->flags & CF_MULTIARG))) {
        if (kind == CT_ENUM) {
            /* flags, printed in the table's order as Valkey prints them */
            unsigned seen = 0;
            for (int i = 0; i < argc; i++) {
                int k;
                for (k = 0; d->enums[k].name && strcasecmp(d->enums[k].name, argv[i]); k++) {
                }
                if (!d->enums[k].name || k >= 32) {
                    cfgEnumList(d->enums, err, errlen);
                    return VL_ERR;
                }
                seen |= 1u << k;
            }
            if (!seen) {
                cfgEnumList(d->enums, err, errlen);
                return VL_ERR;
            }
            for (int k = 0; d->enums[k].name; k++) {
                if (!(seen & (1u << k))) continue;
                if (list) vstrCat(&list, " ", 1);
                vstrCatStr(&list, d->enums[k].name);
            }
        } else {
            for (int i = 0; i < argc; i++) {
                if (list) vstrCat(&list, " ", 1);
                vstrCatStr(&list, argv[i]);
            }
        }
        if (!list) list = vstrNew("", 0);
        if (kind == CT_ENUM)
            for (size_t i = 0; i < list->len; i++)
                list->buf[i] = (char)tolower((unsigned char)list->buf[i]);
        if (d->check && d->check(0, list->buf, err, errlen) != VL_OK) {
            vstrFree(list);
            return VL_ERR;
        }
        char **p = (char **)CV_PTR(cv, d);
        vlFree(*p);
        *p = vlStrdup(list->buf);
        vstrFree(list);
        return VL_OK;
    }
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return VL_ERR;
    }
    const char *v = argv[0];
    long long num = 0;
    switch (kind) {
    case CT_BOOL:
        if (!strcasecmp(v, "yes"))
            num = 1;
        else if (!strcasecmp(v, "no"))
            num = 0;
        else {
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
            return VL_ERR;
        }
        break;
    case CT_INT:
    case CT_LL:
    case CT_MEM:
        if (kind == CT_MEM ? !utilParseMemory(v, &num) : !utilStrToLL(v, strlen(v), &num)) {
            snprintf(err, errlen, "%s",
                     kind == CT_MEM ? "argument must be a memory value"
                                    : "argument couldn't be parsed into an integer");
            return VL_ERR;
        }
        if (num < d->min || num > d->max) {
            snprintf(err, errlen, "argument must be between %lld and %lld inclusive", d->min,
                     d->max);
            return VL_ERR;
        }
        break;
    case CT_ENUM: {
        int i;
        for (i = 0; d->enums[i].name && strcasecmp(d->enums[i].name, v); i++) {
        }
        if (!d->enums[i].name) {
            cfgEnumList(d->enums, err, errlen);
            return VL_ERR;
        }
        num = d->enums[i].val;
        v = d->enums[i].name; /* canonical spelling, for an inert row's text */
        break;
    }
    case CT_STR: break;
    }
    if (d->check && d->check(num, v, err, errlen) != VL_OK) return VL_ERR;
    char *p = CV_PTR(cv, d);
    if (d->type == CT_INERT) { /* stored as CONFIG GET shows it */
        char buf[32];
        const char *text = v;
        if (kind == CT_BOOL) text = num ? "yes" : "no";
        if (kind == CT_INT || kind == CT_LL || kind == CT_MEM) {
            snprintf(buf, sizeof(buf), "%lld", num);
            text = buf;
        }
        vlFree(*(char **)p);
        *(char **)p = vlStrdup(text);
        return VL_OK;
    }
    switch (d->type) {
    case CT_BOOL:
    case CT_INT:
    case CT_ENUM: *(int *)p = (int)num; break;
    case CT_LL:
    case CT_MEM: *(long long *)p = num; break;
    case CT_STR:
        vlFree(*(char **)p);
        *(char **)p = (v[0] == '\0' && (d->flags & CF_EMPTY_NULL)) ? NULL : vlStrdup(v);
        break;
    }
    return VL_OK;
}

/* The value as CONFIG GET shows it (memory in plain bytes). */
static void cfgGet(const vlConfigValues *cv, const cfgDef *d, vstr **out) {
    const char *p = CV_CPTR(cv, d);
    switch (d->type) {
    case CT_BOOL: vstrCatStr(out, *(const int *)p ? "yes" : "no"); break;
    case CT_INT: vstrCatFmt(out, "%d", *(const int *)p); break;
    case CT_LL:
    case CT_MEM: vstrCatFmt(out, "%lld", *(const long long *)p); break;
    case CT_ENUM: {
        int v = *(const int *)p;
        for (int i = 0; d->enums[i].name; i++) {
            if (d->enums[i].val == v) {
                vstrCatStr(out, d->enums[i].name);
                return;
            }
        }
        vstrCatFmt(out, "%d", v);
        break;
    }
    case CT_STR:
    case CT_INERT: strGet(cv, d, out); break;
    case CT_SPECIAL: d->special->get(cv, d, out); break;
    }
}

vstr *cfgGetNew(const vlConfigValues *cv, const cfgDef *d) {
    vstr *v = vstrNew("", 0);
    cfgGet(cv, d, &v);
    return v;
}

/* Splits a line with the protocol's inline rules into NUL-terminated args, all in one block
 * (free the returned array with vlFree). NULL: unbalanced quotes (*argc -1) or more than
 * CFG_MAX_ARGS arguments (*argc -2). */
char **cfgSplit(const char *line, size_t len, int *argc) {
    size_t maxspans = len / 2 + 2;
    protoSpan *spans = vlMalloc(maxspans * sizeof(*spans));
    char *tmp = vlMalloc(len + 1);
    long n = protoSplitArgs(line, len, tmp, spans, maxspans);
    char **argv = NULL;
    *argc = n < 0 ? -1 : -2;
    if (n >= 0 && n <= CFG_MAX_ARGS) {
        size_t bytes = 0;
        for (long i = 0; i < n; i++) bytes += spans[i].len + 1;
        argv = vlMalloc(sizeof(char *) * (size_t)(n + 1) + bytes);
        char *o = (char *)(argv + n + 1);
        for (long i = 0; i < n; i++) {
            memcpy(o, tmp + spans[i].off, spans[i].len);
            o[spans[i].len] = '\0';
            argv[i] = o;
            o += spans[i].len + 1;
        }
        argv[n] = NULL;
        *argc = (int)n;
    }
    vlFree(spans);
    vlFree(tmp);
    return argv;
}

/* Sets d from one text value: a CONFIG SET value, a --name value override, a rollback. A
 * multi-argument directive's text is a space-separated (quotable) list. */
int cfgSetText(vlConfigValues *cv, const cfgDef *d, const char *value, char *err, size_t errlen) {
    if (!(d->flags & CF_MULTIARG)) {
        char *argv[1] = {(char *)value};
        return cfgSet(cv, d, 1, argv, err, errlen);
    }
    size_t len = strlen(value);
    int argc = 0;
    char **argv = len <= CFG_MAX_LINE ? cfgSplit(value, len, &argc) : NULL;
    if (!argv) {
        snprintf(err, errlen, "Unbalanced quotes or too many arguments");
        return VL_ERR;
    }
    int rc = cfgSet(cv, d, argc, argv, err, errlen);
    vlFree(argv);
    return rc;
}

void cfgValuesInit(vlConfigValues *cv) {
    memset(cv, 0, sizeof(*cv));
    for (size_t i = 0; i < CFG_COUNT; i++) {
        const cfgDef *d = &cfgTable[i];
        char *p = CV_PTR(cv, d);
        char e[256];
        switch (d->type) {
        case CT_BOOL:
        case CT_INT:
        case CT_ENUM: *(int *)p = (int)d->def; break;
        case CT_LL:
        case CT_MEM: *(long long *)p = d->def; break;
        case CT_STR:
            *(char **)p =
                (d->sdef[0] == '\0' && (d->flags & CF_EMPTY_NULL)) ? NULL : vlStrdup(d->sdef);
            break;
        case CT_SPECIAL:
        case CT_INERT:
            /* The table's defaults are known good; a failure here is a table bug. */
            if (cfgSetText(cv, d, d->sdef, e, sizeof e) != VL_OK) abort();
            break;
        }
    }
}

void cfgValuesFree(vlConfigValues *cv) {
    for (size_t i = 0; i < CFG_COUNT; i++) {
        const cfgDef *d = &cfgTable[i];
        if (d->type == CT_STR || d->type == CT_INERT) {
            char **p = (char **)CV_PTR(cv, d);
            vlFree(*p);
            *p = NULL;
        } else if (d->type == CT_SPECIAL && d->special->free) {
            d->special->free(cv, d);
        }
    }
}

void configInitDefaults(vlServer *s) {
    cfgValuesInit(&s->cfg);
}

/* The names of the directives this configuration sets that have no effect here (a value other
 * than the default), comma separated; NULL when there are none. */
vstr *configInertSet(const vlServer *s) {
    vlConfigValues *def = vlMalloc(sizeof(*def));
    cfgValuesInit(def);
    vstr *names = NULL;
    for (size_t i = 0; i < CFG_COUNT; i++) {
        const cfgDef *d = &cfgTable[i];
        if (d->type != CT_INERT) continue;
        const char *cur = *(char *const *)CV_PTR(&s->cfg, d);
        const char *dv = *(char *const *)CV_PTR(def, d);
        if (!strcmp(cur ? cur : "", dv ? dv : "")) continue;
        if (names)
            vstrCat(&names, ", ", 2);
        else
            names = vstrNew("", 0);
        vstrCatStr(&names, d->name);
    }
    cfgValuesFree(def);
    vlFree(def);
    return names;
}

void configFree(vlServer *s) {
    cfgValuesFree(&s->cfg);
}

int configSetOne(vlServer *s, const char *name, const char *value, char *err, size_t errlen) {
    const cfgDef *d = cfgLookup(name, strlen(name), NULL);
    if (!d) {
        snprintf(err, errlen, "Bad directive or wrong number of arguments");
        return VL_ERR;
    }
    if ((d->flags & CF_IMMUTABLE) && s->cfg_applied) {
        snprintf(err, errlen, "can't set immutable config");
        return VL_ERR;
    }
    vstr *old = cfgGetNew(&s->cfg, d);
    int rc = cfgSetText(&s->cfg, d, value, err, errlen);
    if (rc == VL_OK && d->hook && cfgRunHooks(s, 1u << d->hook, err, errlen)) {
        char e2[256];
        cfgSetText(&s->cfg, d, old->buf, e2, sizeof e2);
        if (cfgRunHooks(s, 1u << d->hook, e2, sizeof e2))
            serverLog(s, LL_WARNING, "Failed to restore %s after a failed set: %s", d->name, e2);
        rc = VL_ERR;
    }
    vstrFree(old);
    return rc;
}

/* ------------------------------------------------------------------- CONFIG GET / SET */

static int argHasGlob(const protoArg *a) {
    for (size_t i = 0; i < a->len; i++)
        if (a->ptr[i] == '*' || a->ptr[i] == '?' || a->ptr[i] == '[') return 1;
    return 0;
}

/* As Redis 7: a pattern matches names and aliases alike, and an alias that matches is answered
 * under its own name (CONFIG GET * lists both spellings of a renamed directive). */
void configGetCommand(vlClient *c) {
    if (c->argc < 3) {
        addReplyError(c, "ERR wrong number of arguments for 'config|get' command");
        return;
    }
    const char *names[2 * CFG_COUNT];
    const cfgDef *defs[2 * CFG_COUNT];
    unsigned char seen[CFG_COUNT][2] = {{0}}; /* [row][name, alias] */
    size_t n = 0;
    for (int a = 2; a < c->argc; a++) {
        const protoArg *pat = &c->argv[a];
        int glob = argHasGlob(pat);
        for (size_t i = 0; i < CFG_COUNT; i++) {
            const cfgDef *d = &cfgTable[i];
            for (int k = 0; k < 2; k++) {
                const char *nm = k ? d->alias : d->name;
                if (!nm || seen[i][k] || (glob && (d->flags & CF_HIDDEN))) continue;
                size_t l = strlen(nm);
                int match = glob ? utilGlobMatch(pat->ptr, pat->len, nm, l, 1)
                                 : l == pat->len && !strncasecmp(nm, pat->ptr, l);
                if (!match) continue;
                seen[i][k] = 1;
                names[n] = nm;
                defs[n++] = d;
            }
        }
    }
    addReplyMapLen(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        vstr *v = cfgGetNew(&c->srv->cfg, defs[i]);
        addReplyBulkCStr(c, names[i]);
        addReplyBulk(c, v->buf, v->len);
        vstrFree(v);
    }
}

/* Puts the touched directives back from their printed old values, newest first, and re-runs
 * the hooks so listeners and timers follow. Best effort: it logs what it cannot undo. */
static void cfgRestore(vlServer *s, const cfgDef **defs, vstr **old, int n, unsigned hooks) {
    char e[256];
    for (int i = n - 1; i >= 0; i--) {
        if (cfgSetText(&s->cfg, defs[i], old[i]->buf, e, sizeof e) != VL_OK)
            serverLog(s, LL_WARNING, "CONFIG SET rollback of %s failed: %s", defs[i]->name, e);
    }
    for (int h = 1; h < HOOK_COUNT; h++) {
        if ((hooks & (1u << h)) && cfgHooks[h](s, e, sizeof e) != VL_OK)
            serverLog(s, LL_WARNING, "CONFIG SET rollback could not re-apply a setting: %s", e);
    }
}

void configSetCommand(vlClient *c) {
    vlServer *s = c->srv;
    if (c->argc < 4 || (c->argc - 2) % 2) {
        addReplyError(c, "ERR wrong number of arguments for 'config|set' command");
        return;
    }
    int npairs = (c->argc - 2) / 2, applied = 0, h;
    const cfgDef **defs = vlCalloc(sizeof(*defs) * (size_t)npairs);
    vstr **old = vlCalloc(sizeof(*old) * (size_t)npairs);
    char why[512];
    int bad = -1;
    unsigned hooks = 0;
    unsigned char seen[CFG_COUNT] = {0}; /* by table row: duplicates in O(pairs) */

    /* Everything that can be refused without touching a value, for all pairs first. */
    for (int i = 0; i < npairs; i++) {
        const protoArg *name = &c->argv[2 + 2 * i];
        defs[i] = cfgLookup(name->ptr, name->len, NULL);
        if (!defs[i]) {
            addReplyErrorFormat(c,
                                "ERR Unknown option or number of arguments for CONFIG SET - "
                                "'%.*s'",
                                (int)name->len, name->ptr);
            goto done;
        }
        if ((defs[i]->flags & CF_IMMUTABLE) && s->cfg_applied) {
            snprintf(why, sizeof why, "can't set immutable config");
            bad = i;
            goto fail;
        }
        int prot = s->cfg.enable_protected_cfgs;
        if ((defs[i]->flags & CF_PROTECTED) && s->cfg_applied &&
            !(prot == 1 || (prot == 2 && clientIsLocal(c)))) {
            snprintf(why, sizeof why, "can't set protected config");
            bad = i;
            goto fail;
        }
        if (seen[defs[i] - cfgTable]++) {
            snprintf(why, sizeof why, "duplicate parameter");
            bad = i;
            goto fail;
        }
    }
    for (int i = 0; i < npairs; i++) {
        const protoArg *val = &c->argv[3 + 2 * i];
        old[i] = cfgGetNew(&s->cfg, defs[i]);
        if (memchr(val->ptr, '\0', val->len)) { /* a C string would cut it there, silently */
            snprintf(why, sizeof why, "value contains a NUL byte");
            bad = i;
            goto fail;
        }
        char *v = vlMalloc(val->len + 1);
        memcpy(v, val->ptr, val->len);
        v[val->len] = '\0';
        int rc = cfgSetText(&s->cfg, defs[i], v, why, sizeof why);
        vlFree(v);
        if (rc != VL_OK) {
            bad = i;
            hooks = 0; /* no hook has run yet: only the values need undoing */
            goto fail;
        }
        applied = i + 1;
        hooks |= 1u << defs[i]->hook;
    }
    h = cfgRunHooks(s, hooks, why, sizeof why);
    if (h) {
        for (bad = 0; bad < npairs && defs[bad]->hook != h; bad++) {
        }
        goto fail;
    }
    addReplyOk(c);
    goto done;

fail:
    if (applied) cfgRestore(s, defs, old, applied, hooks);
    addReplyErrorFormat(c, "ERR CONFIG SET failed (possibly related to argument '%.*s') - %s",
                        (int)c->argv[2 + 2 * bad].len, c->argv[2 + 2 * bad].ptr, why);
done:
    for (int i = 0; i < npairs; i++) vstrFree(old[i]);
    vlFree(old);
    vlFree(defs);
}
