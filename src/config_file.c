/* config_file.c - configuration as text in files: loading a config file (includes, Redis's
 * quoting rules, errors with file and line) and CONFIG REWRITE (Redis's in-place rewrite,
 * every value quoted so that none can start a line).
 *
 * Both walk config.c's directive table (config_int.h): a directive added there is read and
 * rewritten here without a line of its own. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_int.h"
#include "server.h"
#include "cmd.h"

/* ------------------------------------------------------------------- config file */

/* The file's text, or NULL with the reason in err. */
/* Regular files only: "include -" would read the server's stdin, and a FIFO could hang the
 * load for good. */
static char *cfgReadFile(const char *path, int *errnum, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        *errnum = EINVAL;
        snprintf(err, errlen, "not a regular file");
        return NULL;
    }
    char *text = utilReadFile(path, CFG_MAX_FILE);
    *errnum = text ? 0 : errno;
    if (!text && errno == EFBIG)
        snprintf(err, errlen, "file too large (over %d bytes)", CFG_MAX_FILE);
    else if (!text)
        snprintf(err, errlen, "%s", strerror(errno));
    return text;
}

static int cfgLoad(vlServer *s, const char *text, int depth, unsigned *hooks, char *err,
                   size_t errlen);

static int cfgLoadSave(vlServer *s, const cfgDef *d, int argc, char **argv, unsigned *hooks,
                       char *why, size_t whylen) {
    vstr *text = NULL;
    int reset = argc == 2 && argv[1][0] == '\0';
    if (s->cfg_save_seen && !reset) {
        text = cfgGetNew(&s->cfg, d);
        if (text->len) vstrCat(&text, " ", 1);
    }
    for (int i = 1; i < argc; i++) {
        if (i > 1) vstrCat(&text, " ", 1);
        vstrCatStr(&text, argv[i]);
    }
    int rc = cfgSetText(&s->cfg, d, text ? text->buf : "", why, whylen);
    vstrFree(text);
    if (rc == VL_OK) {
        s->cfg_save_seen = 1;
        *hooks |= 1u << d->hook;
    }
    return rc;
}

/* One directive line, already split. Returns VL_ERR with the bare reason in why, or with
 * *nested set when err already holds a complete message from an included file. */
static int cfgLoadDirective(vlServer *s, int argc, char **argv, int depth, unsigned *hooks,
                            char *why, size_t whylen, int *nested, char *err, size_t errlen) {
    if (!strcasecmp(argv[0], "include")) {
        if (argc != 2) {
            snprintf(why, whylen, "wrong number of arguments");
            return VL_ERR;
        }
        if (depth >= CFG_MAX_INCLUDE_DEPTH) {
            snprintf(why, whylen, "include nesting too deep (more than %d levels)",
                     CFG_MAX_INCLUDE_DEPTH);
            return VL_ERR;
        }
        char e[256];
        int en;
        char *text = cfgReadFile(argv[1], &en, e, sizeof e);
        if (!text) {
            snprintf(why, whylen, "can't open include file '%s': %s", argv[1], e);
            return VL_ERR;
        }
        int rc = cfgLoad(s, text, depth + 1, hooks, err, errlen);
        vlFree(text);
        *nested = 1;
        return rc;
    }
    if (!strcasecmp(argv[0], "rename-command")) {
        if (argc != 3) {
            snprintf(why, whylen, "wrong number of arguments");
            return VL_ERR;
        }
        return cmdRename(s, argv[1], argv[2], why, whylen);
    }
    const cfgDef *d = cfgLookup(argv[0], strlen(argv[0]), NULL);
    if (!d) {
        snprintf(why, whylen, "Bad directive or wrong number of arguments");
        return VL_ERR;
    }
    /* a bare `save` is `save ""` to Redis 7 and Valkey 8 (their default.conf has one) */
    static char *const no_save[] = {"save", ""};
    if (argc == 1 && !strcasecmp(d->name, "save")) argc = 2, argv = (char **)no_save;
    int multi_enum = (d->flags & CF_MULTIARG) &&
                     (d->type == CT_ENUM || (d->type == CT_INERT && d->ikind == CT_ENUM));
    if ((argc < 2 && !multi_enum) || (!(d->flags & CF_MULTIARG) && argc != 2)) {
        snprintf(why, whylen, "wrong number of arguments");
        return VL_ERR;
    }
    if ((d->flags & CF_IMMUTABLE) && s->cfg_applied) {
        snprintf(why, whylen, "can't set immutable config");
        return VL_ERR;
    }
    /* save, as Redis 7 loads it: the first line replaces the built-in points, later lines
     * add theirs, and `save ""` clears them (the file and the command line are one load) */
    if (!strcasecmp(d->name, "save")) return cfgLoadSave(s, d, argc, argv, hooks, why, whylen);
    /* `save "3600 1 300 100"` and `save ""`: one argument holding the whole list */
    int rc = argc == 2 ? cfgSetText(&s->cfg, d, argv[1], why, whylen)
                       : cfgSet(&s->cfg, d, argc - 1, argv + 1, why, whylen);
    if (rc == VL_OK) *hooks |= 1u << d->hook;
    return rc;
}

/* Redis's report: the line number, the line as read (control bytes escaped, long lines cut)
 * and the reason, each on its own line. Lines count in the file that holds them, an included
 * file's own included lines too, as Redis counts them. */
static void cfgLineError(char *err, size_t errlen, int lineno, const char *line, size_t len,
                         const char *why) {
    char shown[160];
    size_t o = 0;
    for (size_t i = 0; i < len && o + 8 < sizeof shown; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c >= 0x20 && c < 0x7f)
            shown[o++] = (char)c;
        else
            o += (size_t)snprintf(shown + o, sizeof shown - o, "\\x%02x", c);
    }
    int cut = o + 8 >= sizeof shown;
    shown[o] = '\0';
    snprintf(err, errlen, "Reading the configuration file, at line %d\n>>> '%s%s'\n%s", lineno,
             shown, cut ? "..." : "", why);
}

static int cfgLoad(vlServer *s, const char *text, int depth, unsigned *hooks, char *err,
                   size_t errlen) {
    const char *p = text;
    int lineno = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        const char *line = p;
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        p = nl ? nl + 1 : p + len;
        lineno++;
        while (len && strchr(" \t\r", line[0])) line++, len--;
        while (len && strchr(" \t\r", line[len - 1])) len--;
        if (len == 0 || line[0] == '#') continue;
        char why[512];
        int argc = 0, nested = 0, rc = VL_ERR;
        char **argv = len <= CFG_MAX_LINE ? cfgSplit(line, len, &argc) : NULL;
        if (len > CFG_MAX_LINE)
            snprintf(why, sizeof why, "line too long");
        else if (!argv)
            snprintf(why, sizeof why, "%s",
                     argc == -1 ? "Unbalanced quotes in configuration line"
                                : "too many arguments in configuration line");
        else if (argc == 0) /* only separators the trim above does not know (\v, \f) */
            rc = VL_OK;
        else
            rc = cfgLoadDirective(s, argc, argv, depth, hooks, why, sizeof why, &nested, err,
                                  errlen);
        vlFree(argv);
        if (rc != VL_OK) {
            if (!nested) cfgLineError(err, errlen, lineno, line, len, why);
            return VL_ERR;
        }
    }
    return VL_OK;
}

int configLoadText(vlServer *s, const char *text, char *err, size_t errlen) {
    unsigned hooks = 0;
    if (cfgLoad(s, text, 0, &hooks, err, errlen) != VL_OK) return VL_ERR;
    return cfgRunHooks(s, hooks, err, errlen) ? VL_ERR : VL_OK;
}

int configLoadFile(vlServer *s, const char *path, char *err, size_t errlen) {
    char e[256];
    int en;
    char *text = cfgReadFile(path, &en, e, sizeof e);
    if (!text) {
        snprintf(err, errlen, "Fatal error, can't open config file '%s': %s", path, e);
        return VL_ERR;
    }
    int rc = configLoadText(s, text, err, errlen);
    vlFree(text);
    return rc;
}

/* ------------------------------------------------------------------- writing config text */

/* One argument in a form protoSplitArgs reads back: bare when that is safe, else quoted. */
void configQuoteArg(vstr **out, const char *p, size_t len) {
    int bare = len > 0;
    for (size_t i = 0; i < len && bare; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch <= ' ' || ch >= 127 || ch == '"' || ch == '\'' || ch == '\\') bare = 0;
    }
    if (bare) {
        vstrCat(out, p, len);
        return;
    }
    vstrCat(out, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        switch (ch) {
        case '\\': vstrCatStr(out, "\\\\"); break;
        case '"': vstrCatStr(out, "\\\""); break;
        case '\n': vstrCatStr(out, "\\n"); break;
        case '\r': vstrCatStr(out, "\\r"); break;
        case '\t': vstrCatStr(out, "\\t"); break;
        default:
            if (ch < ' ' || ch >= 127)
                vstrCatFmt(out, "\\x%02x", ch);
            else
                vstrCat(out, &p[i], 1);
        }
    }
    vstrCat(out, "\"", 1);
}

/* "name value" for a config file. human: memory values in units when exact (rewrite). */
static void cfgCatLine(vstr **out, const vlConfigValues *cv, const cfgDef *d, int human) {
    vstrCatStr(out, d->name);
    vstrCat(out, " ", 1);
    long long m = d->type == CT_MEM ? *(const long long *)CV_CPTR(cv, d) : 0;
    if (d->type == CT_INERT && d->ikind == CT_MEM) m = atoll(*(char *const *)CV_CPTR(cv, d));
    if (human && m > 0 && m % GB == 0)
        vstrCatFmt(out, "%lldgb", m / GB);
    else if (human && m > 0 && m % MB == 0)
        vstrCatFmt(out, "%lldmb", m / MB);
    else if (human && m > 0 && m % KB == 0)
        vstrCatFmt(out, "%lldkb", m / KB);
    else {
        vstr *v = cfgGetNew(cv, d);
        int argc = 0;
        char **argv = (d->flags & CF_MULTIARG) && v->len ? cfgSplit(v->buf, v->len, &argc) : NULL;
        if (argv) { /* each element of a list quoted on its own: no value can start a line */
            for (int i = 0; i < argc; i++) {
                if (i) vstrCat(out, " ", 1);
                configQuoteArg(out, argv[i], strlen(argv[i]));
            }
            vlFree(argv);
        } else {
            configQuoteArg(out, v->buf, v->len);
        }
        vstrFree(v);
    }
}

/* Redis's rewrite: comments, blank lines, include and unknown lines stay where they are; the
 * first line of each known directive is replaced in place by its current value (even when
 * that is the default: the user wrote it there), further lines of the same directive are
 * dropped (bind and client-output-buffer-limit become one line), and directives that differ
 * from their default but had no line are appended under the signature comment. */
int configRewrite(vlServer *s, int force_all, char *err, size_t errlen) {
    if (!s->configfile) {
        snprintf(err, errlen, "ERR The server is running without a config file");
        return VL_ERR;
    }
    char *real = realpath(s->configfile, NULL);
    const char *path = real ? real : s->configfile;
    char e[256];
    int en;
    char *text = cfgReadFile(path, &en, e, sizeof e);
    if (!text && en != ENOENT) {
        snprintf(err, errlen, "ERR Rewriting config file: %s", e);
        free(real);
        return VL_ERR;
    }
    if (!text) text = vlStrdup("");

    size_t nlines = 1;
    for (const char *q = text; *q; q++) nlines += *q == '\n';
    const char **lp = vlMalloc(sizeof(*lp) * nlines);
    size_t *ll = vlMalloc(sizeof(*ll) * nlines);
    vstr **repl = vlCalloc(sizeof(*repl) * nlines);
    unsigned char *drop = vlCalloc(nlines);
    long first[cfgCount];
    for (size_t i = 0; i < cfgCount; i++) first[i] = -1;
    int have_sig = 0;

    size_t n = 0;
    for (const char *q = text; *q;) {
        const char *nl = strchr(q, '\n');
        size_t len = nl ? (size_t)(nl - q) : strlen(q);
        lp[n] = q;
        ll[n] = len;
        q = nl ? nl + 1 : q + len;
        const char *t = lp[n];
        size_t tl = len;
        while (tl && strchr(" \t\r", t[0])) t++, tl--;
        while (tl && strchr(" \t\r", t[tl - 1])) tl--;
        if (tl >= strlen(CFG_REWRITE_SIGNATURE) &&
            !strncmp(t, CFG_REWRITE_SIGNATURE, strlen(CFG_REWRITE_SIGNATURE)))
            have_sig = 1;
        if (tl && t[0] != '#' && tl <= CFG_MAX_LINE) {
            int argc;
            char **argv = cfgSplit(t, tl, &argc);
            const cfgDef *d = argv && argc ? cfgLookup(argv[0], strlen(argv[0]), NULL) : NULL;
            if (d) {
                if (first[d - cfgTable] < 0)
                    first[d - cfgTable] = (long)n;
                else
                    drop[n] = 1;
            }
            vlFree(argv);
        }
        n++;
    }

    vlConfigValues defaults;
    cfgValuesInit(&defaults);
    vstr *tail = NULL;
    for (size_t i = 0; i < cfgCount; i++) {
        const cfgDef *d = &cfgTable[i];
        vstr *cur = cfgGetNew(&s->cfg, d), *def = cfgGetNew(&defaults, d);
        int is_default = !(d->flags & CF_ALWAYS_REWRITE) && cur->len == def->len &&
                         !memcmp(cur->buf, def->buf, cur->len);
        /* DEBUG CONFIG-REWRITE-FORCE-ALL: every directive, defaults too (not loadmodule,
         * which names modules, not a value) */
        if (force_all) is_default = !strcmp(d->name, "loadmodule");
        vstrFree(cur);
        vstrFree(def);
        if (first[i] >= 0) {
            repl[first[i]] = vstrNew("", 0);
            cfgCatLine(&repl[first[i]], &s->cfg, d, 1);
        } else if (!is_default) {
            cfgCatLine(&tail, &s->cfg, d, 1);
            vstrCat(&tail, "\n", 1);
        }
    }
    cfgValuesFree(&defaults);

    vstr *outv = vstrNew("", 0);
    for (size_t i = 0; i < n; i++) {
        if (drop[i]) continue;
        if (repl[i])
            vstrCat(&outv, repl[i]->buf, repl[i]->len);
        else
            vstrCat(&outv, lp[i], ll[i]);
        vstrCat(&outv, "\n", 1);
    }
    if (tail) {
        if (!have_sig) vstrCatStr(&outv, CFG_REWRITE_SIGNATURE "\n");
        vstrCat(&outv, tail->buf, tail->len);
        vstrFree(tail);
    }
    int rc = VL_OK;
    if (utilWriteFileAtomic(path, outv->buf, outv->len) != 0) {
        snprintf(err, errlen, "ERR Rewriting config file: %s", strerror(errno));
        rc = VL_ERR;
    }

    vstrFree(outv);
    for (size_t i = 0; i < n; i++) vstrFree(repl[i]);
    vlFree(repl);
    vlFree(drop);
    vlFree(lp);
    vlFree(ll);
    vlFree(text);
    free(real);
    return rc;
}

int configArgCount(const char *line) {
    int argc = 0;
    char **argv = cfgSplit(line, strlen(line), &argc);
    if (!argv) return -1;
    vlFree(argv);
    return argc;
}
