/* test_loop_timer.c - the loop's one-shot timers, ordinary and precise (loop.c).
 *
 * A precise timer (the defrag engine's) must fire once per start, no earlier than asked, for
 * waits under a millisecond that libevent's own timers round up; a new start must replace a
 * pending one on either path (the timerfd or libevent's timer); freeing a pending timer
 * must leave nothing behind on the base. Bounds are only lower bounds (a timer never fires
 * early); every loop run is capped by a loopexit. */
#include <event2/event.h>

#include "ctest.h"
#include "ctest_server.h"
#include "loop.h"
#include "server.h"
#include "util.h"

typedef struct {
    struct event_base *base;
    int fired;
    uint64_t at_us;
} fireState;

static void onFire(void *arg) {
    fireState *f = arg;
    f->fired++;
    f->at_us = utilMonoUs();
    event_base_loopbreak(f->base);
}

/* Runs the base until the timer fires or 2 s pass. */
static void runUntilFired(struct event_base *base) {
    struct timeval limit = {2, 0};
    event_base_loopexit(base, &limit);
    event_base_dispatch(base);
}

static void testPreciseTimer(void) {
    struct event_base *base = event_base_new();
    vlServer *s = startOn(base, freePort());
    CHECK(s != NULL);
    if (!s) return;
    fireState f = {base, 0, 0};
    struct event *t = loopTimerNewPrecise(s, onFire, &f);
#ifdef __linux__
    CHECK_EQ(loopTimerIsPrecise(t), 1);
#endif
    struct event *plain = loopTimerNew(s, onFire, &f);
    CHECK_EQ(loopTimerIsPrecise(plain), 0);
    loopTimerFree(plain);

    /* a sub-millisecond wait fires once, and not before it is due */
    CHECK_EQ(loopTimerPending(t), 0);
    uint64_t t0 = utilMonoUs();
    loopTimerStart(t, 300);
    CHECK_EQ(loopTimerPending(t), 1);
    runUntilFired(base);
    CHECK_EQ(f.fired, 1);
    CHECK(f.at_us - t0 >= 300);
    CHECK_EQ(loopTimerPending(t), 0);

    /* a start replaces a pending one: timerfd -> timerfd, then libevent -> timerfd */
    f.fired = 0;
    loopTimerStart(t, 900000);
    loopTimerStart(t, 400);
    t0 = utilMonoUs();
    runUntilFired(base);
    CHECK_EQ(f.fired, 1);
    CHECK(f.at_us - t0 < 900000);
    f.fired = 0;
    loopTimerStart(t, 1500000); /* >= 1 s: libevent's timer */
    loopTimerStart(t, 200);     /* must cancel it */
    runUntilFired(base);
    CHECK_EQ(f.fired, 1);
    CHECK_EQ(loopTimerPending(t), 0); /* the 1.5 s start is gone */
    /* nothing of the timer is left pending: a non-blocking pass fires nothing */
    f.fired = 0;
    event_base_loop(base, EVLOOP_NONBLOCK);
    CHECK_EQ(f.fired, 0);

    /* 0: this loop pass, on libevent's side, and a timerfd start before it is disarmed */
    f.fired = 0;
    loopTimerStart(t, 300000);
    loopTimerStart(t, 0);
    runUntilFired(base);
    CHECK_EQ(f.fired, 1);
    CHECK_EQ(loopTimerPending(t), 0); /* the timerfd was disarmed */

    /* freeing a pending timer unregisters both of its events */
    loopTimerStart(t, 250);
    loopTimerFree(t);
    f.fired = 0;
    event_base_loop(base, EVLOOP_NONBLOCK);
    CHECK_EQ(f.fired, 0);

    serverStop(s);
    serverFree(s);
    event_base_free(base);
}

int main(void) {
    RUN(testPreciseTimer);
    CTEST_END();
}
