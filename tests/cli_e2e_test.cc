// End-to-end tests: run the real `tantalio` binary on generated evidence.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/temp_dir.h"
#include "demo/demo_evidence.h"
#include "media/synthetic_image.h"
#include "media/synthetic_media.h"

namespace tantalio {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

class CliTest : public ::testing::Test {
 protected:
  std::string Db() const { return dir_.Sub("case.db"); }

  // Runs tantalio with `args` (already quoted where needed) through the shell.
  RunResult Tantalio(const std::string& args, const std::string& prefix = "") {
    std::string command = prefix + " " + Quote(TANTALIO_EXE) + " --db " + Quote(Db()) + " " + args +
                          " >" + Quote(dir_.Sub("out.txt")) + " 2>" + Quote(dir_.Sub("err.txt")) +
                          " </dev/null";
    int status = std::system(command.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(dir_.Sub("out.txt"));
    r.err = ReadAll(dir_.Sub("err.txt"));
    return r;
  }

  void CreateCase(const std::string& name = "op") {
    RunResult r = Tantalio("case create " + name + " --agency 'Policia Nacional' --country ES");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::vector<nlohmann::json> FilesJson(const std::string& extra = "") {
    RunResult r = Tantalio("files --case op --format json " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<nlohmann::json> rows;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
    return rows;
  }

  static std::string Sha256Of(const std::string& path) {
    std::FILE* pipe = ::popen(("sha256sum " + Quote(path)).c_str(), "r");
    char buf[128] = {};
    std::string out = std::fgets(buf, sizeof buf, pipe) != nullptr ? buf : "";
    ::pclose(pipe);
    return out.substr(0, 64);
  }

  TempDir dir_;
};

TEST_F(CliTest, HelpAndExitCodes) {
  RunResult help = Tantalio("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"scan", "files", "errors", "hash", "verify", "demo", "case"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
  for (const char* command :
       {"scan", "files", "errors", "hash", "verify", "demo", "case create", "case list"}) {
    RunResult r = Tantalio(std::string(command) + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << command;
  }
  EXPECT_EQ(Tantalio("").exit_code, 2);
  EXPECT_EQ(Tantalio("scan").exit_code, 2);
  EXPECT_EQ(Tantalio("no-such-command").exit_code, 2);
  RunResult missing = Tantalio("files --case nope");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no case named 'nope'"), std::string::npos) << missing.err;
  CreateCase();
  EXPECT_EQ(Tantalio("files --case op --format xml").exit_code, 2);
  EXPECT_EQ(Tantalio("case create op").exit_code, 2);
  EXPECT_EQ(Tantalio("case create bad --country spain").exit_code, 2);
  EXPECT_EQ(Tantalio("scan --case op --device d " + Quote(dir_.Sub("does-not-exist"))).exit_code,
            2);
}

TEST_F(CliTest, DatabaseComesFromTheEnvironment) {
  std::string env_db = dir_.Sub("env.db");
  std::string command = "cd " + Quote(dir_.path()) + " && TANTALIO_DB=" + Quote(env_db) + " " +
                        Quote(TANTALIO_EXE) + " case create from-env >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_TRUE(fs::exists(env_db));
  EXPECT_FALSE(fs::exists(dir_.Sub("tantalio.db")));
  command =
      "cd " + Quote(dir_.path()) + " && " + Quote(TANTALIO_EXE) + " case create local >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_TRUE(fs::exists(dir_.Sub("tantalio.db")));
}

TEST_F(CliTest, ScanListsFilesWithHashesTypesAndOddNames) {
  CreateCase();
  auto jpeg = EncodeJpeg(GeneratePattern(64, 64, 5), 80);
  ASSERT_TRUE(jpeg.ok());
  std::string jpeg_text(jpeg->begin(), jpeg->end());
  std::string ev = dir_.Sub("ev");
  dir_.Write("ev/DCIM/a.jpg", jpeg_text);
  dir_.Write("ev/Documents/report.pdf", jpeg_text);  // renamed
  dir_.Write("ev/" + std::string("\xff\xfe.bin"), "odd");
  dir_.Write("ev/two\nlines.txt", "newline in name\n");
  auto zip = WriteArchive(DemoArchiveFormat::kZip, {{"inner/x.jpg", *jpeg}});
  ASSERT_TRUE(zip.ok());
  dir_.Write("ev/Download/a.zip", std::string(zip->begin(), zip->end()));
  ASSERT_EQ(::symlink("..", (ev + "/loop").c_str()), 0);
  ASSERT_EQ(::mkfifo((ev + "/fifo").c_str(), 0600), 0);

  RunResult scan = Tantalio("scan --case op --device phone1 " + Quote(ev));
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_NE(scan.out.find("scan of phone1 complete"), std::string::npos) << scan.out;
  EXPECT_TRUE(scan.err.empty()) << "no progress when stderr is not a terminal: " << scan.err;

  std::map<std::string, nlohmann::json> by_path;
  for (auto& row : FilesJson()) by_path[row["forensic_path"]] = row;
  ASSERT_EQ(by_path.size(), 8u);
  const auto& a = by_path.at("phone1/DCIM/a.jpg");
  EXPECT_EQ(a["mime"], "image/jpeg");
  EXPECT_EQ(a["extension_mismatch"], false);
  EXPECT_EQ(a["sha256"], Sha256Of(ev + "/DCIM/a.jpg"));
  EXPECT_EQ(a["status"], "ok");
  EXPECT_EQ(by_path.at("phone1/Documents/report.pdf")["extension_mismatch"], true);
  EXPECT_EQ(by_path.at("phone1/Download/a.zip!/inner/x.jpg")["sha256"], a["sha256"]);
  EXPECT_EQ(by_path.at("phone1/\\xff\\xfe.bin")["status"], "ok");
  EXPECT_EQ(by_path.at("phone1/two\\nlines.txt")["size"], 16);
  EXPECT_EQ(by_path.at("phone1/loop")["status"], "link");
  EXPECT_EQ(by_path.at("phone1/loop")["link_target"], "..");
  EXPECT_EQ(by_path.at("phone1/fifo")["status"], "special");

  RunResult csv = Tantalio("files --case op --device phone1 --format csv");
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')),
            "device,forensic_path,kind,size,mime,extension_mismatch,md5,sha1,sha256,status,mtime,"
            "link_target,pdq,pdq_quality,pdq_low_quality,allocation,inode,atime,ctime,crtime,note");
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 9);

  // A second run has nothing left to do.
  RunResult again = Tantalio("scan --case op --device phone1 " + Quote(ev));
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("items already done (skipped)"), std::string::npos) << again.out;
  EXPECT_EQ(FilesJson().size(), 8u);
}

TEST_F(CliTest, HashPrintsCsvAndJsonWithoutAStore) {
  std::string a = dir_.Write("h/a.txt", "abc");
  dir_.Write("h/sub/b.bin", std::string(5000, 'z'));
  RunResult csv = Tantalio("hash " + Quote(dir_.Sub("h")));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::istringstream lines(csv.out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_EQ(header, "path,size,mime,md5,sha1,sha256,pdq,pdq_quality");
  EXPECT_EQ(first, dir_.Sub("h") +
                       "/a.txt,3,text/plain,900150983cd24fb0d6963f7d28e17f72,"
                       "a9993e364706816aba3e25717850c26c9cd0d89d,"
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,,");
  RunResult json = Tantalio("hash --format json " + Quote(a));
  ASSERT_EQ(json.exit_code, 0);
  auto row = nlohmann::json::parse(json.out);
  EXPECT_EQ(row["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(row["size"], 3);
  EXPECT_FALSE(fs::exists(Db())) << "hash must not create a store";
  EXPECT_EQ(Tantalio("hash " + Quote(dir_.Sub("missing"))).exit_code, 1);
}

// `tantalio hash` end to end (decoders + PDQ + output) against the 49
// reference vectors: every orientation and the quality, bit for bit.
TEST_F(CliTest, HashPdqMatchesTheReferenceVectors) {
  const std::string shared = std::string(TANTALIO_SHARED_DIR) + "/pdq-vectors";
  const std::string csv = shared + "/expected/pdq-core-fullres.csv";
  if (!fs::exists(csv))
    GTEST_SKIP() << "conformance data not found at " << csv << " (../shared is absent)";
  std::ifstream in(csv);
  std::vector<std::vector<std::string>> rows;
  std::string args;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
    ASSERT_EQ(fields.size(), 12u) << line;
    args += " " + Quote(shared + "/images/" + fields[0]);
    rows.push_back(fields);
  }
  ASSERT_EQ(rows.size(), 49u);
  RunResult r = Tantalio("hash --format json --pdq-orientations" + args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  const char* variants[] = {"pdq",       "pdq_rot90", "pdq_rot180",    "pdq_rot270",
                            "pdq_flipx", "pdq_flipy", "pdq_flipplus1", "pdq_flipminus1"};
  size_t i = 0;
  for (std::string line; std::getline(lines, line); ++i) {
    ASSERT_LT(i, rows.size());
    auto json = nlohmann::json::parse(line);
    SCOPED_TRACE(rows[i][0]);
    EXPECT_EQ(json["pdq_quality"], std::stoi(rows[i][3]));
    for (int v = 0; v < 8; ++v) EXPECT_EQ(json[variants[v]], rows[i][4 + v]) << variants[v];
  }
  EXPECT_EQ(i, rows.size());
}

TEST_F(CliTest, ApproximatePdqIsOptInAndNamedAsSuch) {
  auto jpeg = EncodeJpeg(GeneratePattern(1024, 768, 21), 80);
  ASSERT_TRUE(jpeg.ok());
  const std::string path = dir_.Write("big.jpg", std::string(jpeg->begin(), jpeg->end()));
  RunResult exact = Tantalio("hash --format json " + Quote(path));
  RunResult fast = Tantalio("hash --format json --pdq-fast 2 " + Quote(path));
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  auto e = nlohmann::json::parse(exact.out);
  auto f = nlohmann::json::parse(fast.out);
  EXPECT_FALSE(f.contains("pdq")) << "an approximate hash must not be labelled pdq";
  const std::string a = e["pdq"], b = f["pdq_fast"];
  int distance = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    distance += __builtin_popcount(std::stoi(a.substr(i, 1), nullptr, 16) ^
                                   std::stoi(b.substr(i, 1), nullptr, 16));
  }
  EXPECT_LE(distance, 31) << a << " vs " << b;
  EXPECT_EQ(Tantalio("hash --pdq-fast 3 " + Quote(path)).exit_code, 2);
}

TEST_F(CliTest, ScanStoresPdqForImages) {
  CreateCase();
  auto jpeg = EncodeJpeg(GeneratePattern(200, 150, 9), 85);
  ASSERT_TRUE(jpeg.ok());
  dir_.Write("ev/photo.jpg", std::string(jpeg->begin(), jpeg->end()));
  dir_.Write("ev/flat.png", "");  // empty: no image to decode
  auto flat = EncodePng(RgbImage{64, 64, std::vector<uint8_t>(64 * 64 * 3, 128)});
  ASSERT_TRUE(flat.ok());
  dir_.Write("ev/flat.png", std::string(flat->begin(), flat->end()));
  dir_.Write("ev/broken.jpg", std::string(jpeg->begin(), jpeg->begin() + 20));
  ASSERT_EQ(Tantalio("scan --case op --device d " + Quote(dir_.Sub("ev"))).exit_code, 0);
  std::map<std::string, nlohmann::json> by_path;
  for (auto& row : FilesJson()) by_path[row["forensic_path"]] = row;
  RunResult hash = Tantalio("hash --format json " + Quote(dir_.Sub("ev/photo.jpg")));
  auto expected = nlohmann::json::parse(hash.out);
  EXPECT_EQ(by_path.at("d/photo.jpg")["pdq"], expected["pdq"]);
  EXPECT_EQ(by_path.at("d/photo.jpg")["pdq_quality"], expected["pdq_quality"]);
  EXPECT_EQ(by_path.at("d/photo.jpg")["pdq_low_quality"], false);
  EXPECT_EQ(by_path.at("d/flat.png")["pdq_quality"], 0);
  EXPECT_EQ(by_path.at("d/flat.png")["pdq_low_quality"], true);
  EXPECT_TRUE(by_path.at("d/broken.jpg")["pdq"].is_null());
  RunResult errors = Tantalio("errors --case op --format csv");
  EXPECT_NE(errors.out.find("d/broken.jpg,decode,"), std::string::npos) << errors.out;
}

TEST_F(CliTest, VerifyReportsChangedAppearedAndDisappeared) {
  CreateCase();
  dir_.Write("ev/keep.txt", "same");
  dir_.Write("ev/change.txt", "before");
  dir_.Write("ev/remove.txt", "gone soon");
  ASSERT_EQ(Tantalio("scan --case op --device pc " + Quote(dir_.Sub("ev"))).exit_code, 0);
  RunResult clean = Tantalio("verify --case op --device pc");
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.err.find("0 changed, 0 disappeared, 0 appeared"), std::string::npos) << clean.err;

  dir_.Write("ev/change.txt", "after!");
  fs::remove(dir_.Sub("ev/remove.txt"));
  dir_.Write("ev/new.txt", "new");
  RunResult dirty = Tantalio("verify --case op --device pc --format csv");
  EXPECT_EQ(dirty.exit_code, 1);
  EXPECT_NE(dirty.out.find("changed,pc/change.txt"), std::string::npos) << dirty.out;
  EXPECT_NE(dirty.out.find("disappeared,pc/remove.txt"), std::string::npos) << dirty.out;
  EXPECT_NE(dirty.out.find("appeared,pc/new.txt"), std::string::npos) << dirty.out;
  EXPECT_EQ(dirty.out.find("keep.txt"), std::string::npos);
}

TEST_F(CliTest, UnreadableFilesAndDirectoriesBecomeErrorRows) {
  CreateCase();
  dir_.Write("ev/ok.txt", "fine");
  dir_.Write("ev/secret.txt", "locked");
  dir_.Write("ev/closed/inside.txt", "unseen");
  ASSERT_EQ(::chmod(dir_.Sub("ev/secret.txt").c_str(), 0000), 0);
  ASSERT_EQ(::chmod(dir_.Sub("ev/closed").c_str(), 0000), 0);
  std::string prefix;
  if (::geteuid() == 0) {
    // Root reads everything: drop to nobody so permissions apply, as they
    // would for an examiner's account.
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0777), 0);
    ASSERT_EQ(std::system(("chown 65534 " + Quote(Db()) + "*").c_str()), 0);
    prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups";
  }
  RunResult scan = Tantalio("scan --case op --device pc " + Quote(dir_.Sub("ev")), prefix);
  ASSERT_EQ(scan.exit_code, 0) << scan.err << scan.out;
  EXPECT_NE(scan.out.find("2 errors"), std::string::npos) << scan.out;
  RunResult errors = Tantalio("errors --case op --format csv");
  ASSERT_EQ(errors.exit_code, 0);
  EXPECT_NE(errors.out.find("pc,pc/secret.txt,open,permission_denied"), std::string::npos)
      << errors.out;
  EXPECT_NE(errors.out.find("pc,pc/closed,walk,permission_denied"), std::string::npos)
      << errors.out;
  std::map<std::string, nlohmann::json> by_path;
  for (auto& row : FilesJson()) by_path[row["forensic_path"]] = row;
  EXPECT_EQ(by_path.at("pc/ok.txt")["status"], "ok");
  EXPECT_EQ(by_path.at("pc/secret.txt")["status"], "error");
}

// Every entry of a tree with its size, mode, mtime and atime, in nanoseconds.
std::string TreeSnapshot(const std::string& root) {
  std::string out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    out += e.path().string() + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mode) +
           " " + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) +
           " " + std::to_string(st.st_atim.tv_sec) + "." + std::to_string(st.st_atim.tv_nsec) +
           "\n";
  }
  return out;
}

TEST_F(CliTest, EvidenceIsLeftExactlyAsItWas) {
  CreateCase();
  dir_.Write("ev/a.jpg", "not really a jpeg");
  auto zip = WriteArchive(DemoArchiveFormat::kZip, {{"x.txt", std::vector<uint8_t>{'x'}}});
  dir_.Write("ev/sub/b.zip", std::string(zip->begin(), zip->end()));
  // Access times older than the modification time: a plain read would
  // update them under relatime; O_NOATIME must keep them.
  auto set_old_atimes = [&] {
    for (const char* name : {"ev/a.jpg", "ev/sub/b.zip", "ev/sub", "ev"}) {
      struct timespec times[2] = {{978307200, 0}, {0, UTIME_OMIT}};  // atime 2001-01-01
      ASSERT_EQ(::utimensat(AT_FDCWD, dir_.Sub(name).c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
    }
  };
  set_old_atimes();
  const std::string before = TreeSnapshot(dir_.Sub("ev"));
  set_old_atimes();  // the snapshot's own directory listing touched them
  ASSERT_EQ(Tantalio("scan --case op --device d " + Quote(dir_.Sub("ev"))).exit_code, 0);
  ASSERT_EQ(Tantalio("verify --case op --device d").exit_code, 0);
  EXPECT_EQ(TreeSnapshot(dir_.Sub("ev")), before);
}

TEST_F(CliTest, DiskImagesAreOpenedListedAndCheckedLoudly) {
  for (const char* tool : {"mkfs.fat", "mcopy", "ewfacquire"}) {
    if (std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) != 0) {
      GTEST_SKIP() << tool << " is not installed (scripts/setup.sh installs it)";
    }
  }
  CreateCase();
  auto jpeg = EncodeJpeg(GeneratePattern(200, 150, 7), 85);
  ASSERT_TRUE(jpeg.ok());
  const std::string photo = dir_.Write("photo.jpg", std::string(jpeg->begin(), jpeg->end()));
  const std::string raw = dir_.Sub("disk.raw");
  fs::create_directory(dir_.Sub("ev"));
  ASSERT_EQ(std::system(("{ mkfs.fat -C " + Quote(raw) + " 4096 && mcopy -i " + Quote(raw) + " " +
                         Quote(photo) + " ::photo.jpg && cd " + Quote(dir_.Sub("ev")) +
                         " && ewfacquire -u -q -t laptop -c none -S 1048576 -e Examiner -C CASE-1"
                         " -f encase6 " +
                         Quote(raw) + "; } >/dev/null 2>&1")
                            .c_str()),
            0);
  const std::string before = TreeSnapshot(dir_.Sub("ev"));
  RunResult scan = Tantalio("scan --case op --device laptop " + Quote(dir_.Sub("ev")));
  ASSERT_EQ(scan.exit_code, 0) << scan.out << scan.err;
  EXPECT_NE(scan.out.find("1 disk images"), std::string::npos) << scan.out;
  EXPECT_NE(scan.out.find("laptop/laptop.E01: ewf"), std::string::npos) << scan.out;
  EXPECT_NE(scan.out.find("integrity verified"), std::string::npos) << scan.out;
  EXPECT_EQ(TreeSnapshot(dir_.Sub("ev")), before) << "the image files are read-only evidence";

  RunResult images = Tantalio("images --case op --format json");
  ASSERT_EQ(images.exit_code, 0) << images.err;
  nlohmann::json row = nlohmann::json::parse(images.out.substr(0, images.out.find('\n')));
  EXPECT_EQ(row["integrity"], "verified");
  EXPECT_EQ(row["examiner"], "Examiner");
  EXPECT_EQ(row["case_number"], "CASE-1");
  EXPECT_EQ(row["stored_md5"], row["computed_md5"]);
  bool found = false;
  for (const auto& f : FilesJson()) {
    if (f["forensic_path"].get<std::string>().ends_with("/photo.jpg")) {
      found = true;
      EXPECT_EQ(f["allocation"], "allocated");
      EXPECT_FALSE(f["inode"].is_null());
      EXPECT_FALSE(f["pdq"].is_null());
    }
  }
  EXPECT_TRUE(found) << "the photo inside the image is listed";
  EXPECT_EQ(Tantalio("verify --case op --device laptop").exit_code, 0);

  // Damage the media inside a segment: the scan says so loudly and fails.
  ASSERT_EQ(
      std::system(("printf 'DAMAGEDDAMAGEDDAMAGED' | dd of=" + Quote(dir_.Sub("ev/laptop.E02")) +
                   " bs=1 seek=400000 conv=notrunc status=none")
                      .c_str()),
      0);
  RunResult damaged = Tantalio("scan --case op --device laptop2 " + Quote(dir_.Sub("ev")));
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.out.find("!!! INTEGRITY FAILURE: laptop2/laptop.E01 !!!"), std::string::npos)
      << damaged.out;
  EXPECT_NE(damaged.err.find("INTEGRITY FAILURE"), std::string::npos) << damaged.err;
  RunResult reverify = Tantalio("verify --case op --device laptop");
  EXPECT_EQ(reverify.exit_code, 1);
  EXPECT_NE(reverify.err.find("INTEGRITY FAILURE"), std::string::npos) << reverify.err;
}

TEST_F(CliTest, StoreInsideTheEvidenceIsRefused) {
  dir_.Write("ev/a.txt", "a");
  std::string command = Quote(TANTALIO_EXE) + " --db " + Quote(dir_.Sub("ev/case.db")) +
                        " scan --case x --device d " + Quote(dir_.Sub("ev")) + " >/dev/null 2>&1";
  int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_FALSE(fs::exists(dir_.Sub("ev/case.db")));
}

TEST_F(CliTest, HundredThousandFilesInOneDirectory) {
  CreateCase();
  std::string ev = dir_.Sub("many");
  fs::create_directories(ev);
  for (int i = 0; i < 100000; ++i) {
    std::ofstream(ev + "/f" + std::to_string(i) + ".txt") << i;
  }
  RunResult scan = Tantalio("scan --case op --device big " + Quote(ev));
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_NE(scan.out.find("100,000 files"), std::string::npos) << scan.out;
  RunResult csv = Tantalio("files --case op --format csv");
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 100001);
}

// Writes a corpus large enough that a scan takes a while: plain files,
// archives with nested archives, duplicates.
void WriteResumeCorpus(const TempDir& dir) {
  std::mt19937 rng(42);
  for (int d = 0; d < 20; ++d) {
    for (int f = 0; f < 60; ++f) {
      std::string data(20000 + rng() % 60000, '\0');
      for (char& c : data) c = static_cast<char>(rng());
      dir.Write("resume/d" + std::to_string(d) + "/f" + std::to_string(f) + ".bin", data);
    }
    std::vector<ArchiveMember> members;
    for (int k = 0; k < 40; ++k) {
      members.push_back({"e" + std::to_string(k) + ".txt",
                         std::vector<uint8_t>(5000 + k, static_cast<uint8_t>(d + k))});
    }
    auto inner = WriteArchive(DemoArchiveFormat::kTarGz, members);
    members.push_back({"inner.tar.gz", *inner});
    auto zip = WriteArchive(DemoArchiveFormat::kZip, members);
    dir.Write("resume/d" + std::to_string(d) + "/bundle.zip",
              std::string(zip->begin(), zip->end()));
  }
}

TEST_F(CliTest, KilledScansResumeToTheSameResult) {
  WriteResumeCorpus(dir_);
  const std::string ev = Quote(dir_.Sub("resume"));
  CreateCase();
  ASSERT_EQ(Tantalio("scan --case op --device dev " + ev).exit_code, 0);
  const std::string clean = Tantalio("files --case op --format csv").out;
  const std::string clean_errors = Tantalio("errors --case op --format csv").out;
  ASSERT_GT(std::count(clean.begin(), clean.end(), '\n'), 2000);

  // The same scan into a second store, killed with SIGKILL at random moments.
  const std::string clean_db = Db();
  fs::rename(clean_db, dir_.Sub("clean.db"));
  fs::remove(clean_db + "-wal");
  fs::remove(clean_db + "-shm");
  CreateCase();
  std::mt19937 rng(1234);
  int killed = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::string db = Db();
      std::string evidence = dir_.Sub("resume");
      ::execl(TANTALIO_EXE, "tantalio", "--db", db.c_str(), "-q", "scan", "--case", "op",
              "--device", "dev", evidence.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    killed += WIFSIGNALED(status) ? 1 : 0;
  }
  EXPECT_GT(killed, 0) << "no scan was still running when killed: the corpus is too small";
  RunResult finish = Tantalio("scan --case op --device dev " + ev);
  ASSERT_EQ(finish.exit_code, 0) << finish.err;
  EXPECT_EQ(Tantalio("files --case op --format csv").out, clean);
  EXPECT_EQ(Tantalio("errors --case op --format csv").out.size(), clean_errors.size());
}

TEST_F(CliTest, InterruptStopsCleanlyAndResumes) {
  WriteResumeCorpus(dir_);
  CreateCase();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string db = Db();
    std::string evidence = dir_.Sub("resume");
    int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 1);
    ::execl(TANTALIO_EXE, "tantalio", "--db", db.c_str(), "scan", "--case", "op", "--device", "dev",
            evidence.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Interrupt once the scan has opened the store (its -wal appears), so that
  // the signal never lands before main() on a loaded machine, then a little later.
  for (int i = 0; i < 1000 && !fs::exists(Db() + "-wal"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "Ctrl-C must end the scan cleanly, not kill it";
  EXPECT_EQ(WEXITSTATUS(status), 1);
  RunResult finish = Tantalio("scan --case op --device dev " + Quote(dir_.Sub("resume")));
  ASSERT_EQ(finish.exit_code, 0) << finish.err;
  const std::string files = Tantalio("files --case op --format csv").out;
  EXPECT_GT(std::count(files.begin(), files.end(), '\n'), 2000);
  RunResult audit = Tantalio("audit");
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
}

TEST_F(CliTest, DemoRunsEndToEnd) {
  RunResult demo = Tantalio("demo --dir " + Quote(dir_.Sub("demo")));
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  for (const char* expected :
       {"scan of phone1 complete", "scan of laptop complete",
        "Same content on more than one device",
        "phone1/Download/holiday.zip!/holiday/trip.tar.gz!/trip/IMG_0005.jpg",
        "phone1/Documents/invoice_march.pdf  is image/jpeg", "serial DP7-0042-1173",
        "Images with GPS positions", "entry is encrypted", "Visually similar images",
        "laptop/Users/alex/Downloads/forwarded_photo.jpg"}) {
    EXPECT_NE(demo.out.find(expected), std::string::npos) << expected << "\n" << demo.out;
  }
  EXPECT_EQ(Tantalio("verify --case demo-operation --device phone1").exit_code, 0);
  EXPECT_EQ(Tantalio("summary --case demo-operation").exit_code, 0);
  RunResult again = Tantalio("demo --dir " + Quote(dir_.Sub("demo")));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

// The demo's chat chain: invite link -> group -> members -> who posted the
// known image first -> who forwarded it, each with its evidence rows.
TEST_F(CliTest, DemoTracesTheWhatsAppChain) {
  RunResult demo = Tantalio("demo --dir " + Quote(dir_.Sub("demo")));
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  for (const char* expected :
       {"scan of phone2 complete", "Messenger databases: 3",
        "https://chat.whatsapp.com/DemoInvite0Code1Abc2Xy  on phone1, phone2",
        "opens group 120363000000000777@g.us Demo group (fictional)",
        "members +447700900101, +447700900102, +447700900103",
        "+447700900101  in \"Demo group (fictional)\"  first poster",
        "+447700900102 (device owner, inferred) 'Bob (example contact) (in phone1's contacts)'  "
        "in \"Second demo group\"  forwarder"}) {
    EXPECT_NE(demo.out.find(expected), std::string::npos) << expected << "\n" << demo.out;
  }

  RunResult sent = Tantalio("who-sent --case demo-operation --format json");
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  std::vector<nlohmann::json> postings = JsonLines(sent.out);
  ASSERT_EQ(postings.size(), 2u) << sent.out;
  EXPECT_EQ(postings[0]["role"], "first poster (candidate producer)");
  EXPECT_EQ(postings[0]["time"], "2017-03-12T10:01:00.000Z");
  EXPECT_EQ(postings[0]["hash_set"], "demo-reference");
  EXPECT_EQ(postings[0]["copies"], 2);
  EXPECT_NE(postings[0]["evidence"].get<std::string>().find(
                "phone2:phone2/data/data/com.whatsapp/databases/msgstore.db row 1"),
            std::string::npos);
  EXPECT_EQ(postings[1]["role"], "forwarder (candidate distributor)");
  EXPECT_EQ(postings[1]["forwarded"], true);
  const std::string sha256 = postings[0]["sha256"].get<std::string>();
  RunResult traced = Tantalio("who-sent --case demo-operation --sha256 " + sha256);
  EXPECT_EQ(traced.exit_code, 0) << traced.err;
  EXPECT_EQ(Tantalio("who-sent --case demo-operation --hashset nope").exit_code, 2);
  EXPECT_EQ(Tantalio("who-sent --case demo-operation --sha256 xyz").exit_code, 2);
  RunResult by_category = Tantalio("who-sent --case demo-operation --category 2 --format csv");
  EXPECT_EQ(by_category.out.find(sha256), std::string::npos);

  RunResult ids = Tantalio("identifiers --case demo-operation --format json");
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  std::map<std::string, nlohmann::json> by_value;
  for (const auto& row : JsonLines(ids.out)) by_value[row["value"].get<std::string>()] = row;
  ASSERT_TRUE(by_value.contains("https://chat.whatsapp.com/DemoInvite0Code1Abc2Xy"));
  EXPECT_EQ(by_value["https://chat.whatsapp.com/DemoInvite0Code1Abc2Xy"]["device_count"], 2);
  EXPECT_TRUE(by_value.contains("carol@example.com"));  // in a message text
  EXPECT_TRUE(by_value.contains("dave@example.com"));   // in a note on phone2
  EXPECT_TRUE(by_value.contains("+447700900103"));      // a group member

  RunResult links = Tantalio("links --case demo-operation --format csv");
  ASSERT_EQ(links.exit_code, 0) << links.err;
  EXPECT_NE(links.out.find("group,120363000000000777@g.us,Demo group (fictional),2,"
                           "\"phone1,phone2\""),
            std::string::npos)
      << links.out;
  EXPECT_NE(links.out.find("media," + sha256), std::string::npos) << links.out;

  RunResult chats = Tantalio("chats --case demo-operation --device phone2 --format csv");
  ASSERT_EQ(chats.exit_code, 0) << chats.err;
  EXPECT_NE(chats.out.find("447700900102-1489000000@g.us"), std::string::npos) << chats.out;
  EXPECT_NE(chats.out.find("+447700900102"), std::string::npos);  // its creator, from the JID
  RunResult messages =
      Tantalio("messages --case demo-operation --chat 120363000000000777@g.us --format json");
  ASSERT_EQ(messages.exit_code, 0) << messages.err;
  // Alice's own copy, Bob's copy of the image, Carol's hello, the thanks on
  // both phones, and the pasted link that lives only in phone1's -wal.
  EXPECT_EQ(JsonLines(messages.out).size(), 6u) << messages.out;
  EXPECT_NE(messages.out.find("invite others: https://chat.whatsapp.com/"), std::string::npos);
  EXPECT_EQ(Tantalio("messages --case demo-operation --chat nobody@g.us").exit_code, 2);
}

TEST_F(CliTest, DemoFindsKnownMaterialExactlyAndPerceptually) {
  RunResult demo = Tantalio("demo --dir " + Quote(dir_.Sub("demo")));
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  for (const char* expected :
       {"imported hash set 'demo-reference'", "imported hash set 'demo-known-good'",
        "3 known-good files kept out of review", "NEW MATERIAL: 17 of 23 distinct images",
        "category 1 CAM: 11 files", "NEW VIDEOS: 1 of 4 distinct videos",
        "imported hash set 'demo-reference-videos' (illegal, vPDQ): 30 entries",
        "1 disk images (0 failed the integrity check), 1 deleted files recovered, 2 items "
        "carved"}) {
    EXPECT_NE(demo.out.find(expected), std::string::npos) << expected << "\n" << demo.out;
  }
  RunResult matches = Tantalio("matches --case demo-operation --format json");
  ASSERT_EQ(matches.exit_code, 0) << matches.err;
  std::map<std::string, std::set<std::string>> methods;  // path -> "method orientation distance"
  for (const auto& m : JsonLines(matches.out)) {
    std::string how = m["method"].get<std::string>();
    if (how == "pdq") {
      how += " " + m["orientation"].get<std::string>() + " " +
             std::to_string(m["distance"].get<int>());
    }
    methods[m["forensic_path"].get<std::string>()].insert(how);
    EXPECT_EQ(m["hashset"], how.starts_with("vpdq")    ? "demo-reference-videos"
                            : how.starts_with("audio") ? "demo-reference-audio"
                                                       : "demo-reference");
  }
  EXPECT_EQ(methods["phone1/DCIM/Camera/IMG_0001.jpg"],
            (std::set<std::string>{"md5", "sha1", "sha256", "pdq orig 0"}));
  EXPECT_EQ(methods["phone1/Download/holiday.zip!/holiday/IMG_0001.jpg"].count("sha256"), 1u);
  // Resized and re-compressed, turned a quarter, mirrored: PDQ only.
  ASSERT_EQ(methods["laptop/Users/alex/Downloads/forwarded_photo.jpg"].size(), 1u);
  EXPECT_TRUE(
      methods["laptop/Users/alex/Downloads/forwarded_photo.jpg"].begin()->starts_with("pdq orig "));
  ASSERT_EQ(methods["laptop/Users/alex/Pictures/edited/wa0002_rotated.jpg"].size(), 1u);
  EXPECT_TRUE(methods["laptop/Users/alex/Pictures/edited/wa0002_rotated.jpg"].begin()->starts_with(
      "pdq rot90 "));
  ASSERT_EQ(methods["laptop/Users/alex/Pictures/edited/wa0002_mirrored.png"].size(), 1u);
  EXPECT_TRUE(methods["laptop/Users/alex/Pictures/edited/wa0002_mirrored.png"].begin()->starts_with(
      "pdq flipy "));
  // The USB stick's image: the deleted IMG_0007 and the IMG_0001 left in free space, carved
  // (the deleted photo's free clusters are carved too).
  EXPECT_EQ(methods["usb/usbstick.dd/FAT16/_MG_0007.JPG"].count("sha256"), 1u);
  EXPECT_EQ(methods["usb/usbstick.dd/FAT16/$Unallocated/carved-at-147968.jpg"].count("sha256"), 1u);
  EXPECT_EQ(methods["usb/usbstick.dd/FAT16/$Unallocated/carved-at-70144.jpg"].count("sha256"), 1u);
  // The known video itself on the laptop, re-encoded on phone1, a 10 s clip of
  // it on phone2, and a voice note with 12 s of its soundtrack.
  EXPECT_EQ(methods["laptop/Users/alex/Videos/VID_20170504_100000.mp4"],
            (std::set<std::string>{"vpdq", "audio"}));
  EXPECT_EQ(methods["phone1/WhatsApp/Media/WhatsApp Video/VID-20170504-WA0003.mp4"],
            (std::set<std::string>{"vpdq", "audio"}));
  EXPECT_EQ(methods["phone2/WhatsApp/Media/WhatsApp Video/VID-20170506-WA0001.mp4"],
            (std::set<std::string>{"vpdq-clip", "audio-clip"}));
  EXPECT_EQ(methods["phone2/WhatsApp/Media/WhatsApp Voice Notes/PTT-20170506-WA0002.opus"],
            (std::set<std::string>{"audio-clip"}));
  EXPECT_EQ(methods.size(), 15u);

  // Known-good files are kept out of review lists, never deleted.
  RunResult files = Tantalio("files --case demo-operation --format json");
  EXPECT_EQ(files.out.find("ticket.pdf"), std::string::npos);
  EXPECT_NE(files.err.find("3 files matching only known-good sets are not listed"),
            std::string::npos)
      << files.err;
  RunResult all = Tantalio("files --case demo-operation --format json --include-known-good");
  EXPECT_NE(all.out.find("phone1/Documents/ticket.pdf"), std::string::npos);
  RunResult with_good = Tantalio("matches --case demo-operation --include-known-good --format csv");
  EXPECT_NE(with_good.out.find("demo-known-good"), std::string::npos);

  // The PDQ index snapshot: built on demand, mapped by later runs.
  RunResult index = Tantalio("index build");
  ASSERT_EQ(index.exit_code, 0) << index.err;
  // 3 images and the known video's 30 frames (a frame grab of it matches as a still).
  EXPECT_NE(index.out.find(": 33 PDQ hashes"), std::string::npos) << index.out;
  EXPECT_TRUE(fs::exists(Db() + ".hashsets.pdq"));
  EXPECT_TRUE(fs::exists(Db() + ".hashsets.digests"));
  RunResult rematch = Tantalio("match --case demo-operation --max-distance 40");
  ASSERT_EQ(rematch.exit_code, 0) << rematch.err;
  EXPECT_NE(rematch.out.find("0 already up to date"), std::string::npos) << rematch.out;
}

// Video and audio: `hash --video` and `hash --audio` print lists that import
// as hash sets; `match` then finds, in a scanned case, a clip of the known
// video and a voice note with part of the known recording, with their time
// ranges, and `media` lists what the containers say.
TEST_F(CliTest, KnownVideoAndAudioFromPrintedListsAreFoundWithTimeRanges) {
  CreateCase();
  const std::string known = dir_.Sub("known"), evidence = dir_.Sub("evidence");
  fs::create_directories(known);
  fs::create_directories(evidence);
  SyntheticVideoSpec video;
  video.seed = 77;
  video.duration_seconds = 30;
  ASSERT_TRUE(WriteSyntheticVideo(video, known + "/known.mp4").ok());
  SyntheticAudioSpec song;
  song.seed = 78;
  song.duration_seconds = 40;
  ASSERT_TRUE(WriteSyntheticAudio(song, known + "/song.m4a").ok());
  SyntheticVideoSpec clip = video;
  clip.start_seconds = 10;
  clip.duration_seconds = 8;
  clip.width = 160;
  clip.height = 120;
  ASSERT_TRUE(WriteSyntheticVideo(clip, evidence + "/clip.mp4").ok());
  SyntheticAudioSpec note = song;
  note.start_seconds = 20;
  note.duration_seconds = 10;
  note.codec = "libmp3lame";
  ASSERT_TRUE(WriteSyntheticAudio(note, evidence + "/note.mp3").ok());

  RunResult frames = Tantalio("hash --video " + Quote(known));
  ASSERT_EQ(frames.exit_code, 0) << frames.err;
  EXPECT_EQ(frames.out.rfind("video_id,time,quality,hash\n", 0), 0u) << frames.out;
  EXPECT_GE(std::count(frames.out.begin(), frames.out.end(), '\n'), 10);
  std::ofstream(dir_.Sub("known.vpdq")) << frames.out;
  RunResult reference =
      Tantalio("hash --video --vpdq-reference --video-interval 0 " + Quote(known + "/known.mp4"));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  EXPECT_EQ(std::count(reference.out.begin(), reference.out.end(), '\n'), 900);  // every frame
  EXPECT_EQ(reference.out.rfind("0,", 0), 0u);
  RunResult audio = Tantalio("hash --audio " + Quote(known + "/song.m4a"));
  ASSERT_EQ(audio.exit_code, 0) << audio.err;
  EXPECT_EQ(audio.out.rfind("source_ref,duration,chromaprint\n", 0), 0u) << audio.out;
  std::ofstream(dir_.Sub("known-audio.csv")) << audio.out;

  // The sets arrive after the scan: `match` compares the stored fingerprints.
  RunResult scan = Tantalio("scan --case op --device phone " + Quote(evidence));
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_NE(scan.out.find("1 videos and 1 audio files fingerprinted"), std::string::npos)
      << scan.out;
  RunResult imported = Tantalio("hashset import " + Quote(dir_.Sub("known.vpdq")) + " --name vids");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("vPDQ"), std::string::npos) << imported.out;
  imported = Tantalio("hashset import " + Quote(dir_.Sub("known-audio.csv")) + " --name songs");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  RunResult match = Tantalio("match --case op");
  ASSERT_EQ(match.exit_code, 0) << match.err;
  RunResult matches = Tantalio("matches --case op --format json");
  ASSERT_EQ(matches.exit_code, 0) << matches.err;
  std::map<std::string, nlohmann::json> by_path;
  for (const auto& m : JsonLines(matches.out)) by_path[m["forensic_path"]] = m;
  ASSERT_TRUE(by_path.contains("phone/clip.mp4")) << matches.out;
  const nlohmann::json& c = by_path["phone/clip.mp4"];
  EXPECT_EQ(c["method"], "vpdq-clip");
  EXPECT_EQ(c["hashset"], "vids");
  EXPECT_NEAR(c["known_start"].get<double>(), 10, 1.01);
  EXPECT_NEAR(c["known_end"].get<double>(), 18, 1.51);
  ASSERT_TRUE(by_path.contains("phone/note.mp3")) << matches.out;
  const nlohmann::json& a = by_path["phone/note.mp3"];
  EXPECT_EQ(a["method"], "audio-clip");
  EXPECT_NEAR(a["known_start"].get<double>(), 20, 1.0);
  EXPECT_NEAR(a["known_end"].get<double>(), 30, 1.5);
  EXPECT_LT(a["score"].get<double>(), 0.25);
  RunResult table = Tantalio("matches --case op");
  EXPECT_NE(table.out.find("of the known video"), std::string::npos) << table.out;

  RunResult media = Tantalio("media --case op --format json");
  ASSERT_EQ(media.exit_code, 0) << media.err;
  std::map<std::string, nlohmann::json> rows;
  for (const auto& m : JsonLines(media.out)) rows[m["forensic_path"]] = m;
  ASSERT_EQ(rows.size(), 2u) << media.out;
  EXPECT_EQ(rows["phone/clip.mp4"]["width"], 160);
  EXPECT_EQ(rows["phone/clip.mp4"]["creation_time"], "2017-05-04T10:00:00.000000Z");
  EXPECT_GE(rows["phone/clip.mp4"]["vpdq_frames"].get<int>(), 3);
  EXPECT_EQ(rows["phone/note.mp3"]["audio_codec"], "mp3");
  EXPECT_EQ(rows["phone/note.mp3"]["audio_fingerprint"], true);
}

TEST_F(CliTest, HashSetImportMatchAndExport) {
  CreateCase();
  const std::string evidence = dir_.Sub("evidence");
  fs::create_directories(evidence);
  std::vector<std::string> names;
  for (int i = 0; i < 4; ++i) {
    auto jpeg = EncodeJpeg(GeneratePattern(200, 160, 7000 + i), 85);
    ASSERT_TRUE(jpeg.ok());
    names.push_back(evidence + "/photo" + std::to_string(i) + ".jpg");
    std::ofstream(names.back(), std::ios::binary)
        .write(reinterpret_cast<const char*>(jpeg->data()),
               static_cast<std::streamsize>(jpeg->size()));
  }
  ASSERT_EQ(Tantalio("scan --case op --device pc " + Quote(evidence)).exit_code, 0);
  EXPECT_EQ(JsonLines(Tantalio("matches --case op --format json").out).size(), 0u);

  // A hashdeep file written by the real hashdeep tool, as another lab sends it.
  const std::string known = dir_.Sub("known.hashdeep");
  ASSERT_EQ(std::system(("cd " + Quote(evidence) +
                         " && hashdeep -c md5,sha256 photo0.jpg photo1.jpg > " + Quote(known))
                            .c_str()),
            0);
  RunResult import = Tantalio("hashset import " + Quote(known) + " --name lab --kind illegal");
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.out.find("2 entries stored"), std::string::npos) << import.out;
  EXPECT_EQ(Tantalio("hashset import " + Quote(known) + " --name lab").exit_code, 2);

  RunResult match = Tantalio("match --case op");
  ASSERT_EQ(match.exit_code, 0) << match.err;
  EXPECT_NE(match.out.find("4 contents checked against 'lab'"), std::string::npos) << match.out;
  auto rows = JsonLines(Tantalio("matches --case op --format json").out);
  ASSERT_EQ(rows.size(), 4u);  // md5 and sha256 for each of the two photos
  for (const auto& r : rows) EXPECT_EQ(r["hashset"], "lab");
  // Only new work: a second match finds nothing to do.
  RunResult again = Tantalio("match --case op");
  EXPECT_NE(again.out.find("1 already up to date, 0 contents checked"), std::string::npos)
      << again.out;

  // Export, re-import and export again give the same file, in each format.
  for (const std::string format : {"vics", "csv", "hashdeep"}) {
    SCOPED_TRACE(format);
    const std::string first = dir_.Sub("lab." + format), second = dir_.Sub("again." + format);
    ASSERT_EQ(Tantalio("hashset export --name lab --format " + format + " --out " + Quote(first))
                  .exit_code,
              0);
    ASSERT_EQ(Tantalio("hashset import " + Quote(first) + " --name lab-" + format).exit_code, 0);
    ASSERT_EQ(Tantalio("hashset export --name lab-" + format + " --format " + format + " --out " +
                       Quote(second))
                  .exit_code,
              0);
    std::string a = ReadAll(first), b = ReadAll(second);
    if (format == "hashdeep") {  // its comment lines name the set
      auto data = [](const std::string& text) {
        std::string out;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) {
          if (!line.starts_with("##")) out += line + "\n";
        }
        return out;
      };
      a = data(a);
      b = data(b);
    }
    EXPECT_EQ(a, b);
  }
  EXPECT_EQ(Tantalio("hashset export --name lab --format csv --out " + Quote(dir_.Sub("lab.csv")))
                .exit_code,
            2);  // never overwrites

  // A malformed file leaves nothing behind and says where and why.
  const std::string bad = dir_.Sub("bad.txt");
  std::ofstream(bad) << std::string(32, 'a') << "\nnot-a-hash\n" << std::string(40, 'b') << "\n";
  RunResult failed = Tantalio("hashset import " + Quote(bad) + " --name broken --format hashlist");
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_NE(failed.err.find("line 2"), std::string::npos) << failed.err;
  EXPECT_EQ(Tantalio("hashset list").out.find("broken"), std::string::npos);
  RunResult skipped =
      Tantalio("hashset import " + Quote(bad) + " --name broken --format hashlist --skip-invalid");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_NE(skipped.out.find("1 invalid skipped"), std::string::npos) << skipped.out;
  EXPECT_NE(skipped.err.find("line 2"), std::string::npos) << skipped.err;
  const std::string unknown = dir_.Sub("unknown.bin");
  std::ofstream(unknown) << "hello world\n";
  RunResult undetected = Tantalio("hashset import " + Quote(unknown) + " --name u");
  EXPECT_EQ(undetected.exit_code, 2);
  EXPECT_NE(undetected.err.find("cannot detect format"), std::string::npos) << undetected.err;
  EXPECT_NE(Tantalio("audit").out.find("hash chain verified"), std::string::npos);
}

TEST_F(CliTest, NewEvidenceOnAScannedDeviceLeavesOldFilesToMatch) {
  CreateCase();
  const std::string a = dir_.Sub("a"), b = dir_.Sub("b");
  fs::create_directories(a);
  fs::create_directories(b);
  std::ofstream(a + "/old.txt") << "seized first";
  std::ofstream(b + "/new.txt") << "seized later";
  ASSERT_EQ(Tantalio("scan --case op --device pc " + Quote(a)).exit_code, 0);
  const std::string known = dir_.Sub("known.hashdeep");
  ASSERT_EQ(
      std::system(
          ("cd " + Quote(a) + " && hashdeep -c md5,sha256 old.txt > " + Quote(known)).c_str()),
      0);
  ASSERT_EQ(Tantalio("hashset import " + Quote(known) + " --name lab").exit_code, 0);
  // A second evidence root on the same device is scanned with the set loaded,
  // but the files of the first root never met it: the device is not done.
  ASSERT_EQ(Tantalio("scan --case op --device pc " + Quote(b)).exit_code, 0);
  EXPECT_EQ(JsonLines(Tantalio("matches --case op --format json").out).size(), 0u);
  RunResult match = Tantalio("match --case op");
  ASSERT_EQ(match.exit_code, 0) << match.err;
  EXPECT_NE(match.out.find("0 already up to date"), std::string::npos) << match.out;
  EXPECT_EQ(JsonLines(Tantalio("matches --case op --format json").out).size(), 2u);  // md5, sha256
}

TEST_F(CliTest, CaseExportWritesVicsWithVerifiedFiles) {
  RunResult demo = Tantalio("demo --dir " + Quote(dir_.Sub("demo")));
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  const std::string out = dir_.Sub("export");
  RunResult exported =
      Tantalio("case export --case demo-operation --format vics --out " + Quote(out));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_FALSE(fs::exists(out + "/Files"));  // content only with --with-files
  auto doc = nlohmann::json::parse(ReadAll(out + "/demo-operation.json"));
  EXPECT_NE(doc["@odata.context"].get<std::string>().find("/US/$metadata#Cases"),
            std::string::npos);
  const auto& media = doc["value"][0]["Media"];
  // 6 images, and the 3 videos and the voice note that carry the known soundtrack.
  EXPECT_EQ(media.size(), 10u);
  size_t files = 0;
  for (const auto& m : media) files += m["MediaFiles"].size();
  EXPECT_EQ(files, 15u);  // 12 in folders and archives, 3 in the USB stick's image

  const std::string with = dir_.Sub("export-files");
  RunResult copied =
      Tantalio("case export --case demo-operation --format vics --with-files --out " + Quote(with));
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  auto doc2 = nlohmann::json::parse(ReadAll(with + "/demo-operation.json"));
  for (const auto& m : doc2["value"][0]["Media"]) {
    std::string relative = m["RelativeFilePath"].get<std::string>();
    std::replace(relative.begin(), relative.end(), '\\', '/');
    EXPECT_EQ(Sha256Of(with + "/" + relative), m["SHA256"].get<std::string>()) << relative;
  }
  // The export reads back as a hash set holding the same media.
  RunResult back =
      Tantalio("hashset import " + Quote(with + "/demo-operation.json") + " --name back");
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_NE(back.out.find("10 entries stored"), std::string::npos) << back.out;
}

}  // namespace
}  // namespace tantalio
