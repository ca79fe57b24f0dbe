/* object.c - keys and values in one block.
 *
 * A vlObj holds its key name and either its value (short strings, integers) or a pointer to
 * the value's own structure. The db dict links objects directly (dictLink is the first
 * member), so a small string key costs one block and one bucket slot: that is where the
 * memory per key goes (Valkey 8 made the same move; Redis 7 spends a dictEntry, an sds key
 * and an robj). The key lives in exactly one block, so a defrag move of the object is
 * "copy, free, store the new pointer in the bucket": nothing else points to it (expiry
 * entries keep their own copy of the name).
 *
 * Rejected: a separate robj and key sds (two more blocks per key), and storing the expire
 * time in the object (it would make every object 8 bytes bigger for the rare volatile key).
 */
#include <string.h>

#include "plist.h"
#include "db.h"
#include "object.h"
#include "server.h"
#include "varlen.h"

/* lengths of the key and of an embedded value: the project's one codec (ds/varlen.h) */
static inline unsigned char *lenEncode(unsigned char *p, size_t len) {
    return p + varlenPut(p, len);
}

static inline const unsigned char *lenDecode(const unsigned char *p, size_t *len) {
    return p + varlenGet(p, len);
}

static vlObj *objAlloc(const void *key, size_t klen, size_t valbytes, int type, int enc,
                       unsigned char **valp) {
    vlObj *o = vlMalloc(sizeof(vlObj) + varlenSize(klen) + klen + valbytes);
    o->link.next = NULL;
    o->lru = 0;
    o->type = (uint8_t)type;
    o->enc = (uint8_t)enc;
    o->flags = 0;
    o->spare = 0;
    unsigned char *p = lenEncode(o->data, klen);
    memcpy(p, key, klen);
    *valp = p + klen;
    return o;
}

static unsigned char *valPtr(const vlObj *o) {
    size_t klen;
    const unsigned char *p = lenDecode(o->data, &klen);
    return (unsigned char *)p + klen;
}

vlObj *objNewString(const void *key, size_t klen, const void *val, size_t vlen) {
    long long ll;
    unsigned char *vp;
    /* Integers that round-trip exactly are stored as 8 bytes (and INCR needs no parse). */
    if (vlen <= 20 && utilStrToLL(val, vlen, &ll)) return objNewStringLL(key, klen, ll);
    if (vlen <= OBJ_EMBSTR_MAX) {
        vlObj *o = objAlloc(key, klen, varlenSize(vlen) + vlen, OBJ_STRING, OBJ_ENC_EMBSTR, &vp);
        vp = lenEncode(vp, vlen);
        memcpy(vp, val, vlen);
        return o;
    }
    vstr *v = vstrNew(val, vlen);
    vlObj *o = objAlloc(key, klen, sizeof(void *), OBJ_STRING, OBJ_ENC_RAW, &vp);
    memcpy(vp, &v, sizeof(v));
    return o;
}

vlObj *objNewStringLL(const void *key, size_t klen, long long v) {
    unsigned char *vp;
    vlObj *o = objAlloc(key, klen, sizeof(long long), OBJ_STRING, OBJ_ENC_INT, &vp);
    memcpy(vp, &v, sizeof(v));
    return o;
}

vlObj *objNewPtr(const void *key, size_t klen, int type, int enc, void *ptr) {
    unsigned char *vp;
    vlObj *o = objAlloc(key, klen, sizeof(void *), type, enc, &vp);
    memcpy(vp, &ptr, sizeof(ptr));
    return o;
}

void objSetLL(vlObj *o, long long v) {
    memcpy(valPtr(o), &v, sizeof(v));
}

const char *objKey(const vlObj *o, size_t *len) {
    return (const char *)lenDecode(o->data, len);
}

void *objPtr(const vlObj *o) {
    void *p;
    memcpy(&p, valPtr(o), sizeof(p));
    return p;
}

void objSetPtr(vlObj *o, void *ptr) {
    memcpy(valPtr(o), &ptr, sizeof(ptr));
}

const char *objStrVal(const vlObj *o, char *buf, size_t *len) {
    const unsigned char *vp = valPtr(o);
    switch (o->enc) {
    case OBJ_ENC_EMBSTR: vp = lenDecode(vp, len); return (const char *)vp;
    case OBJ_ENC_INT: {
        long long v;
        memcpy(&v, vp, sizeof(v));
        *len = (size_t)utilLLToStr(buf, 21, v);
        return buf;
    }
    default: {
        vstr *v = objPtr(o);
        *len = v->len;
        return v->buf;
    }
    }
}

int objGetLL(const vlObj *o, long long *out) {
    if (o->enc == OBJ_ENC_INT) {
        memcpy(out, valPtr(o), sizeof(*out));
        return 1;
    }
    char buf[24];
    size_t len;
    const char *p = objStrVal(o, buf, &len);
    return len <= 20 && utilStrToLL(p, len, out);
}

size_t objStrLen(const vlObj *o) {
    char buf[24];
    size_t len;
    objStrVal(o, buf, &len);
    return len;
}

/* ------------------------------------------------------------------- the type table */

/* One row per type, from its t_*.c; a type without a row (zset until it lands) has no values. */
static const vlTypeOps *const typeTable[OBJ_TYPE_COUNT] = {
    [OBJ_STRING] = &stringType,
    [OBJ_LIST] = &listType,
    [OBJ_SET] = &setType,
    [OBJ_HASH] = &hashType,
};

const vlTypeOps *objOps(const vlObj *o) {
    return typeTable[o->type];
}

int objIsInline(const vlObj *o) {
    return o->enc == OBJ_ENC_EMBSTR || o->enc == OBJ_ENC_INT;
}

void objFree(vlObj *o) {
    if (!o) return;
    objOps(o)->freeValue(o);
    vlFree(o);
}

void objFreeShell(vlObj *o) {
    vlFree(o);
}

void *objDupValue(const vlObj *o) {
    return objIsInline(o) ? NULL : objOps(o)->dupValue(o);
}

vlObj *objRekey(vlObj *o, const void *key, size_t klen, int dup) {
    vlObj *n;
    if (objIsInline(o)) { /* the value is bytes in the object: copy them */
        char buf[24];
        size_t vlen;
        const char *v = objStrVal(o, buf, &vlen);
        n = objNewString(key, klen, v, vlen);
    } else {
        n = objNewPtr(key, klen, o->type, o->enc, dup ? objDupValue(o) : objPtr(o));
    }
    n->lru = o->lru;
    return n;
}

/* Names of every type, also those without values yet (TYPE filters, SCAN ... TYPE zset). */
static const char *const typeNames[OBJ_TYPE_COUNT] = {
    [OBJ_STRING] = "string", [OBJ_LIST] = "list", [OBJ_SET] = "set",
    [OBJ_ZSET] = "zset",     [OBJ_HASH] = "hash",
};

const char *objTypeName(int type) {
    return type >= 0 && type < OBJ_TYPE_COUNT && typeNames[type] ? typeNames[type] : "unknown";
}

const char *objEncName(const vlObj *o) {
    return objOps(o)->encName(o);
}

size_t objMemUsage(const vlObj *o, size_t samples) {
    return vlAllocSize(o) + objOps(o)->memUsage(o, samples);
}

size_t objFreeEffort(const vlObj *o) {
    size_t n = objOps(o)->walkSize(o);
    return n ? n : 1;
}

/* Digests: 20 bytes from three seeded siphashes. Not cryptographic; DEBUG DIGEST only has to
 * tell two datasets apart reliably inside one server. */
static const uint8_t dkeys[3][16] = {
    {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
    {17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32},
    {33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48},
};

static void digestOf(unsigned char out[20], const void *p, size_t len) {
    uint64_t h[3];
    for (int i = 0; i < 3; i++) h[i] = utilSipHash(p, len, dkeys[i]);
    memcpy(out, h, 20);
}

void digestXor(unsigned char d[20], const void *p, size_t len) {
    unsigned char h[20];
    digestOf(h, p, len);
    for (int i = 0; i < 20; i++) d[i] ^= h[i];
}

void digestMix(unsigned char d[20], const void *p, size_t len) {
    digestXor(d, p, len);
    unsigned char h[20];
    digestOf(h, d, 20);
    memcpy(d, h, 20);
}

void objDigest(const vlObj *o, unsigned char d[20]) {
    memset(d, 0, 20);
    objOps(o)->digest(o, d);
}
