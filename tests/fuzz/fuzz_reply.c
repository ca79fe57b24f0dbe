/* fuzz_reply.c - libFuzzer target for the reply parser behind vlCall (respparse.c). Built by
 * `make fuzz` with clang, ASan and UBSan.
 *
 * Any bytes: the parser must either give a tree and say how many bytes it took (never more
 * than it was given), or NULL; it must never read outside the buffer (ASan) or allocate
 * more than the input could describe. A reply that parses must also parse the same from a
 * buffer cut exactly at its end, and no strict prefix of it may parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "respparse.h"

#define CHECK(c)           \
    do {                   \
        if (!(c)) abort(); \
    } while (0)

static size_t countNodes(const vlReply *r) {
    size_t n = 1;
    for (size_t i = 0; i < r->elements; i++) n += countNodes(r->element[i]);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* an exact-size copy, so that ASan sees any read past the end */
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    size_t used = 0;
    vlReply *r = respParseReply(buf, size, &used);
    if (r) {
        CHECK(used > 0 && used <= size);
        size_t nodes = countNodes(r);
        CHECK(nodes <= used); /* every node took at least one byte */
        size_t used2 = 0;
        vlReply *again = respParseReply(buf, used, &used2);
        CHECK(again && used2 == used && countNodes(again) == nodes);
        vlReplyFree(again);
        if (used > 1) CHECK(respParseReply(buf, used - 1, &used2) == NULL);
        vlReplyFree(r);
    } else {
        CHECK(used == 0);
    }
    free(buf);
    return 0;
}
