// The demo's hash sets (internal to src/demo): a VICS 2.0 reference set of
// "known" originals and a hashdeep known-good set, written the way another
// agency or NIST would send them, so the demo exercises the real importers.
#ifndef TANTALIO_DEMO_DEMO_HASH_SETS_H_
#define TANTALIO_DEMO_DEMO_HASH_SETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace tantalio::demo {

struct KnownOriginal {
  std::vector<uint8_t> bytes;  // the encoded image as the reference holds it
  int64_t media_id = 0;
  int category = 1;
  std::string series;
  bool with_digests = true;  // false: the set carries only its PDQ hash
};

// Writes a VICS 2.0 hash set with MD5/SHA-1/SHA-256 (unless not wanted) and
// the PDQ hash (of the decoded pixels) of each original.
Status WriteReferenceSet(const std::string& path, const std::vector<KnownOriginal>& originals);

struct KnownGoodFile {
  std::string name;
  std::vector<uint8_t> bytes;
};
// Writes a hashdeep 1.0 file listing the files.
Status WriteKnownGoodSet(const std::string& path, const std::vector<KnownGoodFile>& files);

}  // namespace tantalio::demo

#endif  // TANTALIO_DEMO_DEMO_HASH_SETS_H_
