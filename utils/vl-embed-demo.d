utils/vl-embed-demo: utils/vl-embed-demo.c src/valkey-lite.h
src/valkey-lite.h:
