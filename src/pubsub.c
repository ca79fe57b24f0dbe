/* pubsub.c - PLACEHOLDER until the pub/sub module lands (issue 4): keeps the tree linking.
 * Subscriptions are not supported yet; keyspace notifications are dropped. */
#include "server.h"

const vlCommand vlPubsubCommands[] = {{0}};

void pubsubInit(vlServer *s) { VL_UNUSED(s); }
void pubsubFree(vlServer *s) { VL_UNUSED(s); }
void pubsubClientFree(vlClient *c) { VL_UNUSED(c); }
size_t pubsubClientCount(const vlClient *c, int kind) {
    VL_UNUSED(c);
    VL_UNUSED(kind);
    return 0;
}
long long pubsubPublish(vlServer *s, const void *ch, size_t chlen, const void *msg, size_t mlen,
                        int shard) {
    VL_UNUSED(s);
    VL_UNUSED(ch);
    VL_UNUSED(chlen);
    VL_UNUSED(msg);
    VL_UNUSED(mlen);
    VL_UNUSED(shard);
    return 0;
}
size_t pubsubMemUsage(vlServer *s) {
    VL_UNUSED(s);
    return 0;
}
void pubsubInfo(vlServer *s, vstr **out) {
    VL_UNUSED(s);
    vstrCatStr(out, "pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n");
}
void notifyKeyspaceEvent(vlServer *s, int type, const char *event, const void *key, size_t klen,
                         int dbid) {
    VL_UNUSED(s);
    VL_UNUSED(type);
    VL_UNUSED(event);
    VL_UNUSED(key);
    VL_UNUSED(klen);
    VL_UNUSED(dbid);
}
int notifyFlagsFromString(const char *str, int *flags) {
    *flags = 0;
    return str[0] == '\0' ? VL_OK : VL_ERR;
}
void notifyFlagsToString(int flags, char *buf, size_t len) {
    VL_UNUSED(flags);
    if (len) buf[0] = '\0';
}
