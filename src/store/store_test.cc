// The Store conformance suite: every backend must pass it. Today that is
// SQLite; the PostgreSQL backend will be added to the parameter list.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "base/temp_dir.h"

namespace tantalio {
namespace {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    uri_ = GetParam() + dir_.Sub("case.db");
    auto store = Store::Open(uri_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto c = store_->CreateCase(CaseInfo{0, "op-tantalio", "Policia Nacional", "ES", ""});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    case_ = *c;
    auto d = store_->GetOrCreateDevice(case_.id, "phone1");
    ASSERT_TRUE(d.ok());
    device_ = *d;
  }

  IngestBatch Batch(const std::string& path, const std::string& sha) {
    IngestBatch b;
    b.device_id = device_.id;
    b.contents.push_back(
        ContentRecord{sha, "md5-" + sha, "sha1-" + sha, 10, "image/jpeg", "md5+sha1+sha256", 1});
    FileRecord f;
    f.forensic_path = path;
    f.unit_path = path;
    f.kind = "file";
    f.status = kStatusOk;
    f.size = 10;
    f.mime = "image/jpeg";
    f.sha256 = sha;
    b.files.push_back(f);
    b.completed_units.push_back(path);
    return b;
  }

  uint64_t FileCount() {
    uint64_t n = 0;
    EXPECT_TRUE(
        store_->ForEachFile(case_.id, std::nullopt, [&](const FileRow&) { return ++n, true; })
            .ok());
    return n;
  }

  TempDir dir_;
  std::string uri_;
  std::unique_ptr<Store> store_;
  CaseInfo case_;
  DeviceInfo device_;
};

TEST_P(StoreTest, CasesAreUniqueAndListed) {
  auto again = store_->CreateCase(CaseInfo{0, "op-tantalio", "", "", ""});
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->CreateCase(CaseInfo{0, "another", "", "", ""}).ok());
  auto cases = store_->ListCases();
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(cases->size(), 2u);
  EXPECT_EQ((*cases)[1].name, "op-tantalio");
  EXPECT_EQ((*cases)[1].country, "ES");
  EXPECT_EQ(store_->FindCase("missing").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, DevicesAreCreatedOnce) {
  auto again = store_->GetOrCreateDevice(case_.id, "phone1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, device_.id);
  ASSERT_TRUE(store_->GetOrCreateDevice(case_.id, "laptop").ok());
  EXPECT_EQ(store_->ListDevices(case_.id)->size(), 2u);
  EXPECT_EQ(store_->FindDevice(case_.id, "tablet").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, ApplyIsAtomicAndIdempotent) {
  auto first = store_->Apply(Batch("phone1/a.jpg", std::string(64, 'a')));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->new_contents, 1u);
  EXPECT_EQ(first->new_files, 1u);
  auto again = store_->Apply(Batch("phone1/a.jpg", std::string(64, 'a')));  // a resumed scan
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->new_contents, 0u);
  EXPECT_EQ(again->new_files, 0u);
  EXPECT_EQ(FileCount(), 1u);
  auto units = store_->CompletedUnits(device_.id);
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->count("phone1/a.jpg"), 1u);

  // A batch that fails part-way leaves nothing behind.
  IngestBatch bad = Batch("phone1/b.jpg", std::string(64, 'b'));
  bad.files.push_back(bad.files[0]);
  bad.files.back().forensic_path = "phone1/c.jpg";
  bad.files.back().sha256 = std::string(64, 'z');  // no such content: foreign key fails
  EXPECT_FALSE(store_->Apply(bad).ok());
  EXPECT_EQ(FileCount(), 1u);
  EXPECT_EQ(store_->CompletedUnits(device_.id)->count("phone1/b.jpg"), 0u);
}

TEST_P(StoreTest, SharedContentIsStoredOnceAndCounted) {
  const std::string sha(64, 'c');
  ASSERT_TRUE(store_->Apply(Batch("phone1/x.jpg", sha)).ok());
  auto laptop = store_->GetOrCreateDevice(case_.id, "laptop");
  ASSERT_TRUE(laptop.ok());
  IngestBatch b = Batch("laptop/y.jpg", sha);
  b.device_id = laptop->id;
  ASSERT_TRUE(store_->Apply(b).ok());
  auto summary = store_->SummarizeCase(case_.id, std::nullopt);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->files, 2u);
  EXPECT_EQ(summary->distinct_contents, 1u);
  EXPECT_EQ(summary->duplicate_files, 2u);
  EXPECT_EQ(summary->contents_on_several_devices, 1u);
  auto shared = store_->ContentsOnSeveralDevices(case_.id, 10);
  ASSERT_TRUE(shared.ok());
  ASSERT_EQ(shared->size(), 1u);
  EXPECT_EQ((*shared)[0].devices, (std::vector<std::string>{"laptop", "phone1"}));
  auto phone_only = store_->SummarizeCase(case_.id, device_.id);
  EXPECT_EQ(phone_only->files, 1u);
}

TEST_P(StoreTest, PathsKeepTheirExactBytes) {
  const std::string odd = std::string("phone1/\xff\xfe\nname", 14);
  ASSERT_TRUE(store_->Apply(Batch(odd, std::string(64, 'd'))).ok());
  std::string seen;
  ASSERT_TRUE(store_
                  ->ForEachFile(case_.id, device_.id,
                                [&](const FileRow& r) {
                                  seen = r.file.forensic_path;
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(seen, odd);
}

TEST_P(StoreTest, ErrorsAreRecordedOncePerPathAndStage) {
  IngestBatch b;
  b.device_id = device_.id;
  b.errors.push_back(
      ErrorRecord{"phone1/locked.jpg", "open", "permission_denied", "open: Permission denied"});
  ASSERT_TRUE(store_->Apply(b).ok());
  ASSERT_TRUE(store_->Apply(b).ok());
  std::vector<StoredError> errors;
  ASSERT_TRUE(store_
                  ->ForEachError(case_.id, std::nullopt,
                                 [&](const StoredError& e) {
                                   errors.push_back(e);
                                   return true;
                                 })
                  .ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].device, "phone1");
  EXPECT_EQ(errors[0].error.stage, "open");
}

TEST_P(StoreTest, AuditChainDetectsTampering) {
  ASSERT_TRUE(store_->AppendAudit(AuditEvent{"tester", "case.create", "{}"}).ok());
  ASSERT_TRUE(
      store_->AppendAudit(AuditEvent{"tester", "scan.start", "{\"device\":\"phone1\"}"}).ok());
  auto count = store_->VerifyAuditChain();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2u);
  store_.reset();
  // Tamper behind the store's back (the triggers stop plain UPDATEs).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.Sub("case.db").c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET actor='mallory' WHERE id=1", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor='mallory' WHERE id=1",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto reopened = Store::Open(uri_);
  ASSERT_TRUE(reopened.ok());
  auto verdict = (*reopened)->VerifyAuditChain();
  EXPECT_EQ(verdict.status().code(), StatusCode::kCorrupt);
}

TEST_P(StoreTest, RefusesASchemaFromTheFuture) {
  EXPECT_EQ(*store_->SchemaVersion(), 6);
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.Sub("case.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES(99, 'future', 'now')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto reopened = Store::Open(uri_);
  EXPECT_EQ(reopened.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(reopened.status().message().find("newer"), std::string::npos);
}

TEST_P(StoreTest, DiskImagesAndFileSystemDetailsRoundTrip) {
  IngestBatch b = Batch("laptop/disk.E01/p1/FAT16/DCIM/a.jpg", "aa");
  FileRecord& f = b.files.back();
  f.unit_path = "laptop/disk.E01";
  f.crtime = 1489312800;
  f.inode = 1234;
  f.allocation = kAllocationDeleted;
  FileRecord carved =
      Batch("laptop/disk.E01/p1/FAT16/$Unallocated/carved-at-1048576.jpg", "aa").files.back();
  carved.allocation = kAllocationCarved;
  b.files.push_back(carved);
  DiskImageRecord image;
  image.forensic_path = "laptop/disk.E01";
  image.format = "ewf";
  image.media_size = 8 << 20;
  image.segments = "disk.E01\ndisk.E02";
  image.examiner = "Examiner (fictional)";
  image.stored_md5 = "00112233445566778899aabbccddeeff";
  image.computed_md5 = "ffeeddccbbaa99887766554433221100";
  image.integrity = kIntegrityMismatch;
  image.volumes = "p1 FAT16";
  image.files = 2;
  image.deleted = 1;
  image.carved = 1;
  b.disk_images.push_back(image);
  ASSERT_TRUE(store_->Apply(b).ok());

  std::vector<FileRecord> files;
  ASSERT_TRUE(store_
                  ->ForEachFile(case_.id, std::nullopt,
                                [&](const FileRow& row) { return files.push_back(row.file), true; })
                  .ok());
  ASSERT_EQ(files.size(), 2u);  // by path: "$Unallocated/..." sorts before "DCIM/..."
  EXPECT_EQ(files[1].allocation, kAllocationDeleted);
  EXPECT_EQ(files[1].inode, 1234u);
  EXPECT_EQ(files[1].crtime, 1489312800);
  EXPECT_EQ(files[0].allocation, kAllocationCarved);
  EXPECT_FALSE(files[0].inode.has_value());

  auto images = store_->ListDiskImages(case_.id, device_.id);
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].device, "phone1");
  EXPECT_EQ((*images)[0].image.examiner, "Examiner (fictional)");
  EXPECT_EQ((*images)[0].image.integrity, kIntegrityMismatch);
  EXPECT_EQ((*images)[0].image.segments, image.segments);
  EXPECT_EQ((*images)[0].image.carved, 1u);

  // A re-scan replaces the image's row with the latest reading.
  IngestBatch again;
  again.device_id = device_.id;
  image.integrity = kIntegrityVerified;
  again.disk_images.push_back(image);
  ASSERT_TRUE(store_->Apply(again).ok());
  images = store_->ListDiskImages(case_.id, std::nullopt);
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].image.integrity, kIntegrityVerified);

  auto summary = store_->SummarizeCase(case_.id, std::nullopt);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->disk_images, 1u);
  EXPECT_EQ(summary->deleted_files, 1u);
  EXPECT_EQ(summary->carved_files, 1u);
  EXPECT_EQ(summary->integrity_failures, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite:"));

TEST(StoreOpenTest, PostgresIsNotBuiltYet) {
  EXPECT_EQ(Store::Open("postgresql://localhost/x").status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace tantalio
