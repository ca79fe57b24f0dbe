/* test_respparse.c - the reply parser behind vlCall: every RESP2/RESP3 type, what the encoder
 * writes parses back to the same tree, and input that is cut short, lies about its sizes or
 * nests too deep gives NULL instead of a read past the buffer or a huge allocation. */
#include <string.h>

#include "alloc.h"
#include "ctest.h"
#include "reply.h"
#include "respparse.h"
#include "vstr.h"

static vlReply *parse(const char *s, size_t *used) {
    return respParseReply(s, strlen(s), used);
}

static int parsesNull(const char *s) {
    size_t used = 99;
    vlReply *r = parse(s, &used);
    int ok = r == NULL && used == 0;
    if (!ok) printf("    parsed what it should not: [%s]\n", s);
    vlReplyFree(r);
    return ok;
}

static void testScalars(void) {
    size_t used;
    vlReply *r = parse("+OK\r\n", &used);
    CHECK(r && r->type == VL_REPLY_STATUS && !strcmp(r->str, "OK") && used == 5);
    vlReplyFree(r);
    r = parse("-ERR no\r\nrest", &used);
    CHECK(r && r->type == VL_REPLY_ERROR && !strcmp(r->str, "ERR no") && used == 9);
    vlReplyFree(r);
    r = parse(":-42\r\n", &used);
    CHECK(r && r->type == VL_REPLY_INTEGER && r->integer == -42);
    vlReplyFree(r);
    r = parse("$5\r\na\r\nbc\r\n", &used); /* a bulk may hold CRLF */
    CHECK(r && r->type == VL_REPLY_STRING && r->len == 5 && !memcmp(r->str, "a\r\nbc", 5));
    vlReplyFree(r);
    r = parse("$-1\r\n", &used);
    CHECK(r && r->type == VL_REPLY_NIL);
    vlReplyFree(r);
    r = parse("*-1\r\n", &used);
    CHECK(r && r->type == VL_REPLY_NIL);
    vlReplyFree(r);
    r = parse("_\r\n", &used);
    CHECK(r && r->type == VL_REPLY_NIL && used == 3);
    vlReplyFree(r);
    r = parse(",3.5\r\n", &used);
    CHECK(r && r->type == VL_REPLY_DOUBLE && r->dval == 3.5 && !strcmp(r->str, "3.5"));
    vlReplyFree(r);
    r = parse("#t\r\n", &used);
    CHECK(r && r->type == VL_REPLY_BOOL && r->integer == 1);
    vlReplyFree(r);
    r = parse("(123456789012345678901234567890\r\n", &used);
    CHECK(r && r->type == VL_REPLY_BIGNUM && r->len == 30);
    vlReplyFree(r);
    r = parse("=8\r\ntxt:abcd\r\n", &used);
    CHECK(r && r->type == VL_REPLY_VERB && !strcmp(r->str, "abcd"));
    vlReplyFree(r);
}

static void testAggregates(void) {
    size_t used;
    vlReply *r = parse("*2\r\n$1\r\na\r\n*1\r\n:1\r\n", &used);
    CHECK(r && r->type == VL_REPLY_ARRAY && r->elements == 2);
    CHECK(r && r->element[1]->type == VL_REPLY_ARRAY && r->element[1]->element[0]->integer == 1);
    vlReplyFree(r);
    r = parse("%1\r\n+k\r\n:2\r\n", &used);
    CHECK(r && r->type == VL_REPLY_MAP && r->elements == 2);
    vlReplyFree(r);
    r = parse("~0\r\n", &used);
    CHECK(r && r->type == VL_REPLY_SET && r->elements == 0);
    vlReplyFree(r);
    r = parse(">3\r\n+message\r\n+ch\r\n+hi\r\n", &used);
    CHECK(r && r->type == VL_REPLY_PUSH && r->elements == 3);
    vlReplyFree(r);
}

static void testMalformed(void) {
    CHECK(parsesNull(""));
    CHECK(parsesNull("+OK"));
    CHECK(parsesNull("+OK\r"));
    CHECK(parsesNull(":12a\r\n"));
    CHECK(parsesNull("$3\r\nab"));
    CHECK(parsesNull("$3\r\nabcX\r\n")); /* no CRLF right after the data */
    CHECK(parsesNull("$-2\r\n"));
    CHECK(parsesNull("$99999999999999999999\r\n"));
    CHECK(parsesNull("*2\r\n:1\r\n"));
    CHECK(parsesNull("*-2\r\n"));
    CHECK(parsesNull("%-1\r\n"));
    CHECK(parsesNull("#x\r\n"));
    CHECK(parsesNull("_x\r\n"));
    CHECK(parsesNull("=3\r\ntxt\r\n"));   /* shorter than "txt:" */
    CHECK(parsesNull("=5\r\ntxtab\r\n")); /* no ':' */
    CHECK(parsesNull("?\r\n"));
    /* counts the input cannot hold are refused before anything is allocated */
    CHECK(parsesNull("*1000000000\r\n:1\r\n"));
    CHECK(parsesNull("%4611686018427387904\r\n"));
    CHECK(parsesNull("*9223372036854775807\r\n"));
}

static void testDepth(void) {
    vstr *deep = vstrNew("", 0);
    for (int i = 0; i < RESP_MAX_DEPTH; i++) vstrCatStr(&deep, "*1\r\n");
    vstrCatStr(&deep, ":1\r\n");
    size_t used;
    vlReply *r = respParseReply(deep->buf, deep->len, &used);
    CHECK(r != NULL && used == deep->len);
    vlReplyFree(r);
    vstrCatStr(&deep, "x"); /* one level more: refused */
    vstr *deeper = vstrNew("*1\r\n", 4);
    vstrCat(&deeper, deep->buf, deep->len - 1);
    CHECK(respParseReply(deeper->buf, deeper->len, &used) == NULL);
    vstrFree(deep);
    vstrFree(deeper);
}

/* What the encoder writes, for both protocols, parses back; every strict prefix does not. */
static void testEncoderRoundTrip(void) {
    for (int resp = 2; resp <= 3; resp++) {
        replyBuf rb;
        replyInit(&rb, resp);
        replyArrayLen(&rb, 9);
        replyStatus(&rb, "OK", 2);
        replyError(&rb, "ERR x", 5);
        replyLongLong(&rb, 7);
        replyBulk(&rb, "bin\0ary", 7);
        replyNull(&rb);
        replyMapLen(&rb, 1);
        replyBulk(&rb, "k", 1);
        replyDouble(&rb, 1.5);
        replyBool(&rb, 1);
        replyVerbatim(&rb, "text", 4, "txt");
        replySetLen(&rb, 1);
        replyBigNumber(&rb, "12345678901234567890", 20);
        vstr *out = vstrNew("", 0);
        struct iovec iov[64];
        int n = replyIov(&rb, iov, 64);
        for (int i = 0; i < n; i++) vstrCat(&out, iov[i].iov_base, iov[i].iov_len);
        size_t used;
        vlReply *r = respParseReply(out->buf, out->len, &used);
        CHECK(r && r->type == VL_REPLY_ARRAY && r->elements == 9 && used == out->len);
        CHECK(r && r->element[3]->len == 7 && !memcmp(r->element[3]->str, "bin\0ary", 7));
        CHECK(r && r->element[5]->elements == 2);
        vlReplyFree(r);
        for (size_t cut = 0; cut < out->len; cut++)
            CHECK(respParseReply(out->buf, cut, &used) == NULL);
        vstrFree(out);
        replyFree(&rb);
    }
}

int main(void) {
    RUN(testScalars);
    RUN(testAggregates);
    RUN(testMalformed);
    RUN(testDepth);
    RUN(testEncoderRoundTrip);
    CTEST_END();
}
