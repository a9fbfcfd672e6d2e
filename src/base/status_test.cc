#include "base/status.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace tantalio {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgumentError("half of " + std::to_string(n) + ": odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  TANTALIO_ASSIGN_OR_RETURN(int half, Half(n));
  return Half(half);
}

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), StatusCode::kOk);
  EXPECT_EQ(ok.message(), "");
  EXPECT_EQ(ok.ToString(), "ok");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = IoError("read x.jpg: short read");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.ToString(), "io_error: read x.jpg: short read");
  EXPECT_EQ(s.WithContext("scan").message(), "scan: read x.jpg: short read");
  EXPECT_TRUE(Status().WithContext("scan").ok());
}

TEST(StatusTest, ErrnoMapsToCodes) {
  EXPECT_EQ(ErrnoError("open a", EACCES).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoError("open a", ENOENT).code(), StatusCode::kNotFound);
  EXPECT_EQ(ErrnoError("write a", ENOSPC).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoError("read a", EIO).code(), StatusCode::kIoError);
  EXPECT_NE(ErrnoError("open a", EACCES).message().find("open a: "), std::string::npos);
}

TEST(ResultTest, ValueOrStatus) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> odd = Quarter(6);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(odd.status().message(), "half of 3: odd");
}

TEST(ResultTest, OkStatusWithoutValueBecomesInternalError) {
  Result<int> r{Status::Ok()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ResultDeathTest, ValueOnErrorAborts) {
  Result<int> r = Half(3);
  EXPECT_DEATH((void)r.value(), "value\\(\\) on a failed Result");
}

}  // namespace
}  // namespace tantalio
