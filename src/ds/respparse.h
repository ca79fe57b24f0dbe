/* respparse.h - RESP2/RESP3 replies into vlReply trees (pure tier). See respparse.c. */
#ifndef VL_RESPPARSE_H
#define VL_RESPPARSE_H

#include <stddef.h>

#include "valkey-lite.h"

#define RESP_MAX_DEPTH 128 /* aggregates nested deeper than this are refused */

/* Parses the one reply at the start of buf[0..len). Returns an owned tree (free it with
 * vlReplyFree) and sets *used to the bytes it took, or returns NULL (and *used 0) when the
 * bytes are not one complete, well-formed reply. Never reads outside the buffer, and never
 * allocates more elements than the remaining bytes could hold. */
vlReply *respParseReply(const char *buf, size_t len, size_t *used);

/* A reply node of that type; a string-carrying one with a NUL-terminated copy of s. */
vlReply *respReplyNew(int type);
vlReply *respReplyStr(int type, const char *s, size_t len);

#endif
