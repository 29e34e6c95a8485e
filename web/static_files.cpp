#include "web/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace parta::web {

namespace {
std::string contentTypeFor(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}
}  // namespace

core::Result<StaticFiles> StaticFiles::load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return core::makeError(core::ErrorCode::failed_precondition, "http.assets_dir: " + dir + " is not a directory");
  StaticFiles out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    const auto rel = "/" + fs::relative(it->path(), dir).generic_string();
    // Content-hashed assets never change; index.html must always be fresh.
    const bool immutable = rel.rfind("/assets/", 0) == 0;
    out.files_[rel] = StaticFile{contentTypeFor(it->path()),
                                 immutable ? "public, max-age=31536000, immutable" : "no-cache", body.str()};
  }
  if (ec) return core::makeError(core::ErrorCode::failed_precondition, "http.assets_dir: " + ec.message());
  if (out.files_.count("/index.html") == 0)
    return core::makeError(core::ErrorCode::failed_precondition, "http.assets_dir: " + dir + " has no index.html");
  return out;
}

const StaticFile* StaticFiles::find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace parta::web
