/* clientmem.h - what each client's buffers cost, a running sum over the clients, and client
 * eviction under maxmemory-clients (clientmem.c). */
#ifndef VL_CLIENTMEM_H
#define VL_CLIENTMEM_H

#include <stddef.h>

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;

/* Bytes the client holds: its struct, query buffer, parser arrays, reply blocks. O(1). What
 * CLIENT LIST tot-mem, INFO mem_clients_* and client eviction all count. */
size_t clientMemUsage(const vlClient *c);

void clientMemInit(vlServer *s);
void clientMemFree(vlServer *s); /* after every client is gone */

/* Re-counts c in the sum (and its size bucket). O(1); call after its buffers changed. Clients
 * that are closing count 0; in-process clients are never counted. */
void clientMemUpdate(vlClient *c);
/* c is being freed: takes it out of the sum and its bucket. */
void clientMemForget(vlClient *c);
size_t clientMemTotal(const vlServer *s);

/* maxmemory-clients in bytes (a percentage is of maxmemory), 0 when off. */
size_t clientMemLimit(const vlServer *s);

/* While the counted clients use more than the limit, disconnects the evictable client that
 * uses most (within a factor of two: the top non-empty size bucket). now = 1 at a safe point,
 * where no command runs: victims are freed at once. now = 0 anywhere else: a victim's output
 * is dropped at once and it is freed at the next safe point (it stops counting at once). */
void clientMemEvict(vlServer *s, int now);

/* After c's command: re-count c and evict if over the limit (deferred frees). */
void clientMemAfterCommand(vlClient *c);

#endif
