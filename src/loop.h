/* loop.h - libevent glue (loop.c): listeners, cron, flush event, timers. Server tier only. */
#ifndef VL_LOOP_H
#define VL_LOOP_H

#include <stddef.h>
#include <stdint.h>

typedef struct vlServer vlServer;
struct event_base;
struct event;

/* loop.c (libevent glue) */
int loopAttach(vlServer *s, struct event_base *base, char *err, size_t errlen);
void loopDetach(vlServer *s);
void loopScheduleFlush(vlServer *s);
int loopSetHz(vlServer *s);
int loopRebind(vlServer *s, char *err, size_t errlen);
/* Is a client's request waiting to be read? Background work (defrag slices) asks, to end
 * early. One epoll_wait with no timeout; 0 where the OS has no epoll. */
int loopInputWaiting(vlServer *s);
void loopWaitAdd(vlServer *s, int fd);
void loopWaitDel(vlServer *s, int fd);
struct event *loopTimerNew(vlServer *s, void (*fn)(void *arg), void *arg);
struct event *loopTimerNewPrecise(vlServer *s, void (*fn)(void *arg), void *arg);
int loopTimerIsPrecise(struct event *ev);
int loopTimerPending(struct event *ev);
void loopTimerStart(struct event *ev, uint64_t us);
void loopTimerFree(struct event *ev);
struct event_base *loopNewBase(void);
void loopFreeBase(struct event_base *b);
const char *loopMethod(vlServer *s);
/* Dispatches the server's own base until loopBreak/SHUTDOWN; with signals, SIGTERM and SIGINT
 * shut it down (the standalone server only). */
void loopRunOwn(vlServer *s, int signals);
void loopBreak(vlServer *s);

#endif
