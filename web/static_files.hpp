#pragma once
// The built browser app, read into memory once at start. Lookups are map
// hits, so no request path ever reaches the file system (no traversal).

#include <map>
#include <string>

#include "appliance/core/result.hpp"

namespace parta::web {

struct StaticFile {
  std::string contentType;
  std::string cacheControl;
  std::string body;
};

class StaticFiles {
 public:
  // Loads every regular file under `dir`; index.html is required.
  static core::Result<StaticFiles> load(const std::string& dir);
  // "/assets/app.1a2b.js" → the file; nullptr when absent.
  const StaticFile* find(const std::string& path) const;
  const StaticFile& index() const { return files_.at("/index.html"); }
  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticFile> files_;
};

}  // namespace parta::web
