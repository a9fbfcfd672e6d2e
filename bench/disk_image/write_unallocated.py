#!/usr/bin/env python3
"""Writes files into free (unallocated) blocks of an ext2/3/4 image, as a
deleted file's content or a wiped-then-reused disk would leave them: no inode
or directory entry points at them, so only carving finds them.

Usage: write_unallocated.py IMAGE FILE...

Reads the free block ranges from dumpe2fs, takes the largest, and writes the
files one after another from its middle, each starting on a block boundary.
Prints the byte offset of each file in the image.
"""
import re
import subprocess
import sys


def main():
    image, files = sys.argv[1], sys.argv[2:]
    out = subprocess.run(["dumpe2fs", image], capture_output=True, text=True, check=True).stdout
    block = int(re.search(r"^Block size:\s+(\d+)", out, re.M).group(1))
    best = (0, -1)
    for line in re.findall(r"^\s+Free blocks: (.+)$", out, re.M):
        for part in line.split(","):
            part = part.strip()
            if not part:
                continue
            a, _, b = part.partition("-")
            a, b = int(a), int(b or a)
            if b - a > best[1] - best[0]:
                best = (a, b)
    datas = [open(f, "rb").read() for f in files]
    need = sum((len(d) + block - 1) // block for d in datas)
    if best[1] - best[0] + 1 < need:
        sys.exit("write_unallocated: no free run of %d blocks" % need)
    at = best[0] + (best[1] - best[0] + 1 - need) // 2
    with open(image, "r+b") as img:
        for f, d in zip(files, datas):
            img.seek(at * block)
            img.write(d)
            print("%s at byte %d" % (f, at * block))
            at += (len(d) + block - 1) // block


if __name__ == "__main__":
    main()
