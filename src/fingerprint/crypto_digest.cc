#include "fingerprint/crypto_digest.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "base/hex.h"

namespace tantalio {
namespace {

struct EvpCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpCtx = std::unique_ptr<EVP_MD_CTX, EvpCtxDeleter>;

// OpenSSL only fails here on allocation failure or a broken provider; there is
// no way to continue producing trustworthy digests, so stop loudly.
void CheckEvp(int rc, const char* what) {
  if (rc != 1) {
    std::fprintf(stderr, "fatal: OpenSSL %s failed\n", what);
    std::abort();
  }
}

// Fetched once: with OpenSSL 3 an EVP_md5()-style init looks the
// implementation up under a lock on every call, a real cost at 100,000 small
// files. The fetched methods live as long as the process.
struct Methods {
  EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
};

const Methods& Fetched() {
  static const Methods methods = [] {
    Methods m;
    if (m.md5 == nullptr || m.sha1 == nullptr || m.sha256 == nullptr) CheckEvp(0, "EVP_MD_fetch");
    return m;
  }();
  return methods;
}

EvpCtx NewContext(const EVP_MD* md) {
  EvpCtx ctx(EVP_MD_CTX_new());
  if (!ctx) CheckEvp(0, "EVP_MD_CTX_new");
  CheckEvp(EVP_DigestInit_ex2(ctx.get(), md, nullptr), "EVP_DigestInit_ex2");
  return ctx;
}

template <size_t N>
void FinishInto(EVP_MD_CTX* ctx, const EVP_MD* md, std::array<uint8_t, N>& out) {
  unsigned int len = 0;
  CheckEvp(EVP_DigestFinal_ex(ctx, out.data(), &len), "EVP_DigestFinal_ex");
  if (len != N) CheckEvp(0, "digest length");
  CheckEvp(EVP_DigestInit_ex2(ctx, md, nullptr), "EVP_DigestInit_ex2");
}

}  // namespace

struct CryptoHasher::Contexts {
  EvpCtx md5 = NewContext(Fetched().md5);
  EvpCtx sha1 = NewContext(Fetched().sha1);
  EvpCtx sha256 = NewContext(Fetched().sha256);
};

std::string CryptoDigests::Md5Hex() const { return ToHex(md5); }
std::string CryptoDigests::Sha1Hex() const { return ToHex(sha1); }
std::string CryptoDigests::Sha256Hex() const { return ToHex(sha256); }

CryptoHasher::CryptoHasher() : contexts_(std::make_unique<Contexts>()) {}
CryptoHasher::~CryptoHasher() = default;

void CryptoHasher::Update(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  CheckEvp(EVP_DigestUpdate(contexts_->md5.get(), bytes.data(), bytes.size()), "MD5 update");
  CheckEvp(EVP_DigestUpdate(contexts_->sha1.get(), bytes.data(), bytes.size()), "SHA-1 update");
  CheckEvp(EVP_DigestUpdate(contexts_->sha256.get(), bytes.data(), bytes.size()), "SHA-256 update");
  bytes_ += bytes.size();
}

CryptoDigests CryptoHasher::Finish() {
  CryptoDigests out;
  FinishInto(contexts_->md5.get(), Fetched().md5, out.md5);
  FinishInto(contexts_->sha1.get(), Fetched().sha1, out.sha1);
  FinishInto(contexts_->sha256.get(), Fetched().sha256, out.sha256);
  bytes_ = 0;
  return out;
}

CryptoDigests DigestBytes(std::span<const uint8_t> bytes) {
  CryptoHasher hasher;
  hasher.Update(bytes);
  return hasher.Finish();
}

}  // namespace tantalio
