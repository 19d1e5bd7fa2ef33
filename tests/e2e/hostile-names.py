#!/usr/bin/env python3
"""Rename entries of an ISO image in place by rewriting their Rock Ridge
NM entries: hostile-names.py IMAGE OLD=NEW...  Each NEW has OLD's length,
so only the name bytes change; NEW may hold '/' or be '..', which no file
system lets a test create.  Every OLD must be found."""
import sys

def main():
    path = sys.argv[1]
    with open(path, "rb") as f:
        data = bytearray(f.read())
    for pair in sys.argv[2:]:
        old, new = (s.encode() for s in pair.split("=", 1))
        if len(old) != len(new):
            sys.exit("hostile-names.py: '%s' and '%s' differ in length"
                     % (old.decode(), new.decode()))
        # NM entry: 'N' 'M' length version=1 flags=0 name
        entry = b"NM" + bytes([5 + len(old), 1, 0]) + old
        at = data.find(entry)
        if at < 0:
            sys.exit("hostile-names.py: no NM entry '%s'" % old.decode())
        while at >= 0:
            data[at + 5:at + 5 + len(new)] = new
            at = data.find(entry, at + 1)
    with open(path, "wb") as f:
        f.write(data)

main()
