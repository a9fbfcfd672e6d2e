// Throughput of ExtractIdentifiers (region "GB") on generated chat-like text:
// short messages of words with, now and then, a phone number (several
// formats), an e-mail address, a URL, an onion host, a WhatsApp invite, a
// wa.me or t.me link, dates, times, prices, serial numbers and a little
// binary noise. All numbers are fictional or libphonenumber example ranges.
//
// A pool of distinct messages (POOL_MB, default 256 MB or SIZE_MB if smaller)
// is generated once, deterministically, then scanned message by message until
// SIZE_MB (default 1024) have been scanned, first on one thread, then on
// THREADS (default: all cores) threads splitting the pool into chunks of about
// 64 KB. Prints MB/s and identifiers found per kind.
//
// usage: whatsapp_identifiers_bench [SIZE_MB] [THREADS] [POOL_MB]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "artifacts/identifiers.h"

namespace {

using tantalio::artifacts::ExtractIdentifiers;
using tantalio::artifacts::IdentifierKind;
using tantalio::artifacts::IdentifierOptions;
using tantalio::artifacts::IdentifierScan;

constexpr const char* kWords[] = {
    "ok",      "see",     "you",     "at",     "the",    "station", "tomorrow", "call",
    "me",      "later",   "did",     "get",    "photo",  "where",   "are",      "we",
    "meeting", "send",    "file",    "please", "thanks", "lol",     "yes",      "no",
    "maybe",   "tonight", "weekend", "car",    "is",     "outside", "running",  "late",
    "new",     "number",  "group",   "link",   "price",  "😂",       "mañana",   "👍"};

std::string Digits(std::mt19937_64& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + rng() % 10));
  return out;
}

// One chat message, 10 to 300 bytes.
std::string Message(std::mt19937_64& rng) {
  std::string text;
  int words = 2 + static_cast<int>(rng() % 25);
  for (int w = 0; w < words; ++w) {
    if (w > 0) text += ' ';
    text += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
  }
  unsigned roll = static_cast<unsigned>(rng() % 1000);
  std::string extra;
  if (roll < 20) {  // 2 %: a phone number, several formats (GB/US/ES example ranges)
    switch (rng() % 5) {
      case 0:
        extra = "07400 " + Digits(rng, 6);
        break;
      case 1:
        extra = "+44 7400 " + Digits(rng, 6);
        break;
      case 2:
        extra = "+1 202-555-01" + Digits(rng, 2);
        break;
      case 3:
        extra = "+34 612 " + Digits(rng, 3) + " " + Digits(rng, 3);
        break;
      default:
        extra = "0044 7400 " + Digits(rng, 3) + " " + Digits(rng, 3);
        break;
    }
  } else if (roll < 30) {
    extra = "user" + Digits(rng, 4) + "@example.com";
  } else if (roll < 50) {
    extra = "https://www.example.org/watch?v=" + Digits(rng, 8) + "&t=" + Digits(rng, 2);
  } else if (roll < 52) {
    std::string onion;
    for (int i = 0; i < 55; ++i) onion.push_back("abcdefghijklmnopqrstuvwxyz234567"[rng() % 32]);
    extra = "http://" + onion + "d.onion/";
  } else if (roll < 55) {
    std::string code;
    for (int i = 0; i < 22; ++i) code.push_back("ABCDEFGHJKLMNabcdefghjkmn0123456789"[rng() % 35]);
    extra = "https://chat.whatsapp.com/" + code;
  } else if (roll < 58) {
    extra = "wa.me/447400" + Digits(rng, 6);
  } else if (roll < 60) {
    extra = "t.me/example_channel_" + Digits(rng, 3);
  } else if (roll < 90) {  // dates and times
    extra = "on " + std::to_string(1 + rng() % 28) + "/" + std::to_string(1 + rng() % 12) +
            "/2024 at " + std::to_string(rng() % 24) + ":" + Digits(rng, 2);
  } else if (roll < 100) {  // serials, order numbers, prices
    extra = rng() % 2 ? "order #" + Digits(rng, 10) : "SN-" + Digits(rng, 16);
  } else if (roll < 105) {
    extra = "price " + std::to_string(rng() % 5000) + "." + Digits(rng, 2) + " EUR";
  } else if (roll < 106) {  // binary noise
    for (int i = 0; i < 64; ++i) extra.push_back(static_cast<char>(rng() & 0xff));
  }
  if (!extra.empty()) {
    text += ' ';
    text += extra;
  }
  return text;
}

struct Counts {
  size_t bytes = 0;
  size_t messages = 0;
  size_t by_kind[7] = {};
  size_t truncated = 0;
};

void ScanRange(const std::vector<std::string>& pool, size_t begin, size_t end, Counts* counts) {
  IdentifierOptions options;
  options.default_region = "GB";
  for (size_t i = begin; i < end; ++i) {
    IdentifierScan scan = ExtractIdentifiers(pool[i], options);
    counts->bytes += pool[i].size();
    ++counts->messages;
    if (scan.truncated) ++counts->truncated;
    for (const auto& id : scan.identifiers) ++counts->by_kind[static_cast<int>(id.kind)];
  }
}

// Scans `target_bytes` by passing over the pool, split among `threads`
// threads in chunks of about 64 KB taken from a shared counter.
Counts Run(const std::vector<std::string>& pool, const std::vector<size_t>& chunk_starts,
           size_t pool_bytes, size_t target_bytes, int threads, double* seconds) {
  size_t passes = std::max<size_t>(1, (target_bytes + pool_bytes - 1) / pool_bytes);
  size_t chunks = chunk_starts.size() - 1;
  std::atomic<size_t> next{0};
  std::vector<Counts> counts(static_cast<size_t>(threads));
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (true) {
        size_t job = next.fetch_add(1);
        if (job >= passes * chunks) break;
        size_t c = job % chunks;
        ScanRange(pool, chunk_starts[c], chunk_starts[c + 1], &counts[static_cast<size_t>(t)]);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Counts total;
  for (const Counts& c : counts) {
    total.bytes += c.bytes;
    total.messages += c.messages;
    total.truncated += c.truncated;
    for (int k = 0; k < 7; ++k) total.by_kind[k] += c.by_kind[k];
  }
  return total;
}

void Print(const char* label, const Counts& c, double seconds) {
  std::printf("%-10s %8.1f MB in %7.2f s: %7.2f MB/s, %zu messages (%.2f us each)\n", label,
              static_cast<double>(c.bytes) / 1e6, seconds,
              static_cast<double>(c.bytes) / 1e6 / seconds, c.messages,
              seconds * 1e6 / static_cast<double>(c.messages));
  std::printf(
      "           found: phone %zu, email %zu, url %zu, onion %zu, invite %zu, wa.me %zu, "
      "t.me %zu; truncated scans %zu\n",
      c.by_kind[0], c.by_kind[1], c.by_kind[2], c.by_kind[3], c.by_kind[4], c.by_kind[5],
      c.by_kind[6], c.truncated);
}

}  // namespace

int main(int argc, char** argv) {
  size_t size_mb = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024;
  int threads =
      argc > 2 ? std::atoi(argv[2]) : static_cast<int>(std::thread::hardware_concurrency());
  size_t pool_mb = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 256;
  if (size_mb == 0) size_mb = 1;
  if (threads < 1) threads = 1;
  pool_mb = std::max<size_t>(1, std::min(pool_mb, size_mb));

  std::mt19937_64 rng(20240601);
  std::vector<std::string> pool;
  std::vector<size_t> chunk_starts{0};
  size_t pool_bytes = 0, chunk_bytes = 0;
  while (pool_bytes < (pool_mb << 20)) {
    pool.push_back(Message(rng));
    pool_bytes += pool.back().size();
    chunk_bytes += pool.back().size();
    if (chunk_bytes >= (64u << 10)) {
      chunk_starts.push_back(pool.size());
      chunk_bytes = 0;
    }
  }
  if (chunk_starts.back() != pool.size()) chunk_starts.push_back(pool.size());
  std::printf("pool: %zu messages, %.1f MB, %zu chunks of ~64 KB; scanning %zu MB, region GB\n",
              pool.size(), static_cast<double>(pool_bytes) / 1e6, chunk_starts.size() - 1, size_mb);

  double s1 = 0;
  Counts c1 = Run(pool, chunk_starts, pool_bytes, size_mb << 20, 1, &s1);
  Print("1 thread", c1, s1);
  if (threads > 1) {
    double sn = 0;
    Counts cn = Run(pool, chunk_starts, pool_bytes, size_mb << 20, threads, &sn);
    char label[32];
    std::snprintf(label, sizeof label, "%d threads", threads);
    Print(label, cn, sn);
    std::printf("scaling: %.2fx\n", s1 / sn);
  }
  return 0;
}
