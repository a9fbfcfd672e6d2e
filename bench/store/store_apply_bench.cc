// Store::Apply throughput: how many scanned files per second the SQLite
// backend can take, in batches like a scan writes them.
//   build/bench/store/store_apply_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <cstdio>

#include "base/temp_dir.h"
#include "fingerprint/crypto_digest.h"
#include "store/store.h"

namespace tantalio {
namespace {

void BM_ApplyFiles(benchmark::State& state) {
  // 100,000 files in all, as one phone, in batches of the given size.
  const int batch_files = static_cast<int>(state.range(0));
  const int kBatches = 100000 / batch_files;
  for (auto _ : state) {
    state.PauseTiming();
    TempDir dir;
    auto store = Store::Open(dir.Sub("bench.db"));
    auto c = (*store)->CreateCase(CaseInfo{0, "bench", "", "", ""});
    auto device = (*store)->GetOrCreateDevice(c->id, "d");
    auto scan = (*store)->BeginScan(device->id, "bench");
    std::vector<IngestBatch> batches(kBatches);
    int n = 0;
    for (auto& b : batches) {
      b.device_id = device->id;
      b.scan_id = *scan;
      for (int i = 0; i < batch_files; ++i, ++n) {
        std::string name =
            "d/dir" + std::to_string(n / 1000) + "/file" + std::to_string(n) + ".dat";
        CryptoDigests d = DigestBytes(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
        b.contents.push_back(ContentRecord{d.Sha256Hex(), d.Md5Hex(), d.Sha1Hex(), 4096,
                                           "application/octet-stream", "md5+sha1+sha256", 1});
        FileRecord f;
        f.forensic_path = name;
        f.unit_path = name;
        f.kind = "file";
        f.status = kStatusOk;
        f.size = 4096;
        f.mtime = 1700000000;
        f.sha256 = d.Sha256Hex();
        b.files.push_back(std::move(f));
        b.completed_units.push_back(name);
      }
    }
    state.ResumeTiming();
    for (const auto& b : batches) {
      if (!(*store)->Apply(b).ok()) state.SkipWithError("apply failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * batch_files * kBatches);
}
BENCHMARK(BM_ApplyFiles)
    ->Arg(1000)
    ->Arg(5000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace tantalio

BENCHMARK_MAIN();
