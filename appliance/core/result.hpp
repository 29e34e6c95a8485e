#pragma once
// One error vocabulary for the whole node (STYLE.md habit 3). Expected
// failures are values; adapters translate their library's exceptions into
// these codes, and web/ maps codes to HTTP status in one place.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace parta::core {

enum class ErrorCode {
  invalid_argument,
  not_found,
  already_exists,
  permission_denied,
  unauthenticated,
  failed_precondition,
  conflict,
  unavailable,
  internal,
};

std::string_view toString(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

inline Error makeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

// A value or an Error. Accessing the wrong alternative is a programming
// error and asserts (it is never the result of outside input).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{ErrorCode::internal, {}};
  bool ok_ = true;
};

}  // namespace parta::core
