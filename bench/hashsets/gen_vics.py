#!/usr/bin/env python3
"""Writes a synthetic VICS 2.0 hash set (Default profile, #Media) of N records.

Every record has realistic field sizes (MD5, SHA-1, PhotoDNA-sized opaque
value in every other record, series, tags, comments), so 2,000,000 records
come to about 1 GB, as the issue's benchmark asks. Hashes are pseudo-random and deterministic (seeded); booleans are
written as strings in every third record, as some exporters do. Nothing refers
to real media.

usage: gen_vics.py OUT N
"""
import hashlib
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    with open(out, "w", encoding="utf-8") as f:
        f.write('\ufeff{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/'
                'DataModels/2.0.xml/Default/$metadata#Media",\n "value": [\n')
        pdna = "A" * 192
        for i in range(n):
            h = hashlib.sha256(i.to_bytes(8, "little")).hexdigest()
            md5, sha1 = h[:32].upper(), hashlib.sha1(h.encode()).hexdigest()
            yes = '"true"' if i % 3 == 0 else "true"
            no = '"false"' if i % 3 == 0 else "false"
            photodna = ' "PhotoDNA": "%s",' % pdna if i % 2 == 0 else ""
            f.write(
                '  {"MediaID": %d, "Category": %d, "MD5": "%s", "SHA1": "%s",%s'
                ' "MediaSize": %d, "MimeType": "image/jpeg", "DateUpdated": "2025-01-02T03:04:05Z",'
                ' "VictimIdentified": %s, "OffenderIdentified": %s, "IsDistributed": %s,'
                ' "IsPrecategorized": %s, "Series": "Series%05d", "Tags": "t%d, t%d",'
                ' "Comments": "synthetic benchmark record %d"}%s\n'
                % (i + 1, i % 5, md5, sha1, photodna, 10000 + i % 100000, no, no, yes, yes,
                   i % 50000, i % 7, i % 11, i, "," if i + 1 < n else ""))
        f.write(" ]\n}\n")


if __name__ == "__main__":
    main()
