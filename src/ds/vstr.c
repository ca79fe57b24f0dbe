/* vstr.c - binary-safe growable string.
 *
 * One block: a length header and the bytes. The capacity is not stored: it is whatever the
 * allocator's usable size leaves, which is free to ask for and never wrong. Growth doubles
 * up to 1 MB, then adds 1 MB, so APPEND loops stay amortized without doubling huge strings.
 * Rejected: sds's several header sizes (saves a few bytes on tiny strings, which live
 * embedded in objects here anyway). */
#include "vstr.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"

#define VSTR_GROW_MAX (1024 * 1024)

static vstr *vstrAlloc(size_t cap) {
    vstr *v = vlMalloc(sizeof(vstr) + cap + 1);
    v->len = 0;
    v->buf[0] = '\0';
    return v;
}

size_t vstrCap(const vstr *v) {
    return vlAllocSize(v) - sizeof(vstr) - 1;
}

vstr *vstrNew(const void *p, size_t len) {
    vstr *v = vstrAlloc(len);
    if (len) memcpy(v->buf, p, len);
    v->len = len;
    v->buf[len] = '\0';
    return v;
}

vstr *vstrNewCap(size_t cap) {
    return vstrAlloc(cap);
}

vstr *vstrFromCStr(const char *s) {
    return vstrNew(s, strlen(s));
}

vstr *vstrDup(const vstr *v) {
    return vstrNew(v->buf, v->len);
}

void vstrFree(vstr *v) {
    vlFree(v);
}

static void vstrReserve(vstr **vp, size_t extra) {
    vstr *v = *vp;
    if (!v) {
        *vp = vstrAlloc(extra);
        return;
    }
    size_t cap = vstrCap(v);
    if (cap - v->len >= extra) return;
    size_t need = v->len + extra;
    size_t want = need < VSTR_GROW_MAX ? need * 2 : need + VSTR_GROW_MAX;
    *vp = vlRealloc(v, sizeof(vstr) + want + 1);
}

void vstrCat(vstr **vp, const void *p, size_t len) {
    vstrReserve(vp, len);
    vstr *v = *vp;
    if (len) memcpy(v->buf + v->len, p, len);
    v->len += len;
    v->buf[v->len] = '\0';
}

void vstrCatStr(vstr **vp, const char *s) {
    vstrCat(vp, s, strlen(s));
}

void vstrCatVFmt(vstr **vp, const char *fmt, va_list ap) {
    char small[512];
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(small, sizeof(small), fmt, cp);
    va_end(cp);
    if (n < 0) return;
    if ((size_t)n < sizeof(small)) {
        vstrCat(vp, small, (size_t)n);
        return;
    }
    vstrReserve(vp, (size_t)n + 1);
    vstr *v = *vp;
    vsnprintf(v->buf + v->len, (size_t)n + 1, fmt, ap);
    v->len += (size_t)n;
}

void vstrCatFmt(vstr **vp, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vstrCatVFmt(vp, fmt, ap);
    va_end(ap);
}

void vstrCatRepr(vstr **vp, const char *p, size_t len) {
    vstrCat(vp, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '\\': vstrCat(vp, "\\\\", 2); break;
        case '"': vstrCat(vp, "\\\"", 2); break;
        case '\n': vstrCat(vp, "\\n", 2); break;
        case '\r': vstrCat(vp, "\\r", 2); break;
        case '\t': vstrCat(vp, "\\t", 2); break;
        case '\a': vstrCat(vp, "\\a", 2); break;
        case '\b': vstrCat(vp, "\\b", 2); break;
        default:
            if (c >= 32 && c < 127)
                vstrCat(vp, p + i, 1);
            else
                vstrCatFmt(vp, "\\x%02x", c);
        }
    }
    vstrCat(vp, "\"", 1);
}

void vstrSetLen(vstr **vp, size_t len) {
    size_t cur = vstrLen(*vp);
    if (len > cur) {
        vstrReserve(vp, len - cur);
        memset((*vp)->buf + cur, 0, len - cur);
    }
    if (!*vp) *vp = vstrAlloc(0);
    (*vp)->len = len;
    (*vp)->buf[len] = '\0';
}

void vstrClear(vstr *v) {
    v->len = 0;
    v->buf[0] = '\0';
}

void vstrShrink(vstr **vp) {
    vstr *v = *vp;
    if (v && vstrCap(v) > v->len + 16) *vp = vlRealloc(v, sizeof(vstr) + v->len + 1);
}
