#include "pipeline/image_analysis.h"

#include <algorithm>
#include <utility>

namespace tantalio {

uint64_t PixelBudget::Acquire(uint64_t pixels) {
  const uint64_t take = std::min(pixels, capacity_);
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return in_use_ + take <= capacity_; });
  in_use_ += take;
  return take;
}

void PixelBudget::Release(uint64_t taken) {
  if (taken == 0) return;
  {
    std::lock_guard lock(mutex_);
    in_use_ -= taken;
  }
  freed_.notify_all();
}

PixelBudget& PixelBudget::Global() {
  static PixelBudget budget(uint64_t{128} << 20);
  return budget;
}

namespace {

// Holds a decode's share of the budget until the pixels are hashed. A decoder
// may report the size twice (container, then image): the larger one counts.
class PixelReservation {
 public:
  explicit PixelReservation(PixelBudget* budget) : budget_(budget) {}
  ~PixelReservation() { budget_->Release(taken_); }
  PixelReservation(const PixelReservation&) = delete;
  PixelReservation& operator=(const PixelReservation&) = delete;

  Status Reserve(int64_t width, int64_t height) {
    const auto pixels = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
    if (pixels <= taken_) return Status::Ok();
    budget_->Release(std::exchange(taken_, 0));  // never wait while holding a share
    taken_ = budget_->Acquire(pixels);
    return Status::Ok();
  }

 private:
  PixelBudget* budget_;
  uint64_t taken_ = 0;
};

}  // namespace

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
  PixelReservation reservation(budget_);
  DecodeOptions options = options_;
  options.before_allocate = [&](int64_t width, int64_t height) {
    return reservation.Reserve(width, height);
  };
  auto decoded = DecodeImage(encoded, options);
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
