/* sort.c - SORT and SORT_RO: the elements of a list or set, ordered by their own value or by
 * weights looked up in other keys (BY pattern), cut by LIMIT, with values of other keys put
 * in their place (GET pattern), replied or stored as a list (STORE).
 *
 * The one decision: elements are copied out of the value first. BY and GET look up other
 * keys while the sort runs, and STORE may replace the very key being sorted, so nothing may
 * borrow from a value here. A copy per element is what Redis's SORT costs as well.
 *
 * Patterns, as Redis reads them: the first '*' is replaced by the element; "->field" after
 * it names a hash field; "#" alone is the element itself; a pattern with no '*' matches no
 * key (a BY of that kind means "do not sort"). */
#include <stdlib.h>
#include <string.h>

#include "plist.h"
#include "client.h"
#include "cmd.h"
#include "db.h"
#include "dictval.h"
#include "object.h"
#include "pubsub.h"
#include "server.h"

typedef struct sortItem {
    char *s; /* the element, owned */
    size_t len;
    double score; /* numeric weight */
    vstr *byval;  /* ALPHA with BY: the weight's text (NULL: no such key, sorts first) */
} sortItem;

typedef struct sortList {
    sortItem *v;
    size_t n, cap;
} sortList;

static void sortAdd(void *ctx, const char *p, size_t len) {
    sortList *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = vlRealloc(l->v, l->cap * sizeof(*l->v));
    }
    sortItem *it = &l->v[l->n++];
    memset(it, 0, sizeof(*it));
    it->s = vlMalloc(len ? len : 1);
    memcpy(it->s, p, len);
    it->len = len;
}

static void sortListFree(sortList *l) {
    for (size_t i = 0; i < l->n; i++) {
        vlFree(l->v[i].s);
        vstrFree(l->v[i].byval);
    }
    vlFree(l->v);
}

/* The value pattern names for element (s, len), into out; 0 when there is none. */
static int patternLookup(vlClient *c, const protoArg *pat, const char *s, size_t len, vstr **out) {
    if (pat->len == 1 && pat->ptr[0] == '#') {
        *out = vstrNew(s, len);
        return 1;
    }
    const char *star = memchr(pat->ptr, '*', pat->len);
    if (!star) return 0;
    size_t keyend = pat->len;
    const char *field = NULL;
    size_t flen = 0;
    for (const char *p = star + 1; p + 2 < pat->ptr + pat->len; p++) {
        if (p[0] == '-' && p[1] == '>') { /* "->" followed by a field name */
            keyend = (size_t)(p - pat->ptr);
            field = p + 2;
            flen = pat->len - keyend - 2;
            break;
        }
    }
    vstr *key = vstrNew(pat->ptr, (size_t)(star - pat->ptr));
    vstrCat(&key, s, len);
    vstrCat(&key, star + 1, keyend - (size_t)(star - pat->ptr) - 1);
    vlObj *o = dbLookup(c, key->buf, key->len, LOOKUP_NOTOUCH);
    vstrFree(key);
    if (!o) return 0;
    if (field) {
        const unsigned char *v;
        size_t vlen;
        if (o->type != OBJ_HASH || !hashFieldGet(o, field, flen, &v, &vlen)) return 0;
        *out = vstrNew(v, vlen);
        return 1;
    }
    if (o->type != OBJ_STRING) return 0;
    char buf[32];
    size_t vlen;
    const char *v = objStrVal(o, buf, &vlen);
    *out = vstrNew(v, vlen);
    return 1;
}

static int cmpBytes(const char *a, size_t al, const char *b, size_t bl) {
    int r = memcmp(a, b, al < bl ? al : bl);
    return r ? r : (al < bl ? -1 : al > bl);
}

typedef struct sortOrder {
    int alpha, by, desc;
} sortOrder;

static int sortCompare(const void *pa, const void *pb, void *ctx) {
    const sortItem *a = pa, *b = pb;
    const sortOrder sortHow = *(const sortOrder *)ctx;
    int r;
    if (!sortHow.alpha) {
        r = a->score < b->score ? -1 : a->score > b->score;
        /* equal weights: by the elements, so that the order is always the same */
        if (!r) r = cmpBytes(a->s, a->len, b->s, b->len);
    } else if (sortHow.by) {
        if (!a->byval || !b->byval)
            r = (a->byval != NULL) - (b->byval != NULL); /* missing weights first */
        else
            r = cmpBytes(a->byval->buf, a->byval->len, b->byval->buf, b->byval->len);
    } else {
        r = cmpBytes(a->s, a->len, b->s, b->len);
    }
    return sortHow.desc ? -r : r;
}

static void sortGeneric(vlClient *c, int readonly) {
    vlServer *s = c->srv;
    const protoArg *by = NULL, *store = NULL;
    const protoArg **gets = vlMalloc(sizeof(*gets) * (size_t)c->argc);
    int ngets = 0, alpha = 0, desc = 0, dontsort = 0;
    long long off = 0, count = -1;
    for (int j = 2; j < c->argc; j++) {
        const protoArg *a = &c->argv[j];
        int left = c->argc - j - 1;
        if (argEq(a, "asc")) {
            desc = 0;
        } else if (argEq(a, "desc")) {
            desc = 1;
        } else if (argEq(a, "alpha")) {
            alpha = 1;
        } else if (argEq(a, "limit") && left >= 2) {
            if (getLongLongOrReply(c, &c->argv[j + 1], &off, NULL) != VL_OK ||
                getLongLongOrReply(c, &c->argv[j + 2], &count, NULL) != VL_OK)
                goto done;
            j += 2;
        } else if (argEq(a, "store") && left >= 1 && !readonly) {
            store = &c->argv[++j];
        } else if (argEq(a, "by") && left >= 1) {
            by = &c->argv[++j];
            if (!memchr(by->ptr, '*', by->len)) dontsort = 1; /* BY nosort */
        } else if (argEq(a, "get") && left >= 1) {
            gets[ngets++] = &c->argv[++j];
        } else {
            addReplyErrorSyntax(c);
            goto done;
        }
    }
    vlObj *o = dbLookup(c, c->argv[1].ptr, c->argv[1].len, LOOKUP_NONE);
    if (o && o->type != OBJ_LIST && o->type != OBJ_SET) {
        addReplyErrorWrongType(c);
        goto done;
    }
    sortList l = {NULL, 0, 0};
    if (o && o->type == OBJ_LIST) {
        plistIter *it = plistIterNew(objPtr(o), 0, PLIST_HEAD);
        plistEntry e;
        char buf[24];
        while (plistIterNext(it, &e)) {
            const unsigned char *p;
            size_t len;
            plistEntryToStr(&e, buf, &p, &len);
            sortAdd(&l, (const char *)p, len);
        }
        plistIterRelease(it);
    } else if (o) {
        setForEachMember(o, sortAdd, &l);
        /* a set has no order of its own: stored results are sorted anyway (Redis) */
        if (dontsort && store) dontsort = 0, alpha = 1, by = NULL;
    }
    /* weights */
    for (size_t i = 0; i < l.n && !dontsort; i++) {
        sortItem *it = &l.v[i];
        vstr *w = NULL;
        if (by) {
            if (!patternLookup(c, by, it->s, it->len, &w)) w = NULL;
        }
        if (alpha) {
            it->byval = w; /* used only with BY */
            continue;
        }
        const char *t = w ? w->buf : it->s;
        size_t tl = w ? w->len : it->len;
        if (by && !w) {
            it->score = 0; /* no such key: weight 0 */
        } else if (!utilStrToD(t, tl, &it->score)) {
            vstrFree(w);
            addReplyError(c, "ERR One or more scores can't be converted into double");
            sortListFree(&l);
            goto done;
        }
        vstrFree(w);
    }
    if (!dontsort && l.n > 1) {
        sortOrder how = {alpha, by != NULL, desc};
        qsort_r(l.v, l.n, sizeof(*l.v), sortCompare, &how);
    }
    /* LIMIT, clamped as Redis does */
    long long n = (long long)l.n;
    long long start = off < 0 ? 0 : off;
    long long end = count < 0 ? n - 1 : start + count - 1;
    if (start >= n) start = n - 1, end = n - 2;
    if (end >= n) end = n - 1;
    long long outn = end >= start ? (end - start + 1) * (ngets ? ngets : 1) : 0;
    if (!store) {
        addReplyArrayLen(c, outn);
        for (long long i = start; i <= end; i++) {
            const sortItem *it = &l.v[i];
            if (!ngets) addReplyBulk(c, it->s, it->len);
            for (int g = 0; g < ngets; g++) {
                vstr *v = NULL;
                if (patternLookup(c, gets[g], it->s, it->len, &v))
                    addReplyBulk(c, v->buf, v->len);
                else
                    addReplyNull(c);
                vstrFree(v);
            }
        }
    } else {
        plist *pl = plistCreate(s->cfg.list_max_listpack_size);
        for (long long i = start; i <= end; i++) {
            const sortItem *it = &l.v[i];
            if (!ngets) plistPush(pl, it->s, it->len, PLIST_TAIL);
            for (int g = 0; g < ngets; g++) {
                vstr *v = NULL;
                if (patternLookup(c, gets[g], it->s, it->len, &v))
                    plistPush(pl, v->buf, v->len, PLIST_TAIL);
                else
                    plistPush(pl, "", 0, PLIST_TAIL); /* a missing value stores as "" */
                vstrFree(v);
            }
        }
        int changed = 1;
        if (plistLen(pl)) {
            vlObj *dst = objNewPtr(store->ptr, store->len, OBJ_LIST, OBJ_ENC_QUICKLIST, pl);
            dbSetKey(s, c->db, dst, 0);
            notifyKeyspaceEvent(s, NOTIFY_LIST, "sortstore", store->ptr, store->len, c->db->id);
        } else {
            plistRelease(pl); /* an empty result deletes the target, as in Redis */
            changed = dbDelete(s, c->db, store->ptr, store->len);
            if (changed)
                notifyKeyspaceEvent(s, NOTIFY_GENERIC, "del", store->ptr, store->len, c->db->id);
        }
        if (changed) dbSignalModified(s, c->db, store->ptr, store->len);
        addReplyLongLong(c, outn);
    }
    sortListFree(&l);
done:
    vlFree(gets);
}

static void sortCommand(vlClient *c) {
    sortGeneric(c, 0);
}

static void sortRoCommand(vlClient *c) {
    sortGeneric(c, 1);
}

const vlCommand vlSortCommands[] = {
    {"sort", sortCommand, -2, CMD_WRITE | CMD_DENYOOM | CMD_MOVABLEKEYS, 1, 1, 1, "generic",
     "Sorts the elements in a list, a set, or a sorted set, optionally storing the result."},
    {"sort_ro", sortRoCommand, -2, CMD_READONLY | CMD_MOVABLEKEYS, 1, 1, 1, "generic",
     "Returns the sorted elements of a list, a set, or a sorted set."},
    {0},
};
