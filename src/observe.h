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
/* A command that blocked: its entry is prepared now (c->slow_pending) and logged, with the
 * time it ran before and after waiting, when it is served, times out or is unblocked. */
void slowlogBlocked(vlServer *s, vlClient *c, long long duration_us);
void slowlogUnblocked(vlServer *s, vlClient *c, long long more_us);
void slowlogBlockedDiscard(vlClient *c);
void latencyAddSample(vlServer *s, const char *event, long long ms);
/* latency-tracking: per-command histograms with about 3% resolution, for INFO latencystats */
struct vlCommandStats;
void latencyTrack(struct vlCommandStats *st, uint64_t usec);
void latencyTrackFree(struct vlCommandStats *st);
/* The value (usec) under which pct percent of the recorded calls fell; 0 with none. */
double latencyPercentile(const struct vlCommandStats *st, double pct);
void slowlogCommand(vlClient *c);
void latencyCommand(vlClient *c);

#endif
