/* test_vstr.c - the binary-safe string: growth, formatting, repr escaping, set length. */
#include <string.h>

#include "ctest.h"
#include "vstr.h"

static void testBasics(void) {
    vstr *v = vstrNew("a\0b", 3);
    CHECK_EQ(vstrLen(v), 3);
    CHECK(memcmp(v->buf, "a\0b", 3) == 0 && v->buf[3] == '\0');
    vstrCat(&v, "cd", 2);
    CHECK_EQ(v->len, 5);
    vstr *d = vstrDup(v);
    CHECK(d != v && d->len == 5 && memcmp(d->buf, v->buf, 5) == 0);
    vstrFree(d);
    vstrClear(v);
    CHECK(v->len == 0 && v->buf[0] == '\0');
    vstrFree(v);
    vstr *n = NULL;
    vstrCatStr(&n, "from null");
    CHECK(n && strcmp(n->buf, "from null") == 0);
    vstrFree(n);
}

static void testGrowthAndCapacity(void) {
    vstr *v = vstrNewCap(0);
    for (int i = 0; i < 100000; i++) vstrCat(&v, "x", 1);
    CHECK_EQ(v->len, 100000);
    CHECK(vstrCap(v) >= v->len);
    for (size_t i = 0; i < v->len; i++)
        if (v->buf[i] != 'x') {
            CHECK(0);
            break;
        }
    vstrShrink(&v);
    CHECK(vstrCap(v) < v->len + v->len / 4 + 4096); /* size classes: quarter-power steps */
    vstrSetLen(&v, 100010);
    CHECK(v->buf[100005] == '\0' && v->len == 100010);
    vstrSetLen(&v, 3);
    CHECK(v->len == 3 && v->buf[3] == '\0');
    vstrFree(v);
}

static void testFormat(void) {
    vstr *v = NULL;
    vstrCatFmt(&v, "%s=%d;", "a", 1);
    char long_arg[2000];
    memset(long_arg, 'z', sizeof(long_arg) - 1);
    long_arg[sizeof(long_arg) - 1] = '\0';
    vstrCatFmt(&v, "%s", long_arg); /* longer than the stack buffer */
    CHECK(v->len == 4 + 1999 && memcmp(v->buf, "a=1;", 4) == 0 && v->buf[v->len - 1] == 'z');
    vstrFree(v);
}

static void testRepr(void) {
    vstr *v = NULL;
    vstrCatRepr(&v, "a\"b\\\n\x01", 6);
    CHECK(strcmp(v->buf, "\"a\\\"b\\\\\\n\\x01\"") == 0);
    vstrFree(v);
}

int main(void) {
    RUN(testBasics);
    RUN(testGrowthAndCapacity);
    RUN(testFormat);
    RUN(testRepr);
    CTEST_END();
}
