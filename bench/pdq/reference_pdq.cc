#include "reference_pdq.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace tantalio::bench {
namespace {

void Box1D(const float* in, float* out, int n, int stride, int window) {
  const int half = (window + 2) / 2;
  float sum = 0;
  int count = 0, li = 0, ri = 0, oi = 0;
  for (int i = 0; i < half - 1; ++i, ri += stride) {
    sum += in[ri];
    ++count;
  }
  for (int i = 0; i < window - half + 1; ++i, ri += stride, oi += stride) {
    sum += in[ri];
    ++count;
    out[oi] = sum / count;
  }
  for (int i = 0; i < n - window; ++i, ri += stride, li += stride, oi += stride) {
    sum += in[ri];
    sum -= in[li];
    out[oi] = sum / count;
  }
  for (int i = 0; i < half - 1; ++i, li += stride, oi += stride) {
    sum -= in[li];
    --count;
    out[oi] = sum / count;
  }
}

}  // namespace

std::string ReferenceStylePdq(const uint8_t* rgb, int w, int h, int* quality) {
  std::vector<float> b1(static_cast<size_t>(w) * h), b2(b1.size());
  for (size_t i = 0; i < b1.size(); ++i) {
    b1[i] = 0.299f * rgb[3 * i] + 0.587f * rgb[3 * i + 1] + 0.114f * rgb[3 * i + 2];
  }
  const int wr = (w + 127) / 128, wc = (h + 127) / 128;
  for (int pass = 0; pass < 2; ++pass) {
    for (int y = 0; y < h; ++y)
      Box1D(&b1[static_cast<size_t>(y) * w], &b2[static_cast<size_t>(y) * w], w, 1, wr);
    for (int x = 0; x < w; ++x) Box1D(&b2[x], &b1[x], h, w, wc);
  }
  float a[64][64];
  for (int i = 0; i < 64; ++i) {
    const int y = static_cast<int>(((i + 0.5) * h) / 64);
    for (int j = 0; j < 64; ++j)
      a[i][j] = b1[static_cast<size_t>(y) * w + static_cast<int>(((j + 0.5) * w) / 64)];
  }
  int sum = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j)
      sum += std::abs(static_cast<int>((a[i][j] - a[i + 1][j]) * 100 / 255));
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j)
      sum += std::abs(static_cast<int>((a[i][j] - a[i][j + 1]) * 100 / 255));
  }
  *quality = std::min(100, sum / 90);
  float d[16][64], t[16][64], b[256];
  const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
  for (int i = 0; i < 16; ++i) {
    for (int k = 0; k < 64; ++k) {
      d[i][k] = static_cast<float>(
          scale * std::cos((3.14159265358979323846 / 128.0) * (i + 1) * (2 * k + 1)));
    }
  }
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 64; ++j) {
      float s = 0;
      for (int k = 0; k < 64; ++k) s += d[i][k] * a[k][j];
      t[i][j] = s;
    }
  }
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      float s = 0;
      for (int k = 0; k < 64; ++k) s += t[i][k] * d[j][k];
      b[16 * i + j] = s;
    }
  }
  float sorted[256];
  std::copy(b, b + 256, sorted);
  std::nth_element(sorted, sorted + 127, sorted + 256);
  unsigned words[16] = {};
  for (int k = 0; k < 256; ++k) {
    if (b[k] > sorted[127]) words[k / 16] |= 1u << (k % 16);
  }
  std::string hex;
  char buf[8];
  for (int i = 15; i >= 0; --i) {
    std::snprintf(buf, sizeof(buf), "%04x", words[i]);
    hex += buf;
  }
  return hex;
}

}  // namespace tantalio::bench
