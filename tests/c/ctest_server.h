/* ctest_server.h - start a server (internal API) on a given event_base for C tests. Include
 * once, in the test's .c file, after server.h. */
#ifndef VL_CTEST_SERVER_H
#define VL_CTEST_SERVER_H

#include <stdio.h>

#include "ctest_net.h"
#include "server.h"

/* On 127.0.0.1:port, loglevel warning; NULL (and a printed reason) on failure. */
static vlServer *startOn(struct event_base *base, int port) {
    char err[256], text[128];
    vlServer *s = serverCreate(err, sizeof(err));
    if (!s) return NULL;
    snprintf(text, sizeof(text), "port %d\nbind 127.0.0.1\nloglevel warning\n", port);
    vlHeap *prev = allocHeapEnter(s->heap);
    int rc = configLoadText(s, text, err, sizeof(err));
    allocHeapLeave(prev);
    if (rc != VL_OK || serverStart(s, base, err, sizeof(err)) != VL_OK) {
        printf("    start failed: %s\n", err);
        return NULL;
    }
    return s;
}

#endif
