// Status and Result<T>: how expected failures cross module boundaries.
//
// A Status is OK (cheap: no allocation) or carries a code and a message that
// names the operation and the object, e.g.
//   "read E01 segment 3 at offset 0x1f000: short read".
// Result<T> holds either a value or a non-OK Status; an OK Result always has a
// value. Check ok() before value(): value() on an error aborts.
#ifndef TANTALIO_BASE_STATUS_H_
#define TANTALIO_BASE_STATUS_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tantalio {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input from the user or a file: exit code 2
  kNotFound,
  kAlreadyExists,
  kIoError,
  kCorrupt,  // malformed data (truncated archive, bad snapshot)
  kPermissionDenied,
  kUnsupported,
  kResourceExhausted,  // limits hit: archive bomb, nesting depth
  kCancelled,
  kInternal,
};

// Returns a stable lower-case name for `code`, e.g. "io_error".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return ok() ? StatusCode::kOk : state_->code; }
  // The message without the code; empty for OK.
  const std::string& message() const;
  // "io_error: open x.jpg: Permission denied", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "context: message". OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;  // null means OK
};

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status IoError(std::string message);
Status CorruptError(std::string message);
Status PermissionDeniedError(std::string message);
Status UnsupportedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status CancelledError(std::string message);
Status InternalError(std::string message);
// An I/O-flavoured error built from errno: "<what>: <strerror(err)>", with the
// code mapped (EACCES -> kPermissionDenied, ENOENT -> kNotFound, ...).
Status ErrnoError(std::string_view what, int err);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = InternalError("Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    Check();
    return *value_;
  }
  const T& value() const& {
    Check();
    return *value_;
  }
  T&& value() && {
    Check();
    return std::move(*value_);
  }
  T* operator->() {
    Check();
    return &*value_;
  }
  const T* operator->() const {
    Check();
    return &*value_;
  }
  T& operator*() & {
    Check();
    return *value_;
  }
  const T& operator*() const& {
    Check();
    return *value_;
  }

 private:
  void Check() const;
  std::optional<T> value_;
  Status status_;
};

[[noreturn]] void DieOnBadResultAccess(const Status& status);

template <typename T>
void Result<T>::Check() const {
  if (!value_.has_value()) DieOnBadResultAccess(status_);
}

}  // namespace tantalio

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define TANTALIO_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::tantalio::Status tantalio_status_ = (expr);        \
    if (!tantalio_status_.ok()) return tantalio_status_; \
  } while (0)

#define TANTALIO_CONCAT_INNER_(a, b) a##b
#define TANTALIO_CONCAT_(a, b) TANTALIO_CONCAT_INNER_(a, b)
// `TANTALIO_ASSIGN_OR_RETURN(auto x, Foo());` declares x from an OK Result, or
// returns its Status.
#define TANTALIO_ASSIGN_OR_RETURN(lhs, expr) \
  TANTALIO_ASSIGN_OR_RETURN_IMPL_(TANTALIO_CONCAT_(tantalio_result_, __LINE__), lhs, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` is a declaration.
#define TANTALIO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // TANTALIO_BASE_STATUS_H_
