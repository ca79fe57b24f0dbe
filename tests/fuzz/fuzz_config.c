/* fuzz_config.c - libFuzzer target for the configuration text parser (config.c): what a
 * config file, an include, a `--name value` override and vlServerNew's text go through.
 * Built by `make fuzz` with clang, ASan and UBSan against the whole server tier.
 *
 * Each input is loaded into a fresh, never-started server, which is then freed: no crash, no
 * undefined behaviour, no leak (LeakSanitizer), and an error always comes with a reason.
 * include is allowed to name files: the fuzzer may find /etc/passwd and the like, which only
 * ever gives a directive error. The input is cut at 64 KB: longer lines are the parser's
 * length limits, which are checked by unit tests, not worth the fuzzer's time. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define CHECK(c)           \
    do {                   \
        if (!(c)) abort(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512] = "";
    vlServer *s = serverCreate(err, sizeof(err));
    CHECK(s != NULL);
    vlHeap *prev = allocHeapEnter(s->heap);
    if (configLoadText(s, text, "(fuzz)", err, sizeof(err)) != VL_OK) CHECK(err[0] != '\0');
    allocHeapLeave(prev);
    serverFree(s);
    free(text);
    return 0;
}
