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

static void objFreeValue(vlObj *o) {
    switch (o->type) {
    case OBJ_STRING:
        if (o->enc == OBJ_ENC_RAW) vstrFree(objPtr(o));
        break;
    case OBJ_LIST: listValueFree(objPtr(o)); break;
    case OBJ_HASH: hashValueFree(o->enc, objPtr(o)); break;
    case OBJ_SET: setValueFree(o->enc, objPtr(o)); break;
    default: break;
    }
}

void objFree(vlObj *o) {
    if (!o) return;
    objFreeValue(o);
    vlFree(o);
}

void objFreeShell(vlObj *o) {
    vlFree(o);
}

void *objDupValue(const vlObj *o) {
    switch (o->type) {
    case OBJ_STRING: return vstrDup(objPtr(o));
    case OBJ_LIST: return listValueDup(objPtr(o));
    case OBJ_HASH: return hashValueDup(o->enc, objPtr(o));
    case OBJ_SET: return setValueDup(o->enc, objPtr(o));
    default: return NULL;
    }
}

vlObj *objRekey(vlObj *o, const void *key, size_t klen, int dup) {
    vlObj *n;
    if (o->type == OBJ_STRING && o->enc != OBJ_ENC_RAW) {
        char buf[24];
        size_t vlen;
        const char *v = objStrVal(o, buf, &vlen);
        n = objNewString(key, klen, v, vlen);
        if (!dup && o->enc == OBJ_ENC_RAW) vstrFree(objPtr(o));
    } else {
        n = objNewPtr(key, klen, o->type, o->enc, dup ? objDupValue(o) : objPtr(o));
    }
    n->lru = o->lru;
    return n;
}

const char *objTypeName(int type) {
    switch (type) {
    case OBJ_STRING: return "string";
    case OBJ_LIST: return "list";
    case OBJ_SET: return "set";
    case OBJ_ZSET: return "zset";
    case OBJ_HASH: return "hash";
    default: return "unknown";
    }
}

const char *objEncName(const vlObj *o) {
    switch (o->enc) {
    case OBJ_ENC_RAW: return "raw";
    case OBJ_ENC_INT: return "int";
    case OBJ_ENC_HT: return "hashtable";
    case OBJ_ENC_INTSET: return "intset";
    case OBJ_ENC_EMBSTR: return "embstr";
    case OBJ_ENC_QUICKLIST: return o->type == OBJ_LIST ? listEncodingName(objPtr(o)) : "quicklist";
    case OBJ_ENC_LISTPACK: return "listpack";
    default: return "unknown";
    }
}

size_t objMemUsage(const vlObj *o, size_t samples) {
    size_t sum = vlAllocSize(o);
    switch (o->type) {
    case OBJ_STRING:
        if (o->enc == OBJ_ENC_RAW) sum += vlAllocSize(objPtr(o));
        break;
    case OBJ_LIST: sum += listValueMem(objPtr(o)); break;
    case OBJ_HASH: sum += hashValueMem(o->enc, objPtr(o), samples); break;
    case OBJ_SET: sum += setValueMem(o->enc, objPtr(o), samples); break;
    default: break;
    }
    return sum;
}

size_t objFreeEffort(const vlObj *o) {
    switch (o->type) {
    case OBJ_LIST: return plistChunkCount(objPtr(o));
    case OBJ_HASH:
    case OBJ_SET: return o->enc == OBJ_ENC_HT ? dictSize(objPtr(o)) : 1;
    default: return 1;
    }
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
    switch (o->type) {
    case OBJ_STRING: {
        char buf[24];
        size_t len;
        const char *v = objStrVal(o, buf, &len);
        digestMix(d, v, len);
        break;
    }
    case OBJ_LIST: listValueDigest(objPtr(o), d); break;
    case OBJ_HASH: hashValueDigest(o->enc, objPtr(o), d); break;
    case OBJ_SET: setValueDigest(o->enc, objPtr(o), d); break;
    default: break;
    }
}

/* ------------------------------------------------------- dict-or-compact values */

/* Exact for a compact value and for dicts up to this many entries; bigger dicts are sampled. */
#define OBJ_DICT_MEM_EXACT_MAX 4096

/* The memory estimate hashes and sets share: a compact value is one block; a dict is its
 * struct, its tables and its entries (one block each), summed or, past the exact limit,
 * extrapolated from up to min(samples, 64) random entries. */
size_t objDictValueMem(int enc, const void *ptr, size_t samples) {
    if (enc != OBJ_ENC_HT) return vlAllocSize(ptr);
    dict *d = (dict *)ptr;
    /* Bucket arrays are powers of two times 8 bytes: allocator size classes, so exact. */
    size_t sum = vlAllocSize(d) + dictMemUsage(d) - sizeof(dict);
    size_t n = dictSize(d);
    if (n == 0) return sum;
    if (samples == 0 || n <= OBJ_DICT_MEM_EXACT_MAX || samples >= n) {
        dictIter it;
        dictIterInit(&it, d);
        dictLink *e;
        while ((e = dictIterNext(&it)) != NULL) sum += vlAllocSize(e);
        dictIterRelease(&it);
        return sum;
    }
    dictLink *buf[64];
    size_t want = samples < 64 ? samples : 64, got = 0, bytes = 0;
    while (got < want) {
        size_t k = dictSample(d, buf, want - got);
        if (k == 0) break;
        for (size_t i = 0; i < k; i++) bytes += vlAllocSize(buf[i]);
        got += k;
    }
    if (got) sum += (size_t)((double)bytes / (double)got * (double)n);
    return sum;
}

/* ------------------------------------------------------------------- defrag */

typedef struct defragCtx {
    void *(*move)(void *p, void *ctx);
    void *ctx;
} defragCtx;

static dictLink *defragEntry(dictLink *e, void *ctx) {
    defragCtx *dc = ctx;
    return dc->move(e, dc->ctx);
}

static void *defragTable(void *t, void *ctx) {
    defragCtx *dc = ctx;
    return dc->move(t, dc->ctx);
}

/* The walk hashes and sets share: a compact value is one block; a dict moves its struct at
 * cursor 0 (it holds no pointer to itself, so a byte copy is a valid dict), then its tables
 * and entries through dictDefragStep, max_steps buckets per call. */
int objDefragDictValueStep(vlObj *o, unsigned long *cursor, size_t max_steps, vlMoveFn *move,
                           void *ctx) {
    if (o->enc != OBJ_ENC_HT) {
        void *n = move(objPtr(o), ctx);
        if (n) objSetPtr(o, n);
        *cursor = 0;
        return 0;
    }
    dict *d = objPtr(o);
    if (*cursor == 0) {
        dict *nd = move(d, ctx);
        if (nd) {
            d = nd;
            objSetPtr(o, d);
        }
    }
    defragCtx dc = {move, ctx};
    unsigned long cur = *cursor;
    size_t steps = max_steps ? max_steps : 1;
    do {
        cur = dictDefragStep(d, cur, defragEntry, cur == 0 ? defragTable : NULL, &dc);
    } while (cur != 0 && --steps > 0);
    *cursor = cur;
    return cur != 0;
}
