#include "fingerprint/crypto_digest.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "base/temp_dir.h"

namespace tantalio {
namespace {

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Runs a shell command and returns its first word of output.
std::string FirstWord(const std::string& command) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  char buf[256] = {};
  std::string out = std::fgets(buf, sizeof buf, pipe) != nullptr ? buf : "";
  ::pclose(pipe);
  return out.substr(0, out.find_first_of(" \n"));
}

TEST(CryptoDigestTest, KnownVectors) {
  CryptoDigests empty = DigestBytes({});
  EXPECT_EQ(empty.Md5Hex(), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(empty.Sha1Hex(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(empty.Sha256Hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CryptoDigests abc = DigestBytes(AsBytes("abc"));
  EXPECT_EQ(abc.Md5Hex(), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(abc.Sha1Hex(), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(abc.Sha256Hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoDigestTest, ChunkingDoesNotMatter) {
  std::string data(100000, '\0');
  std::mt19937 rng(7);
  for (char& c : data) c = static_cast<char>(rng());
  CryptoDigests whole = DigestBytes(AsBytes(data));
  CryptoHasher hasher;
  for (size_t i = 0; i < data.size();) {
    size_t n = std::min<size_t>(1 + rng() % 5000, data.size() - i);
    hasher.Update(AsBytes(std::string_view{data}.substr(i, n)));
    i += n;
  }
  EXPECT_EQ(hasher.bytes(), data.size());
  EXPECT_EQ(hasher.Finish(), whole);
  // Finish() resets for the next stream.
  EXPECT_EQ(hasher.Finish(), DigestBytes({}));
}

TEST(CryptoDigestTest, AgreesWithCoreutilsOnBoundarySizes) {
  TempDir dir;
  std::mt19937 rng(11);
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{10'000'000}}) {
    std::string data(size, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    std::string path = dir.Write("f" + std::to_string(size), data);
    CryptoDigests d = DigestBytes(AsBytes(data));
    EXPECT_EQ(d.Md5Hex(), FirstWord("md5sum '" + path + "'")) << size;
    EXPECT_EQ(d.Sha1Hex(), FirstWord("sha1sum '" + path + "'")) << size;
    EXPECT_EQ(d.Sha256Hex(), FirstWord("sha256sum '" + path + "'")) << size;
    std::string openssl = FirstWord("openssl dgst -sha256 -r '" + path + "'");
    EXPECT_EQ(d.Sha256Hex(), openssl) << size;
  }
}

}  // namespace
}  // namespace tantalio
