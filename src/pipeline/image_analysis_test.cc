#include "pipeline/image_analysis.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "media/synthetic_image.h"

namespace tantalio {
namespace {

TEST(PixelBudgetTest, ADecodeWaitsUntilItsPixelsFit) {
  PixelBudget budget(10);
  const uint64_t first = budget.Acquire(6);
  EXPECT_EQ(first, 6u);
  std::atomic<bool> second_done{false};
  std::thread second([&] {
    budget.Release(budget.Acquire(6));
    second_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_done.load()) << "6 + 6 pixels do not fit in a budget of 10";
  budget.Release(first);
  second.join();
  EXPECT_TRUE(second_done.load());
}

TEST(PixelBudgetTest, OversizedRequestsRunAlone) {
  PixelBudget budget(10);
  EXPECT_EQ(budget.Acquire(1000), 10u);  // capped: it waits for everything, then runs
  budget.Release(10);
  EXPECT_EQ(budget.Acquire(10), 10u);
  budget.Release(10);
}

TEST(ImageAnalyzerTest, DecodesHashReadsMetadataAndReturnsItsPixels) {
  PixelBudget budget(100);  // far smaller than the image: the decode takes all of it
  ImageAnalyzer analyzer({}, &budget);
  auto jpeg = EncodeJpeg(GeneratePattern(64, 48, 3), 90);
  ASSERT_TRUE(jpeg.ok());
  ImageAnalysis a = analyzer.Analyze(*jpeg);
  EXPECT_TRUE(a.problems.empty());
  ASSERT_TRUE(a.pdq.has_value());
  EXPECT_GT(a.pdq->quality, 0);
  ASSERT_TRUE(a.metadata.has_value());
  EXPECT_EQ(a.metadata->width, 64);
  // The whole budget is free again once the analysis is done.
  EXPECT_EQ(budget.Acquire(100), 100u);
  budget.Release(100);
}

TEST(ImageAnalyzerTest, UndecodableImageIsAProblemNotACrash) {
  ImageAnalyzer analyzer;
  const std::vector<uint8_t> truncated = {0xff, 0xd8, 0xff, 0xe0, 0x00};
  ImageAnalysis a = analyzer.Analyze(truncated);
  EXPECT_FALSE(a.pdq.has_value());
  ASSERT_FALSE(a.problems.empty());
  EXPECT_EQ(a.problems.back().first, "decode");
}

}  // namespace
}  // namespace tantalio
