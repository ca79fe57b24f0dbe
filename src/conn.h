/* conn.h - client socket I/O (conn.c). Server tier only. */
#ifndef VL_CONN_H
#define VL_CONN_H

#include <stddef.h>
#include <stdint.h>

typedef struct vlServer vlServer;
typedef struct vlClient vlClient;

/* conn.c (client I/O) */
/* is_local: the peer is on the loopback interface or a unix socket (protected mode) */
int connAccept(vlServer *s, int fd, int is_unix, int is_local, const char *addr);
void connFlushPending(vlServer *s);
int connWrite(vlClient *c); /* VL_ERR if the client had to be closed */
void connEventFree(vlClient *c);
void connResumeReading(vlClient *c);
void connProcessInput(vlClient *c);
/* The cron's look at a client's own query buffer: freed after 2 s idle and empty, shrunk
 * toward its recent peak when that is under half of it. */
void connQbufCron(vlClient *c, int64_t now_ms);

#endif
