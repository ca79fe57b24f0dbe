/* util.c - number <-> string conversions, glob matching, clocks, randomness, siphash.
 *
 * What: the small helpers every other file needs, with Redis's exact acceptance rules where a
 * client can observe them (which strings are integers, how a float is printed back).
 *
 * The one decision: glob matching is iterative. On a mismatch it backtracks only to the most
 * recent '*', which is enough because every other token matches exactly one byte: a later star
 * can absorb whatever an earlier star would have had to absorb. Work is bounded by
 * O(pattern * string) with no recursion, so a pathological pattern ("*a*a*a*...b") cannot blow
 * the stack or take exponential time. Rejected: Redis's recursive matcher with a nesting limit
 * (correct, but a limit is a second rule to remember and it silently fails deep patterns).
 * One deliberate difference: a pattern of only stars matches the empty string (Redis's
 * matcher says no, and its callers special-case "*" to hide it).
 *
 * Pure tier: libc only. */
#include "util.h"

#include "alloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Longest number text we copy to a stack buffer for strtod/strtold (they need a NUL): the same
 * bound Redis uses for INCRBYFLOAT, far beyond any real float literal. */
#define UTIL_MAX_FLOAT_CHARS (5 * 1024)

/* ------------------------------------------------------------------------------------------ */
/* Integers                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/* Shared digit scanner: s[0..len) must be a non-empty run of digits without a leading zero
 * (unless it is exactly "0"), and fit in an unsigned long long. */
static int strictDigitsToULL(const char *s, size_t len, unsigned long long *out) {
    if (len == 0) return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (s[0] < '1' || s[0] > '9') return 0;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10) return 0; /* v*10 + d would overflow */
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

int utilStrToLL(const char *s, size_t len, long long *out) {
    if (len == 0) return 0;
    int neg = (s[0] == '-');
    unsigned long long v;
    /* "-0" is rejected: the digits after '-' must start with 1-9. */
    if (neg && (len == 1 || s[1] == '0')) return 0;
    if (!strictDigitsToULL(s + neg, len - (size_t)neg, &v)) return 0;
    if (neg) {
        /* The magnitude of LLONG_MIN is LLONG_MAX + 1. */
        if (v > (unsigned long long)LLONG_MAX + 1) return 0;
        *out = (v == (unsigned long long)LLONG_MAX + 1) ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX) return 0;
        *out = (long long)v;
    }
    return 1;
}

int utilStrToULL(const char *s, size_t len, unsigned long long *out) {
    return strictDigitsToULL(s, len, out);
}

/* Two digits per table lookup halves the divisions, which is what makes this faster than
 * snprintf in the reply path (every integer reply and every INCR goes through here). */
static const char digitPairs[201] = "0001020304050607080910111213141516171819"
                                    "2021222324252627282930313233343536373839"
                                    "4041424344454647484950515253545556575859"
                                    "6061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";

static int digitCount(unsigned long long v) {
    int n = 1;
    for (;;) {
        if (v < 10) return n;
        if (v < 100) return n + 1;
        if (v < 1000) return n + 2;
        if (v < 10000) return n + 3;
        v /= 10000ULL;
        n += 4;
    }
}

int utilLLToStr(char *dst, size_t dstlen, long long v) {
    unsigned long long u =
        (v < 0) ? (unsigned long long)0 - (unsigned long long)v : (unsigned long long)v;
    int neg = v < 0;
    int ndig = digitCount(u);
    size_t need = (size_t)ndig + (size_t)neg;
    if (dstlen < need + 1) return 0;
    dst[need] = '\0';
    char *p = dst + need - 1;
    while (u >= 100) {
        unsigned idx = (unsigned)(u % 100) * 2;
        u /= 100;
        *p-- = digitPairs[idx + 1];
        *p-- = digitPairs[idx];
    }
    if (u < 10) {
        *p = (char)('0' + u);
    } else {
        unsigned idx = (unsigned)u * 2;
        *p-- = digitPairs[idx + 1];
        *p = digitPairs[idx];
    }
    if (neg) dst[0] = '-';
    return (int)need;
}

/* ------------------------------------------------------------------------------------------ */
/* Floats                                                                                     */
/* ------------------------------------------------------------------------------------------ */

int utilStrToLD(const char *s, size_t len, long double *out) {
    char buf[UTIL_MAX_FLOAT_CHARS];
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0])) return 0;
    errno = 0;
    char *end;
    long double v = strtold(buf, &end);
    if (end != buf + len || errno == EINVAL || isnan(v)) return 0; /* an embedded NUL too */
    /* Overflow to +-inf or underflow to zero: the text did not mean the value we got. */
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO))
        return 0;
    *out = v;
    return 1;
}

int utilStrToD(const char *s, size_t len, double *out) {
    char buf[UTIL_MAX_FLOAT_CHARS];
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0])) return 0;
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    /* strtod accepts "inf", "+inf", "-inf", "infinity": Redis's string2d does too (ZADD uses
     * them as score bounds); only NaN is refused. */
    if (end != buf + len || errno == EINVAL || isnan(v)) return 0; /* an embedded NUL too */
    if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO)) return 0;
    *out = v;
    return 1;
}

int utilLDToStr(char *dst, size_t dstlen, long double v, int humanfriendly) {
    int l;
    if (isinf(v)) {
        const char *t = v > 0 ? "inf" : "-inf";
        l = (int)strlen(t);
        if (dstlen < (size_t)l + 1) return 0;
        memcpy(dst, t, (size_t)l + 1);
        return l;
    }
    if (isnan(v)) {
        if (dstlen < 4) return 0;
        memcpy(dst, "nan", 4);
        return 3;
    }
    if (humanfriendly) {
        /* %.17Lf never uses exponent notation, which is what INCRBYFLOAT users see; the
         * trailing zeros it pads with are noise, so they go, and so does a bare '.'. */
        l = snprintf(dst, dstlen, "%.17Lf", v);
        if (l < 0 || (size_t)l + 1 > dstlen) return 0;
        if (strchr(dst, '.') != NULL) {
            while (dst[l - 1] == '0') l--;
            if (dst[l - 1] == '.') l--;
        }
        if (l == 2 && dst[0] == '-' && dst[1] == '0') { /* -0.0000 prints as 0 */
            dst[0] = '0';
            l = 1;
        }
        dst[l] = '\0';
    } else {
        l = snprintf(dst, dstlen, "%.17Lg", v);
        if (l < 0 || (size_t)l + 1 > dstlen) return 0;
    }
    return l;
}

int utilDToStr(char *dst, size_t dstlen, double v) {
    const char *t = NULL;
    if (isnan(v))
        t = "nan";
    else if (isinf(v))
        t = v > 0 ? "inf" : "-inf";
    if (t) {
        size_t l = strlen(t);
        if (dstlen < l + 1) return 0;
        memcpy(dst, t, l + 1);
        return (int)l;
    }
    int l = snprintf(dst, dstlen, "%.17g", v);
    if (l < 0 || (size_t)l + 1 > dstlen) return 0;
    return l;
}

/* ------------------------------------------------------------------------------------------ */
/* Memory sizes                                                                               */
/* ------------------------------------------------------------------------------------------ */

int utilParseMemory(const char *s, long long *out) {
    if (s == NULL || *s == '\0') return 0;
    size_t len = strlen(s);
    size_t ndig = 0;
    int neg = (s[0] == '-');
    while (neg + ndig < len && isdigit((unsigned char)s[neg + ndig])) ndig++;
    if (ndig == 0) return 0;
    const char *unit = s + neg + ndig;
    unsigned long long mul;
    if (*unit == '\0')
        mul = 1;
    else if (!strcasecmp(unit, "b"))
        mul = 1;
    else if (!strcasecmp(unit, "k"))
        mul = 1000ULL;
    else if (!strcasecmp(unit, "kb"))
        mul = 1024ULL;
    else if (!strcasecmp(unit, "m"))
        mul = 1000ULL * 1000;
    else if (!strcasecmp(unit, "mb"))
        mul = 1024ULL * 1024;
    else if (!strcasecmp(unit, "g"))
        mul = 1000ULL * 1000 * 1000;
    else if (!strcasecmp(unit, "gb"))
        mul = 1024ULL * 1024 * 1024;
    else
        return 0;
    /* A negative size only makes sense as a plain sentinel ("-1" = unlimited/disabled). */
    if (neg && *unit != '\0') return 0;

    /* Config files write "0100mb" now and then: leading zeros are accepted here, unlike in
     * the protocol's strict integers. */
    unsigned long long v = 0;
    for (size_t i = 0; i < ndig; i++) {
        unsigned d = (unsigned)(s[neg + i] - '0');
        if (v > (ULLONG_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    if (v > (unsigned long long)LLONG_MAX / mul) return 0;
    v *= mul;
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX) return 0; /* keep it simple: no LLONG_MIN */
        *out = -(long long)v;
    } else {
        *out = (long long)v;
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Glob matching                                                                              */
/* ------------------------------------------------------------------------------------------ */

static inline int foldByte(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline int sameByte(unsigned char a, unsigned char b, int nocase) {
    return nocase ? foldByte(a) == foldByte(b) : a == b;
}

/* Matches one non-star token of pat starting at *pi against byte c and advances *pi past the
 * token, whether or not it matched. An unterminated '[' class runs to the end of the pattern,
 * as in Redis. */
static int globMatchToken(const char *pat, size_t plen, size_t *pi, unsigned char c, int nocase) {
    size_t i = *pi;
    unsigned char pc = (unsigned char)pat[i];
    int match = 0;

    if (pc == '?') {
        *pi = i + 1;
        return 1;
    }
    if (pc == '\\' && plen - i >= 2) {
        *pi = i + 2;
        return sameByte((unsigned char)pat[i + 1], c, nocase);
    }
    if (pc != '[') {
        *pi = i + 1;
        return sameByte(pc, c, nocase);
    }

    i++;
    int negate = 0;
    if (i < plen && pat[i] == '^') {
        negate = 1;
        i++;
    }
    while (i < plen) {
        unsigned char x = (unsigned char)pat[i];
        if (x == '\\' && plen - i >= 2) {
            if (sameByte((unsigned char)pat[i + 1], c, nocase)) match = 1;
            i += 2;
        } else if (x == ']') {
            i++;
            break;
        } else if (plen - i >= 3 && pat[i + 1] == '-') {
            int lo = x, hi = (unsigned char)pat[i + 2], v = c;
            if (nocase) {
                lo = foldByte((unsigned char)lo);
                hi = foldByte((unsigned char)hi);
                v = foldByte(c);
            }
            if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
            }
            if (v >= lo && v <= hi) match = 1;
            i += 3;
        } else {
            if (sameByte(x, c, nocase)) match = 1;
            i++;
        }
    }
    *pi = i;
    return negate ? !match : match;
}

int utilGlobMatch(const char *pat, size_t plen, const char *str, size_t slen, int nocase) {
    size_t p = 0, s = 0;
    size_t star_p = 0, star_s = 0; /* resume point after the latest '*' */
    int have_star = 0;

    while (s < slen) {
        if (p < plen && pat[p] == '*') {
            while (p < plen && pat[p] == '*') p++;
            if (p == plen) return 1; /* trailing star swallows the rest */
            have_star = 1;
            star_p = p;
            star_s = s;
            continue;
        }
        if (p < plen) {
            size_t next = p;
            if (globMatchToken(pat, plen, &next, (unsigned char)str[s], nocase)) {
                p = next;
                s++;
                continue;
            }
        }
        if (!have_star) return 0;
        /* Let the latest star absorb one more byte and retry the rest from there. */
        star_s++;
        s = star_s;
        p = star_p;
    }
    while (p < plen && pat[p] == '*') p++;
    return p == plen;
}

/* ------------------------------------------------------------------------------------------ */
/* Time                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static uint64_t clockUs(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

uint64_t utilUsTime(void) {
    return clockUs(CLOCK_REALTIME);
}
uint64_t utilMsTime(void) {
    return clockUs(CLOCK_REALTIME) / 1000ULL;
}
uint64_t utilMonoUs(void) {
    return clockUs(CLOCK_MONOTONIC);
}
uint64_t utilThreadCpuUs(void) {
    return clockUs(CLOCK_THREAD_CPUTIME_ID);
}

/* ------------------------------------------------------------------------------------------ */
/* Randomness                                                                                 */
/* ------------------------------------------------------------------------------------------ */

static uint64_t splitmixNext(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void utilRandomBytes(unsigned char *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break; /* ENOSYS (old kernel, seccomp): try the device next */
        }
    }
    if (got < len) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            while (got < len) {
                ssize_t n = read(fd, buf + got, len - got);
                if (n > 0)
                    got += (size_t)n;
                else if (n < 0 && errno == EINTR)
                    continue;
                else
                    break;
            }
            close(fd);
        }
    }
    if (got < len) {
        /* No OS entropy at all: time and pid at least differ between runs and processes. */
        uint64_t st = clockUs(CLOCK_REALTIME) ^ (clockUs(CLOCK_MONOTONIC) << 20) ^
                      ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)buf;
        while (got < len) {
            uint64_t r = splitmixNext(&st);
            size_t n = len - got < 8 ? len - got : 8;
            memcpy(buf + got, &r, n);
            got += n;
        }
    }
}

/* Per-thread state: no locking, and two threads never share a stream. */
static _Thread_local uint64_t rngState;
static _Thread_local int rngSeeded;

uint64_t utilRandom64(void) {
    if (vlUnlikely(!rngSeeded)) {
        utilRandomBytes((unsigned char *)&rngState, sizeof(rngState));
        rngSeeded = 1;
    }
    return splitmixNext(&rngState);
}

/* ------------------------------------------------------------------------------------------ */
/* SipHash-1-2                                                                                */
/* ------------------------------------------------------------------------------------------ */

/* One compression round and two finalization rounds: the hash-flooding protection of SipHash
 * at about twice the speed of 2-4; table keys are short and hashed on every lookup. */

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3) \
    do {                         \
        v0 += v1;                \
        v1 = ROTL64(v1, 13);     \
        v1 ^= v0;                \
        v0 = ROTL64(v0, 32);     \
        v2 += v3;                \
        v3 = ROTL64(v3, 16);     \
        v3 ^= v2;                \
        v0 += v3;                \
        v3 = ROTL64(v3, 21);     \
        v3 ^= v0;                \
        v2 += v1;                \
        v1 = ROTL64(v1, 17);     \
        v1 ^= v2;                \
        v2 = ROTL64(v2, 32);     \
    } while (0)

static inline uint64_t loadLE64(const unsigned char *p) {
    return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
           ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) |
           ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}

static inline uint64_t loadLE64Fold(const unsigned char *p) {
    return (uint64_t)foldByte(p[0]) | ((uint64_t)foldByte(p[1]) << 8) |
           ((uint64_t)foldByte(p[2]) << 16) | ((uint64_t)foldByte(p[3]) << 24) |
           ((uint64_t)foldByte(p[4]) << 32) | ((uint64_t)foldByte(p[5]) << 40) |
           ((uint64_t)foldByte(p[6]) << 48) | ((uint64_t)foldByte(p[7]) << 56);
}

/* crounds/drounds are compile-time constants at every call site, so the loops unroll. */
static inline uint64_t sipHashGeneric(const void *in, size_t len, const uint8_t k[16], int crounds,
                                      int drounds, int fold) {
    const unsigned char *p = in;
    uint64_t k0 = loadLE64(k), k1 = loadLE64(k + 8);
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
    uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
    uint64_t v3 = 0x7465646279746573ULL ^ k1;
    size_t blocks = len / 8;

    for (size_t i = 0; i < blocks; i++, p += 8) {
        uint64_t m = fold ? loadLE64Fold(p) : loadLE64(p);
        v3 ^= m;
        for (int r = 0; r < crounds; r++) SIPROUND(v0, v1, v2, v3);
        v0 ^= m;
    }

    uint64_t b = (uint64_t)len << 56;
    for (size_t i = 0; i < (len & 7); i++) {
        uint64_t byte = fold ? (uint64_t)foldByte(p[i]) : (uint64_t)p[i];
        b |= byte << (8 * i);
    }
    v3 ^= b;
    for (int r = 0; r < crounds; r++) SIPROUND(v0, v1, v2, v3);
    v0 ^= b;

    v2 ^= 0xff;
    for (int r = 0; r < drounds; r++) SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t utilSipHash(const void *in, size_t len, const uint8_t k[16]) {
    return sipHashGeneric(in, len, k, 1, 2, 0);
}

uint64_t utilSipHashNoCase(const void *in, size_t len, const uint8_t k[16]) {
    return sipHashGeneric(in, len, k, 1, 2, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                      */
/* ------------------------------------------------------------------------------------------ */

char *utilReadFile(const char *path, size_t max) {
    FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!fp) return NULL;
    size_t len = 0, cap = 4096;
    char *buf = vlMalloc(cap);
    for (;;) {
        if (cap - len < 2) {
            if (cap >= max) {
                vlFree(buf);
                buf = NULL;
                errno = EFBIG;
                break;
            }
            cap *= 2;
            buf = vlRealloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len - 1, fp);
        len += n;
        if (n == 0) {
            if (ferror(fp)) {
                int saved = errno;
                vlFree(buf);
                buf = NULL;
                errno = saved ? saved : EIO;
            }
            break;
        }
    }
    if (fp != stdin) {
        int saved = errno;
        fclose(fp);
        errno = saved;
    }
    if (buf) buf[len] = '\0';
    return buf;
}

int utilWriteFileAtomic(const char *path, const void *data, size_t len) {
    size_t plen = strlen(path);
    char *tmp = vlMalloc(plen + sizeof(".tmp-XXXXXX"));
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp-XXXXXX", sizeof(".tmp-XXXXXX"));
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : 0644;
    int ok = 0, fd = mkstemp(tmp);
    if (fd >= 0) {
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(fd, (const char *)data + off, len - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            off += (size_t)w;
        }
        ok = off == len && fchmod(fd, mode) == 0 && fsync(fd) == 0;
        if (close(fd) != 0) ok = 0;
        if (ok) ok = rename(tmp, path) == 0;
        if (!ok) {
            int saved = errno;
            unlink(tmp);
            errno = saved;
        }
    }
    vlFree(tmp);
    return ok ? 0 : -1;
}

/* alloc.h's two helpers that any allocator shares. */
char *vlStrdup(const char *s) {
    return vlMemdup(s, strlen(s) + 1);
}

void *vlMemdup(const void *p, size_t len) {
    void *d = vlMalloc(len);
    memcpy(d, p, len);
    return d;
}

#ifdef VL_ASSERTS
void utilAssertFailed(const char *cond, const char *file, int line) {
    fprintf(stderr, "valkey-lite: assertion failed: %s (%s:%d)\n", cond, file, line);
    fflush(stderr);
    abort();
}
#endif
