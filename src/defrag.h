/* defrag.h - the active defrag engine (defrag.c). */
#ifndef VL_DEFRAG_H
#define VL_DEFRAG_H

#include <stddef.h>
#include <stdint.h>
#include "vstr.h"

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;

/* defrag.c */
void defragInit(vlServer *s);
void defragFree(vlServer *s);
void defragCron(vlServer *s);               /* control, once per cron second */
int defragRunningEffort(vlServer *s);       /* active_defrag_running: effort %, 0 when idle */
long long defragCurrentTimeUs(vlServer *s); /* wall time of the run in progress, 0 when idle */
void defragInfo(vlServer *s, vstr **out);
void defragCommand(vlClient *c); /* DEBUG DEFRAG ... */

#endif
