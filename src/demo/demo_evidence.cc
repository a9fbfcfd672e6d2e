#include "demo/demo_evidence.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "demo/demo_disk_image.h"
#include "demo/demo_hash_sets.h"
#include "demo/demo_media.h"
#include "demo/demo_whatsapp.h"
#include "media/synthetic_image.h"

namespace tantalio {
namespace {

namespace fs = std::filesystem;

struct ArchiveWriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};

Status WriteFile(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return IoError("create directory " + path.parent_path().string() + ": " + ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return IoError("write " + path.string());
  return Status::Ok();
}

std::vector<uint8_t> Text(std::string_view text) { return {text.begin(), text.end()}; }

// A one-page PDF with a line of text: a benign "document".
std::vector<uint8_t> MinimalPdf(const std::string& line) {
  std::string stream = "BT /F1 14 Tf 72 720 Td (" + line + ") Tj ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R") +
          " /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return Text(pdf);
}

struct Camera {
  const char* make;
  const char* model;
  const char* serial;
};
constexpr Camera kPhoneCamera{"Demophone", "DP-7", "DP7-0042-1173"};
constexpr Camera kPocketCamera{"Pixelcraft", "PC-200", "PC200-88412"};

Result<std::vector<uint8_t>> Photo(uint64_t seed, const Camera& camera, int index, bool gps) {
  RgbImage image = GeneratePattern(480 + static_cast<int>(seed % 5) * 32, 360, seed);
  TANTALIO_ASSIGN_OR_RETURN(auto jpeg, EncodeJpeg(image, 80));
  SyntheticExif exif;
  exif.make = camera.make;
  exif.model = camera.model;
  exif.body_serial = camera.serial;
  char when[32];
  std::snprintf(when, sizeof when, "2017:03:%02d %02d:%02d:00", 1 + index % 28, 9 + index % 10,
                index * 7 % 60);
  exif.datetime_original = when;
  exif.offset_time_original = "+01:00";
  if (gps) {
    exif.gps_latitude = 40.4168 + 0.01 * (index % 7);
    exif.gps_longitude = -3.7038 - 0.01 * (index % 5);
    exif.gps_altitude = 650 + index;
  }
  return WithExif(jpeg, exif);
}

}  // namespace

Result<std::vector<uint8_t>> WriteArchive(DemoArchiveFormat format,
                                          const std::vector<ArchiveMember>& members) {
  std::unique_ptr<archive, ArchiveWriteDeleter> a(archive_write_new());
  switch (format) {
    case DemoArchiveFormat::kZip:
      archive_write_set_format_zip(a.get());
      break;
    case DemoArchiveFormat::k7z:
      archive_write_set_format_7zip(a.get());
      break;
    default:
      archive_write_set_format_pax_restricted(a.get());
      break;
  }
  switch (format) {
    case DemoArchiveFormat::kTarGz:
      archive_write_add_filter_gzip(a.get());
      break;
    case DemoArchiveFormat::kTarBz2:
      archive_write_add_filter_bzip2(a.get());
      break;
    case DemoArchiveFormat::kTarXz:
      archive_write_add_filter_xz(a.get());
      break;
    case DemoArchiveFormat::kTarZstd:
      archive_write_add_filter_zstd(a.get());
      break;
    default:
      break;
  }
  bool any_encrypted = false;
  for (const auto& m : members) any_encrypted |= m.encrypt;
  if (any_encrypted) {
    if (archive_write_set_options(a.get(), "zip:encryption=zipcrypt") != ARCHIVE_OK ||
        archive_write_set_passphrase(a.get(), "demo") != ARCHIVE_OK) {
      return UnsupportedError(std::string("write encrypted zip: ") + archive_error_string(a.get()));
    }
  }
  // Generous: members are small; libarchive needs the buffer up front.
  size_t capacity = 1 << 20;
  for (const auto& m : members) capacity += m.bytes.size() + m.name.size() + 1024;
  std::vector<uint8_t> buffer(capacity);
  size_t used = 0;
  archive_write_set_bytes_in_last_block(a.get(), 1);
  if (archive_write_open_memory(a.get(), buffer.data(), buffer.size(), &used) != ARCHIVE_OK) {
    return InternalError(std::string("open archive writer: ") + archive_error_string(a.get()));
  }
  for (const auto& m : members) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                   archive_entry_free);
    archive_entry_set_pathname(entry.get(), m.name.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(m.bytes.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), 1489312800, 0);  // 2017-03-12
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), m.bytes.data(), m.bytes.size()) < 0) {
      return InternalError("write archive member " + m.name + ": " + archive_error_string(a.get()));
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return InternalError(std::string("close archive: ") + archive_error_string(a.get()));
  }
  buffer.resize(used);
  return buffer;
}

namespace {

// The image turned a quarter clockwise, or mirrored left to right.
RgbImage RotateQuarter(const RgbImage& in) {
  RgbImage out{in.height, in.width, std::vector<uint8_t>(in.pixels.size())};
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      const size_t from = (static_cast<size_t>(y) * in.width + x) * 3;
      const size_t to = (static_cast<size_t>(x) * out.width + (out.width - 1 - y)) * 3;
      std::copy_n(in.pixels.begin() + static_cast<ptrdiff_t>(from), 3,
                  out.pixels.begin() + static_cast<ptrdiff_t>(to));
    }
  }
  return out;
}

RgbImage Mirror(const RgbImage& in) {
  RgbImage out = in;
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      const size_t from = (static_cast<size_t>(y) * in.width + x) * 3;
      const size_t to = (static_cast<size_t>(y) * in.width + (in.width - 1 - x)) * 3;
      std::copy_n(in.pixels.begin() + static_cast<ptrdiff_t>(from), 3,
                  out.pixels.begin() + static_cast<ptrdiff_t>(to));
    }
  }
  return out;
}

// The demo's chat story, with fictional people (Ofcom drama-range numbers):
// Alice (phone1's owner) sends Carol an invite card to a group; Alice posts a
// known image in the group; Bob (phone2's owner) receives it and forwards it
// into a second group, then deletes the file. A later message of Alice's,
// pasting the invite link, lives only in phone1's -wal; Bob keeps the link
// in a note. The chain: link -> group -> members -> first poster -> forwarder.
constexpr char kAlice[] = "447700900101@s.whatsapp.net";
constexpr char kBob[] = "447700900102@s.whatsapp.net";
constexpr char kCarol[] = "447700900103@s.whatsapp.net";
constexpr char kDave[] = "447700900104@s.whatsapp.net";
constexpr char kGroup[] = "120363000000000777@g.us";
constexpr char kGroupName[] = "Demo group (fictional)";
constexpr char kSecondGroup[] = "447700900102-1489000000@g.us";  // legacy form: creator and time
constexpr char kInviteCode[] = "DemoInvite0Code1Abc2Xy";
constexpr int64_t kMarch12 = 1489312800000;  // 2017-03-12T10:00:00Z

Status WriteDemoChats(const fs::path& phone1, const fs::path& phone2,
                      const std::vector<uint8_t>& known_image) {
  const std::string invite_link = std::string("https://chat.whatsapp.com/") + kInviteCode;
  const fs::path databases = fs::path("data") / "data" / "com.whatsapp" / "databases";
  std::error_code ec;
  fs::create_directories(phone1 / databases, ec);
  fs::create_directories(phone2 / databases, ec);
  using Message = demo::MsgstoreWriter::Message;

  TANTALIO_ASSIGN_OR_RETURN(auto alice, demo::MsgstoreWriter::Create(
                                            (phone1 / databases / "msgstore.db").string(), true));
  TANTALIO_RETURN_IF_ERROR(alice->AddChat(kGroup, kGroupName, kMarch12 - 86400000).status());
  TANTALIO_RETURN_IF_ERROR(alice->AddChat(kCarol).status());
  for (const char* member : {kAlice, kBob, kCarol}) {
    TANTALIO_RETURN_IF_ERROR(
        alice->AddMember(kGroup, member, std::string_view(member) == kAlice ? 2 : 0));
  }
  TANTALIO_ASSIGN_OR_RETURN(
      int64_t card, alice->AddMessage(Message{kCarol, "3EB0DEMO0001", "", kMarch12 - 3600000, 24,
                                              "", std::nullopt}));
  TANTALIO_RETURN_IF_ERROR(alice->AddInvite(card, kGroup, kAlice, kGroupName, kInviteCode));
  TANTALIO_RETURN_IF_ERROR(
      alice
          ->AddMessage(Message{kGroup, "3EB0DEMO0002", kCarol, kMarch12, 0,
                               "hello, write to carol@example.com", std::nullopt})
          .status());
  TANTALIO_ASSIGN_OR_RETURN(
      int64_t posted, alice->AddMessage(Message{kGroup, "3EB0DEMO0003", "", kMarch12 + 60000, 1, "",
                                                std::nullopt}));
  TANTALIO_RETURN_IF_ERROR(alice->AddMedia(posted, kGroup,
                                           "Media/WhatsApp Images/Sent/IMG-20170312-WA0005.jpg",
                                           "image/jpeg", known_image));
  TANTALIO_RETURN_IF_ERROR(alice
                               ->AddMessage(Message{kGroup, "3EB0DEMO0006", kBob, kMarch12 + 120000,
                                                    0, "received, thanks", std::nullopt})
                               .status());
  TANTALIO_RETURN_IF_ERROR(alice->CheckpointAndKeepWal());
  TANTALIO_RETURN_IF_ERROR(
      alice
          ->AddMessage(Message{kGroup, "3EB0DEMO0004", "", kMarch12 + 7200000, 0,
                               "invite others: " + invite_link, std::nullopt})
          .status());
  TANTALIO_RETURN_IF_ERROR(alice->Close());
  // Alice's app preferences state her own number.
  TANTALIO_RETURN_IF_ERROR(
      WriteFile(phone1 / "data" / "data" / "com.whatsapp" / "shared_prefs" /
                    "com.whatsapp_preferences_light.xml",
                Text("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
                     "    <string name=\"push_name\">Alice (fictional)</string>\n"
                     "    <string name=\"cc\">44</string>\n"
                     "    <string name=\"ph\">7700900101</string>\n</map>\n")));
  TANTALIO_RETURN_IF_ERROR(
      demo::WriteWaDb((phone1 / databases / "wa.db").string(),
                      {{kBob, "Bob (example contact)"}, {kCarol, "Carol (example contact)"}}));

  TANTALIO_ASSIGN_OR_RETURN(
      auto bob, demo::MsgstoreWriter::Create((phone2 / databases / "msgstore.db").string()));
  TANTALIO_RETURN_IF_ERROR(bob->AddChat(kGroup, kGroupName, kMarch12 - 86400000).status());
  TANTALIO_RETURN_IF_ERROR(bob->AddChat(kSecondGroup, "Second demo group").status());
  for (const char* member : {kAlice, kBob, kCarol}) {
    TANTALIO_RETURN_IF_ERROR(
        bob->AddMember(kGroup, member, std::string_view(member) == kAlice ? 2 : 0));
  }
  for (const char* member : {kBob, kDave, kCarol}) {
    TANTALIO_RETURN_IF_ERROR(
        bob->AddMember(kSecondGroup, member, std::string_view(member) == kBob ? 2 : 0));
  }
  TANTALIO_ASSIGN_OR_RETURN(
      int64_t received, bob->AddMessage(Message{kGroup, "3EB0DEMO0003", kAlice, kMarch12 + 62000, 1,
                                                "", std::nullopt}));
  TANTALIO_RETURN_IF_ERROR(bob->AddMedia(received, kGroup,
                                         "Media/WhatsApp Images/IMG-20170312-WA0001.jpg",
                                         "image/jpeg", known_image));
  TANTALIO_RETURN_IF_ERROR(bob->AddMessage(Message{kGroup, "3EB0DEMO0006", "", kMarch12 + 118000, 0,
                                                   "received, thanks", std::nullopt})
                               .status());
  TANTALIO_ASSIGN_OR_RETURN(
      int64_t forwarded,
      bob->AddMessage(Message{kSecondGroup, "3EB0DEMO0005", "", kMarch12 + 30600000, 1, "", 1}));
  TANTALIO_RETURN_IF_ERROR(bob->AddMedia(forwarded, kSecondGroup,
                                         "Media/WhatsApp Images/Sent/IMG-20170312-WA0002.jpg",
                                         "image/jpeg", known_image));
  TANTALIO_RETURN_IF_ERROR(bob->Close());
  return WriteFile(phone2 / "Documents" / "notes.txt",
                   Text("group: " + invite_link + "\nask for the new link at dave@example.com\n"));
}

}  // namespace

Result<DemoEvidence> GenerateDemoEvidence(const std::string& dir) {
  const fs::path root(dir);
  const fs::path phone = root / "phone1";
  const fs::path phone2 = root / "phone2";
  const fs::path laptop = root / "laptop";
  const fs::path usb = root / "usb";
  std::error_code ec;
  fs::remove_all(phone, ec);
  fs::remove_all(phone2, ec);
  fs::remove_all(laptop, ec);
  fs::remove_all(usb, ec);

  // Photos taken with the phone; some travel to the laptop and into archives.
  std::vector<std::vector<uint8_t>> photos;
  for (int i = 0; i < 12; ++i) {
    TANTALIO_ASSIGN_OR_RETURN(auto photo, Photo(1000 + i, kPhoneCamera, i, /*gps=*/i % 3 != 2));
    photos.push_back(std::move(photo));
    char name[32];
    std::snprintf(name, sizeof name, "IMG_%04d.jpg", i + 1);
    TANTALIO_RETURN_IF_ERROR(WriteFile(phone / "DCIM" / "Camera" / name, photos.back()));
  }
  // Chat-app copies: re-encoded screenshots without EXIF, plus a PNG.
  for (int i = 0; i < 4; ++i) {
    TANTALIO_ASSIGN_OR_RETURN(auto jpeg, EncodeJpeg(GeneratePattern(320, 320, 2000 + i), 70));
    char name[48];
    std::snprintf(name, sizeof name, "IMG-20170312-WA%04d.jpg", i + 1);
    TANTALIO_RETURN_IF_ERROR(
        WriteFile(phone / "WhatsApp" / "Media" / "WhatsApp Images" / name, jpeg));
  }
  TANTALIO_ASSIGN_OR_RETURN(auto png, EncodePng(GeneratePattern(256, 192, 3000)));
  TANTALIO_RETURN_IF_ERROR(
      WriteFile(phone / "Pictures" / "Screenshots" / "Screenshot_01.png", png));
  TANTALIO_RETURN_IF_ERROR(
      WriteFile(phone / "Documents" / "shopping.txt", Text("milk\nbread\nphone charger\n")));
  TANTALIO_RETURN_IF_ERROR(
      WriteFile(phone / "Documents" / "ticket.pdf", MinimalPdf("Train ticket 12 March")));
  // Renamed to hide what they are: content says image, name says otherwise.
  TANTALIO_RETURN_IF_ERROR(WriteFile(phone / "Documents" / "invoice_march.pdf", photos[3]));
  TANTALIO_RETURN_IF_ERROR(WriteFile(phone / "Music" / "track07.mp3", png));

  // A nested archive: zip holding a tar.gz holding photos and a note.
  TANTALIO_ASSIGN_OR_RETURN(auto inner,
                            WriteArchive(DemoArchiveFormat::kTarGz,
                                         {{"trip/IMG_0005.jpg", photos[4]},
                                          {"trip/IMG_0006.jpg", photos[5]},
                                          {"trip/readme.txt", Text("photos from the trip\n")}}));
  TANTALIO_ASSIGN_OR_RETURN(
      auto outer,
      WriteArchive(DemoArchiveFormat::kZip, {{"holiday/IMG_0001.jpg", photos[0]},
                                             {"holiday/trip.tar.gz", inner},
                                             {"holiday/notes.pdf", MinimalPdf("Holiday notes")}}));
  TANTALIO_RETURN_IF_ERROR(WriteFile(phone / "Download" / "holiday.zip", outer));
  // An archive with an encrypted entry: recorded as encrypted, never dropped.
  auto locked = WriteArchive(DemoArchiveFormat::kZip, {{"private/IMG_0009.jpg", photos[8], true},
                                                       {"private/list.txt", Text("1\n2\n3\n")}});
  if (locked.ok()) TANTALIO_RETURN_IF_ERROR(WriteFile(phone / "Download" / "private.zip", *locked));

  // The laptop: the same photos copied over, and a backup tar with a zip inside.
  for (int i : {0, 1, 2, 4}) {
    char name[32];
    std::snprintf(name, sizeof name, "IMG_%04d.jpg", i + 1);
    TANTALIO_RETURN_IF_ERROR(
        WriteFile(laptop / "Users" / "alex" / "Pictures" / "phone" / name, photos[i]));
  }
  for (int i = 0; i < 3; ++i) {
    TANTALIO_ASSIGN_OR_RETURN(auto photo, Photo(4000 + i, kPocketCamera, 20 + i, /*gps=*/i == 0));
    char name[32];
    std::snprintf(name, sizeof name, "DSC%05d.jpg", 100 + i);
    TANTALIO_RETURN_IF_ERROR(
        WriteFile(laptop / "Users" / "alex" / "Pictures" / "camera" / name, photo));
  }
  // IMG_0007.jpg (seed 1006, 512x360) forwarded through a chat app: half the size, recompressed,
  // metadata stripped. Its bytes differ; its PDQ hash stays close.
  TANTALIO_ASSIGN_OR_RETURN(auto forwarded, EncodeJpeg(GeneratePattern(256, 180, 1006), 60));
  TANTALIO_RETURN_IF_ERROR(
      WriteFile(laptop / "Users" / "alex" / "Downloads" / "forwarded_photo.jpg", forwarded));
  TANTALIO_ASSIGN_OR_RETURN(
      auto zip, WriteArchive(DemoArchiveFormat::kZip,
                             {{"old/IMG_0003.jpg", photos[2]}, {"old/IMG_0012.jpg", photos[11]}}));
  TANTALIO_ASSIGN_OR_RETURN(
      auto tar,
      WriteArchive(DemoArchiveFormat::kTar,
                   {{"backup/photos.zip", zip}, {"backup/todo.txt", Text("renew passport\n")}}));
  TANTALIO_RETURN_IF_ERROR(WriteFile(laptop / "Users" / "alex" / "backup.tar", tar));
  TANTALIO_RETURN_IF_ERROR(WriteFile(laptop / "Users" / "alex" / "Documents" / "cv.pdf",
                                     MinimalPdf("Curriculum vitae")));
  TANTALIO_RETURN_IF_ERROR(WriteFile(laptop / "Users" / "alex" / "Documents" / "budget.xlsx", png));

  // A chat image (IMG-20170312-WA0002, seed 2001) edited on the laptop:
  // turned a quarter, and mirrored and re-encoded as PNG.
  const RgbImage chat = GeneratePattern(320, 320, 2001);
  TANTALIO_ASSIGN_OR_RETURN(auto chat_jpeg, EncodeJpeg(chat, 70));
  TANTALIO_ASSIGN_OR_RETURN(auto rotated, EncodeJpeg(RotateQuarter(chat), 85));
  TANTALIO_ASSIGN_OR_RETURN(auto mirrored, EncodePng(Mirror(chat)));
  const fs::path edited = laptop / "Users" / "alex" / "Pictures" / "edited";
  TANTALIO_RETURN_IF_ERROR(WriteFile(edited / "wa0002_rotated.jpg", rotated));
  TANTALIO_RETURN_IF_ERROR(WriteFile(edited / "wa0002_mirrored.png", mirrored));

  TANTALIO_RETURN_IF_ERROR(WriteDemoChats(phone, phone2, photos[0]));

  // A USB stick, seized as a raw image: a photo and a note in place, the known
  // IMG_0007 deleted (its bytes still there), and the known IMG_0001 in free
  // space, found only by carving.
  TANTALIO_ASSIGN_OR_RETURN(
      auto stick, demo::MakeFat16Image({{"IMG_0002.JPG", photos[1], false},
                                        {"NOTES.TXT", Text("meet at the station, 10:00\n"), false},
                                        {"IMG_0007.JPG", photos[6], true}},
                                       photos[0]));
  TANTALIO_RETURN_IF_ERROR(WriteFile(usb / "usbstick.dd", stick));

  DemoEvidence evidence;
  evidence.devices = {{"phone1", phone.string()},
                      {"laptop", laptop.string()},
                      {"phone2", phone2.string()},
                      {"usb", usb.string()}};
  evidence.reference_set = (root / "reference-hashset.vics.json").string();
  evidence.known_good_set = (root / "known-good.hashdeep").string();
  TANTALIO_RETURN_IF_ERROR(demo::WriteReferenceSet(evidence.reference_set,
                                                   {{photos[0], 1001, 1, "Demo series A", true},
                                                    {photos[6], 1002, 2, "Demo series A", true},
                                                    {chat_jpeg, 1003, 1, "Demo series B", false}}));
  evidence.video_set = (root / "reference-videos.vpdq").string();
  evidence.audio_set = (root / "reference-audio.csv").string();
  demo::DemoMediaPaths media;
  media.known_video = (root / "reference-media" / "known-video.mp4").string();
  media.phone1 = phone.string();
  media.phone2 = phone2.string();
  media.laptop = laptop.string();
  media.video_set = evidence.video_set;
  media.audio_set = evidence.audio_set;
  TANTALIO_RETURN_IF_ERROR(demo::WriteDemoMedia(media));
  TANTALIO_RETURN_IF_ERROR(demo::WriteKnownGoodSet(
      evidence.known_good_set, {{"ticket.pdf", MinimalPdf("Train ticket 12 March")},
                                {"cv.pdf", MinimalPdf("Curriculum vitae")},
                                {"shopping.txt", Text("milk\nbread\nphone charger\n")}}));
  return evidence;
}

}  // namespace tantalio
