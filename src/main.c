/* main.c - the standalone server, src/valkey-lite-server: a client of the public header
 * like any host program (vlServerMain is in standalone.c). */
#include "valkey-lite.h"

int main(int argc, char **argv) {
    return vlServerMain(argc, argv);
}
