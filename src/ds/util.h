/* util.h - small shared helpers of the pure tier: status codes, number <-> string
 * conversions with Redis's exact acceptance rules, glob matching, time. */
#ifndef VL_UTIL_H
#define VL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define VL_OK 0
#define VL_ERR -1

#define VL_UNUSED(x) ((void)(x))
#define vlLikely(x) __builtin_expect(!!(x), 1)

/* VL_ASSERT(cond): an invariant of a data structure or of the defrag cursor. Compiled in for
 * sanitizer and debug builds (VL_ASSERTS, set by the Makefile), where a broken invariant
 * stops the process at once with its place instead of corrupting data quietly; compiled out
 * of release builds, where cond is not evaluated. */
#ifdef VL_ASSERTS
void utilAssertFailed(const char *cond, const char *file, int line) __attribute__((noreturn));
#define VL_ASSERT(cond) ((cond) ? (void)0 : utilAssertFailed(#cond, __FILE__, __LINE__))
#else
#define VL_ASSERT(cond) ((void)0)
#endif
#define vlUnlikely(x) __builtin_expect(!!(x), 0)

/* Strict conversions: the whole buffer must be the number, no spaces, no leading '+',
 * no leading zeros (as Redis's string2ll). Return 1 on success, 0 otherwise. */
int utilStrToLL(const char *s, size_t len, long long *out);
int utilStrToULL(const char *s, size_t len, unsigned long long *out);
int utilStrToLD(const char *s, size_t len, long double *out); /* INCRBYFLOAT rules */
int utilStrToD(const char *s, size_t len, double *out);
int utilLLToStr(char *dst, size_t dstlen, long long v); /* returns length */
int utilLDToStr(char *dst, size_t dstlen, long double v, int humanfriendly);
int utilDToStr(char *dst, size_t dstlen, double v); /* RESP3 double / %.17g */

/* Memory sizes "1k", "1kb", "2mb", "1gb" (k = 1000, kb = 1024, as Redis config). */
int utilParseMemory(const char *s, long long *out);

/* Redis glob: * ? [abc] [^a] [a-z] \x, optional case folding. */
int utilGlobMatch(const char *pat, size_t plen, const char *str, size_t slen, int nocase);

uint64_t utilUsTime(void);      /* wall clock, microseconds */
uint64_t utilMsTime(void);      /* wall clock, milliseconds */
uint64_t utilMonoUs(void);      /* monotonic, microseconds */
uint64_t utilThreadCpuUs(void); /* CPU time of the calling thread */

/* Fills buf with len random bytes from the OS (falls back to time+pid). */
void utilRandomBytes(unsigned char *buf, size_t len);
uint64_t utilRandom64(void); /* fast PRNG (xorshift), seeded from utilRandomBytes */

/* siphash-1-2 with a 16-byte key; case-insensitive variant folds ASCII. */
uint64_t utilSipHash(const void *in, size_t len, const uint8_t k[16]);
uint64_t utilSipHashNoCase(const void *in, size_t len, const uint8_t k[16]);

/* Files. utilReadFile: the whole file ("-" is stdin) as a NUL-terminated vlMalloc block of
 * at most max bytes, or NULL with errno set (EFBIG past max). utilWriteFileAtomic: replaces
 * path through a temporary file in the same directory (mode kept, fsync, rename): 0, or -1
 * with errno set and path untouched. */
char *utilReadFile(const char *path, size_t max);
int utilWriteFileAtomic(const char *path, const void *data, size_t len);

#endif
