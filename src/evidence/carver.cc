#include "evidence/carver.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace tantalio {
namespace {

constexpr size_t kBlockSize = size_t{1} << 20;
constexpr size_t kCachedBlocks = 4;
// A JPEG header longer than this many segments before its first SOS is not believed: it keeps
// the cost of a false candidate bounded (real headers have a few dozen at most).
constexpr int kMaxJpegHeaderSegments = 256;
// Likewise for the extension blocks of a GIF before its first image (real files have a few).
constexpr int kMaxGifBlocksBeforeImage = 64;

// Reads the source in aligned blocks and keeps the last few, so that validating a candidate
// (which looks ahead) and the scan (which comes back to the byte after a false candidate) share
// the same reads. Memory: kCachedBlocks * kBlockSize.
class BlockCache {
 public:
  BlockCache(const RandomAccessSource& source, const std::atomic<bool>* cancel)
      : source_(source), cancel_(cancel) {}

  // The bytes from `pos` to the end of its block, at most up to `end`; empty when pos >= end or
  // the source has no byte there.
  Result<std::span<const uint8_t>> Span(uint64_t pos, uint64_t end) {
    if (pos >= end) return std::span<const uint8_t>();
    TANTALIO_ASSIGN_OR_RETURN(const Block* block, Load(pos / kBlockSize));
    const size_t in = static_cast<size_t>(pos % kBlockSize);
    if (in >= block->size) return std::span<const uint8_t>();
    const size_t n = static_cast<size_t>(std::min<uint64_t>(block->size - in, end - pos));
    return std::span<const uint8_t>(block->data.data() + in, n);
  }

  // Copies out.size() bytes at `pos`; false when they do not all lie before `end`.
  Result<bool> Read(uint64_t pos, uint64_t end, std::span<uint8_t> out) {
    if (pos > end || out.size() > end - pos) return false;
    size_t done = 0;
    while (done < out.size()) {
      TANTALIO_ASSIGN_OR_RETURN(std::span<const uint8_t> span, Span(pos + done, end));
      if (span.empty()) return false;
      const size_t n = std::min(span.size(), out.size() - done);
      std::memcpy(out.data() + done, span.data(), n);
      done += n;
    }
    return true;
  }

 private:
  struct Block {
    uint64_t index = UINT64_MAX;
    std::vector<uint8_t> data;
    size_t size = 0;
    uint64_t used = 0;
  };

  Result<const Block*> Load(uint64_t index) {
    Block* victim = &blocks_[0];
    for (Block& block : blocks_) {
      if (block.index == index) {
        block.used = ++clock_;
        return &block;
      }
      if (block.used < victim->used) victim = &block;
    }
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
      return CancelledError("carving cancelled");
    }
    victim->index = UINT64_MAX;  // stays invalid if the read fails
    victim->data.resize(kBlockSize);
    const uint64_t start = index * kBlockSize;
    auto n = source_.ReadAt(start, victim->data);
    if (!n.ok()) {
      return n.status().WithContext("carve: read source at offset " + std::to_string(start));
    }
    victim->index = index;
    victim->size = *n;
    victim->used = ++clock_;
    return victim;
  }

  const RandomAccessSource& source_;
  const std::atomic<bool>* cancel_;
  std::array<Block, kCachedBlocks> blocks_;
  uint64_t clock_ = 0;
};

// Where a candidate may lie: it starts at `start` and may not reach past `limit` (the end of
// its range, or start + max_item_bytes when that comes first).
struct Bounds {
  uint64_t start = 0;
  uint64_t limit = 0;
  uint64_t range_end = 0;
};

struct Found {
  uint64_t end = 0;  // absolute, exclusive
  bool complete = false;
};

using Validation = Result<std::optional<Found>>;

// The candidate is not an item.
std::optional<Found> Reject() { return std::nullopt; }

// The item is cut at its limit.
std::optional<Found> Cut(const Bounds& b) {
  Found f;
  f.end = b.limit;
  return f;
}

std::optional<Found> EndsAt(uint64_t end, bool complete) {
  Found f;
  f.end = end;
  f.complete = complete;
  return f;
}

uint32_t Be16(const uint8_t* p) { return uint32_t{p[0]} << 8 | p[1]; }
uint32_t Be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint64_t Be64(const uint8_t* p) { return uint64_t{Be32(p)} << 32 | Be32(p + 4); }
uint32_t Le16(const uint8_t* p) { return uint32_t{p[1]} << 8 | p[0]; }

// ---- JPEG ----

bool IsSof(uint8_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

// Markers followed by a length: SOFn, DHT, DAC, SOS, DQT, DNL, DRI, DHP, EXP, APPn, JPGn, COM.
bool HasLength(uint8_t m) {
  return IsSof(m) || m == 0xC4 || m == 0xCC || (m >= 0xDA && m <= 0xDF) || (m >= 0xE0 && m <= 0xFE);
}

enum class SegmentCheck { kOk, kBad, kCut };

// Checks the fields of the segment whose marker FF `m` is at `p` and whose length is `len`.
Result<SegmentCheck> CheckSegment(BlockCache& cache, uint64_t p, uint64_t limit, uint8_t m,
                                  uint32_t len) {
  if (len < 2) return SegmentCheck::kBad;
  if (IsSof(m)) {
    uint8_t f[10];
    TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(p, limit, f));
    if (!ok) return SegmentCheck::kCut;
    const uint32_t precision = f[4], width = Be16(f + 7), components = f[9];
    const bool good = precision >= 2 && precision <= 16 && width > 0 && components >= 1 &&
                      len == 8 + 3 * components;
    return good ? SegmentCheck::kOk : SegmentCheck::kBad;
  }
  if (m == 0xDA) {  // SOS
    uint8_t f[5];
    TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(p, limit, f));
    if (!ok) return SegmentCheck::kCut;
    const uint32_t components = f[4];
    const bool good = components >= 1 && components <= 4 && len == 6 + 2 * components;
    return good ? SegmentCheck::kOk : SegmentCheck::kBad;
  }
  if (m >= 0xE0 && m <= 0xEF && len > 2) {  // APPn: starts with an identifier ("JFIF", "Exif")
    uint8_t f[5];
    TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(p, limit, f));
    if (!ok) return SegmentCheck::kCut;
    return f[4] >= 0x20 && f[4] <= 0x7E ? SegmentCheck::kOk : SegmentCheck::kBad;
  }
  if (m == 0xDD) return len == 4 ? SegmentCheck::kOk : SegmentCheck::kBad;   // DRI
  if (m == 0xDB) return len >= 67 ? SegmentCheck::kOk : SegmentCheck::kBad;  // DQT: one table
  if (m == 0xC4) return len >= 19 ? SegmentCheck::kOk : SegmentCheck::kBad;  // DHT: one table
  return SegmentCheck::kOk;
}

// Entropy-coded data from `p` (just after an SOS segment) to EOI, following the segments that
// come between the scans of a progressive JPEG.
Validation ScanJpegData(BlockCache& cache, const Bounds& b, uint64_t p) {
  for (;;) {
    TANTALIO_ASSIGN_OR_RETURN(std::span<const uint8_t> span, cache.Span(p, b.limit));
    if (span.empty()) return Cut(b);
    const auto* ff = static_cast<const uint8_t*>(std::memchr(span.data(), 0xFF, span.size()));
    if (ff == nullptr) {
      p += span.size();
      continue;
    }
    const uint64_t q = p + static_cast<uint64_t>(ff - span.data());
    uint8_t head[4];
    TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(q, b.limit, std::span<uint8_t>(head, 2)));
    if (!ok) return Cut(b);
    const uint8_t m = head[1];
    if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) {  // stuffed FF, RSTn
      p = q + 2;
      continue;
    }
    if (m == 0xFF) {  // fill byte
      p = q + 1;
      continue;
    }
    if (m == 0xD9) return EndsAt(q + 2, true);
    if (!HasLength(m)) return EndsAt(q, false);  // SOI, TEM, reserved: not this image any more
    TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(q, b.limit, head));
    if (!ok) return Cut(b);
    const uint32_t len = Be16(head + 2);
    TANTALIO_ASSIGN_OR_RETURN(SegmentCheck check, CheckSegment(cache, q, b.limit, m, len));
    if (check == SegmentCheck::kBad) return EndsAt(q, false);
    if (check == SegmentCheck::kCut || len > b.limit - (q + 2)) return Cut(b);
    p = q + 2 + len;
  }
}

Validation ValidateJpeg(BlockCache& cache, const Bounds& b) {
  uint64_t p = b.start + 2;  // after SOI
  bool sof = false;
  for (int segments = 0; segments < kMaxJpegHeaderSegments; ++segments) {
    uint8_t head[4];
    TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(p, b.limit, head));
    if (!ok || head[0] != 0xFF) return Reject();  // a header cut off does not count
    const uint8_t m = head[1];
    if (m == 0xFF) {  // fill byte before a marker
      p += 1;
      continue;
    }
    if (!HasLength(m)) return Reject();
    const uint32_t len = Be16(head + 2);
    TANTALIO_ASSIGN_OR_RETURN(SegmentCheck check, CheckSegment(cache, p, b.limit, m, len));
    if (check != SegmentCheck::kOk) return Reject();
    if (IsSof(m)) sof = true;
    if (m == 0xDA) {
      if (!sof) return Reject();
      if (len > b.limit - (p + 2)) return Cut(b);
      return ScanJpegData(cache, b, p + 2 + len);
    }
    if (len > b.limit - (p + 2)) return Reject();
    p += 2 + len;
  }
  return Reject();
}

// ---- PNG ----

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

uint32_t Crc32(const uint8_t* data, size_t size) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) c = kCrcTable[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool IsLetters(const uint8_t* p) {
  for (int i = 0; i < 4; ++i) {
    const bool letter = (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z');
    if (!letter) return false;
  }
  return true;
}

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

Validation ValidatePng(BlockCache& cache, const Bounds& b) {
  uint8_t h[33];  // signature and IHDR
  TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(b.start, b.limit, h));
  if (!ok || std::memcmp(h, kPngSignature, 8) != 0) return Reject();
  if (Be32(h + 8) != 13 || std::memcmp(h + 12, "IHDR", 4) != 0) return Reject();
  const uint32_t width = Be32(h + 16), height = Be32(h + 20);
  const uint8_t depth = h[24], colour = h[25];
  const bool sane = width > 0 && height > 0 && width <= 0x7FFFFFFFu && height <= 0x7FFFFFFFu &&
                    (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16) &&
                    (colour == 0 || colour == 2 || colour == 3 || colour == 4 || colour == 6) &&
                    h[26] == 0 && h[27] == 0 && h[28] <= 1;
  if (!sane || Crc32(h + 12, 17) != Be32(h + 29)) return Reject();
  uint64_t p = b.start + sizeof(h);
  for (;;) {
    uint8_t chunk[8];
    TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(p, b.limit, chunk));
    if (!ok) return Cut(b);
    const uint32_t len = Be32(chunk);
    if (len > 0x7FFFFFFFu || !IsLetters(chunk + 4)) return EndsAt(p, false);
    if (uint64_t{len} + 12 > b.limit - p) return Cut(b);
    p += uint64_t{len} + 12;
    if (std::memcmp(chunk + 4, "IEND", 4) == 0) return EndsAt(p, true);
  }
}

// ---- GIF ----

// The position after the terminating empty sub-block that follows `p`, or nullopt when the
// sub-blocks run past `limit`.
Result<std::optional<uint64_t>> SkipSubBlocks(BlockCache& cache, uint64_t p, uint64_t limit) {
  for (;;) {
    uint8_t size = 0;
    TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(p, limit, std::span<uint8_t>(&size, 1)));
    if (!ok) return std::optional<uint64_t>();
    p += 1 + uint64_t{size};
    if (size == 0) return std::optional<uint64_t>(p);
  }
}

uint64_t ColourTableBytes(uint8_t packed) {
  return (packed & 0x80) != 0 ? uint64_t{3} << ((packed & 7) + 1) : 0;
}

Validation ValidateGif(BlockCache& cache, const Bounds& b) {
  uint8_t h[13];  // signature and logical screen descriptor
  TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(b.start, b.limit, h));
  if (!ok) return Reject();
  if (std::memcmp(h, "GIF87a", 6) != 0 && std::memcmp(h, "GIF89a", 6) != 0) return Reject();
  if (Le16(h + 6) == 0 || Le16(h + 8) == 0) return Reject();
  uint64_t p = b.start + sizeof(h) + ColourTableBytes(h[10]);
  bool first = true, image = false;
  for (int blocks = 0;; ++blocks) {
    if (!image && blocks > kMaxGifBlocksBeforeImage) return Reject();
    uint8_t block[10];
    TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(p, b.limit, std::span<uint8_t>(block, 1)));
    if (!ok) {
      if (first) return Reject();
      return Cut(b);
    }
    std::optional<uint64_t> next;
    if (block[0] == 0x21) {  // extension: label, sub-blocks
      TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(p, b.limit, std::span<uint8_t>(block, 2)));
      if (!ok) {
        if (first) return Reject();
        return Cut(b);
      }
      const uint8_t label = block[1];
      if (label != 0x01 && label != 0xF9 && label != 0xFE && label != 0xFF) {
        if (!image) return Reject();
        return EndsAt(p, false);
      }
      TANTALIO_ASSIGN_OR_RETURN(next, SkipSubBlocks(cache, p + 2, b.limit));
    } else if (block[0] == 0x2C) {  // image: descriptor, local table, LZW code size, sub-blocks
      TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(p, b.limit, block));
      if (!ok) {
        if (first) return Reject();
        return Cut(b);
      }
      const uint64_t lzw_at = p + sizeof(block) + ColourTableBytes(block[9]);
      uint8_t lzw = 0;
      TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(lzw_at, b.limit, std::span<uint8_t>(&lzw, 1)));
      if (!ok) return Cut(b);
      if (lzw < 1 || lzw > 12) {
        if (!image) return Reject();
        return EndsAt(p, false);
      }
      TANTALIO_ASSIGN_OR_RETURN(next, SkipSubBlocks(cache, lzw_at + 1, b.limit));
      image = true;
    } else if (block[0] == 0x3B && image) {
      return EndsAt(p + 1, true);
    } else {
      if (!image) return Reject();
      return EndsAt(p, false);
    }
    if (!next.has_value()) return Cut(b);
    first = false;
    p = *next;
  }
}

// ---- MP4 / MOV ----

bool IsPrintable(const uint8_t* p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t c) { return c >= 0x20 && c <= 0x7E; });
}

bool IsTopLevelBox(const uint8_t* type) {
  static constexpr std::string_view kTypes[] = {"moov", "mdat", "free", "skip", "wide",
                                                "uuid", "meta", "moof", "mfra", "pdin",
                                                "styp", "sidx", "udta", "pnot"};
  const std::string_view t(reinterpret_cast<const char*>(type), 4);
  return std::find(std::begin(kTypes), std::end(kTypes), t) != std::end(kTypes);
}

// HEIF and AVIF images (and image sequences) share the box format but are not videos.
bool IsStillImageBrand(const uint8_t* brand) {
  static constexpr std::string_view kBrands[] = {"heic", "heix", "heim", "heis", "hevc",
                                                 "hevx", "mif1", "msf1", "avif", "avis"};
  const std::string_view t(reinterpret_cast<const char*>(brand), 4);
  return std::find(std::begin(kBrands), std::end(kBrands), t) != std::end(kBrands);
}

Validation ValidateMp4(BlockCache& cache, const Bounds& b, bool* mov) {
  std::array<uint8_t, 4096> ftyp;
  TANTALIO_ASSIGN_OR_RETURN(bool ok,
                            cache.Read(b.start, b.limit, std::span<uint8_t>(ftyp.data(), 16)));
  if (!ok || std::memcmp(ftyp.data() + 4, "ftyp", 4) != 0) return Reject();
  const uint32_t ftyp_size = Be32(ftyp.data());
  if (ftyp_size < 16 || ftyp_size > ftyp.size() || ftyp_size % 4 != 0) return Reject();
  if (!IsPrintable(ftyp.data() + 8, 4) || IsStillImageBrand(ftyp.data() + 8)) return Reject();
  TANTALIO_ASSIGN_OR_RETURN(
      ok, cache.Read(b.start, b.limit, std::span<uint8_t>(ftyp.data(), ftyp_size)));
  if (!ok) return Reject();
  for (uint32_t i = 16; i < ftyp_size; ++i) {  // compatible brands: printable or NUL padding
    if (ftyp[i] != 0 && !IsPrintable(&ftyp[i], 1)) return Reject();
  }
  *mov = std::memcmp(ftyp.data() + 8, "qt  ", 4) == 0;
  bool moov = false, mdat = false;
  uint64_t p = b.start + ftyp_size;
  const bool capped = b.limit < b.range_end;
  for (;;) {
    uint8_t head[16];
    TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(p, b.limit, std::span<uint8_t>(head, 8)));
    if (!ok) {
      if (capped && p < b.limit) return Cut(b);
      return EndsAt(p, moov && mdat);
    }
    if (!IsTopLevelBox(head + 4)) return EndsAt(p, moov && mdat);
    const uint32_t size32 = Be32(head);
    uint64_t size = size32;
    if (size32 == 0) return Cut(b);  // "to the end of the file"
    if (size32 == 1) {
      TANTALIO_ASSIGN_OR_RETURN(ok, cache.Read(p, b.limit, head));
      if (!ok) {
        if (capped && p < b.limit) return Cut(b);
        return EndsAt(p, moov && mdat);
      }
      size = Be64(head + 8);
      if (size < 16) return EndsAt(p, moov && mdat);
    } else if (size32 < 8) {
      return EndsAt(p, moov && mdat);
    }
    if (size > b.limit - p) return Cut(b);
    if (std::memcmp(head + 4, "moov", 4) == 0) moov = true;
    if (std::memcmp(head + 4, "mdat", 4) == 0) mdat = true;
    p += size;
  }
}

// ---- the scan ----

constexpr std::array<bool, 256> MakeStartBytes() {
  std::array<bool, 256> table{};
  table[0xFF] = true;  // JPEG
  table[0x89] = true;  // PNG
  table['G'] = true;   // GIF
  table['f'] = true;   // the "ftyp" of MP4/MOV, 4 bytes after the box start
  return table;
}
constexpr std::array<bool, 256> kStartBytes = MakeStartBytes();

// Tries the candidate whose signature byte `first` is at `q`. Items may not start before
// `floor` (the end of the previous item) nor end past `range_end`.
Result<std::optional<CarvedItem>> TryCandidate(BlockCache& cache, uint64_t q, uint8_t first,
                                               uint64_t floor, uint64_t range_end,
                                               const CarveOptions& options) {
  Bounds b;
  b.start = q;
  b.range_end = range_end;
  uint8_t head[8];
  Validation found = std::optional<Found>();
  const char* extension = nullptr;
  if (first == 'f') {
    if (q < floor + 4) return std::optional<CarvedItem>();
    b.start = q - 4;
  }
  b.limit = b.start + std::min(options.max_item_bytes, range_end - b.start);
  TANTALIO_ASSIGN_OR_RETURN(bool ok, cache.Read(b.start, range_end, head));
  if (!ok) return std::optional<CarvedItem>();
  if (first == 0xFF) {
    if (head[1] != 0xD8 || head[2] != 0xFF || !(HasLength(head[3]) || head[3] == 0xFF)) {
      return std::optional<CarvedItem>();
    }
    extension = "jpg";
    found = ValidateJpeg(cache, b);
  } else if (first == 0x89) {
    if (std::memcmp(head, kPngSignature, 8) != 0) return std::optional<CarvedItem>();
    extension = "png";
    found = ValidatePng(cache, b);
  } else if (first == 'G') {
    if (std::memcmp(head, "GIF8", 4) != 0) return std::optional<CarvedItem>();
    extension = "gif";
    found = ValidateGif(cache, b);
  } else {
    if (std::memcmp(head + 4, "ftyp", 4) != 0) return std::optional<CarvedItem>();
    bool mov = false;
    found = ValidateMp4(cache, b, &mov);
    extension = mov ? "mov" : "mp4";
  }
  if (!found.ok()) return found.status();
  if (!found->has_value()) return std::optional<CarvedItem>();
  CarvedItem item;
  item.offset = b.start;
  item.length = (*found)->end - b.start;
  item.extension = extension;
  item.complete = (*found)->complete;
  return std::optional<CarvedItem>(std::move(item));
}

}  // namespace

Status CarveRanges(const RandomAccessSource& source, std::span<const ByteRange> ranges,
                   const CarveOptions& options, const std::function<bool(const CarvedItem&)>& found,
                   const std::atomic<bool>* cancel) {
  BlockCache cache(source, cancel);
  const uint64_t size = source.Size();
  size_t reported = 0;
  for (const ByteRange& range : ranges) {
    if (range.offset >= size || range.length == 0) continue;
    const uint64_t end = range.offset + std::min(range.length, size - range.offset);
    uint64_t floor = range.offset;  // no item starts before this
    uint64_t pos = range.offset;
    while (pos < end) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        return CancelledError("carving cancelled");
      }
      TANTALIO_ASSIGN_OR_RETURN(std::span<const uint8_t> span, cache.Span(pos, end));
      if (span.empty()) break;  // the source ended early
      size_t i = 0;
      while (i < span.size() && !kStartBytes[span[i]]) ++i;
      if (i == span.size()) {
        pos += i;
        continue;
      }
      const uint64_t q = pos + i;
      // `span` may be evicted by the validation below: only its byte is passed on.
      TANTALIO_ASSIGN_OR_RETURN(std::optional<CarvedItem> item,
                                TryCandidate(cache, q, span[i], floor, end, options));
      if (!item.has_value() || item->length < options.min_item_bytes) {
        pos = q + 1;
        continue;
      }
      if (reported >= options.max_items) {
        return ResourceExhaustedError("carving stopped after " + std::to_string(reported) +
                                      " items (the limit); next item at offset " +
                                      std::to_string(item->offset));
      }
      ++reported;
      if (!found(*item)) return Status::Ok();
      pos = floor = item->offset + item->length;
    }
  }
  return Status::Ok();
}

}  // namespace tantalio
