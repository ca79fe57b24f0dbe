/* test_reply.c - the reply encoder: every type in RESP2 and RESP3, deferred lengths, big
 * bulks across blocks, and consuming output in arbitrary pieces. */
#include <string.h>

#include "alloc.h"
#include "ctest.h"
#include "reply.h"
#include "vstr.h"

static vstr *flatten(replyBuf *rb) {
    vstr *out = vstrNewCap(0);
    struct iovec iov[64];
    int n = replyIov(rb, iov, 64);
    for (int i = 0; i < n; i++) vstrCat(&out, iov[i].iov_base, iov[i].iov_len);
    return out;
}

static int equals(replyBuf *rb, const char *want) {
    vstr *got = flatten(rb);
    int ok = got->len == strlen(want) && memcmp(got->buf, want, got->len) == 0;
    if (!ok) printf("    got [%s] want [%s]\n", got->buf, want);
    vstrFree(got);
    return ok;
}

static void build(replyBuf *rb) {
    replyStatus(rb, "OK", 2);
    replyError(rb, "ERR bad\r\nthing", 14);
    replyLongLong(rb, -42);
    replyBulk(rb, "ab", 2);
    replyNull(rb);
    replyNullArray(rb);
    replyMapLen(rb, 1);
    replyBulk(rb, "k", 1);
    replyDouble(rb, 1.5);
    replySetLen(rb, 1);
    replyBool(rb, 1);
    replyPushLen(rb, 0);
    replyVerbatim(rb, "hi", 2, "txt");
}

static void testResp2(void) {
    replyBuf rb;
    replyInit(&rb, 2);
    build(&rb);
    CHECK(equals(&rb,
                 "+OK\r\n-ERR bad  thing\r\n:-42\r\n$2\r\nab\r\n$-1\r\n*-1\r\n*2\r\n$1\r\nk\r\n"
                 "$3\r\n1.5\r\n*1\r\n:1\r\n*0\r\n$2\r\nhi\r\n"));
    replyFree(&rb);
}

static void testResp3(void) {
    replyBuf rb;
    replyInit(&rb, 3);
    build(&rb);
    CHECK(equals(&rb, "+OK\r\n-ERR bad  thing\r\n:-42\r\n$2\r\nab\r\n_\r\n_\r\n%1\r\n$1\r\nk\r\n"
                      ",1.5\r\n~1\r\n#t\r\n>0\r\n=6\r\ntxt:hi\r\n"));
    replyFree(&rb);
}

static void testDeferred(void) {
    replyBuf rb;
    replyInit(&rb, 2);
    replyStatus(&rb, "A", 1);
    void *slot = replyDeferLen(&rb);
    replyBulk(&rb, "x", 1);
    replyBulk(&rb, "y", 1);
    replySetDeferredArrayLen(&rb, slot, 2);
    void *map = replyDeferLen(&rb);
    replyBulk(&rb, "k", 1);
    replyLongLong(&rb, 1);
    replySetDeferredMapLen(&rb, map, 1);
    CHECK(equals(&rb, "+A\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n*2\r\n$1\r\nk\r\n:1\r\n"));
    CHECK_EQ(rb.bytes, strlen("+A\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n*2\r\n$1\r\nk\r\n:1\r\n"));
    replyFree(&rb);
}

/* A bulk bigger than a block, then the output consumed in odd-sized pieces. */
static void testBigAndPartialWrites(void) {
    replyBuf rb;
    replyInit(&rb, 2);
    size_t n = 3 * REPLY_BLOCK_SIZE + 17;
    char *big = vlMalloc(n);
    for (size_t i = 0; i < n; i++) big[i] = (char)('a' + i % 26);
    for (int k = 0; k < 3; k++) {
        replyBulk(&rb, big, n);
        replyLongLong(&rb, k);
    }
    vstr *all = flatten(&rb);
    size_t total = rb.bytes;
    CHECK_EQ(all->len, total);
    vstr *again = vstrNewCap(0);
    size_t step = 1;
    while (rb.bytes) {
        struct iovec iov[8];
        int c = replyIov(&rb, iov, 8);
        size_t take = 0, want = step;
        for (int i = 0; i < c && take < want; i++) {
            size_t t = iov[i].iov_len < want - take ? iov[i].iov_len : want - take;
            vstrCat(&again, iov[i].iov_base, t);
            take += t;
        }
        replyConsumed(&rb, take);
        step = step * 3 + 1;
    }
    CHECK(again->len == all->len && memcmp(again->buf, all->buf, all->len) == 0);
    /* the buffer is reusable after draining */
    replyStatus(&rb, "OK", 2);
    CHECK(equals(&rb, "+OK\r\n"));
    vstrFree(all);
    vstrFree(again);
    vlFree(big);
    replyFree(&rb);
}

/* Every bulk length from 0 to 1100 (one, two, three and four digits; the short-bulk path
 * and the general one, at every position across block boundaries) encodes exactly. */
static void testBulkLengths(void) {
    replyBuf rb;
    replyInit(&rb, 2);
    char src[1100];
    for (size_t i = 0; i < sizeof(src); i++) src[i] = (char)('a' + i % 26);
    vstr *want = vstrNewCap(0);
    for (size_t len = 0; len <= sizeof(src); len++) {
        replyBulk(&rb, src, len);
        vstrCatFmt(&want, "$%zu\r\n", len);
        vstrCat(&want, src, len);
        vstrCat(&want, "\r\n", 2);
    }
    vstr *got = flatten(&rb);
    CHECK(got->len == want->len && rb.bytes == want->len);
    CHECK(got->len == want->len && memcmp(got->buf, want->buf, got->len) == 0);
    vstrFree(got);
    vstrFree(want);
    replyFree(&rb);
}

int main(void) {
    RUN(testResp2);
    RUN(testResp3);
    RUN(testDeferred);
    RUN(testBigAndPartialWrites);
    RUN(testBulkLengths);
    CTEST_END();
}
