/* blocking.c - PLACEHOLDER until the blocking list commands land (issue 3). */
#include "server.h"

void blockingInit(vlServer *s) { VL_UNUSED(s); }
void blockingFree(vlServer *s) { VL_UNUSED(s); }
void blockingClientFree(vlClient *c) { VL_UNUSED(c); }
void blockingHandleReady(vlServer *s) { VL_UNUSED(s); }
void blockingCheckTimeouts(vlServer *s) { VL_UNUSED(s); }
int blockingUnblock(vlServer *s, uint64_t id, int with_error) {
    VL_UNUSED(s);
    VL_UNUSED(id);
    VL_UNUSED(with_error);
    return 0;
}
size_t blockingCount(vlServer *s) {
    VL_UNUSED(s);
    return 0;
}
void blockingSignalKey(vlServer *s, vlDb *db, const void *key, size_t klen) {
    VL_UNUSED(s);
    VL_UNUSED(db);
    VL_UNUSED(key);
    VL_UNUSED(klen);
}
