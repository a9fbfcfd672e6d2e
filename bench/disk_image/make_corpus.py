#!/usr/bin/env python3
"""Fills a folder with many small files for the disk-image benchmark.

Usage: make_corpus.py BASE_JPEG_DIR OUT_DIR SIZE_MB [JPEG_PERCENT]

JPEG_PERCENT (default 45) of the bytes are JPEGs: the base photos (made by
ImageMagick from Debian's wallpapers) each copied many times with a different
comment segment, so every copy is a valid, distinct file. 10% are text files
of 1 to 64 KB and the rest random-byte files of 4 to 200 KB. Folders look like a phone's
or a laptop's and hold at most 400 files each. Deterministic for a given
SIZE_MB. Prints the number of files and bytes written.
"""
import os
import random
import sys

WORDS = ("meeting tomorrow invoice account password photo holiday transfer bank "
         "message delivery address number office family ticket payment order "
         "report draft contract schedule camera download backup archive").split()


def folders(kind):
    if kind == "jpeg":
        return ["DCIM/Camera", "WhatsApp/Media/WhatsApp Images", "Pictures/Screenshots",
                "Telegram/Telegram Images"]
    if kind == "bin":
        return ["Android/data/cache", "Downloads", ".thumbnails", "Documents/attachments"]
    return ["Documents/notes", "Documents/mail", "logs"]


def main():
    base_dir, out_dir, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    jpeg_percent = int(sys.argv[4]) if len(sys.argv) > 4 else 45
    rng = random.Random(size_mb)
    bases = sorted(os.path.join(base_dir, f) for f in os.listdir(base_dir) if f.endswith(".jpg"))
    if not bases:
        sys.exit("make_corpus: no base JPEGs in " + base_dir)
    photos = [open(p, "rb").read() for p in bases]
    total = size_mb << 20
    budget = {"jpeg": total * jpeg_percent // 100, "bin": total * (90 - jpeg_percent) // 100,
              "txt": total * 10 // 100}
    counts = {"jpeg": 0, "bin": 0, "txt": 0}
    written = 0

    def path_for(kind, n, ext):
        names = folders(kind)
        folder = os.path.join(out_dir, names[n % len(names)], "%03d" % (n // (400 * len(names))))
        os.makedirs(folder, exist_ok=True)
        return os.path.join(folder, "%s_%06d.%s" % (kind.upper(), n, ext))

    for kind in ("jpeg", "bin", "txt"):
        left = budget[kind]
        n = 0
        while left > 0:
            if kind == "jpeg":
                photo = photos[n % len(photos)]
                comment = ("copy %d of %s" % (n, os.path.basename(bases[n % len(bases)]))).encode()
                seg = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
                data = photo[:2] + seg + photo[2:]  # after SOI: still a valid JPEG
                ext = "jpg"
            elif kind == "bin":
                data = rng.randbytes(rng.randint(4 << 10, 200 << 10))
                ext = "bin"
            else:
                want = rng.randint(1 << 10, 64 << 10)
                words = []
                size = 0
                while size < want:
                    w = rng.choice(WORDS)
                    words.append(w)
                    size += len(w) + 1
                data = " ".join(words).encode()[:want]
                ext = "txt"
            with open(path_for(kind, n, ext), "wb") as f:
                f.write(data)
            left -= len(data)
            written += len(data)
            n += 1
        counts[kind] = n
    print("%d files (%d JPEG, %d random, %d text), %d bytes" %
          (sum(counts.values()), counts["jpeg"], counts["bin"], counts["txt"], written))


if __name__ == "__main__":
    main()
