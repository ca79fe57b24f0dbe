/* fuzz_config.c - libFuzzer target for the configuration text parser (config.c,
 * config_file.c): what a config file, an include, a `--name value` override and
 * vlServerNew's text go through, and CONFIG REWRITE. Built by `make fuzz` with clang, ASan and
 * UBSan against the whole server tier.
 *
 * Each input is loaded into a fresh, never-started server: no crash, no undefined behaviour,
 * no leak (LeakSanitizer), and an error always comes with a reason. When it loads, CONFIG
 * REWRITE writes it to a file, which must load into a second fresh server with every
 * directive equal: whatever a value holds, its rewritten line reads back as the same value
 * (no value can spill into a line of its own). include is allowed to name files: the fuzzer
 * may find /etc/passwd and the like, which only ever gives a directive error. The input is
 * cut at 64 KB: longer lines are the parser's length limits, which unit tests cover. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_int.h"
#include "server.h"

#define CHECK(c)           \
    do {                   \
        if (!(c)) abort(); \
    } while (0)

static vlServer *fresh(void) {
    char err[256];
    vlServer *s = serverCreate(err, sizeof(err));
    CHECK(s != NULL);
    return s;
}

/* The rewritten file of a, loaded into a fresh server: every directive reads the same. */
static void checkRoundTrip(vlServer *a) {
    char path[] = "/tmp/vl-fuzz-config-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return;
    close(fd);
    a->configfile = vlStrdup(path);
    char err[512] = "";
    int rc = configRewrite(a, 0, err, sizeof(err));
    if (rc == VL_OK) {
        vlServer *b = fresh();
        vlHeap *prev = allocHeapEnter(b->heap);
        CHECK(configLoadFile(b, path, err, sizeof(err)) == VL_OK);
        for (size_t i = 0; i < cfgCount; i++) {
            vstr *va = cfgGetNew(&a->cfg, &cfgTable[i]), *vb = cfgGetNew(&b->cfg, &cfgTable[i]);
            CHECK(va->len == vb->len && memcmp(va->buf, vb->buf, va->len) == 0);
            vstrFree(va);
            vstrFree(vb);
        }
        allocHeapLeave(prev);
        serverFree(b);
    }
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512] = "";
    vlServer *s = fresh();
    vlHeap *prev = allocHeapEnter(s->heap);
    if (configLoadText(s, text, err, sizeof(err)) != VL_OK)
        CHECK(err[0] != '\0');
    else
        checkRoundTrip(s);
    allocHeapLeave(prev);
    serverFree(s);
    free(text);
    return 0;
}
