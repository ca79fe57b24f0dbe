/* respparse.c - parses RESP2/RESP3 replies into the public vlReply tree.
 *
 * In-process calls (vlCall) run through the same dispatcher and reply encoder as network
 * clients, and this turns the encoded bytes back into a tree shaped like hiredis's
 * redisReply. The input is our own encoder's output, but the parser trusts none of it: every
 * line and bulk is bounds-checked, an aggregate's count is checked against the bytes left
 * (each element needs at least three) before anything is allocated for it, nesting is
 * limited to RESP_MAX_DEPTH, and anything malformed or cut short gives NULL, never a partial
 * tree. That makes it safe to fuzz (tests/fuzz/fuzz_reply.c) and to reuse on bytes from
 * elsewhere.
 *
 * Replies are plain malloc blocks, not the server's heap: they belong to the host, which
 * frees them with vlReplyFree from any thread, long after the call. Rejected: building the
 * tree directly from the commands' addReply calls (a second reply API to keep in step with
 * the encoder for every type). */
#include "respparse.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct cursor {
    const char *p, *end;
} cursor;

static vlReply *parseAt(cursor *c, int depth);

vlReply *respReplyNew(int type) {
    vlReply *r = calloc(1, sizeof(*r));
    if (!r) abort();
    r->type = type;
    return r;
}

void vlReplyFree(vlReply *r) {
    if (!r) return;
    for (size_t i = 0; i < r->elements; i++) vlReplyFree(r->element[i]);
    free(r->element);
    free(r->str);
    free(r);
}

/* The line at c->p up to "\r\n" (not included); advances past it. 0: no complete line. */
static int takeLine(cursor *c, const char **line, size_t *len) {
    const char *q = c->p;
    for (;;) {
        q = memchr(q, '\r', (size_t)(c->end - q));
        if (!q || c->end - q < 2) return 0;
        if (q[1] == '\n') break;
        q++;
    }
    *line = c->p;
    *len = (size_t)(q - c->p);
    c->p = q + 2;
    return 1;
}

vlReply *respReplyStr(int type, const char *s, size_t len) {
    vlReply *r = respReplyNew(type);
    r->str = malloc(len + 1);
    if (!r->str) abort();
    memcpy(r->str, s, len);
    r->str[len] = '\0';
    r->len = len;
    return r;
}

/* n elements, each parsed at depth + 1. */
static vlReply *aggReply(cursor *c, int type, long long n, int depth) {
    /* every element takes at least 3 bytes ("_\r\n"): a count the input cannot hold is a lie */
    if (n < 0 || (unsigned long long)n > (unsigned long long)(c->end - c->p) / 3) return NULL;
    vlReply *r = respReplyNew(type);
    if (n == 0) return r;
    r->element = calloc((size_t)n, sizeof(vlReply *));
    if (!r->element) abort();
    for (long long i = 0; i < n; i++) {
        vlReply *e = parseAt(c, depth + 1);
        if (!e) {
            vlReplyFree(r);
            return NULL;
        }
        r->element[r->elements++] = e;
    }
    return r;
}

static vlReply *parseAt(cursor *c, int depth) {
    if (depth > RESP_MAX_DEPTH || c->p >= c->end) return NULL;
    char t = *c->p++;
    const char *line;
    size_t llen;
    if (!takeLine(c, &line, &llen)) return NULL;
    long long n = 0;
    switch (t) {
    case '+': return respReplyStr(VL_REPLY_STATUS, line, llen);
    case '-': return respReplyStr(VL_REPLY_ERROR, line, llen);
    case '(': return respReplyStr(VL_REPLY_BIGNUM, line, llen);
    case ':': {
        if (!utilStrToLL(line, llen, &n)) return NULL;
        vlReply *r = respReplyNew(VL_REPLY_INTEGER);
        r->integer = n;
        return r;
    }
    case '_': return llen == 0 ? respReplyNew(VL_REPLY_NIL) : NULL;
    case '#': {
        if (llen != 1 || (line[0] != 't' && line[0] != 'f')) return NULL;
        vlReply *r = respReplyNew(VL_REPLY_BOOL);
        r->integer = line[0] == 't';
        return r;
    }
    case ',': {
        vlReply *r = respReplyStr(VL_REPLY_DOUBLE, line, llen);
        r->dval = strtod(r->str, NULL);
        return r;
    }
    case '$':
    case '=': {
        if (!utilStrToLL(line, llen, &n)) return NULL;
        if (n == -1 && t == '$') return respReplyNew(VL_REPLY_NIL);
        size_t left = (size_t)(c->end - c->p);
        if (n < 0 || (unsigned long long)n > left || left - (size_t)n < 2) return NULL;
        const char *data = c->p;
        if (data[n] != '\r' || data[n + 1] != '\n') return NULL;
        c->p += n + 2;
        if (t == '$') return respReplyStr(VL_REPLY_STRING, data, (size_t)n);
        if (n < 4 || data[3] != ':') return NULL; /* "txt:" and the text */
        return respReplyStr(VL_REPLY_VERB, data + 4, (size_t)n - 4);
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
        if (!utilStrToLL(line, llen, &n)) return NULL;
        if (n == -1 && t == '*') return respReplyNew(VL_REPLY_NIL);
        if (t == '%' || t == '|') { /* pairs */
            if (n < 0 || n > (long long)((size_t)(c->end - c->p) / 6)) return NULL;
            n *= 2;
        }
        int type = t == '*'   ? VL_REPLY_ARRAY
                   : t == '~' ? VL_REPLY_SET
                   : t == '>' ? VL_REPLY_PUSH
                   : t == '%' ? VL_REPLY_MAP
                              : VL_REPLY_ATTR;
        return aggReply(c, type, n, depth);
    }
    default: return NULL;
    }
}

vlReply *respParseReply(const char *buf, size_t len, size_t *used) {
    cursor c = {buf, buf + len};
    vlReply *r = len ? parseAt(&c, 0) : NULL;
    *used = r ? (size_t)(c.p - buf) : 0;
    return r;
}
