// MD5, SHA-1 and SHA-256 of one byte stream, computed in a single pass.
//
// Feed the bytes in any chunking with Update(); Finish() returns all three.
// Memory is constant whatever the stream length. One instance per stream;
// not thread-safe.
#ifndef TANTALIO_FINGERPRINT_CRYPTO_DIGEST_H_
#define TANTALIO_FINGERPRINT_CRYPTO_DIGEST_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/status.h"

namespace tantalio {

// The algorithm record stored with every crypto fingerprint.
inline constexpr char kCryptoDigestAlgorithm[] = "md5+sha1+sha256";
inline constexpr int kCryptoDigestVersion = 1;

struct CryptoDigests {
  std::array<uint8_t, 16> md5{};
  std::array<uint8_t, 20> sha1{};
  std::array<uint8_t, 32> sha256{};

  std::string Md5Hex() const;
  std::string Sha1Hex() const;
  std::string Sha256Hex() const;
  bool operator==(const CryptoDigests&) const = default;
};

class CryptoHasher {
 public:
  CryptoHasher();
  ~CryptoHasher();
  CryptoHasher(const CryptoHasher&) = delete;
  CryptoHasher& operator=(const CryptoHasher&) = delete;

  // Adds `bytes` to all three digests.
  void Update(std::span<const uint8_t> bytes);
  // Returns the digests of everything fed so far and resets for a new stream.
  CryptoDigests Finish();
  // Bytes fed since construction or the last Finish().
  uint64_t bytes() const { return bytes_; }

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
  uint64_t bytes_ = 0;
};

// Convenience: digests of a whole in-memory buffer.
CryptoDigests DigestBytes(std::span<const uint8_t> bytes);

}  // namespace tantalio

#endif  // TANTALIO_FINGERPRINT_CRYPTO_DIGEST_H_
