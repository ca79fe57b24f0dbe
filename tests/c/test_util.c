/* test_util.c - unit tests for util.c: Redis's exact number acceptance rules, float printing,
 * memory sizes, glob matching (including pathological patterns), clocks, randomness, siphash. */
#include "ctest.h"
#include "util.h"
#include "varlen.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"

static int ll(const char *s, long long *v) {
    return utilStrToLL(s, strlen(s), v);
}

static void testStrToLL(void) {
    long long v = 42;
    CHECK(ll("0", &v) && v == 0);
    CHECK(ll("1", &v) && v == 1);
    CHECK(ll("-1", &v) && v == -1);
    CHECK(ll("1234567890", &v) && v == 1234567890LL);
    CHECK(ll("9223372036854775807", &v) && v == LLONG_MAX);
    CHECK(ll("-9223372036854775808", &v) && v == LLONG_MIN);
    CHECK(!ll("9223372036854775808", &v));
    CHECK(!ll("-9223372036854775809", &v));
    CHECK(!ll("99999999999999999999999", &v));
    CHECK(!ll("", &v));
    CHECK(!ll("-", &v));
    CHECK(!ll("-0", &v));
    CHECK(!ll("00", &v));
    CHECK(!ll("01", &v));
    CHECK(!ll("+1", &v));
    CHECK(!ll(" 1", &v));
    CHECK(!ll("1 ", &v));
    CHECK(!ll("1a", &v));
    CHECK(!ll("1.0", &v));
    CHECK(!ll("0x10", &v));
    CHECK(!ll("--1", &v));
    /* length-delimited: bytes past len are not looked at */
    CHECK(utilStrToLL("123abc", 3, &v) && v == 123);
    CHECK(!utilStrToLL("12\0", 3, &v));

    unsigned long long u;
    CHECK(utilStrToULL("18446744073709551615", 20, &u) && u == ULLONG_MAX);
    CHECK(!utilStrToULL("18446744073709551616", 20, &u));
    CHECK(!utilStrToULL("-1", 2, &u));
    CHECK(!utilStrToULL("01", 2, &u));
    CHECK(utilStrToULL("0", 1, &u) && u == 0);
}

static void testLLToStr(void) {
    char buf[32];
    long long vals[] = {
        0,    1,     -1,     9,          10,        99,        100,           101,         999,
        1000, 12345, -12345, 1000000007, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1, 4294967296LL};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        char ref[32];
        int rl = snprintf(ref, sizeof(ref), "%lld", vals[i]);
        int l = utilLLToStr(buf, sizeof(buf), vals[i]);
        CHECK_EQ(l, rl);
        CHECK(strcmp(buf, ref) == 0);
        long long back;
        CHECK(utilStrToLL(buf, (size_t)l, &back) && back == vals[i]);
    }
    /* round trip a spread of values */
    for (long long x = 1; x > 0 && x < LLONG_MAX / 3; x = x * 3 + 1) {
        char ref[32];
        snprintf(ref, sizeof(ref), "%lld", -x);
        utilLLToStr(buf, sizeof(buf), -x);
        CHECK(strcmp(buf, ref) == 0);
    }
    /* too small a buffer: 0, nothing promised about contents */
    CHECK_EQ(utilLLToStr(buf, 3, 123), 0);
    CHECK_EQ(utilLLToStr(buf, 4, 123), 3);
    CHECK_EQ(utilLLToStr(buf, 4, -123), 0);
}

static void testStrToLD(void) {
    long double v;
    CHECK(utilStrToLD("1.5", 3, &v) && v == 1.5L);
    CHECK(utilStrToLD("-10", 3, &v) && v == -10.0L);
    CHECK(utilStrToLD("5.0e3", 5, &v) && v == 5000.0L);
    CHECK(utilStrToLD("inf", 3, &v) && isinf(v)); /* INCRBYFLOAT rejects the result later */
    CHECK(!utilStrToLD("", 0, &v));
    CHECK(!utilStrToLD(" 1", 2, &v));
    CHECK(!utilStrToLD("1 ", 2, &v));
    CHECK(!utilStrToLD("nan", 3, &v));
    CHECK(!utilStrToLD("abc", 3, &v));
    CHECK(!utilStrToLD("1e999999", 8, &v)); /* overflow */
    static char big[6000];
    memset(big, '1', sizeof(big));
    CHECK(!utilStrToLD(big, sizeof(big), &v)); /* length limit */
}

static void testStrToD(void) {
    double v;
    CHECK(utilStrToD("3.25", 4, &v) && v == 3.25);
    CHECK(utilStrToD("inf", 3, &v) && isinf(v) && v > 0);
    CHECK(utilStrToD("+inf", 4, &v) && isinf(v) && v > 0);
    CHECK(utilStrToD("-inf", 4, &v) && isinf(v) && v < 0);
    CHECK(utilStrToD("1e10", 4, &v) && v == 1e10);
    CHECK(!utilStrToD("nan", 3, &v));
    CHECK(!utilStrToD("-nan", 4, &v));
    CHECK(!utilStrToD("", 0, &v));
    CHECK(!utilStrToD(" 1", 2, &v));
    CHECK(!utilStrToD("1x", 2, &v));
    CHECK(!utilStrToD("1e400", 5, &v));
    CHECK(utilStrToD("2.5junk", 3, &v) && v == 2.5);
}

static void testFloatToStr(void) {
    char buf[128];
    int l;
    l = utilLDToStr(buf, sizeof(buf), 10.5L, 1);
    CHECK(l == 4 && strcmp(buf, "10.5") == 0);
    l = utilLDToStr(buf, sizeof(buf), 3.0L, 1);
    CHECK(l == 1 && strcmp(buf, "3") == 0);
    l = utilLDToStr(buf, sizeof(buf), 0.0L, 1);
    CHECK(strcmp(buf, "0") == 0);
    l = utilLDToStr(buf, sizeof(buf), -0.0L, 1);
    CHECK(strcmp(buf, "0") == 0);
    l = utilLDToStr(buf, sizeof(buf), 5000.0L, 1);
    CHECK(strcmp(buf, "5000") == 0);
    l = utilLDToStr(buf, sizeof(buf), -1.25L, 1);
    CHECK(strcmp(buf, "-1.25") == 0);
    l = utilLDToStr(buf, sizeof(buf), 1e20L, 1);
    CHECK(strcmp(buf, "100000000000000000000") == 0);
    l = utilLDToStr(buf, sizeof(buf), 10.5L + 0.1L, 1); /* INCRBYFLOAT's classic example */
    CHECK(strcmp(buf, "10.6") == 0);
    l = utilLDToStr(buf, sizeof(buf), (long double)INFINITY, 1);
    CHECK(l == 3 && strcmp(buf, "inf") == 0);
    l = utilLDToStr(buf, sizeof(buf), -(long double)INFINITY, 0);
    CHECK(l == 4 && strcmp(buf, "-inf") == 0);
    l = utilLDToStr(buf, sizeof(buf), 1.5L, 0);
    CHECK(strcmp(buf, "1.5") == 0);
    CHECK_EQ(utilLDToStr(buf, 3, 123.5L, 1), 0);

    l = utilDToStr(buf, sizeof(buf), 1.5);
    CHECK(l == 3 && strcmp(buf, "1.5") == 0);
    utilDToStr(buf, sizeof(buf), 0.1);
    CHECK(strcmp(buf, "0.10000000000000001") == 0);
    utilDToStr(buf, sizeof(buf), INFINITY);
    CHECK(strcmp(buf, "inf") == 0);
    utilDToStr(buf, sizeof(buf), -INFINITY);
    CHECK(strcmp(buf, "-inf") == 0);
    utilDToStr(buf, sizeof(buf), NAN);
    CHECK(strcmp(buf, "nan") == 0);
    utilDToStr(buf, sizeof(buf), 1e300);
    CHECK(strcmp(buf, "1.0000000000000001e+300") == 0);
    CHECK_EQ(utilDToStr(buf, 3, -INFINITY), 0);
}

static void testParseMemory(void) {
    long long v;
    CHECK(utilParseMemory("0", &v) && v == 0);
    CHECK(utilParseMemory("100", &v) && v == 100);
    CHECK(utilParseMemory("1k", &v) && v == 1000);
    CHECK(utilParseMemory("1kb", &v) && v == 1024);
    CHECK(utilParseMemory("1K", &v) && v == 1000);
    CHECK(utilParseMemory("1KB", &v) && v == 1024);
    CHECK(utilParseMemory("2m", &v) && v == 2000000);
    CHECK(utilParseMemory("2mb", &v) && v == 2 * 1024 * 1024);
    CHECK(utilParseMemory("3g", &v) && v == 3000000000LL);
    CHECK(utilParseMemory("3Gb", &v) && v == 3LL * 1024 * 1024 * 1024);
    CHECK(utilParseMemory("5b", &v) && v == 5);
    CHECK(utilParseMemory("-1", &v) && v == -1);
    CHECK(!utilParseMemory("-1mb", &v));
    CHECK(!utilParseMemory("", &v));
    CHECK(!utilParseMemory("mb", &v));
    CHECK(!utilParseMemory("-", &v));
    CHECK(!utilParseMemory("1tb", &v));
    CHECK(!utilParseMemory("1 mb", &v));
    CHECK(!utilParseMemory("1.5mb", &v));
    CHECK(!utilParseMemory("99999999999999999999", &v));
    CHECK(!utilParseMemory("9999999999gb", &v)); /* overflows after the multiply */
}

static int gm(const char *p, const char *s) {
    return utilGlobMatch(p, strlen(p), s, strlen(s), 0);
}

static void testGlob(void) {
    CHECK(gm("*", "anything"));
    CHECK(gm("*", ""));
    CHECK(gm("", ""));
    CHECK(!gm("", "a"));
    CHECK(gm("h?llo", "hello"));
    CHECK(gm("h?llo", "hallo"));
    CHECK(!gm("h?llo", "hllo"));
    CHECK(gm("h*llo", "hllo"));
    CHECK(gm("h*llo", "heeeello"));
    CHECK(gm("h[ae]llo", "hello"));
    CHECK(gm("h[ae]llo", "hallo"));
    CHECK(!gm("h[ae]llo", "hillo"));
    CHECK(gm("h[^e]llo", "hallo"));
    CHECK(!gm("h[^e]llo", "hello"));
    CHECK(gm("h[a-b]llo", "hbllo"));
    CHECK(!gm("h[a-b]llo", "hcllo"));
    CHECK(gm("h[b-a]llo", "hallo")); /* reversed range */
    CHECK(gm("h\\*llo", "h*llo"));
    CHECK(!gm("h\\*llo", "hello"));
    CHECK(gm("[\\]]", "]"));
    CHECK(gm("[a\\-z]", "-"));
    CHECK(!gm("[a\\-z]", "b"));
    CHECK(gm("a\\", "a\\")); /* trailing backslash is literal */
    CHECK(gm("[abc", "b"));  /* unterminated class runs to the end */
    CHECK(!gm("[abc", "bx"));
    CHECK(gm("*.txt", "notes.txt"));
    CHECK(!gm("*.txt", "notes.txt.bak"));
    CHECK(gm("a*b*c", "aXXbYYc"));
    CHECK(gm("a*b*c", "abc"));
    CHECK(!gm("a*b*c", "acb"));
    CHECK(gm("*a*", "a"));
    CHECK(gm("**a**", "bab"));
    CHECK(gm("a*", "a"));
    CHECK(!gm("a?", "a"));
    CHECK(gm("user:*:name", "user:1000:name"));
    CHECK(gm("*[0-9]", "key7"));
    CHECK(!gm("*[0-9]", "key"));
    CHECK(!gm("abc", "ABC"));
    CHECK(utilGlobMatch("abc", 3, "ABC", 3, 1));
    CHECK(utilGlobMatch("[A-C]x", 6, "bX", 2, 1));
    CHECK(utilGlobMatch("[^A-C]x", 7, "dX", 2, 1));
    /* binary safe */
    CHECK(utilGlobMatch("a?c", 3, "a\0c", 3, 0));
    CHECK(!utilGlobMatch("a\0c", 3, "abc", 3, 0));

    /* Pathological: exponential for a naive backtracker; must finish instantly. */
    static char pat[4001], str[4001];
    for (int i = 0; i < 2000; i++) {
        pat[2 * i] = 'a';
        pat[2 * i + 1] = '*';
    }
    pat[4000] = '\0';
    memcpy(pat + 3998, "*b", 2);
    memset(str, 'a', 4000);
    str[4000] = '\0';
    uint64_t t0 = utilMonoUs();
    CHECK(!gm(pat, str));
    CHECK(gm("*a*a*a*a*a*a*a*a*a*a*a*a*", str));
    CHECK(!gm("*a*a*a*a*a*a*a*a*a*a*a*a*b", str));
    CHECK(utilMonoUs() - t0 < 5000000); /* loose: seconds, not exponential */
}

static void testTime(void) {
    uint64_t us = utilUsTime(), ms = utilMsTime();
    CHECK(us > 1600000000ULL * 1000000ULL);
    CHECK(ms >= us / 1000 && ms - us / 1000 < 10000);
    uint64_t m1 = utilMonoUs();
    volatile uint64_t x = 0;
    for (int i = 0; i < 1000000; i++) x += (uint64_t)i;
    uint64_t m2 = utilMonoUs();
    CHECK(m2 >= m1);
    uint64_t c1 = utilThreadCpuUs();
    for (int i = 0; i < 20000000; i++) x += (uint64_t)i;
    uint64_t c2 = utilThreadCpuUs();
    CHECK(c2 >= c1);
    CHECK(c2 > 0);
    CHECK(x > 0);
}

static void testRandom(void) {
    unsigned char a[64], b[64];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    utilRandomBytes(a, sizeof(a));
    utilRandomBytes(b, sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    int zeros = 0;
    for (size_t i = 0; i < sizeof(a); i++) zeros += a[i] == 0;
    CHECK(zeros < 16);
    utilRandomBytes(a, 0); /* no-op */

    uint64_t r1 = utilRandom64(), r2 = utilRandom64();
    CHECK(r1 != r2);
    /* crude uniformity: each of 16 buckets of the low bits gets a fair share */
    int counts[16] = {0};
    for (int i = 0; i < 160000; i++) counts[utilRandom64() & 15]++;
    for (int i = 0; i < 16; i++) CHECK(counts[i] > 9000 && counts[i] < 11000);
    int hi[16] = {0};
    for (int i = 0; i < 160000; i++) hi[utilRandom64() >> 60]++;
    for (int i = 0; i < 16; i++) CHECK(hi[i] > 9000 && hi[i] < 11000);
}

static void testSipHash(void) {
    uint8_t k1[16], k2[16];
    for (int i = 0; i < 16; i++) {
        k1[i] = (uint8_t)i;
        k2[i] = (uint8_t)i;
    }
    k2[15] ^= 1;
    const char *msg = "the quick brown fox jumps over the lazy dog";
    size_t n = strlen(msg);
    /* deterministic */
    CHECK(utilSipHash(msg, n, k1) == utilSipHash(msg, n, k1));
    /* key sensitive */
    CHECK(utilSipHash(msg, n, k1) != utilSipHash(msg, n, k2));
    /* input sensitive, including length and every tail length */
    CHECK(utilSipHash(msg, n, k1) != utilSipHash(msg, n - 1, k1));
    CHECK(utilSipHash("", 0, k1) != utilSipHash("\0", 1, k1));
    uint64_t seen[17];
    for (size_t l = 0; l <= 16; l++) {
        seen[l] = utilSipHash(msg, l, k1);
        for (size_t j = 0; j < l; j++) CHECK(seen[j] != seen[l]);
    }
    /* a one-bit change flips about half the output bits */
    char buf[64];
    memcpy(buf, msg, n);
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        buf[i] ^= 1;
        total += __builtin_popcountll(utilSipHash(buf, n, k1) ^ utilSipHash(msg, n, k1));
        buf[i] ^= 1;
    }
    CHECK(total / (int)n > 24 && total / (int)n < 40);

    /* nocase equals the plain hash of the ASCII-lowercased input, for every length */
    const char *mixed = "HeLLo WoRLD, This Is A MiXeD-CaSe KEY 0123 [\\]^_`{}@";
    char lower[128];
    size_t ml = strlen(mixed);
    for (size_t i = 0; i < ml; i++) {
        char c = mixed[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    for (size_t l = 0; l <= ml; l++) {
        CHECK(utilSipHashNoCase(mixed, l, k1) == utilSipHash(lower, l, k1));
        CHECK(utilSipHashNoCase(mixed, l, k1) == utilSipHashNoCase(lower, l, k1));
    }
    /* only ASCII folds: bytes >= 0x80 are left alone */
    CHECK(utilSipHashNoCase("\xC4", 1, k1) == utilSipHash("\xC4", 1, k1));
    CHECK(utilSipHashNoCase("\xC4", 1, k1) != utilSipHash("\xE4", 1, k1));
}

/* Whole-file read and atomic replace: content, size limit, missing file, mode kept. */
static void testFiles(void) {
    char path[] = "/tmp/vl-test-util-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    chmod(path, 0600);
    char big[10000];
    for (size_t i = 0; i < sizeof(big); i++) big[i] = (char)('a' + i % 26);
    CHECK(utilWriteFileAtomic(path, big, sizeof(big)) == 0);
    char *t = utilReadFile(path, 1 << 20);
    CHECK(t && strlen(t) == sizeof(big) && memcmp(t, big, sizeof(big)) == 0);
    vlFree(t);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    errno = 0;
    CHECK(utilReadFile(path, 4096) == NULL && errno == EFBIG);
    CHECK(utilWriteFileAtomic(path, "", 0) == 0);
    t = utilReadFile(path, 4096);
    CHECK(t && t[0] == '\0');
    vlFree(t);
    unlink(path);
    errno = 0;
    CHECK(utilReadFile(path, 4096) == NULL && errno == ENOENT);
    CHECK(utilWriteFileAtomic("/nonexistent-dir/x.conf", "x", 1) == -1 && errno == ENOENT);
}

/* ds/varlen.h: the one length codec, forward and backward, at every size boundary. */
static void testVarlen(void) {
    const size_t vals[] = {0,         1,       127,       128,       16383,       16384,
                           2097151,   2097152, 268435455, 268435456, 4294967295u, 4294967296ull,
                           (size_t)-1};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        unsigned char buf[VARLEN_MAX + 2] = {0};
        size_t v = vals[i], got = 0, n = varlenPut(buf, v);
        CHECK_EQ(n, varlenSize(v));
        CHECK(n <= VARLEN_MAX);
        CHECK_EQ(varlenGet(buf, &got), n);
        CHECK(got == v);
        unsigned char rev[VARLEN_MAX + 2] = {0};
        varlenPutRev(rev + n, v, n);
        got = 0;
        CHECK_EQ(varlenGetRev(rev + n, &got), n);
        CHECK(got == v);
    }
    unsigned char one[1] = {127};
    size_t got;
    CHECK_EQ(varlenGet(one, &got), 1);
    CHECK_EQ(got, 127);
}

int main(void) {
    RUN(testVarlen);
    RUN(testStrToLL);
    RUN(testLLToStr);
    RUN(testStrToLD);
    RUN(testStrToD);
    RUN(testFloatToStr);
    RUN(testParseMemory);
    RUN(testGlob);
    RUN(testTime);
    RUN(testRandom);
    RUN(testSipHash);
    RUN(testFiles);
    CTEST_END();
}
