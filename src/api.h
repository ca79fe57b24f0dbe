/* api.h - what the public API's two ways in share (api.c): the embedded vlServerNew and the
 * standalone vlServerMain (standalone.c) create and run a server through these, so there is
 * one startup path. Not installed. */
#ifndef VL_API_H
#define VL_API_H

#include <stddef.h>

typedef struct vlServer vlServer;

/* A server with the process's hash seed set, its api state and the defaults: the standalone
 * ones (port 6379, jemalloc's purge threads) or the embedded ones (no TCP, no threads). The
 * caller loads the configuration. NULL with the reason in err. */
vlServer *apiServerNew(int standalone, char *err, size_t errlen);
/* Runs the server on an event base of its own until SHUTDOWN or vlServerStop; with signals,
 * SIGTERM and SIGINT shut it down. started() runs once it listens. 0 ok, -1 error. */
int apiServerRun(vlServer *s, int signals, void (*started)(vlServer *s));

#endif
