/* test_proto.c - the request parser, fed whole, byte by byte and split at every boundary;
 * its limits and its sticky errors. */
#include <string.h>

#include "ctest.h"
#include "proto.h"

#define MAXBULK (512LL * 1024 * 1024)

/* Feeds buf[0..len) in pieces of `step` bytes (0 = all at once) as a connection would:
 * the parser always sees the whole command so far, from its first byte. */
static int feed(proto *p, const char *buf, size_t len, size_t step) {
    size_t have = step ? 0 : len;
    for (;;) {
        int r = protoParse(p, buf, have);
        if (r != PROTO_NEED_MORE || have == len) return r;
        have = have + step > len ? len : have + step;
    }
}

static void testMultibulkWhole(void) {
    proto p;
    protoInit(&p, MAXBULK);
    const char *req = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\0ue\r\n";
    size_t len = 4 + 9 + 9 + 11;
    CHECK_EQ(feed(&p, req, len, 0), PROTO_DONE);
    CHECK_EQ(p.argc, 3);
    CHECK_EQ(p.consumed, len);
    CHECK(p.argv[2].len == 5 && memcmp(p.argv[2].ptr, "va\0ue", 5) == 0);
    protoFree(&p);
}

static void testEveryByteAndEverySplit(void) {
    const char *req = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n";
    size_t len = strlen(req);
    for (size_t step = 1; step <= len; step++) {
        proto p;
        protoInit(&p, MAXBULK);
        CHECK_EQ(feed(&p, req, len, step), PROTO_DONE);
        CHECK_EQ(p.argc, 3);
        CHECK(p.argv[2].len == 5 && memcmp(p.argv[2].ptr, "hello", 5) == 0);
        CHECK_EQ(p.consumed, len);
        protoFree(&p);
    }
    /* a split at every position into two pieces */
    for (size_t cut = 0; cut < len; cut++) {
        proto p;
        protoInit(&p, MAXBULK);
        int r = protoParse(&p, req, cut);
        CHECK(r == PROTO_NEED_MORE || cut == 0);
        CHECK_EQ(protoParse(&p, req, len), PROTO_DONE);
        CHECK_EQ(p.argc, 3);
        protoFree(&p);
    }
}

static void testPipelineAndReset(void) {
    proto p;
    protoInit(&p, MAXBULK);
    const char *two = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n";
    size_t len = strlen(two);
    CHECK_EQ(protoParse(&p, two, len), PROTO_DONE);
    size_t first = p.consumed;
    CHECK_EQ(p.argc, 1);
    protoReset(&p);
    CHECK_EQ(protoParse(&p, two + first, len - first), PROTO_DONE);
    CHECK_EQ(p.argc, 2);
    CHECK(memcmp(p.argv[1].ptr, "hi", 2) == 0);
    protoFree(&p);
}

static void testInline(void) {
    proto p;
    protoInit(&p, MAXBULK);
    const char *line = "SET a \"b c\\x41\\n\" 'd''\r\n";
    int r = protoParse(&p, line, strlen(line));
    CHECK_EQ(r, PROTO_ERROR); /* 'd'' : closing quote followed by a quote */
    protoFree(&p);
    protoInit(&p, MAXBULK);
    line = "SET a \"b c\\x41\\n\" 'it\\'s'\r\n";
    CHECK_EQ(protoParse(&p, line, strlen(line)), PROTO_DONE);
    CHECK_EQ(p.argc, 4);
    CHECK(p.argv[2].len == 5 && memcmp(p.argv[2].ptr, "b cA\n", 5) == 0);
    CHECK(p.argv[3].len == 4 && memcmp(p.argv[3].ptr, "it's", 4) == 0);
    protoReset(&p);
    CHECK_EQ(protoParse(&p, "\r\n", 2), PROTO_DONE); /* blank line: consumed, no command */
    CHECK_EQ(p.argc, 0);
    protoFree(&p);
    protoInit(&p, MAXBULK);
    CHECK_EQ(protoParse(&p, "GET \"x\r\n", 8), PROTO_ERROR);
    CHECK(strcmp(p.err, "Protocol error: unbalanced quotes in request") == 0);
    protoFree(&p);
}

static void testLimitsAndErrors(void) {
    struct {
        const char *in, *err;
    } cases[] = {
        {"*abc\r\n", "Protocol error: invalid multibulk length"},
        {"*99999999999\r\n", "Protocol error: invalid multibulk length"},
        {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$x\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\n$600000000\r\n", "Protocol error: invalid bulk length"},
        {"*1\r\nfoo\r\n", "Protocol error: expected '$', got 'f'"},
        /* header numbers: the fast path and the strict parse agree */
        {"*1\r\n$03\r\n", "Protocol error: invalid bulk length"}, /* leading zero */
        {"*1\r\n$3a\r\n", "Protocol error: invalid bulk length"}, /* junk after digits */
        {"*1\r\n$+3\r\n", "Protocol error: invalid bulk length"}, /* sign */
        {"*1\r\n$ 3\r\n", "Protocol error: invalid bulk length"}, /* space */
        {"*1\r\n$\r\n", "Protocol error: invalid bulk length"},   /* empty */
        {"*1234567890123456789\r\n", "Protocol error: invalid multibulk length"}, /* 19 digits */
        {"*0001\r\n", "Protocol error: invalid multibulk length"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        proto p;
        protoInit(&p, MAXBULK);
        CHECK_EQ(protoParse(&p, cases[i].in, strlen(cases[i].in)), PROTO_ERROR);
        CHECK(p.err && strcmp(p.err, cases[i].err) == 0);
        /* sticky: more bytes do not clear it */
        CHECK_EQ(protoParse(&p, "*1\r\n$4\r\nPING\r\n", 14), PROTO_ERROR);
        protoFree(&p);
    }
    /* a header whose '\r' is the last byte so far waits for more, on both paths */
    {
        proto q;
        protoInit(&q, MAXBULK);
        CHECK_EQ(protoParse(&q, "*1\r", 3), PROTO_NEED_MORE);
        CHECK_EQ(protoParse(&q, "*1\r\n$10\r", 9), PROTO_NEED_MORE);
        CHECK_EQ(protoParse(&q, "*1\r\n$10\r\n0123456789\r\n", 21), PROTO_DONE);
        CHECK(q.argc == 1 && q.argv[0].len == 10);
        protoFree(&q);
        protoInit(&q, MAXBULK);
        CHECK_EQ(protoParse(&q, "*1\r\n$0\r\n\r\n", 11), PROTO_DONE); /* "0": strict path */
        CHECK(q.argc == 1 && q.argv[0].len == 0);
        protoFree(&q);
    }
    /* a client announcing two billion arguments gets nothing allocated for them */
    proto p;
    protoInit(&p, MAXBULK);
    CHECK_EQ(protoParse(&p, "*2000000000\r\n", 13), PROTO_NEED_MORE);
    CHECK(p.spancap <= 1024);
    protoFree(&p);
    /* inline lines over 64 KB without a newline */
    static char big[PROTO_INLINE_MAX + 10];
    memset(big, 'a', sizeof(big));
    protoInit(&p, MAXBULK);
    CHECK_EQ(protoParse(&p, big, sizeof(big)), PROTO_ERROR);
    CHECK(strcmp(p.err, "Protocol error: too big inline request") == 0);
    protoFree(&p);
    /* unauthenticated caps */
    protoInit(&p, MAXBULK);
    p.unauth = 1;
    CHECK_EQ(protoParse(&p, "*11\r\n", 5), PROTO_ERROR);
    CHECK(strcmp(p.err, "Protocol error: unauthenticated multibulk length") == 0);
    protoFree(&p);
    protoInit(&p, MAXBULK);
    p.unauth = 1;
    CHECK_EQ(protoParse(&p, "*1\r\n$16385\r\n", 12), PROTO_ERROR);
    CHECK(strcmp(p.err, "Protocol error: unauthenticated bulk length") == 0);
    protoFree(&p);
}

static void testBigBulkRoom(void) {
    proto p;
    protoInit(&p, MAXBULK);
    const char *hdr = "*2\r\n$3\r\nSET\r\n$100000\r\n";
    size_t hl = strlen(hdr);
    CHECK_EQ(protoParse(&p, hdr, hl), PROTO_NEED_MORE);
    CHECK_EQ(protoBigBulkRemaining(&p, hl), 100002);
    protoFree(&p);
}

/* Each parser keeps its own error text: with one buffer per thread, the second parser's error
 * rewrote the first one's. */
static void testErrorTextPerParser(void) {
    proto a, b;
    protoInit(&a, 512 * 1024 * 1024LL);
    protoInit(&b, 512 * 1024 * 1024LL);
    CHECK(protoParse(&a, "*1\r\nxyz\r\n", 10) == PROTO_ERROR);
    CHECK(protoParse(&b, "*1\r\nqrs\r\n", 10) == PROTO_ERROR);
    CHECK(strcmp(a.err, "Protocol error: expected '$', got 'x'") == 0);
    CHECK(strcmp(b.err, "Protocol error: expected '$', got 'q'") == 0);
    protoFree(&a);
    protoFree(&b);
}

int main(void) {
    RUN(testErrorTextPerParser);
    RUN(testMultibulkWhole);
    RUN(testEveryByteAndEverySplit);
    RUN(testPipelineAndReset);
    RUN(testInline);
    RUN(testLimitsAndErrors);
    RUN(testBigBulkRoom);
    CTEST_END();
}
