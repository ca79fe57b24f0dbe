#!/usr/bin/env python3
"""valkey-skip-args.py - utils/valkey-skips.tsv as one line of `--skiptest /regexp` arguments
with no spaces in them, for harness wrappers that split their extra arguments on spaces (the
acceptance check's PEER_ARGS):

    PEER_ARGS="$(python3 utils/valkey-skip-args.py)" VALKEY_SRC=... ../shared/acceptance/G-peer-compat
"""
import os
import re

here = os.path.dirname(os.path.abspath(__file__))
args = []
with open(os.path.join(here, "valkey-skips.tsv")) as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        _file, name, _why = line.rstrip("\n").split("\t")
        pat = name[1:] if name.startswith("/") else "^" + re.escape(name) + "$"
        args.append("--skiptest /" + pat.replace("\\ ", r"\s").replace(" ", r"\s"))
print(" ".join(args))
