/* defrag.c - PLACEHOLDER until the active defrag engine lands (issue 5). */
#include "server.h"

void defragInit(vlServer *s) { VL_UNUSED(s); }
void defragFree(vlServer *s) { VL_UNUSED(s); }
void defragCron(vlServer *s) { VL_UNUSED(s); }
int defragRunningEffort(vlServer *s) {
    VL_UNUSED(s);
    return 0;
}
void defragInfo(vlServer *s, vstr **out) {
    VL_UNUSED(s);
    vstrCatStr(out, "defrag_state:idle\r\n");
}
void defragCommand(vlClient *c) {
    addReplyError(c, "ERR active defrag is not available yet");
}
