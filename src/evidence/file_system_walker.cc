#include "evidence/file_system_walker.h"

#include <tsk/libtsk.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace tantalio {
namespace {

// TSK reads the image through these callbacks. TSK_IMG_INFO must come first:
// TSK casts the pointer back and forth (tsk_img_open_external's contract).
struct ImageBridge {
  TSK_IMG_INFO info;
  const RandomAccessSource* source;
};

ssize_t BridgeRead(TSK_IMG_INFO* img, TSK_OFF_T off, char* buf, size_t len) {
  auto* bridge = reinterpret_cast<ImageBridge*>(img);
  if (off < 0) return -1;
  auto n = bridge->source->ReadAt(static_cast<uint64_t>(off),
                                  std::span<uint8_t>(reinterpret_cast<uint8_t*>(buf), len));
  if (!n.ok()) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ);
    tsk_error_set_errstr("%s", n.status().message().c_str());
    return -1;
  }
  return static_cast<ssize_t>(*n);
}

void BridgeClose(TSK_IMG_INFO*) {}  // the bridge is freed by its owner
void BridgeStat(TSK_IMG_INFO*, FILE*) {}

struct BridgeFree {
  void operator()(ImageBridge* b) const { std::free(b); }
};
struct ImgClose {
  void operator()(TSK_IMG_INFO* i) const { tsk_img_close(i); }
};
struct VsClose {
  void operator()(TSK_VS_INFO* v) const { tsk_vs_close(v); }
};
struct FsClose {
  void operator()(TSK_FS_INFO* f) const { tsk_fs_close(f); }
};

std::string TskErrorText() {
  const char* text = tsk_error_get();
  std::string out = text != nullptr ? text : "unknown Sleuth Kit error";
  tsk_error_reset();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string Upper(const char* s) {
  std::string out = s != nullptr ? s : "unknown";
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// BitLocker ("-FVE-FS-" at byte 3) and LUKS ("LUKS\xba\xbe" at 0).
std::string DetectEncryption(const RandomAccessSource& image, uint64_t offset) {
  uint8_t head[16] = {};
  auto n = image.ReadAt(offset, head);
  if (!n.ok() || *n < 11) return "";
  if (std::memcmp(head + 3, "-FVE-FS-", 8) == 0) return "BitLocker";
  if (std::memcmp(head, "LUKS\xba\xbe", 6) == 0) return "LUKS";
  return "";
}

class TskFileReader : public FsEntryReader {
 public:
  TskFileReader(TSK_FS_FILE* file, const TSK_FS_ATTR* stream, uint64_t size)
      : file_(file), stream_(stream), size_(size) {}
  uint64_t Size() const override { return size_; }
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    if (file_ == nullptr || offset >= size_ || out.empty()) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(out.size(), size_ - offset));
    ssize_t n;
    char* buf = reinterpret_cast<char*>(out.data());
    if (stream_ != nullptr) {
      n = tsk_fs_file_read_type(file_, stream_->type, stream_->id, static_cast<TSK_OFF_T>(offset),
                                buf, want, TSK_FS_FILE_READ_FLAG_NONE);
    } else {
      n = tsk_fs_file_read(file_, static_cast<TSK_OFF_T>(offset), buf, want,
                           TSK_FS_FILE_READ_FLAG_NONE);
    }
    if (n < 0)
      return CorruptError("read at offset " + std::to_string(offset) + ": " + TskErrorText());
    return static_cast<size_t>(n);
  }

 private:
  TSK_FS_FILE* file_;
  const TSK_FS_ATTR* stream_;
  uint64_t size_;
};

struct WalkState {
  const FsVisitor* visit;
  std::string prefix;  // "p1/FAT16/" or "FAT16/"
  std::string fs_type;
  bool stopped = false;
};

std::optional<int64_t> Time(time_t t) {
  if (t == 0) return std::nullopt;
  return static_cast<int64_t>(t);
}

bool IsDotEntry(const char* name) {
  return std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0;
}

TSK_WALK_RET_ENUM VisitFile(TSK_FS_FILE* file, const char* parent, void* ptr) {
  auto* state = static_cast<WalkState*>(ptr);
  if (file->name == nullptr || file->name->name == nullptr || IsDotEntry(file->name->name)) {
    return TSK_WALK_CONT;
  }
  const TSK_FS_META* meta = file->meta;
  // Virtual files ($MBR, $FAT1, $OrphanFiles) are TSK's views, not files.
  if (meta != nullptr &&
      (meta->type == TSK_FS_META_TYPE_VIRT || meta->type == TSK_FS_META_TYPE_VIRT_DIR)) {
    return TSK_WALK_CONT;
  }
  const std::string parent_path = parent != nullptr ? parent : "";
  FsEntry entry;
  entry.path = state->prefix + parent_path + file->name->name;
  entry.fs_type = state->fs_type;
  entry.inode = file->name->meta_addr;
  entry.is_directory = file->name->type == TSK_FS_NAME_TYPE_DIR ||
                       (meta != nullptr && meta->type == TSK_FS_META_TYPE_DIR);
  if (parent_path.rfind("$OrphanFiles", 0) == 0) {
    entry.allocation = FsEntry::kOrphan;
  } else if ((file->name->flags & TSK_FS_NAME_FLAG_UNALLOC) != 0) {
    entry.allocation = FsEntry::kDeleted;
  }
  if (meta != nullptr) {
    entry.size = entry.is_directory ? 0 : static_cast<uint64_t>(std::max<TSK_OFF_T>(meta->size, 0));
    entry.mtime = Time(meta->mtime);
    entry.atime = Time(meta->atime);
    entry.ctime = Time(meta->ctime);
    entry.crtime = Time(meta->crtime);
  }
  {
    TskFileReader reader(meta != nullptr && !entry.is_directory ? file : nullptr, nullptr,
                         entry.size);
    if (!(*state->visit)(entry, reader)) {
      state->stopped = true;
      return TSK_WALK_STOP;
    }
  }
  // NTFS alternate data streams: named $DATA attributes, each its own entry.
  if (meta != nullptr && !entry.is_directory && TSK_FS_TYPE_ISNTFS(file->fs_info->ftype)) {
    int count = tsk_fs_file_attr_getsize(file);
    for (int i = 0; i < count; ++i) {
      const TSK_FS_ATTR* attr = tsk_fs_file_attr_get_idx(file, i);
      if (attr == nullptr || attr->type != TSK_FS_ATTR_TYPE_NTFS_DATA || attr->name == nullptr ||
          attr->name[0] == '\0' || std::strcmp(attr->name, "$Data") == 0) {
        continue;
      }
      FsEntry ads = entry;
      ads.stream = attr->name;
      ads.path = entry.path + ":" + ads.stream;
      ads.size = static_cast<uint64_t>(std::max<TSK_OFF_T>(attr->size, 0));
      TskFileReader reader(file, attr, ads.size);
      if (!(*state->visit)(ads, reader)) {
        state->stopped = true;
        return TSK_WALK_STOP;
      }
    }
  }
  return TSK_WALK_CONT;
}

// Walks one opened file system; returns false when the visitor stopped.
bool WalkOne(TSK_FS_INFO* fs, const std::string& volume, const FsVisitor& visit,
             const FsProblemSink& problem) {
  WalkState state;
  state.visit = &visit;
  state.fs_type = Upper(tsk_fs_type_toname(fs->ftype));
  state.prefix = (volume.empty() ? "" : volume + "/") + state.fs_type + "/";
  auto flags = static_cast<TSK_FS_DIR_WALK_FLAG_ENUM>(
      TSK_FS_DIR_WALK_FLAG_RECURSE | TSK_FS_DIR_WALK_FLAG_ALLOC | TSK_FS_DIR_WALK_FLAG_UNALLOC);
  if (tsk_fs_dir_walk(fs, fs->root_inum, flags, VisitFile, &state) != 0 && !state.stopped) {
    FsProblem p;
    p.volume = volume;
    p.status = CorruptError("walk " + state.prefix + ": " + TskErrorText());
    if (problem) problem(p);
  }
  return !state.stopped;
}

void Report(const FsProblemSink& problem, std::string volume, std::string encryption,
            Status status) {
  if (!problem) return;
  FsProblem p;
  p.volume = std::move(volume);
  p.encryption = std::move(encryption);
  p.status = std::move(status);
  problem(p);
}

}  // namespace

Status WalkFileSystems(const RandomAccessSource& image, const FsVisitor& visit,
                       const FsProblemSink& problem) {
  std::unique_ptr<ImageBridge, BridgeFree> bridge(
      static_cast<ImageBridge*>(std::calloc(1, sizeof(ImageBridge))));
  if (!bridge) return ResourceExhaustedError("allocate Sleuth Kit image bridge");
  bridge->source = &image;
  tsk_error_reset();
  std::unique_ptr<TSK_IMG_INFO, ImgClose> img(
      tsk_img_open_external(bridge.get(), static_cast<TSK_OFF_T>(image.Size()), 512, BridgeRead,
                            BridgeClose, BridgeStat));
  if (!img) return InternalError("open image in The Sleuth Kit: " + TskErrorText());
  // Declared after img so that they close first.
  std::unique_ptr<TSK_VS_INFO, VsClose> vs(tsk_vs_open(img.get(), 0, TSK_VS_TYPE_DETECT));
  if (!vs) {
    tsk_error_reset();
    std::string encryption = DetectEncryption(image, 0);
    if (!encryption.empty()) {
      Report(problem, "", encryption,
             UnsupportedError("the image is a " + encryption + " encrypted volume"));
      return Status::Ok();
    }
    std::unique_ptr<TSK_FS_INFO, FsClose> fs(tsk_fs_open_img(img.get(), 0, TSK_FS_TYPE_DETECT));
    if (!fs) {
      return UnsupportedError("no volume system or file system recognised: " + TskErrorText());
    }
    WalkOne(fs.get(), "", visit, problem);
    return Status::Ok();
  }
  int number = 0;
  const uint64_t size = image.Size();
  for (TSK_PNUM_T i = 0; i < vs->part_count; ++i) {
    const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs.get(), i);
    if (part == nullptr || (part->flags & TSK_VS_PART_FLAG_ALLOC) == 0) continue;
    const std::string volume = "p" + std::to_string(++number);
    const uint64_t start = static_cast<uint64_t>(part->start) * vs->block_size;
    const uint64_t length = static_cast<uint64_t>(part->len) * vs->block_size;
    if (start >= size) {
      Report(problem, volume, "",
             CorruptError("partition " + volume + " starts at byte " + std::to_string(start) +
                          ", past the end of the image (" + std::to_string(size) + " bytes)"));
      continue;
    }
    if (start + length > size) {
      Report(problem, volume, "",
             CorruptError("partition " + volume + " ends at byte " +
                          std::to_string(start + length) + ", past the end of the image (" +
                          std::to_string(size) + " bytes); reading what is there"));
    }
    std::string encryption = DetectEncryption(image, start);
    if (!encryption.empty()) {
      Report(problem, volume, encryption,
             UnsupportedError("partition " + volume + " is a " + encryption + " encrypted volume"));
      continue;
    }
    tsk_error_reset();
    std::unique_ptr<TSK_FS_INFO, FsClose> fs(tsk_fs_open_vol(part, TSK_FS_TYPE_DETECT));
    if (!fs) {
      Report(problem, volume, "",
             UnsupportedError("partition " + volume + " (" +
                              std::string(part->desc != nullptr ? part->desc : "") +
                              "): no file system recognised: " + TskErrorText()));
      continue;
    }
    if (!WalkOne(fs.get(), volume, visit, problem)) break;
  }
  return Status::Ok();
}

}  // namespace tantalio
