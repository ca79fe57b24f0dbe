/* t_list.c - PLACEHOLDER until the list commands land (issue 3). */
#include "plist.h"
#include "server.h"

const vlCommand vlListCommands[] = {{0}};

void listValueFree(void *ptr) { plistRelease(ptr); }
void *listValueDup(const void *ptr) {
    VL_UNUSED(ptr);
    return plistCreate(-2);
}
size_t listValueMem(const void *ptr) { return plistMemUsage(ptr); }
void listValueDigest(const void *ptr, unsigned char digest[20]) {
    VL_UNUSED(ptr);
    VL_UNUSED(digest);
}
