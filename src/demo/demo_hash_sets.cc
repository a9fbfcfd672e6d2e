#include "demo/demo_hash_sets.h"

#include <fstream>

#include "fingerprint/crypto_digest.h"
#include "fingerprint/pdq.h"
#include "formats/hash_set_export.h"
#include "media/image_decoder.h"

namespace tantalio::demo {
namespace {

void Digests(const std::vector<uint8_t>& bytes, formats::HashSetEntry& e) {
  CryptoHasher hasher;
  hasher.Update(bytes);
  CryptoDigests d = hasher.Finish();
  e.md5 = d.Md5Hex();
  e.sha1 = d.Sha1Hex();
  e.sha256 = d.Sha256Hex();
  e.size = static_cast<int64_t>(bytes.size());
}

Status WriteSet(const std::string& path, formats::HashSetFormat format, const std::string& name,
                const std::vector<formats::HashSetEntry>& entries) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError("create " + path);
  TANTALIO_ASSIGN_OR_RETURN(
      auto writer, formats::NewHashSetWriter(format, out, {name, "Demo Police", "tantalio demo"}));
  for (const auto& e : entries) TANTALIO_RETURN_IF_ERROR(writer->Write(e));
  return writer->Finish();
}

}  // namespace

Status WriteReferenceSet(const std::string& path, const std::vector<KnownOriginal>& originals) {
  std::vector<formats::HashSetEntry> entries;
  PdqHasher hasher;
  for (const auto& original : originals) {
    formats::HashSetEntry e;
    if (original.with_digests) Digests(original.bytes, e);
    TANTALIO_ASSIGN_OR_RETURN(auto pixels, DecodeImage(original.bytes));
    TANTALIO_ASSIGN_OR_RETURN(
        auto pdq, hasher.Hash(PdqImageView{pixels.pixels.data(), pixels.width, pixels.height,
                                           pixels.channels, 0}));
    e.pdq = pdq.hash.ToHex();
    e.pdq_quality = pdq.quality;
    e.source_ref = std::to_string(original.media_id);
    e.category = original.category;
    e.category_source = std::to_string(original.category);
    e.series = original.series;
    e.mime_type = "image/jpeg";
    e.victim_identified = false;
    e.distributed = true;
    entries.push_back(std::move(e));
  }
  return WriteSet(path, formats::HashSetFormat::kVics, "demo reference set", entries);
}

Status WriteKnownGoodSet(const std::string& path, const std::vector<KnownGoodFile>& files) {
  std::vector<formats::HashSetEntry> entries;
  for (const auto& f : files) {
    formats::HashSetEntry e;
    Digests(f.bytes, e);
    e.name = f.name;
    entries.push_back(std::move(e));
  }
  return WriteSet(path, formats::HashSetFormat::kHashdeep, "demo known-good", entries);
}

}  // namespace tantalio::demo
