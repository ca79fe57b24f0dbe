/* vstr.h - binary-safe growable string (pure tier). Not named sds: libhiredis exports that. */
#ifndef VL_VSTR_H
#define VL_VSTR_H

#include <stdarg.h>
#include <stddef.h>

typedef struct vstr {
    size_t len;
    char buf[]; /* len bytes, then a NUL (so buf is also a C string when it has no NULs) */
} vstr;

vstr *vstrNew(const void *p, size_t len);
vstr *vstrNewCap(size_t cap); /* empty, room for cap bytes */
vstr *vstrFromCStr(const char *s);
vstr *vstrDup(const vstr *v);
void vstrFree(vstr *v);
static inline size_t vstrLen(const vstr *v) {
    return v ? v->len : 0;
}
size_t vstrCap(const vstr *v);
/* Mutators take the owner's pointer: the string may move when it grows. *v may be NULL. */
void vstrCat(vstr **v, const void *p, size_t len);
void vstrCatStr(vstr **v, const char *s);
void vstrCatFmt(vstr **v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vstrCatVFmt(vstr **v, const char *fmt, va_list ap);
void vstrCatRepr(vstr **v, const char *p, size_t len); /* quoted, escaped (MONITOR, LOG) */
void vstrSetLen(vstr **v, size_t len);                 /* grow with zeros or truncate */
void vstrClear(vstr *v);
void vstrShrink(vstr **v); /* give back spare capacity */

#endif
