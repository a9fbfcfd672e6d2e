// Where the time of a vPDQ pass goes: frames decoded against frames hashed,
// and CPU seconds with seeking (the scan's mode) and without (every frame
// decoded in order, as the reference hasher does).
//
//   build/bench/video/video_bench FILE [SECONDS_PER_HASH]
#include <time.h>

#include <cstdio>
#include <cstdlib>

#include "fingerprint/audio_fingerprint.h"
#include "fingerprint/vpdq.h"
#include "media/media_file.h"

namespace {

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

int Run(const char* path, double seconds_per_hash) {
  using namespace tantalio;
  for (const bool seek : {true, false}) {
    auto input = MediaInputFromFile(path);
    if (!input.ok()) return std::fprintf(stderr, "%s\n", input.status().message().c_str()), 1;
    auto file = MediaFile::Open(std::move(input).value(), path);
    if (!file.ok()) return std::fprintf(stderr, "%s\n", file.status().message().c_str()), 1;
    const double duration = (*file)->info().duration_seconds;
    VpdqHashOptions options;
    options.sampling.seconds_per_hash = seconds_per_hash;
    options.sampling.seek = seek;
    PdqHasher hasher;
    const double start = CpuSeconds();
    auto video = HashVideo(**file, options, hasher);
    const double cpu = CpuSeconds() - start;
    if (!video.ok()) return std::fprintf(stderr, "%s\n", video.status().message().c_str()), 1;
    std::printf("%-8s %6.1f s of video: %5lld frames decoded, %4zu kept, %.3f CPU s, %.1fx real time\n",
                seek ? "seek" : "in order", duration, static_cast<long long>(video->frames_decoded),
                video->frames.size(), cpu, duration / cpu);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: video_bench FILE [SECONDS_PER_HASH]\n");
    return 2;
  }
  return Run(argv[1], argc > 2 ? std::atof(argv[2]) : 1.0);
}
