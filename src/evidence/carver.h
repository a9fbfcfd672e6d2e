// File carving: finds JPEG, PNG, GIF and MP4/MOV files in raw bytes (unallocated space,
// unrecognised partitions, whole images) by their structure, not by a file system.
//
// A candidate starts at a signature and counts only when its structure holds:
//  - JPEG ("jpg"): FF D8 FF, then marker segments (APPn, DQT, DHT, DRI, COM, SOFn, ... each with
//    a length of 2 or more; a SOF with 8 + 3 * components bytes; an APPn whose data starts with
//    a printable ASCII identifier such as "JFIF" or "Exif") up to SOS, which needs a SOF
//    before it. Entropy-coded data follows, with FF 00 stuffing, fill bytes and RSTn skipped;
//    segments between scans (progressive JPEGs: DHT, SOS, ...) are followed, until FF D9 (EOI).
//    A candidate without both a SOF and an SOS is ignored. An EXIF thumbnail lies inside its
//    APP1 segment, so it is skipped with it. A marker that cannot appear in image data (a new
//    SOI, a reserved code) ends the item just before it, incomplete.
//  - PNG ("png"): the 8-byte signature, then an IHDR chunk of 13 bytes with sane fields and a
//    matching CRC-32; then chunks (big-endian length below 2^31, a type of four ASCII letters,
//    data, CRC) until IEND. A chunk header that breaks these rules ends the item before it,
//    incomplete.
//  - GIF ("gif"): "GIF87a" or "GIF89a", a logical screen descriptor with non-zero width and
//    height, the optional global colour table, then extension blocks (0x21, label,
//    sub-blocks) and images (0x2C, descriptor, optional local colour table, LZW minimum code
//    size 1..12, sub-blocks) until the trailer 0x3B. The first block must be an extension or
//    an image and at least one image must come before the trailer; an unknown block after an
//    image ends the item before it, incomplete.
//  - MP4/MOV ("mp4", "mov"): a box of type "ftyp" (16..4096 bytes, a printable major brand;
//    "mov" when it is "qt  "); HEIF/AVIF still-image brands are not carved as video. Then
//    consecutive top-level boxes (32-bit size, or 1 and a 64-bit size; types moov, mdat, free,
//    skip, wide, uuid, meta, moof, mfra, pdin, styp, sidx, udta, pnot) until the next bytes are
//    not such a box. Complete when a moov and an mdat were seen. A box of size 0 ("to the end
//    of the file") runs to the range end, incomplete.
// An item whose end lies past its range's end or past CarveOptions::max_item_bytes is cut
// there and reported with complete = false.
#ifndef TANTALIO_EVIDENCE_CARVER_H_
#define TANTALIO_EVIDENCE_CARVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "base/status.h"
#include "evidence/byte_source.h"

namespace tantalio {

struct ByteRange {
  uint64_t offset = 0;  // absolute offsets in the source
  uint64_t length = 0;
};

struct CarvedItem {
  uint64_t offset = 0;    // absolute byte offset of the first byte in the source
  uint64_t length = 0;    // bytes that belong to the item
  std::string extension;  // "jpg", "png", "gif", "mp4", "mov"
  bool complete = false;  // the end was found by structure/footer; false: cut at range end or limit
};

struct CarveOptions {
  uint64_t max_item_bytes = uint64_t{256} << 20;  // an item is cut (complete=false) at this length
  uint64_t min_item_bytes = 64;                   // smaller candidates are ignored
  size_t max_items = 1'000'000;  // past this, CarveRanges stops with kResourceExhausted
};

// Scans each range of `source` sequentially, in bounded memory (chunks of a few MiB), for JPEG,
// PNG, GIF and MP4/MOV, validated by structure (not just magic bytes), and calls `found` for each
// item in offset order. An item never extends past the end of the range it starts in. After an
// item is found, scanning resumes after its end (no nested hits inside a carved JPEG's thumbnail).
// `found` returning false stops the scan (OK). `cancel` set gives kCancelled. A read error of the
// source is returned (with the offset in the message).
//
// Ranges are scanned in the order given (items come in offset order overall when the ranges are
// sorted); the parts of a range past source.Size() are ignored. A false candidate costs little:
// the scan goes on one byte after its start. Once max_items items have been reported, the next
// one found stops the scan with kResourceExhausted. `found` runs on the calling thread; calls
// with the same source may run concurrently when its ReadAt may (it is only read). To keep false
// candidates cheap on hostile input, a JPEG header of more than 256 segments before its SOS, or
// a GIF with more than 64 blocks before its first image, is not believed.
Status CarveRanges(const RandomAccessSource& source, std::span<const ByteRange> ranges,
                   const CarveOptions& options, const std::function<bool(const CarvedItem&)>& found,
                   const std::atomic<bool>* cancel = nullptr);

}  // namespace tantalio

#endif  // TANTALIO_EVIDENCE_CARVER_H_
