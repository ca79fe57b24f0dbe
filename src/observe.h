/* observe.h - SLOWLOG and LATENCY (observe.c). */
#ifndef VL_OBSERVE_H
#define VL_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;

/* slowlog / latency (observe.c) */
void observeInit(vlServer *s);
void observeFree(vlServer *s);
void slowlogPush(vlServer *s, vlClient *c, long long duration_us);
void latencyAddSample(vlServer *s, const char *event, long long ms);
void slowlogCommand(vlClient *c);
void latencyCommand(vlClient *c);

#endif
