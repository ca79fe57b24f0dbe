/* ctest.h - the smallest test framework that does the job: each TEST is a function, each
 * check prints where it failed, and the program ends with "N passed, N failed" (which the
 * Tcl runner adds to its own totals). Include once, in the test's .c file. */
#ifndef VL_CTEST_H
#define VL_CTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ctest_failed_checks;
static int ctest_passed, ctest_failed;

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            printf("    check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);           \
            ctest_failed_checks++;                                                          \
        }                                                                                   \
    } while (0)

#define CHECK_EQ(a, b)                                                                      \
    do {                                                                                    \
        long long ctest_a_ = (long long)(a), ctest_b_ = (long long)(b);                     \
        if (ctest_a_ != ctest_b_) {                                                         \
            printf("    check failed at %s:%d: %s == %s (%lld != %lld)\n", __FILE__,        \
                   __LINE__, #a, #b, ctest_a_, ctest_b_);                                   \
            ctest_failed_checks++;                                                          \
        }                                                                                   \
    } while (0)

#define RUN(fn)                                                                             \
    do {                                                                                    \
        int ctest_before_ = ctest_failed_checks;                                            \
        fn();                                                                               \
        if (ctest_failed_checks == ctest_before_) {                                         \
            printf("[ok]: %s\n", #fn);                                                      \
            ctest_passed++;                                                                 \
        } else {                                                                            \
            printf("[err]: %s\n", #fn);                                                     \
            ctest_failed++;                                                                 \
        }                                                                                   \
        fflush(stdout);                                                                     \
    } while (0)

#define CTEST_END()                                                                         \
    do {                                                                                    \
        printf("%d passed, %d failed\n", ctest_passed, ctest_failed);                       \
        return ctest_failed ? 1 : 0;                                                        \
    } while (0)

#endif
