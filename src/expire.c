/* expire.c - the active expire cycle.
 *
 * Lazy expiry (db.c) removes a key when it is touched; this cycle finds the ones nobody
 * touches. Each cron tick walks every db's expires dict with its scan cursor, about 20
 * entries at a time, deleting what is due, and goes on while the share of expired entries
 * found stays above 10% and the time budget (a quarter of the tick, as Redis) lasts. The
 * scan cursor, unlike random sampling, guarantees that every volatile key is looked at
 * within a bounded number of ticks. */
#include <string.h>

#include "db.h"
#include "object.h"
#include "server.h"

#define EXPIRE_KEYS_PER_LOOP 20

typedef struct expireScan {
    vlServer *s;
    vlDb *db;
    int64_t now;
    size_t sampled, expired;
    vstr *names; /* length-prefixed names of due keys, deleted after the scan step */
} expireScan;

static void expireScanCb(void *ctx, dictLink *e) {
    expireScan *es = ctx;
    vlExpire *x = (vlExpire *)e;
    es->sampled++;
    if (x->when <= es->now) {
        uint32_t l = x->klen;
        vstrCat(&es->names, &l, sizeof(l));
        vstrCat(&es->names, x->key, l);
    }
}

void expireActiveCycle(vlServer *s, int fast) {
    int hz = s->cfg.hz > 0 ? s->cfg.hz : 10;
    int effort = s->cfg.active_expire_effort;
    uint64_t budget_us = fast ? 1000 : (uint64_t)(1000000 / hz) * (25 + (uint64_t)effort * 2) / 100;
    uint64_t start = utilMonoUs();
    expireScan es = {s, NULL, 0, 0, 0, NULL};
    for (int i = 0; i < s->cfg.databases; i++) {
        vlDb *db = &s->db[i];
        if (dictSize(db->expires) == 0) continue;
        es.db = db;
        for (;;) {
            es.now = (int64_t)utilMsTime();
            es.sampled = es.expired = 0;
            if (es.names) vstrClear(es.names);
            do {
                db->expire_cursor = dictScan(db->expires, db->expire_cursor, expireScanCb, &es);
            } while (db->expire_cursor && es.sampled < EXPIRE_KEYS_PER_LOOP);
            size_t off = 0;
            while (es.names && off < es.names->len) {
                uint32_t l;
                memcpy(&l, es.names->buf + off, sizeof(l));
                off += sizeof(l);
                vlObj *o = (vlObj *)dictFind(db->keys, es.names->buf + off, l);
                s->mstime = es.now;
                if (o && dbExpireIfNeeded(s, db, o)) es.expired++;
                off += l;
            }
            if (utilMonoUs() - start > budget_us) {
                s->stats.expired_time_cap_reached_count++;
                vstrFree(es.names);
                return;
            }
            if (es.sampled == 0 || es.expired * 10 < es.sampled || db->expire_cursor == 0) break;
        }
    }
    vstrFree(es.names);
}
