#pragma once
// A small keep-alive HTTP(S) client for node-to-node calls (POCO Net and
// NetSSL). One instance per thread: the relay keeps its connection to the
// parent open between bundles.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "appliance/core/result.hpp"

namespace Poco::Net {
class HTTPClientSession;
}

namespace parta::federation {

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string retryAfter;  // the header, if any
};

class NodeHttpClient {
 public:
  explicit NodeHttpClient(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  ~NodeHttpClient();
  // unavailable when the parent cannot be reached or the connection broke
  // mid-request (the session is dropped and reopened on the next call).
  // Sent as User-Agent, e.g. "partad/0.1.0": the parent shows children's
  // versions on its fleet dashboard.
  void setUserAgent(std::string userAgent) { userAgent_ = std::move(userAgent); }
  core::Result<HttpAnswer> post(const std::string& baseUrl, const std::string& path, std::string_view contentType,
                                std::string_view body);

 private:
  std::chrono::milliseconds timeout_;
  std::string sessionUrl_;
  std::string userAgent_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

}  // namespace parta::federation
