#include "federation/transport/http_client.hpp"

#include <sstream>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

namespace parta::federation {

NodeHttpClient::NodeHttpClient(std::chrono::milliseconds timeout) : timeout_(timeout) {}
NodeHttpClient::~NodeHttpClient() = default;

core::Result<HttpAnswer> NodeHttpClient::post(const std::string& baseUrl, const std::string& path,
                                              std::string_view contentType, std::string_view body) {
  try {
    if (!session_ || sessionUrl_ != baseUrl) {
      Poco::URI uri(baseUrl);
      if (uri.getScheme() == "https") {
        // The system's CAs verify the parent's certificate; the envelopes
        // are signed anyway, TLS keeps codes and metadata private.
        static const Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
        session_ = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
      } else {
        session_ = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
      }
      session_->setKeepAlive(true);
      session_->setTimeout(Poco::Timespan(static_cast<long>(timeout_.count() / 1000), 0));
      sessionUrl_ = baseUrl;
    }
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType(std::string(contentType));
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.setKeepAlive(true);
    if (!userAgent_.empty()) request.set("User-Agent", userAgent_);
    auto& out = session_->sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    auto& in = session_->receiveResponse(response);
    HttpAnswer answer;
    answer.status = static_cast<int>(response.getStatus());
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    answer.body = text.str();
    answer.retryAfter = response.get("Retry-After", "");
    if (!response.getKeepAlive()) session_.reset();
    return answer;
  } catch (const Poco::Exception& e) {
    session_.reset();
    return core::makeError(core::ErrorCode::unavailable, "cannot reach " + baseUrl + ": " + e.displayText());
  } catch (const std::exception& e) {
    session_.reset();
    return core::makeError(core::ErrorCode::unavailable, "cannot reach " + baseUrl + ": " + e.what());
  }
}

}  // namespace parta::federation
