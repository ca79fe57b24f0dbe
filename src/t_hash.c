/* t_hash.c - PLACEHOLDER until the hash commands land (issue 3). */
#include "server.h"

const vlCommand vlHashCommands[] = {{0}};

void hashValueFree(int enc, void *ptr) {
    VL_UNUSED(enc);
    if (ptr) dictRelease(ptr);
}
void *hashValueDup(int enc, const void *ptr) {
    VL_UNUSED(enc);
    VL_UNUSED(ptr);
    return NULL;
}
size_t hashValueMem(int enc, const void *ptr, size_t samples) {
    VL_UNUSED(enc);
    VL_UNUSED(ptr);
    VL_UNUSED(samples);
    return 0;
}
void hashValueDigest(int enc, const void *ptr, unsigned char digest[20]) {
    VL_UNUSED(enc);
    VL_UNUSED(ptr);
    VL_UNUSED(digest);
}
