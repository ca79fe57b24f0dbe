utils/vl-fragbench: utils/vl-fragbench.c
