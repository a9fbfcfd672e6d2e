// Hamming range-search benchmark (plain program; figures in docs/benchmarks.md).
//
//   hamming_bench --n 10000000 --data random --images 20 --batch_images 64
//                 --threads 2 --max_distance 31 [--faiss] [--faiss_flat_images 3]
//
// One "image" is 8 query codes (the 8 dihedral orientations of a PDQ hash)
// searched as one batch. The first orientation is a stored code with 0..16
// bits flipped (a true match), the other 7 are random, as for unrelated
// orientations. Prints one line per measurement:
//   engine | build s | memory MB | ms/image | images/s batched | matches | recall
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "index/hamming_index.h"
#include "index/hamming_kernels.h"

#if TANTALIO_HAVE_FAISS
#include <faiss/IndexBinaryFlat.h>
#include <faiss/IndexBinaryHash.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>
using FaissIdx = faiss::IndexBinary::idx_t;
#endif

namespace {

using tantalio::index::HammingAlgorithm;
using tantalio::index::HammingIndex;
using tantalio::index::HammingIndexOptions;
using tantalio::index::RangeSearchResults;
using tantalio::index::SearchOptions;
using tantalio::index::SearchStats;
using Clock = std::chrono::steady_clock;

constexpr size_t kBytes = 32;
constexpr size_t kOrientations = 8;

double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// User + system CPU seconds of the whole process: robust to other load on a
// shared machine, where wall time also counts waiting for a core.
double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double RssMb() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

struct Flags {
  size_t n = 1000000;
  std::string data = "random";
  int images = 20;
  int batch_images = 64;
  int threads = 2;
  int max_distance = 31;
  bool faiss = false;
  int faiss_flat_images = 3;
  bool scalar = true;
  bool mih = true;
  bool flat = true;
  bool auto_index = true;
  std::string snapshot;  // path: also time Save and Load
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--n") {
      f.n = std::stoull(next());
    } else if (a == "--data") {
      f.data = next();
    } else if (a == "--images") {
      f.images = std::stoi(next());
    } else if (a == "--batch_images") {
      f.batch_images = std::stoi(next());
    } else if (a == "--threads") {
      f.threads = std::stoi(next());
    } else if (a == "--max_distance") {
      f.max_distance = std::stoi(next());
    } else if (a == "--faiss") {
      f.faiss = true;
    } else if (a == "--faiss_flat_images") {
      f.faiss_flat_images = std::stoi(next());
    } else if (a == "--no_scalar") {
      f.scalar = false;
    } else if (a == "--no_mih") {
      f.mih = false;
    } else if (a == "--no_flat") {
      f.flat = false;
    } else if (a == "--no_auto") {
      f.auto_index = false;
    } else if (a == "--snapshot") {
      f.snapshot = next();
    } else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      std::exit(2);
    }
  }
  return f;
}

void FlipRandomBits(uint8_t* code, int flips, std::mt19937_64& rng) {
  for (int i = 0; i < flips; ++i) {
    const unsigned bit = static_cast<unsigned>(rng() % (kBytes * 8));
    code[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

// "random": uniform codes. "clustered": families of 1..12 near-duplicates
// (0..40 flips from a root), roots drawn around 256 prototypes with ~30 flips
// (correlated bits), like real PDQ lists.
std::vector<uint8_t> MakeDatabase(size_t n, const std::string& kind, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> db(n * kBytes);
  if (kind == "random") {
    for (size_t i = 0; i < db.size(); i += 8) {
      const uint64_t v = rng();
      std::memcpy(db.data() + i, &v, 8);
    }
    return db;
  }
  std::vector<uint8_t> protos(256 * kBytes);
  for (uint8_t& b : protos) b = static_cast<uint8_t>(rng());
  size_t i = 0;
  while (i < n) {
    uint8_t* root = db.data() + i * kBytes;
    std::memcpy(root, protos.data() + (rng() % 256) * kBytes, kBytes);
    FlipRandomBits(root, 10 + static_cast<int>(rng() % 40), rng);
    const size_t family = std::min<size_t>(1 + rng() % 12, n - i);
    for (size_t k = 1; k < family; ++k) {
      uint8_t* m = db.data() + (i + k) * kBytes;
      std::memcpy(m, root, kBytes);
      FlipRandomBits(m, static_cast<int>(rng() % 41), rng);
    }
    i += family;
  }
  return db;
}

std::vector<uint8_t> MakeImages(const std::vector<uint8_t>& db, size_t images, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const size_t n = db.size() / kBytes;
  std::vector<uint8_t> q(images * kOrientations * kBytes);
  for (uint8_t& b : q) b = static_cast<uint8_t>(rng());
  for (size_t i = 0; i < images; ++i) {
    uint8_t* first = q.data() + i * kOrientations * kBytes;
    std::memcpy(first, db.data() + (rng() % n) * kBytes, kBytes);
    FlipRandomBits(first, static_cast<int>(rng() % 17), rng);
  }
  return q;
}

using MatchSet = std::set<std::pair<size_t, uint64_t>>;  // (query, row)

MatchSet ToSet(const RangeSearchResults& r, size_t query_base) {
  MatchSet s;
  for (size_t q = 0; q < r.num_queries(); ++q) {
    for (const auto& m : r.ForQuery(q)) s.emplace(query_base + q, m.id);
  }
  return s;
}

void PrintRow(const std::string& engine, double build_s, double mem_mb, double ms_per_image,
              double images_per_s, size_t matches, const std::string& extra) {
  std::printf(
      "%-34s | build %8.2f s | mem %8.1f MB | %9.3f ms/image | %9.1f images/s | %6zu matches | "
      "%s\n",
      engine.c_str(), build_s, mem_mb, ms_per_image, images_per_s, matches, extra.c_str());
  std::fflush(stdout);
}

// Plain scalar loop (hardware POPCNT, one thread): the baseline.
[[gnu::target("popcnt")]] size_t ScalarImage(const std::vector<uint64_t>& db, size_t n,
                                             const uint64_t* q, int r, MatchSet* out,
                                             size_t query_base) {
  size_t found = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t* c = db.data() + i * 4;
    for (size_t k = 0; k < kOrientations; ++k) {
      const uint64_t* qk = q + k * 4;
      const int d = __builtin_popcountll(c[0] ^ qk[0]) + __builtin_popcountll(c[1] ^ qk[1]) +
                    __builtin_popcountll(c[2] ^ qk[2]) + __builtin_popcountll(c[3] ^ qk[3]);
      if (d <= r) {
        ++found;
        if (out != nullptr) out->emplace(query_base + static_cast<size_t>(k), i);
      }
    }
  }
  return found;
}

struct EngineRun {
  MatchSet latency_matches;
};

// Runs the latency (one image per call) and batched phases on a tantalio index.
MatchSet RunTantalio(const std::string& name, HammingIndex& index, double build_s, double mem_mb,
                     const std::vector<uint8_t>& images, const Flags& f) {
  SearchOptions options;
  options.num_threads = f.threads;
  MatchSet found;
  SearchStats stats;
  SearchStats total;
  const size_t per_image = kOrientations * kBytes;
  const double cpu0 = CpuSeconds();
  auto t0 = Clock::now();
  for (int i = 0; i < f.images; ++i) {
    auto r = index.Search(std::span(images).subspan(i * per_image, per_image), f.max_distance,
                          options, &stats);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      std::exit(1);
    }
    total.probes += stats.probes;
    total.candidates += stats.candidates;
    total.used_mih = stats.used_mih;
    auto s = ToSet(*r, static_cast<size_t>(i) * kOrientations);
    found.insert(s.begin(), s.end());
  }
  const double ms_per_image = Seconds(t0) * 1000.0 / f.images;
  const double cpu_ms_per_image = (CpuSeconds() - cpu0) * 1000.0 / f.images;
  t0 = Clock::now();
  const size_t batch = static_cast<size_t>(f.batch_images);
  auto rb = index.Search(std::span(images).subspan(0, batch * per_image), f.max_distance, options,
                         &stats);
  const double batched = static_cast<double>(batch) / Seconds(t0);
  char extra[256];
  std::snprintf(extra, sizeof(extra),
                "%s; cpu %.3f ms/image; probes/query %.0f, candidates/query %.0f",
                total.used_mih ? "mih" : "flat scan", cpu_ms_per_image,
                static_cast<double>(total.probes) / (f.images * kOrientations),
                static_cast<double>(total.candidates) / (f.images * kOrientations));
  PrintRow(name, build_s, mem_mb, ms_per_image, batched, found.size(), extra);
  return found;
}

std::string Recall(const MatchSet& got, const MatchSet& exact) {
  size_t hit = 0;
  for (const auto& m : exact) hit += got.count(m);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "recall %zu/%zu%s", hit, exact.size(),
                got.size() > hit ? " (+extra!)" : "");
  return buf;
}

}  // namespace

// Saves `index` to `path` and loads it back, printing both times. False if the
// save failed.
bool TimeSnapshot(const tantalio::index::HammingIndex& index, const std::string& path,
                  const char* label) {
  auto t0 = Clock::now();
  if (!index.Save(path).ok()) return false;
  const double save = Seconds(t0);
  t0 = Clock::now();
  auto loaded = tantalio::index::LoadHammingIndex(path);
  const double load = Seconds(t0);
  std::printf("# %s snapshot: save %.2f s, load (mmap + checksums) %.2f s, %s\n", label, save, load,
              loaded.ok() ? "ok" : loaded.status().ToString().c_str());
  return true;
}

#if TANTALIO_HAVE_FAISS
// Searches `count` images one at a time (8 orientation codes each) and
// gathers (query, id) pairs. FAISS's radius is strict (d < radius), so an
// inclusive max_distance r is passed as r + 1.
template <typename FaissIndex>
MatchSet FaissSearchImages(FaissIndex& index, const std::vector<uint8_t>& images, int count,
                           int max_distance) {
  const FaissIdx per_image = kOrientations;
  MatchSet found;
  for (int i = 0; i < count; ++i) {
    faiss::RangeSearchResult res(per_image);
    index.range_search(per_image, images.data() + i * per_image * kBytes, max_distance + 1, &res);
    for (FaissIdx q = 0; q < per_image; ++q) {
      for (size_t j = res.lims[q]; j < res.lims[q + 1]; ++j) {
        found.emplace(static_cast<size_t>(i * per_image + q), static_cast<uint64_t>(res.labels[j]));
      }
    }
  }
  return found;
}
#endif

int main(int argc, char** argv) {
  Flags f = ParseFlags(argc, argv);
  f.faiss_flat_images = std::max(1, std::min(f.faiss_flat_images, f.images));
  std::printf(
      "# n=%zu data=%s max_distance=%d threads=%d images=%d batch_images=%d kernel=%s\n", f.n,
      f.data.c_str(), f.max_distance, f.threads, f.images, f.batch_images,
      std::string(tantalio::index::HammingKernelName(tantalio::index::ActiveHammingKernel()))
          .c_str());
  auto t0 = Clock::now();
  const std::vector<uint8_t> db = MakeDatabase(f.n, f.data, 42);
  const size_t images_needed = static_cast<size_t>(std::max(f.images, f.batch_images));
  const std::vector<uint8_t> images = MakeImages(db, images_needed, 43);
  std::vector<uint64_t> ids(f.n);
  for (size_t i = 0; i < f.n; ++i) ids[i] = i;
  std::printf("# generated in %.1f s, rss %.0f MB\n", Seconds(t0), RssMb());

  MatchSet exact;
  if (f.flat) {
    HammingIndexOptions options;
    options.algorithm = HammingAlgorithm::kFlat;
    options.num_threads = f.threads;
    auto index = tantalio::index::NewHammingIndex(options).value();
    t0 = Clock::now();
    if (!index->Add(db, ids).ok()) return 1;
    const double build = Seconds(t0);
    exact =
        RunTantalio("tantalio flat", *index, build, index->MemoryBytes() / 1048576.0, images, f);
    if (!f.snapshot.empty() && !TimeSnapshot(*index, f.snapshot, "flat")) return 1;
  }
  if (f.mih) {
    for (HammingAlgorithm algorithm : {HammingAlgorithm::kMih, HammingAlgorithm::kAuto}) {
      if (algorithm == HammingAlgorithm::kAuto && !f.auto_index) continue;
      HammingIndexOptions options;
      options.algorithm = algorithm;
      options.num_threads = f.threads;
      auto index = tantalio::index::NewHammingIndex(options).value();
      t0 = Clock::now();
      if (!index->Add(db, ids).ok()) return 1;
      const double build = Seconds(t0);
      const std::string name =
          std::string("tantalio ") + std::string(tantalio::index::HammingAlgorithmName(algorithm));
      MatchSet got = RunTantalio(name, *index, build, index->MemoryBytes() / 1048576.0, images, f);
      if (f.flat && got != exact) {
        std::printf("# MISMATCH: %s differs from flat (%s)\n", name.c_str(),
                    Recall(got, exact).c_str());
      }
      if (!f.snapshot.empty() && algorithm == HammingAlgorithm::kMih &&
          !TimeSnapshot(*index, f.snapshot, "mih")) {
        return 1;
      }
    }
  }
  if (f.scalar) {
    std::vector<uint64_t> words(f.n * 4);
    std::memcpy(words.data(), db.data(), db.size());
    std::vector<uint64_t> qwords(images.size() / 8);
    std::memcpy(qwords.data(), images.data(), images.size());
    const int scalar_images = std::max(1, std::min(f.images, 5));
    MatchSet found;
    t0 = Clock::now();
    for (int i = 0; i < scalar_images; ++i) {
      ScalarImage(words, f.n, qwords.data() + i * kOrientations * 4, f.max_distance, &found,
                  static_cast<size_t>(i) * kOrientations);
    }
    const double ms = Seconds(t0) * 1000.0 / scalar_images;
    PrintRow("plain scalar loop (1 thread)", 0, db.size() / 1048576.0, ms, 1000.0 / ms,
             found.size(), std::to_string(scalar_images) + " images");
  }
#if TANTALIO_HAVE_FAISS
  if (f.faiss) {
    omp_set_num_threads(f.threads);
    const FaissIdx per_image = kOrientations;
    {
      const double rss0 = RssMb();
      faiss::IndexBinaryFlat flat(kBytes * 8);
      t0 = Clock::now();
      flat.add(static_cast<FaissIdx>(f.n), db.data());
      const double build = Seconds(t0);
      const double mem = RssMb() - rss0;
      t0 = Clock::now();
      MatchSet found = FaissSearchImages(flat, images, f.faiss_flat_images, f.max_distance);
      const double ms = Seconds(t0) * 1000.0 / f.faiss_flat_images;
      MatchSet exact_part;
      for (const auto& m : exact) {
        if (m.first < static_cast<size_t>(f.faiss_flat_images * per_image)) exact_part.insert(m);
      }
      PrintRow("faiss IndexBinaryFlat (Debian)", build, mem, ms, 1000.0 / ms, found.size(),
               Recall(found, exact_part) + ", " + std::to_string(f.faiss_flat_images) +
                   " images, batched = 1/latency");
    }
    {
      const double rss0 = RssMb();
      faiss::IndexBinaryMultiHash mh(kBytes * 8, 16, 16);
      mh.nflip = 1;
      t0 = Clock::now();
      mh.add(static_cast<FaissIdx>(f.n), db.data());
      const double build = Seconds(t0);
      const double mem = RssMb() - rss0;
      t0 = Clock::now();
      MatchSet found = FaissSearchImages(mh, images, f.images, f.max_distance);
      const double ms = Seconds(t0) * 1000.0 / f.images;
      t0 = Clock::now();
      {
        faiss::RangeSearchResult res(per_image * f.batch_images);
        mh.range_search(per_image * f.batch_images, images.data(), f.max_distance + 1, &res);
      }
      const double batched = f.batch_images / Seconds(t0);
      PrintRow("faiss MultiHash 16x16 nflip1 (Debian)", build, mem, ms, batched, found.size(),
               Recall(found, exact));
    }
  }
#else
  if (f.faiss) std::printf("# built without FAISS: baselines skipped\n");
#endif
  return 0;
}
