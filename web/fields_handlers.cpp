// GET /api/v1/fields: the register's field catalogue (appliance/core/person_fields.hpp)
// for the UI, so the labels, types, choices and consent flags are defined once,
// in the core. It changes only with the binary: the body is built once, and
// its ETag is a hash of it, so a browser revalidates cheaply after an update.

#include <cstdint>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "web/app.hpp"

namespace parta::web {

namespace {

using json = nlohmann::json;

json labels(std::string_view ru, std::string_view en) { return json{{"ru", ru}, {"en", en}}; }

json fieldJson(const core::FieldSpec& f, bool column) {
  json kinds = json::array();
  for (auto kind : {core::PersonKind::student, core::PersonKind::staff, core::PersonKind::parent})
    if (f.appliesTo(kind)) kinds.push_back(core::toString(kind));
  json choices = json::array();
  for (auto value : core::choicesOf(f)) {
    const core::ChoiceLabel* label = core::findChoiceLabel(value);
    choices.push_back(json{
        {"value", value}, {"label", label != nullptr ? labels(label->labelRu, label->labelEn) : labels(value, value)}});
  }
  json out{{"key", f.key},
           {"label", labels(f.labelRu, f.labelEn)},
           {"category", core::toString(f.category)},
           {"kinds", std::move(kinds)},
           {"needsConsent", f.needsConsent},
           {"type", core::toString(f.type)},
           {"column", column}};
  if (f.type == core::FieldType::text) {
    out["maxLength"] = f.maxLength;
    out["multiLine"] = f.maxLength >= core::kMultiLineFrom;
  }
  if (!choices.empty()) out["choices"] = std::move(choices);
  return out;
}

std::string catalogueBody() {
  json categories = json::array();
  for (auto c : core::fieldCategories())
    categories.push_back(json{{"key", core::toString(c)}, {"sensitive", core::isSensitive(c)}});
  json fields = json::array();
  for (const auto& f : core::cardColumns()) fields.push_back(fieldJson(f, true));
  for (const auto& f : core::personFields()) fields.push_back(fieldJson(f, false));
  return json{{"categories", std::move(categories)}, {"fields", std::move(fields)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

// FNV-1a, 64 bits: stable across runs and builds of the same catalogue.
std::string etagOf(std::string_view body) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

Response App::fieldCatalogue(const Context& c) const {
  static const std::string body = catalogueBody();
  static const std::string etag = etagOf(body);
  Response r;
  if (c.request.header("if-none-match").find(etag) != std::string_view::npos) {
    r.status = 304;
  } else {
    r.body = c.request.method == Method::head ? std::string() : body;
  }
  // Per user (behind the session), and only an update of partad changes it.
  r.headers.emplace_back("Cache-Control", "private, max-age=3600");
  r.headers.emplace_back("ETag", etag);
  return r;
}

}  // namespace parta::web
