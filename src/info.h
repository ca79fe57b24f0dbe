/* info.h - INFO and the memory figures (info.c). */
#ifndef VL_INFO_H
#define VL_INFO_H

#include <stddef.h>
#include <stdint.h>
#include "alloc.h"
#include "proto.h"
#include "vstr.h"

typedef struct vlServer vlServer;

/* info.c */
vstr *infoGenerate(vlServer *s, const protoArg *sections, int nsections);
void infoMemoryFigures(vlServer *s, vstr **out);
void infoSampleStats(vlServer *s); /* cron, every 100 ms: instantaneous ops and kbps */
/* Memory figures, computed when asked (INFO memory, MEMORY STATS / DOCTOR). */
typedef struct vlMemStats {
    size_t used, peak, startup, rss, total_system;
    size_t clients_normal, clients_pubsub; /* buffers + client structs */
    size_t db_overhead;                    /* keyspace and expires tables, expire entries */
    size_t overhead, dataset;              /* overhead = startup + clients + db_overhead */
    size_t keys;
    /* keyspace tables: bucket arrays, those of tables being rehashed away, how many */
    size_t ht_lut, ht_rehashing, rehashing_count;
    allocStats alloc;
} vlMemStats;
void infoMemoryStats(vlServer *s, vlMemStats *m);

#endif
