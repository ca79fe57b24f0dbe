/* t_set.c - PLACEHOLDER until the set commands land (issue 3). */
#include "server.h"

const vlCommand vlSetCommands[] = {{0}};

void setValueFree(int enc, void *ptr) {
    VL_UNUSED(enc);
    if (ptr) dictRelease(ptr);
}
void *setValueDup(int enc, const void *ptr) {
    VL_UNUSED(enc);
    VL_UNUSED(ptr);
    return NULL;
}
size_t setValueMem(int enc, const void *ptr, size_t samples) {
    VL_UNUSED(enc);
    VL_UNUSED(ptr);
    VL_UNUSED(samples);
    return 0;
}
void setValueDigest(int enc, const void *ptr, unsigned char digest[20]) {
    VL_UNUSED(enc);
    VL_UNUSED(ptr);
    VL_UNUSED(digest);
}
