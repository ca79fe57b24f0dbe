/* fuzz_proto.c - libFuzzer target for the request parser (proto.c), the code that reads
 * every byte a client sends. Built by `make fuzz` with clang, ASan and UBSan:
 *
 *     make fuzz FUZZ_SECONDS=60        # runs tests/fuzz/.build/fuzz_proto on a corpus dir
 *
 * One input is a byte stream on one connection. The first byte picks how it arrives (all
 * at once, or in pieces of 1..255 bytes), the first two pick the limits (bulk cap, the
 * unauthenticated caps). The stream is parsed the way conn.c does: append what arrived,
 * parse, on DONE drop what the command consumed and go on, on ERROR stop (the connection
 * would be closed). Checks, besides the sanitizers: every argument lies inside the buffer,
 * a command never consumes more than was there, a DONE command's arguments match what the
 * same stream parses to when it arrives whole, and the sticky error stays set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define CHECK(c)           \
    do {                   \
        if (!(c)) abort(); \
    } while (0)

typedef struct {
    size_t argc;
    size_t bytes; /* sum of argument lengths, with a rolling checksum */
    uint32_t sum;
} cmdSig;

/* Parses data arriving in pieces of `step` bytes (0: all at once); records up to maxsig
 * command signatures. Returns the number of complete commands. */
static size_t run(const uint8_t *data, size_t size, size_t step, long long max_bulk, int unauth,
                  cmdSig *sig, size_t maxsig, int *errored) {
    proto p;
    protoInit(&p, max_bulk);
    p.unauth = unauth;
    char *buf = malloc(size + 1);
    size_t have = 0, fed = 0, ncmd = 0;
    *errored = 0;
    while (fed < size || have) {
        size_t n = step ? step : size;
        if (n > size - fed) n = size - fed;
        memcpy(buf + have, data + fed, n);
        have += n;
        fed += n;
        int progressed = 0;
        for (;;) {
            int rc = protoParse(&p, buf, have);
            if (rc == PROTO_ERROR) {
                CHECK(p.err != NULL);
                CHECK(protoParse(&p, buf, have) == PROTO_ERROR); /* sticky */
                *errored = 1;
                goto done;
            }
            if (rc == PROTO_NEED_MORE) break;
            CHECK(p.consumed > 0 && p.consumed <= have);
            cmdSig s = {p.argc, 0, 0};
            for (size_t i = 0; i < p.argc; i++) {
                const protoArg *a = &p.argv[i];
                /* multibulk args point into buf; inline args into the parser's own copy */
                int inbuf = a->ptr >= buf && a->ptr + a->len <= buf + have;
                int ininl = p.inl && a->ptr >= p.inl && a->ptr + a->len <= p.inl + p.inlcap;
                CHECK(inbuf || ininl || a->len == 0);
                s.bytes += a->len;
                for (size_t j = 0; j < a->len; j++) s.sum = s.sum * 31u + (uint8_t)a->ptr[j];
                s.sum = s.sum * 31u + 0xffu;
            }
            if (ncmd < maxsig) sig[ncmd] = s;
            ncmd++;
            memmove(buf, buf + p.consumed, have - p.consumed);
            have -= p.consumed;
            protoReset(&p);
            progressed = 1;
            if (!have) break;
        }
        if (fed >= size && !progressed) break; /* the rest is an incomplete command */
    }
done:
    free(buf);
    protoFree(&p);
    return ncmd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    size_t step = data[0] & 1 ? (size_t)(data[0] >> 1) + 1 : 0;
    long long max_bulk = data[1] & 1 ? 64 : 512LL * 1024 * 1024;
    int unauth = (data[1] >> 1) & 1;
    data += 2;
    size -= 2;
    enum {
        MAXSIG = 64
    };
    cmdSig whole[MAXSIG], pieces[MAXSIG];
    int err_whole, err_pieces;
    size_t a = run(data, size, 0, max_bulk, unauth, whole, MAXSIG, &err_whole);
    size_t b = run(data, size, step, max_bulk, unauth, pieces, MAXSIG, &err_pieces);
    /* arrival in pieces never changes what the commands are */
    CHECK(a == b);
    CHECK(err_whole == err_pieces);
    for (size_t i = 0; i < a && i < MAXSIG; i++)
        CHECK(whole[i].argc == pieces[i].argc && whole[i].bytes == pieces[i].bytes &&
              whole[i].sum == pieces[i].sum);
    /* the inline splitter on the same bytes, as one line */
    if (size < 4096) {
        char *out = malloc(size + 1);
        protoSpan *spans = malloc(sizeof(protoSpan) * (size / 2 + 1));
        long n = protoSplitArgs((const char *)data, size, out, spans, size / 2 + 1);
        for (long i = 0; i < n; i++) CHECK(spans[i].off + spans[i].len <= size);
        free(out);
        free(spans);
    }
    return 0;
}
