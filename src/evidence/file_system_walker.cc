#include "evidence/file_system_walker.h"

#include <tsk/libtsk.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

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

// BitLocker ("-FVE-FS-" at byte 3), LUKS ("LUKS\xba\xbe" at 0) and FileVault 2
// (an Apple CoreStorage physical volume: format version 1 at byte 8, volume
// header block type 0x10 at 10 and "CS" at 88).
std::string DetectEncryption(const RandomAccessSource& image, uint64_t offset) {
  uint8_t head[96] = {};
  auto n = image.ReadAt(offset, head);
  if (!n.ok() || *n < 11) return "";
  if (std::memcmp(head + 3, "-FVE-FS-", 8) == 0) return "BitLocker";
  if (std::memcmp(head, "LUKS\xba\xbe", 6) == 0) return "LUKS";
  if (*n >= 90 && head[8] == 1 && head[9] == 0 && head[10] == 0x10 && head[11] == 0 &&
      std::memcmp(head + 88, "CS", 2) == 0) {
    return "FileVault";
  }
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

// An image opened in The Sleuth Kit over a byte source. img is declared after bridge so that it
// closes first.
struct TskImage {
  std::unique_ptr<ImageBridge, BridgeFree> bridge;
  std::unique_ptr<TSK_IMG_INFO, ImgClose> img;
};

Status OpenTskImage(const RandomAccessSource& image, TskImage& out) {
  out.bridge.reset(static_cast<ImageBridge*>(std::calloc(1, sizeof(ImageBridge))));
  if (!out.bridge) return ResourceExhaustedError("allocate Sleuth Kit image bridge");
  out.bridge->source = &image;
  tsk_error_reset();
  out.img.reset(tsk_img_open_external(out.bridge.get(), static_cast<TSK_OFF_T>(image.Size()), 512,
                                      BridgeRead, BridgeClose, BridgeStat));
  if (!out.img) return InternalError("open image in The Sleuth Kit: " + TskErrorText());
  return Status::Ok();
}

// What to do with each volume of an image. Every callback returns false to stop.
struct VolumeCallbacks {
  // A file system recognised in `volume` ("p1", or "" without a volume system), whose volume
  // ends at byte `end` of the image (clamped to its size).
  std::function<bool(TSK_FS_INFO* fs, const std::string& volume, uint64_t end)> file_system;
  // No file system recognised in `volume` ("" for the whole image), which covers bytes
  // [start, start + length) of the image (clamped to its size). `why` holds TSK's reason.
  std::function<bool(const std::string& volume, uint64_t start, uint64_t length,
                     const std::string& description, const std::string& why)>
      unrecognised;
  // Space of the volume system outside any partition (clamped to the image); may be empty.
  std::function<bool(uint64_t start, uint64_t length)> unpartitioned;
};

// Opens the volume system of `image` (or the whole image as one volume) and hands each volume to
// `callbacks`. Partitions past the end of the image and encrypted volumes are reported through
// `problem`. Returns an error only when the image cannot be opened at all.
Status ForEachVolume(const RandomAccessSource& image, const VolumeCallbacks& callbacks,
                     const FsProblemSink& problem) {
  TskImage tsk;
  TANTALIO_RETURN_IF_ERROR(OpenTskImage(image, tsk));
  TSK_IMG_INFO* img = tsk.img.get();
  const uint64_t size = image.Size();
  // Declared after tsk so that it closes first.
  std::unique_ptr<TSK_VS_INFO, VsClose> vs(tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT));
  if (!vs) {
    tsk_error_reset();
    std::string encryption = DetectEncryption(image, 0);
    if (!encryption.empty()) {
      Report(problem, "", encryption,
             UnsupportedError("the image is a " + encryption + " encrypted volume"));
      return Status::Ok();
    }
    std::unique_ptr<TSK_FS_INFO, FsClose> fs(tsk_fs_open_img(img, 0, TSK_FS_TYPE_DETECT));
    if (!fs) {
      const std::string why = TskErrorText();
      callbacks.unrecognised("", 0, size, "", why);
      return Status::Ok();
    }
    callbacks.file_system(fs.get(), "", size);
    return Status::Ok();
  }
  int number = 0;
  for (TSK_PNUM_T i = 0; i < vs->part_count; ++i) {
    const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs.get(), i);
    if (part == nullptr) continue;
    const uint64_t start = static_cast<uint64_t>(part->start) * vs->block_size;
    const uint64_t length = static_cast<uint64_t>(part->len) * vs->block_size;
    if ((part->flags & TSK_VS_PART_FLAG_ALLOC) == 0) {
      if ((part->flags & TSK_VS_PART_FLAG_UNALLOC) != 0 && callbacks.unpartitioned &&
          start < size && length > 0 &&
          !callbacks.unpartitioned(start, std::min(length, size - start))) {
        break;
      }
      continue;
    }
    const std::string volume = "p" + std::to_string(++number);
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
      const std::string why = TskErrorText();
      if (!callbacks.unrecognised(volume, start, std::min(length, size - start),
                                  part->desc != nullptr ? part->desc : "", why)) {
        break;
      }
      continue;
    }
    if (!callbacks.file_system(fs.get(), volume, start + std::min(length, size - start))) break;
  }
  return Status::Ok();
}

// Merges the unallocated blocks of one file system into ranges for the visitor.
struct UnallocState {
  const std::function<bool(const UnallocatedRange&)>* visit;
  UnallocatedRange pending;   // the run being extended; length 0 when none
  TSK_DADDR_T next_addr = 0;  // the block that would extend `pending`
  uint64_t block_size = 0;
  uint64_t fs_offset = 0;
  uint64_t end = 0;  // end of the data: the image, and the partition when there is one
  bool stopped = false;

  // Hands `pending` over (clamped to `end`); false when the visitor stopped.
  bool Flush() {
    if (pending.length == 0) return true;
    if (pending.offset < end) {
      UnallocatedRange range = pending;
      range.length = std::min(range.length, end - range.offset);
      if (!(*visit)(range)) stopped = true;
    }
    pending.length = 0;
    return !stopped;
  }
};

TSK_WALK_RET_ENUM VisitUnallocBlock(const TSK_FS_BLOCK* block, void* ptr) {
  auto* state = static_cast<UnallocState*>(ptr);
  if (state->pending.length != 0 && block->addr == state->next_addr) {
    state->pending.length += state->block_size;
  } else {
    if (!state->Flush()) return TSK_WALK_STOP;
    state->pending.offset =
        state->fs_offset + static_cast<uint64_t>(block->addr) * state->block_size;
    state->pending.length = state->block_size;
  }
  state->next_addr = block->addr + 1;
  return TSK_WALK_CONT;
}

// Reports the unallocated blocks of `fs`; false when the visitor stopped.
bool UnallocatedOfFileSystem(TSK_FS_INFO* fs, const std::string& volume, uint64_t end,
                             const std::function<bool(const UnallocatedRange&)>& visit,
                             const FsProblemSink& problem) {
  UnallocState state;
  state.visit = &visit;
  state.pending.volume =
      (volume.empty() ? "" : volume + "/") + Upper(tsk_fs_type_toname(fs->ftype));
  state.block_size = fs->block_size;
  state.fs_offset = static_cast<uint64_t>(fs->offset);
  state.end = end;
  auto flags = static_cast<TSK_FS_BLOCK_WALK_FLAG_ENUM>(TSK_FS_BLOCK_WALK_FLAG_UNALLOC |
                                                        TSK_FS_BLOCK_WALK_FLAG_AONLY);
  tsk_error_reset();
  if (tsk_fs_block_walk(fs, fs->first_block, fs->last_block, flags, VisitUnallocBlock, &state) !=
          0 &&
      !state.stopped) {
    Report(problem, volume, "",
           CorruptError("unallocated blocks of " + state.pending.volume + ": " + TskErrorText()));
  }
  if (state.stopped) return false;
  return state.Flush();
}

}  // namespace

Status WalkFileSystems(const RandomAccessSource& image, const FsVisitor& visit,
                       const FsProblemSink& problem) {
  Status nothing;  // set when neither a volume system nor a file system is recognised
  VolumeCallbacks callbacks;
  callbacks.file_system = [&](TSK_FS_INFO* fs, const std::string& volume, uint64_t) {
    // A partition past the end is reported by ForEachVolume; a file system
    // filling the whole image can only say so by its own size.
    const uint64_t fs_end =
        static_cast<uint64_t>(fs->offset) + static_cast<uint64_t>(fs->block_count) * fs->block_size;
    if (volume.empty() && fs_end > image.Size()) {
      Report(
          problem, "", "",
          CorruptError("the image is truncated: its file system needs " + std::to_string(fs_end) +
                       " bytes, the image has " + std::to_string(image.Size()) +
                       "; files stored past the end cannot be read"));
    }
    return WalkOne(fs, volume, visit, problem);
  };
  callbacks.unrecognised = [&](const std::string& volume, uint64_t, uint64_t,
                               const std::string& description, const std::string& why) {
    if (volume.empty()) {
      nothing = UnsupportedError("no volume system or file system recognised: " + why);
      return false;
    }
    Report(problem, volume, "",
           UnsupportedError("partition " + volume + " (" + description +
                            "): no file system recognised: " + why));
    return true;
  };
  TANTALIO_RETURN_IF_ERROR(ForEachVolume(image, callbacks, problem));
  return nothing;
}

Status ForEachUnallocatedRange(const RandomAccessSource& image,
                               const std::function<bool(const UnallocatedRange&)>& visit,
                               const FsProblemSink& problem) {
  auto whole = [&](std::string volume, uint64_t start, uint64_t length) {
    UnallocatedRange range;
    range.volume = std::move(volume);
    range.offset = start;
    range.length = length;
    return length == 0 || visit(range);
  };
  VolumeCallbacks callbacks;
  callbacks.file_system = [&](TSK_FS_INFO* fs, const std::string& volume, uint64_t end) {
    return UnallocatedOfFileSystem(fs, volume, end, visit, problem);
  };
  callbacks.unrecognised = [&](const std::string& volume, uint64_t start, uint64_t length,
                               const std::string&,
                               const std::string&) { return whole(volume, start, length); };
  callbacks.unpartitioned = [&](uint64_t start, uint64_t length) {
    return whole("unpartitioned", start, length);
  };
  return ForEachVolume(image, callbacks, problem);
}

}  // namespace tantalio
