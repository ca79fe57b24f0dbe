/* standalone.c - the standalone server behind vlServerMain: redis-server's command line,
 * the config file, daemonizing, the startup log lines tools and test harnesses wait for, the
 * pid file, SIGTERM/SIGINT, a clean exit.
 *
 * Command-line options are turned into config text ("--port 7000" -> "port 7000") and
 * loaded after the file, by the same parser, so an option and a directive can never mean
 * different things. The server is made and run through api.c's apiServerNew/apiServerRun,
 * as an embedded one is (one startup path); src/main.c only calls vlServerMain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api.h"
#include "config.h"
#include "server.h"
#include "valkey-lite.h"

static void usage(void) {
    fprintf(stderr, "Usage: ./valkey-lite-server [/path/to/valkey-lite.conf] [options]\n"
                    "       ./valkey-lite-server -v or --version\n"
                    "       ./valkey-lite-server -h or --help\n\n"
                    "Examples:\n"
                    "       ./valkey-lite-server (run the server with default config)\n"
                    "       ./valkey-lite-server valkey-lite.conf\n"
                    "       ./valkey-lite-server --port 7777\n"
                    "       ./valkey-lite-server valkey-lite.conf --loglevel verbose\n");
}

static void writePidfile(vlServer *s) {
    if (!s->cfg.pidfile || !s->cfg.pidfile[0]) return;
    char *path = serverResolvePath(s, s->cfg.pidfile);
    FILE *fp = fopen(path, "w");
    vlFree(path);
    if (!fp) {
        serverLog(s, LL_WARNING, "Failed to write PID file: %s", strerror(errno));
        return;
    }
    fprintf(fp, "%d\n", (int)getpid());
    fclose(fp);
}

/* Once the server listens: the pid file and the lines harnesses wait for. */
static void started(vlServer *s) {
    writePidfile(s);
    if (s->cfg.port) serverLog(s, LL_NOTICE, "Ready to accept connections tcp");
    if (s->cfg.unixsocket) serverLog(s, LL_NOTICE, "Ready to accept connections unix");
}

/* Redis's and Valkey's header, which harnesses look for on stderr. */
static void configFatal(const char *reason) {
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Version %s) ***\n%s\n", VL_VERSION, reason);
}

/* Loads argv[1] (when it is not an option) as the config file, then the options. */
static int loadArgs(vlServer *s, int argc, char **argv) {
    char err[1024];
    int i = 1;
    if (i < argc && strncmp(argv[i], "--", 2) != 0) {
        /* absolute: CONFIG REWRITE must find the file whatever happens later */
        char *abs = realpath(argv[i], NULL);
        s->configfile = vlStrdup(abs ? abs : argv[i]);
        free(abs);
        if (configLoadFile(s, argv[i], err, sizeof(err)) != VL_OK) {
            configFatal(err);
            return VL_ERR;
        }
        i++;
    }
    /* Redis 7's reading: "--name" starts a line; "--name value" in one argument is a whole
     * line; other arguments are values of the current line, quoted as they are. An option
     * still without a value takes the next argument even if it starts with "--", so
     * `--port --bla` is port "--bla" (an error), as in Redis; `--save` followed by an option
     * or last means save "". */
    vstr *opts = vstrNew("", 0);
    int has_value = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (has_value && a[0] == '-' && a[1] == '-') {
            if (opts->len) vstrCat(&opts, "\n", 1);
            vstrCatStr(&opts, a + 2);
            vstrCat(&opts, " ", 1);
            has_value = configArgCount(a) != 1;
            if (!has_value && !strcasecmp(a, "--save") &&
                (i == argc - 1 || (argv[i + 1][0] == '-' && argv[i + 1][1] == '-'))) {
                vstrCatStr(&opts, "\"\"");
                has_value = 1;
            }
        } else {
            vstrCatRepr(&opts, a, strlen(a)); /* a newline stays in its value */
            vstrCat(&opts, " ", 1);
            has_value = 1;
        }
    }
    vstrCat(&opts, "\n", 1);
    int rc = configLoadText(s, opts->buf, err, sizeof(err));
    vstrFree(opts);
    if (rc != VL_OK) {
        configFatal(err);
        return VL_ERR;
    }
    return VL_OK;
}

int vlServerMain(int argc, char **argv) {
    if (argc >= 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
        printf("valkey-lite server v=%s malloc=%s bits=%d\n", VL_VERSION, allocName(),
               (int)(sizeof(long) * 8));
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage();
        return 0;
    }
    char err[1024];
    vlServer *s = apiServerNew(1, err, sizeof(err));
    if (!s) {
        fprintf(stderr, "Fatal: %s\n", err);
        return 1;
    }
    vlHeap *prev = allocHeapEnter(s->heap);
    s->executable = vlStrdup(argv[0]);
    if (loadArgs(s, argc, argv) != VL_OK) {
        allocHeapLeave(prev);
        vlServerFree(s); /* nothing is running yet: a clean exit, also for leak checkers */
        return 1;
    }
    if (s->cfg.daemonize && daemon(1, 0) != 0) {
        fprintf(stderr, "daemonize failed: %s\n", strerror(errno));
        return 1;
    }
    serverLog(s, LL_NOTICE, "oO0OoO0OoO0Oo valkey-lite is starting oO0OoO0OoO0Oo");
    serverLog(s, LL_NOTICE, "valkey-lite version=%s, bits=%d, pid=%d, just started", VL_VERSION,
              (int)(sizeof(long) * 8), (int)getpid());
    serverLog(s, LL_NOTICE,
              s->configfile ? "Configuration loaded"
                            : "No config file specified, using the default config.");
    serverLog(s, LL_NOTICE, "valkey-lite %s (standalone mode) Port: %d PID: %d", VL_VERSION,
              s->cfg.port, (int)getpid());
    serverLog(s, LL_NOTICE, "Server initialized");
    if (apiServerRun(s, 1, started) != 0) {
        serverLog(s, LL_WARNING, "%s", vlServerLastError(s));
        serverLog(s, LL_WARNING, "Failed listening, exiting.");
        return 1;
    }
    serverLog(s, LL_WARNING, "valkey-lite is now ready to exit, bye bye...");
    if (s->cfg.pidfile && s->cfg.pidfile[0]) {
        char *path = serverResolvePath(s, s->cfg.pidfile);
        unlink(path);
        vlFree(path);
    }
    allocHeapLeave(prev);
#ifdef VL_LIBC_MALLOC
    /* sanitizer builds free everything so that a leak is reported; a release build exits
     * at once, like Redis, instead of freeing millions of keys one by one */
    vlServerFree(s);
#endif
    return 0;
}
