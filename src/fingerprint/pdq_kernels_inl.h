// Internal to PDQ: the generic filter-and-decimate algorithm, written once
// over a vector type V and compiled once per SIMD level.
//
// Include this file only from pdq_kernels_{scalar,avx2,avx512}.cc, after all
// standard headers and inside their `#pragma GCC target` region. Everything
// here lives in an anonymous namespace, so each includer gets its own copy
// compiled for its own instruction set (no ODR sharing between levels).
//
// V provides: kLanes (L floats per vector), kRows (K vectors processed side by
// side for instruction-level parallelism), T, Zero, Set1, Load, Store, Add,
// Sub, Div, Transpose (an L x L block, dst[c * ds + r] = src[r * ss + c]) and
// LumaRange (part of a row of 8-bit pixels to float luma).
//
// Exactness: lanes hold independent rows (horizontal passes, after a
// transpose) or independent columns (vertical passes); each running sum sees
// the reference's sequence of float additions, subtractions and divisions
// (spec §2.3), so all levels give identical bits.
//
// Data flow (no image-sized float buffer: the largest holds a few dozen rows,
// so it stays in cache): pass 1 (luma + horizontal box) fills a ring of rows
// S at a time, on demand; pass 2 (vertical box) consumes the ring in batches
// of S output rows and transposes each batch for pass 3 (horizontal box),
// which divides only at the 64 sample columns; pass 4 (vertical box) runs on
// those 64 columns only and divides only at the 64 sample rows. Values nobody
// samples are never divided out.
#ifndef TANTALIO_FINGERPRINT_PDQ_KERNELS_INL_H_
#define TANTALIO_FINGERPRINT_PDQ_KERNELS_INL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fingerprint/pdq_kernels.h"

// Per-step lambdas must be inlined into the loops that call them.
#define PDQ_ALWAYS_INLINE __attribute__((always_inline))

namespace tantalio::pdq_internal {
// Internal linkage on purpose: each kernel file includes this header once and
// instantiates it for its own SIMD level.
namespace {  // NOLINT(google-build-namespaces)

constexpr int kGrid = 64;

// Jarosz window for a side of n pixels: ceil(n / 128).
inline int BoxWindow(int n) { return (n + 2 * kGrid - 1) / (2 * kGrid); }

// Decimation sample points trunc((i + 0.5) n / 64), in double (spec §2.4).
// idx[64] is a sentinel that matches no position.
inline void SampleIndices(int n, int* idx) {
  for (int i = 0; i < kGrid; ++i) {
    idx[i] = static_cast<int>(((i + 0.5) * n) / kGrid);
  }
  idx[kGrid] = -1;
}

// Luma of pixels [begin, end) of one row into dst[0 ..] (spec §2.1), in the
// reference's order of operations.
inline void LumaRangeScalar(const uint8_t* src, int begin, int end, int channels, float* dst) {
  if (channels == 3) {
    for (int x = begin; x < end; ++x) {
      const float r = src[3 * x];
      const float g = src[3 * x + 1];
      const float b = src[3 * x + 2];
      dst[x - begin] = 0.299f * r + 0.587f * g + 0.114f * b;
    }
  } else {
    for (int x = begin; x < end; ++x) dst[x - begin] = src[x];
  }
}

inline int RoundUp(int n, int m) { return (n + m - 1) / m * m; }

template <class V>
class BlurDecimator {
 public:
  using T = typename V::T;
  static constexpr int L = V::kLanes;
  static constexpr int K = V::kRows;
  static constexpr int S = L * K;  // rows per horizontal strip
  // Horizontal passes work on transposed column chunks of this many columns,
  // so their buffers stay in L1 whatever the image width.
  static constexpr int kChunk = 64;
  // Pass 2 keeps the running sums of this many columns in registers.
  static constexpr int kBlockCols = 4 * L;

  BlurDecimator(const KernelInput& in, KernelArena& arena)
      : in_(in),
        w_(in.width),
        h_(in.height),
        wp_(RoundUp(in.width, L)),
        hp_(RoundUp(in.height, S)),
        win_row_(BoxWindow(in.width)),
        win_col_(BoxWindow(in.height)),
        // A batch of S pass-2 outputs reads pass-1 rows over a span of
        // window + S, and pass 1 fills S rows at a time: window + 2 S + 1
        // rows suffice, in whole strips.
        ring_rows_(std::min(RoundUp(win_col_ + 2 * S + 1, S), hp_)),
        // The chain reads column ri and, window columns behind, li.
        ring_cols_(RoundUp(win_row_ + kChunk + 1, kChunk)) {
    SampleIndices(w_, col_idx_);
    SampleIndices(h_, row_idx_);
    luma_ = arena.Get(0, static_cast<size_t>(S) * kChunk);
    columns_ = arena.Get(1, static_cast<size_t>(ring_cols_) * S);
    chunk_out_ = arena.Get(2, static_cast<size_t>(kChunk) * S);
    ring_ = arena.Get(3, static_cast<size_t>(ring_rows_) * wp_);
    sums_ = arena.Get(4, wp_);
    samples_ = arena.Get(5, static_cast<size_t>(kGrid) * S);
    p3_ = arena.Get(6, static_cast<size_t>(hp_) * kGrid);
    sums4_ = arena.Get(7, kGrid);
    strip_columns_ = arena.Get(8, static_cast<size_t>(RoundUp(wp_, kChunk)) * S);
    tile_ = arena.Get(9, static_cast<size_t>(S) * kBlockCols);
  }

  void Run(float* grid) {
    VerticalPass2AndHorizontalPass3();  // pulls rows from pass 1 on demand
    VerticalPass4(grid);
  }

 private:
  // Pass-1 output row r, computing the next strip of S rows first when r is
  // not there yet.
  const float* Pass1Row(int r) {
    while (r >= produced_) {
      ProducePass1Strip(produced_);
      produced_ += S;
    }
    return ring_ + static_cast<size_t>(r % ring_rows_) * wp_;
  }

  // Pass 1 for rows r0 .. r0 + S - 1: luma, then the horizontal box along
  // each row, with lanes = rows (luma is transposed chunk by chunk).
  void ProducePass1Strip(int r0) {
    const uint8_t* src[S];
    for (int s = 0; s < S; ++s) {
      src[s] = in_.pixels + in_.row_stride * std::min(r0 + s, h_ - 1);
    }
    float* out_rows = ring_ + static_cast<size_t>(r0 % ring_rows_) * wp_;
    auto fill = [this, &src](int x0, int x1, float* dst) {
      const int valid_end = std::min(x1, w_);
      // The S source rows are S separate streams: fetch the chunk after next.
      const size_t ahead = static_cast<size_t>(x1 + kChunk) * in_.channels;
      const size_t row_bytes = static_cast<size_t>(w_) * in_.channels;
      if (ahead < row_bytes) {
        for (int s = 0; s < S; ++s) {
          for (int b = 0; b < kChunk * in_.channels; b += 64) {
            __builtin_prefetch(src[s] + ahead + b);
          }
        }
      }
      for (int s = 0; s < S; ++s) {
        float* row = luma_ + static_cast<size_t>(s) * kChunk;
        V::LumaRange(src[s], x0, valid_end, in_.channels, row);
        for (int x = valid_end; x < x1; ++x) row[x - x0] = 0.0f;
      }
      for (int xb = x0; xb < x1; xb += L) {
#pragma GCC unroll 8
        for (int k = 0; k < K; ++k) {
          V::Transpose(luma_ + static_cast<size_t>(k) * L * kChunk + (xb - x0), kChunk,
                       dst + (static_cast<size_t>(xb - x0) * K + k) * L, S);
        }
      }
    };
    float* out = chunk_out_;
    const int n = w_;
    const int wp = wp_;
    Chain(columns_, ring_cols_, n, win_row_, fill,
          [out, out_rows, n, wp](int o, const T* sum, int count) PDQ_ALWAYS_INLINE {
            const T c = V::Set1(static_cast<float>(count));
            const int slot = o & (kChunk - 1);
            float* dst = out + static_cast<size_t>(slot) * S;
#pragma GCC unroll 8
            for (int k = 0; k < K; ++k) V::Store(dst + k * L, V::Div(sum[k], c));
            if (slot != kChunk - 1 && o != n - 1) return;
            // A chunk is complete: transpose it back into the output rows. The
            // padding columns after the last one get zeros.
            const int c0 = o - slot;
            const int c1 = std::min(c0 + kChunk, wp);
            for (int x = o + 1; x < c1; ++x) {
              for (int i = 0; i < S; ++i) out[static_cast<size_t>(x - c0) * S + i] = 0.0f;
            }
            for (int xb = c0; xb < c1; xb += L) {
#pragma GCC unroll 8
              for (int k = 0; k < K; ++k) {
                V::Transpose(out + (static_cast<size_t>(xb - c0) * K + k) * L, S,
                             out_rows + static_cast<size_t>(k) * L * wp + xb, wp);
              }
            }
          });
  }

  // Pass 2 (vertical) in batches of S output rows: each block of columns
  // keeps its running sums in registers for the whole batch, and the batch's
  // outputs are transposed straight into strip_columns_ (lanes = rows), the
  // input of pass 3 (horizontal). Pass 3 divides only at the 64 sample
  // columns. Output: p3_ (h_ x 64), the pass-3 values at the sample columns.
  void VerticalPass2AndHorizontalPass3() {
    const int n = h_;
    const int window = win_col_;
    const int half = (window + 2) / 2;
    std::memset(sums_, 0, sizeof(float) * wp_);
    // Phase 1 (spec §2.3): rows 0 .. half - 2 are added before any output.
    for (int r = 0; r < half - 1; ++r) {
      Step<true, false>(sums_, Pass1Row(r), nullptr, nullptr, wp_, 0);
    }
    // Output o is preceded by adding row o + half - 1 (when it exists) and
    // subtracting row o - (window - half) - 1 (when it exists): phases 2-4.
    Batch batch;
    for (int o0 = 0; o0 < n; o0 += S) {
      batch.rows = std::min(S, n - o0);
      for (int j = 0; j < batch.rows; ++j) {
        const int o = o0 + j;
        const int added = o + half - 1;
        const int subtracted = o - (window - half) - 1;
        batch.add[j] = added < n ? Pass1Row(added) : nullptr;
        batch.sub[j] = subtracted >= 0 ? Pass1Row(subtracted) : nullptr;
        batch.count[j] =
            static_cast<float>(std::min(added, n - 1) - std::max(subtracted + 1, 0) + 1);
      }
      int cb = 0;
      for (; cb + kBlockCols <= wp_; cb += kBlockCols) Pass2Block<kBlockCols / L>(batch, cb);
      for (; cb < wp_; cb += L) Pass2Block<1>(batch, cb);
      Pass3Strip(o0);
    }
  }

  struct Batch {
    int rows;
    const float* add[S];
    const float* sub[S];
    float count[S];
  };

  // Pass 2 for columns cb .. cb + B L - 1 of one batch.
  template <int B>
  void Pass2Block(const Batch& batch, int cb) {
    T s[B];
#pragma GCC unroll 8
    for (int b = 0; b < B; ++b) s[b] = V::Load(sums_ + cb + b * L);
    for (int j = 0; j < S; ++j) {
      float* out = tile_ + static_cast<size_t>(j) * kBlockCols;
      if (j >= batch.rows) {
#pragma GCC unroll 8
        for (int b = 0; b < B; ++b) V::Store(out + b * L, V::Zero());
        continue;
      }
      if (batch.add[j] != nullptr) {
        const float* add = batch.add[j] + cb;
#pragma GCC unroll 8
        for (int b = 0; b < B; ++b) s[b] = V::Add(s[b], V::Load(add + b * L));
      }
      if (batch.sub[j] != nullptr) {
        const float* sub = batch.sub[j] + cb;
#pragma GCC unroll 8
        for (int b = 0; b < B; ++b) s[b] = V::Sub(s[b], V::Load(sub + b * L));
      }
      const T c = V::Set1(batch.count[j]);
#pragma GCC unroll 8
      for (int b = 0; b < B; ++b) V::Store(out + b * L, V::Div(s[b], c));
    }
#pragma GCC unroll 8
    for (int b = 0; b < B; ++b) V::Store(sums_ + cb + b * L, s[b]);
    for (int xb = 0; xb < B * L; xb += L) {
#pragma GCC unroll 8
      for (int k = 0; k < K; ++k) {
        V::Transpose(tile_ + static_cast<size_t>(k) * L * kBlockCols + xb, kBlockCols,
                     strip_columns_ + (static_cast<size_t>(cb + xb) * K + k) * L, S);
      }
    }
  }

  void Pass3Strip(int r0) {
    auto no_fill = [](int, int, float*) {};
    float* samples = samples_;
    const int* col_idx = col_idx_;
    int next = 0;
    Chain(strip_columns_, RoundUp(wp_, kChunk), w_, win_row_, no_fill,
          [samples, col_idx, &next](int o, const T* sum, int count) PDQ_ALWAYS_INLINE {
            if (o != col_idx[next]) return;
            const T c = V::Set1(static_cast<float>(count));
            T q[K];
#pragma GCC unroll 8
            for (int k = 0; k < K; ++k) q[k] = V::Div(sum[k], c);
            while (o == col_idx[next]) {
              float* dst = samples + static_cast<size_t>(next) * S;
#pragma GCC unroll 8
              for (int k = 0; k < K; ++k) V::Store(dst + k * L, q[k]);
              ++next;
            }
          });
    for (int jb = 0; jb < kGrid; jb += L) {
#pragma GCC unroll 8
      for (int k = 0; k < K; ++k) {
        V::Transpose(samples_ + static_cast<size_t>(jb) * S + k * L, S,
                     p3_ + static_cast<size_t>(r0 + k * L) * kGrid + jb, kGrid);
      }
    }
  }

  // Pass 4: vertical along the 64 sample columns, dividing only at the 64
  // sample rows.
  void VerticalPass4(float* grid) {
    const int* row_idx = row_idx_;
    const float* p3 = p3_;
    int next = 0;
    RowSweep([p3](int r) { return p3 + static_cast<size_t>(r) * kGrid; }, h_, kGrid, win_col_,
             sums4_,
             [grid, row_idx, &next](int o) -> float* {
               return o == row_idx[next] ? grid + static_cast<size_t>(next) * kGrid : nullptr;
             },
             [grid, row_idx, &next](int o, float* dst) {
               if (dst == nullptr) return;
               ++next;
               while (o == row_idx[next]) {
                 std::memcpy(grid + static_cast<size_t>(next) * kGrid, dst, sizeof(float) * kGrid);
                 ++next;
               }
             });
  }

  // The 1-D box filter of spec §2.3 along x = 0..n-1 of a strip, K vectors
  // (S rows) per step. Columns come transposed (S floats each) from
  // fill(x0, x1, dst), kChunk at a time, into a ring of ring_cols_ columns;
  // emit(o, sum, count) receives each output position's running sums and
  // window count.
  template <class Fill, class Emit>
  void Chain(float* ring, int ring_cols, int n, int window, Fill&& fill, Emit&& emit) {
    const int wp = wp_;
    int filled = 0;              // columns [0, filled) have been fetched
    int ri = 0;                  // next column to add
    int r_slot = 0, l_slot = 0;  // ring slots of the next columns to add and subtract
    // Fetches the chunk holding column ri when it is not there yet.
    auto fetch = [&]() PDQ_ALWAYS_INLINE {
      if (ri < filled) return;
      fill(filled, std::min(filled + kChunk, wp),
           ring + static_cast<size_t>(filled) % ring_cols * S);
      filled += kChunk;
    };
    T sum[K];
#pragma GCC unroll 8
    for (int k = 0; k < K; ++k) sum[k] = V::Zero();
    auto add = [&sum](const float* p) PDQ_ALWAYS_INLINE {
#pragma GCC unroll 8
      for (int k = 0; k < K; ++k) sum[k] = V::Add(sum[k], V::Load(p + k * L));
    };
    auto sub = [&sum](const float* p) PDQ_ALWAYS_INLINE {
#pragma GCC unroll 8
      for (int k = 0; k < K; ++k) sum[k] = V::Sub(sum[k], V::Load(p + k * L));
    };
    auto advance = [ring_cols](int& slot, int steps) PDQ_ALWAYS_INLINE {
      slot += steps;
      if (slot == ring_cols) slot = 0;
    };
    const int half = (window + 2) / 2;
    int oi = 0, count = 0;
    // Phases 1 and 2 (spec §2.3): add only; the window grows.
    for (int i = 0; i < window; ++i) {
      fetch();
      add(ring + static_cast<size_t>(r_slot) * S);
      ++ri;
      advance(r_slot, 1);
      ++count;
      if (i >= half - 1) emit(oi++, sum, count);
    }
    // Phase 3: add the right column, then subtract the left one. Runs in
    // blocks within which no ring slot wraps and no fetch is due, so the
    // inner loop is just the vector work.
    for (int remaining = n - window; remaining > 0;) {
      fetch();
      const int steps = std::min(std::min(remaining, filled - ri),
                                 std::min(ring_cols - r_slot, ring_cols - l_slot));
      const float* rp = ring + static_cast<size_t>(r_slot) * S;
      const float* lp = ring + static_cast<size_t>(l_slot) * S;
      for (int i = 0; i < steps; ++i) {
        add(rp + static_cast<size_t>(i) * S);
        sub(lp + static_cast<size_t>(i) * S);
        emit(oi++, sum, count);
      }
      ri += steps;
      advance(r_slot, steps);
      advance(l_slot, steps);
      remaining -= steps;
    }
    // Phase 4: subtract only; the window shrinks.
    for (int i = 0; i < half - 1; ++i) {
      sub(ring + static_cast<size_t>(l_slot) * S);
      advance(l_slot, 1);
      --count;
      emit(oi++, sum, count);
    }
  }

  // One step of a vertical box over `cols` columns: sums += add_row;
  // sums -= sub_row; dst = sums / count (each only when present).
  template <bool kAdd, bool kSub>
  static void Step(float* sums, const float* add_row, const float* sub_row, float* dst, int cols,
                   int count) {
    if (dst != nullptr) {
      const T c = V::Set1(static_cast<float>(count));
      for (int x = 0; x < cols; x += L) {
        T s = V::Load(sums + x);
        if constexpr (kAdd) s = V::Add(s, V::Load(add_row + x));
        if constexpr (kSub) s = V::Sub(s, V::Load(sub_row + x));
        V::Store(sums + x, s);
        V::Store(dst + x, V::Div(s, c));
      }
    } else {
      for (int x = 0; x < cols; x += L) {
        T s = V::Load(sums + x);
        if constexpr (kAdd) s = V::Add(s, V::Load(add_row + x));
        if constexpr (kSub) s = V::Sub(s, V::Load(sub_row + x));
        V::Store(sums + x, s);
      }
    }
  }

  // The 1-D box filter of spec §2.3 down all `cols` columns of n rows at once;
  // row(r) gives input row r. dest(o) gives where output row o goes (nullptr:
  // not needed); done(o, dst) runs after it is written.
  template <class Row, class Dest, class Done>
  static void RowSweep(Row&& row, int n, int cols, int window, float* sums, Dest&& dest,
                       Done&& done) {
    std::memset(sums, 0, sizeof(float) * cols);
    const int half = (window + 2) / 2;
    int li = 0, ri = 0, oi = 0, count = 0;
    for (int i = 0; i < half - 1; ++i) {
      Step<true, false>(sums, row(ri++), nullptr, nullptr, cols, 0);
      ++count;
    }
    for (int i = 0; i < window - half + 1; ++i) {
      ++count;
      float* dst = dest(oi);
      Step<true, false>(sums, row(ri++), nullptr, dst, cols, count);
      done(oi++, dst);
    }
    for (int i = 0; i < n - window; ++i) {
      float* dst = dest(oi);
      const float* sub_row = row(li++);
      const float* add_row = row(ri++);
      Step<true, true>(sums, add_row, sub_row, dst, cols, count);
      done(oi++, dst);
    }
    for (int i = 0; i < half - 1; ++i) {
      --count;
      float* dst = dest(oi);
      Step<false, true>(sums, nullptr, row(li++), dst, cols, count);
      done(oi++, dst);
    }
  }

  const KernelInput& in_;
  const int w_, h_, wp_, hp_, win_row_, win_col_, ring_rows_, ring_cols_;
  int col_idx_[kGrid + 1];
  int row_idx_[kGrid + 1];
  int produced_ = 0;      // pass-1 rows computed so far
  float* luma_;           // S rows x kChunk columns of luma
  float* columns_;        // ring of transposed columns for Chain
  float* chunk_out_;      // kChunk transposed pass-1 output columns
  float* ring_;           // ring of pass-1 output rows
  float* strip_columns_;  // pass-2 output strip, transposed: input of pass 3
  float* tile_;           // S rows x kBlockCols columns of pass-2 output
  float* sums_;
  float* samples_;
  float* p3_;
  float* sums4_;
};

template <class V>
void BlurDecimate(const KernelInput& in, KernelArena& arena, float* grid) {
  BlurDecimator<V>(in, arena).Run(grid);
}

}  // namespace
}  // namespace tantalio::pdq_internal

#endif  // TANTALIO_FINGERPRINT_PDQ_KERNELS_INL_H_
