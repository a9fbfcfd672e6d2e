#include "evidence/file_type.h"

#include <cstring>

namespace tantalio {
namespace {

using namespace std::string_view_literals;

using F = TypeFamily;

bool StartsWith(std::span<const uint8_t> head, size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() &&
         std::memcmp(head.data() + offset, magic.data(), magic.size()) == 0;
}

constexpr FileType kUnknown{"application/octet-stream", F::kUnknown, ""};

// ISO base media (MP4/MOV/HEIC/AVIF/3GP): the brand in the ftyp box decides.
FileType SniffFtyp(std::span<const uint8_t> head) {
  auto brand = [&](std::string_view b) { return StartsWith(head, 8, b); };
  if (brand("heic") || brand("heix") || brand("hevc") || brand("heim") || brand("heis") ||
      brand("mif1") || brand("msf1")) {
    return {"image/heic", F::kImage, "heic heif hif"};
  }
  if (brand("avif") || brand("avis")) return {"image/avif", F::kImage, "avif"};
  if (brand("qt  ")) return {"video/quicktime", F::kVideo, "mov qt"};
  if (brand("3gp") || brand("3g2")) return {"video/3gpp", F::kVideo, "3gp 3g2 3gpp"};
  if (brand("M4A ") || brand("M4B ")) return {"audio/mp4", F::kAudio, "m4a m4b mp4"};
  return {"video/mp4", F::kVideo, "mp4 m4v mov 3gp"};
}

bool LooksLikeText(std::span<const uint8_t> head) {
  if (head.empty()) return false;
  for (uint8_t b : head) {
    if (b == 0) return false;
    if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f') return false;
  }
  return true;
}

bool LooksLikeTar(std::span<const uint8_t> head) { return StartsWith(head, 257, "ustar"sv); }

bool LooksLikeMp3Frame(std::span<const uint8_t> head) {
  return head.size() >= 2 && head[0] == 0xff && (head[1] & 0xe6) == 0xe2;
}

}  // namespace

FileType SniffType(std::span<const uint8_t> head) {
  auto at0 = [&](std::string_view magic) { return StartsWith(head, 0, magic); };
  // Images.
  if (at0("\xff\xd8\xff"sv)) return {"image/jpeg", F::kImage, "jpg jpeg jpe jfif"};
  if (at0("\x89PNG\r\n\x1a\n"sv)) return {"image/png", F::kImage, "png"};
  if (at0("GIF87a"sv) || at0("GIF89a"sv)) return {"image/gif", F::kImage, "gif"};
  if (at0("RIFF"sv) && StartsWith(head, 8, "WEBP"sv)) return {"image/webp", F::kImage, "webp"};
  if (at0("BM"sv) && head.size() >= 14 && head[6] == 0 && head[7] == 0 && head[8] == 0 &&
      head[9] == 0) {
    return {"image/bmp", F::kImage, "bmp dib"};
  }
  if (at0("II*\0"sv) || at0("MM\0*"sv)) {
    return {"image/tiff", F::kImage, "tif tiff dng nef cr2 arw orf rw2 pef srw"};
  }
  if (StartsWith(head, 4, "ftyp"sv)) return SniffFtyp(head);
  // Video and audio.
  if (at0("\x1a\x45\xdf\xa3"sv)) {
    for (size_t i = 0; i + 4 <= head.size() && i < 64; ++i) {
      if (std::memcmp(head.data() + i, "webm", 4) == 0) return {"video/webm", F::kVideo, "webm"};
    }
    return {"video/x-matroska", F::kVideo, "mkv mka mk3d webm"};
  }
  if (at0("RIFF"sv) && StartsWith(head, 8, "AVI "sv)) return {"video/x-msvideo", F::kVideo, "avi"};
  if (at0("RIFF"sv) && StartsWith(head, 8, "WAVE"sv)) return {"audio/wav", F::kAudio, "wav"};
  if (at0("FLV\x01"sv)) return {"video/x-flv", F::kVideo, "flv"};
  if (at0("\x30\x26\xb2\x75\x8e\x66\xcf\x11"sv)) {
    return {"video/x-ms-asf", F::kVideo, "wmv wma asf"};
  }
  if (head.size() >= 189 && head[0] == 0x47 && head[188] == 0x47) {
    return {"video/mp2t", F::kVideo, "ts mts m2ts"};
  }
  if (at0("\x00\x00\x01\xba"sv)) return {"video/mpeg", F::kVideo, "mpg mpeg vob"};
  if (at0("OggS"sv)) return {"audio/ogg", F::kAudio, "ogg oga opus ogv"};
  if (at0("fLaC"sv)) return {"audio/flac", F::kAudio, "flac"};
  if (at0("#!AMR"sv)) return {"audio/amr", F::kAudio, "amr"};
  if (at0("ID3"sv) || LooksLikeMp3Frame(head)) return {"audio/mpeg", F::kAudio, "mp3"};
  // Archives and compressed streams.
  if (at0("PK\x03\x04"sv) || at0("PK\x05\x06"sv) || at0("PK\x07\x08"sv)) {
    return {"application/zip", F::kArchive,
            "zip jar apk docx xlsx pptx odt ods odp epub ipa kmz cbz"};
  }
  if (at0("7z\xbc\xaf\x27\x1c"sv)) return {"application/x-7z-compressed", F::kArchive, "7z"};
  if (at0("Rar!\x1a\x07"sv)) return {"application/vnd.rar", F::kArchive, "rar"};
  if (at0("\x1f\x8b"sv)) return {"application/gzip", F::kArchive, "gz tgz"};
  if (at0("BZh"sv)) return {"application/x-bzip2", F::kArchive, "bz2 tbz tbz2"};
  if (at0("\xfd\x37\x7a\x58\x5a\x00"sv)) return {"application/x-xz", F::kArchive, "xz txz"};
  if (at0("\x28\xb5\x2f\xfd"sv)) return {"application/zstd", F::kArchive, "zst tzst"};
  if (LooksLikeTar(head)) return {"application/x-tar", F::kArchive, "tar"};
  // Databases and disk images.
  if (at0("SQLite format 3\0"sv))
    return {"application/vnd.sqlite3", F::kDatabase, "db sqlite sqlite3 db3"};
  if (at0("EVF\x09\x0d\x0a\xff\x00"sv)) return {"application/x-ewf", F::kDiskImage, "e01 ex01 s01"};
  // Documents.
  if (at0("%PDF-"sv)) return {"application/pdf", F::kDocument, "pdf"};
  if (at0("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"sv)) {
    return {"application/x-ole-storage", F::kDocument, "doc xls ppt msg"};
  }
  if (at0("{\\rtf"sv)) return {"application/rtf", F::kDocument, "rtf"};
  // Executables.
  if (at0("\x7f"
          "ELF"sv))
    return {"application/x-executable", F::kExecutable, "so bin elf o"};
  if (at0("MZ"sv)) return {"application/x-dosexec", F::kExecutable, "exe dll sys scr com"};
  // Text last: it is the weakest signal.
  if (LooksLikeText(head.first(std::min<size_t>(head.size(), 1024)))) {
    std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    size_t start = text.find_first_not_of(" \t\r\n");
    std::string_view lead = start == std::string_view::npos ? "" : text.substr(start, 15);
    if (lead.starts_with("<!DOCTYPE html") || lead.starts_with("<!doctype html") ||
        lead.starts_with("<html")) {
      return {"text/html", F::kText, "html htm xhtml"};
    }
    if (lead.starts_with("<?xml")) return {"application/xml", F::kText, "xml svg plist kml gpx"};
    if (lead.starts_with("{") || lead.starts_with("[")) {
      return {"application/json", F::kText, "json txt log"};
    }
    return {"text/plain", F::kText,
            "txt text log csv md ini cfg conf json xml html htm vcf eml nfo srt sh py c h js"};
  }
  return kUnknown;
}

bool ExtensionMismatch(const FileType& type, std::string_view lower_extension) {
  if (type.family == TypeFamily::kUnknown || lower_extension.empty()) return false;
  if (type.mime == "application/x-ewf") {  // segments E01, E02, ..., EAA, ..., Ex01, S01, ...
    const char first = lower_extension[0];
    const size_t n = lower_extension.size();
    if ((first == 'e' || first == 's') && (n == 3 || (n == 4 && lower_extension[1] == 'x'))) {
      return false;
    }
  }
  std::string_view list = type.extensions;
  while (!list.empty()) {
    size_t space = list.find(' ');
    std::string_view ext = list.substr(0, space);
    if (ext == lower_extension) return false;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return true;
}

bool IsArchive(const FileType& type) { return type.family == TypeFamily::kArchive; }

}  // namespace tantalio
