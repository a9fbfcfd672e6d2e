#include "pipeline/image_analysis.h"

namespace tantalio {

const std::string& ImageAnalyzer::Producer() {
  static const std::string producer = ImageDecoderVersions();
  return producer;
}

ImageAnalysis ImageAnalyzer::Analyze(std::span<const uint8_t> encoded) {
  ImageAnalysis out;
  auto metadata = ReadImageMetadata(encoded);
  if (metadata.ok()) {
    out.metadata = std::move(metadata).value();
  } else if (metadata.status().code() == StatusCode::kCorrupt) {
    out.problems.emplace_back("metadata", metadata.status());
  }
  auto decoded = DecodeImage(encoded, options_);
  if (!decoded.ok()) {
    out.problems.emplace_back("decode", decoded.status());
    return out;
  }
  out.partial = decoded->partial;
  out.warning = decoded->warning;
  PdqImageView view{decoded->pixels.data(), decoded->width, decoded->height, decoded->channels, 0};
  auto pdq = hasher_.HashDihedral(view);
  if (!pdq.ok()) {
    out.problems.emplace_back("pdq", pdq.status());
    return out;
  }
  out.pdq = std::move(pdq).value();
  return out;
}

}  // namespace tantalio
