/* proto.h - incremental RESP request parser (pure tier). See proto.c. */
#ifndef VL_PROTO_H
#define VL_PROTO_H

#include <stddef.h>

#define PROTO_NEED_MORE 0
#define PROTO_DONE 1
#define PROTO_ERROR -1

#define PROTO_INLINE_MAX (64 * 1024) /* Redis's PROTO_INLINE_MAX_SIZE */
#define PROTO_UNAUTH_MAX_ARGS 10
#define PROTO_UNAUTH_MAX_BULK 16384
#define PROTO_BIG_ARG (32 * 1024) /* a bulk this big is read straight to its own room */

typedef struct protoArg {
    const char *ptr;
    size_t len;
} protoArg;

typedef struct protoSpan {
    size_t off, len;
} protoSpan;

typedef struct proto {
    /* limits, set by the owner before parsing */
    long long max_bulk; /* proto-max-bulk-len */
    int unauth;         /* apply the unauthenticated caps */
    /* state of the command being parsed, relative to its first byte */
    int state;          /* 0 = start of a command, 1 = in a multibulk */
    long long mb_left;  /* args still to come */
    long long bulk_len; /* -1: next is a '$' header */
    size_t pos;         /* bytes of the command parsed so far */
    size_t argc, spancap, argvcap;
    protoSpan *spans; /* multibulk arguments as offsets (valid across buffer moves) */
    protoArg *argv;   /* built when the command is complete */
    char *inl;        /* unescaped inline arguments */
    size_t inlcap;
    size_t consumed; /* after PROTO_DONE: bytes the command took */
    const char *err; /* sticky: "Protocol error: ..." */
    char errbuf[40]; /* the text of an error that names a byte */
} proto;

void protoInit(proto *p, long long max_bulk);
void protoFree(proto *p);
/* Parse the command that starts at buf. Returns PROTO_DONE (p->argc/p->argv valid until the
 * next protoReset or buffer change; p->consumed says how far), PROTO_NEED_MORE (nothing to do
 * until more bytes arrive at the end of the same command), or PROTO_ERROR (p->err set, stays
 * set). An empty command (blank inline line, "*0") is consumed and reported as DONE with
 * argc 0. */
int protoParse(proto *p, const char *buf, size_t len);
void protoReset(proto *p); /* forget the finished command (keeps buffers) */
/* Bytes the current command still needs when it is inside a big bulk (>= PROTO_BIG_ARG), so
 * the reader can make room for it in one go; 0 otherwise. */
size_t protoBigBulkRemaining(const proto *p, size_t have);
/* Bytes of the parser's own bookkeeping (argument arrays, inline copy): a command of many
 * tiny arguments costs more here than on the wire, so it counts toward the query buffer
 * limit. */
size_t protoMemUsage(const proto *p);
/* Split a line into arguments with Redis's inline rules (quotes, \xHH escapes). Returns the
 * number of args, or -1 on unbalanced quotes. Args are written as spans into out (a buffer at
 * least len bytes long); spans must hold room for len/2+1 spans. */
long protoSplitArgs(const char *line, size_t len, char *out, protoSpan *spans, size_t maxspans);

#endif
