#include "federation/core/documents.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>

namespace parta::federation {

namespace {

constexpr std::string_view kDocumentMagic = "PRTD";
constexpr std::string_view kPolicyMagic = "parta-policy 1";
constexpr std::array<std::string_view, 7> kWeekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

core::Error error(core::ErrorCode code, std::string message) { return core::makeError(code, std::move(message)); }

std::string describe(const SignedDocument& d) {
  return std::string(toString(d.kind)) + " version " + std::to_string(d.version);
}

}  // namespace

std::string_view toString(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::catalogue:
      return "catalogue";
    case DocumentKind::policy:
      return "policy";
  }
  return "unknown";
}

Bytes documentSigningBytes(const SignedDocument& document) {
  ByteWriter w;
  w.raw(kDocumentMagic);
  w.u16(kDocumentFormat);
  w.u8(static_cast<std::uint8_t>(document.kind));
  w.u32(document.version);
  w.seconds(document.issuedAt);
  w.seconds(document.expiresAt);
  w.raw(document.signerKey);
  w.blob(document.body);
  return std::move(w).take();
}

Bytes encodeDocument(const SignedDocument& document) {
  ByteWriter w;
  w.raw(documentSigningBytes(document));
  w.raw(document.signature.value_or(Signature{}));
  return std::move(w).take();
}

core::Result<SignedDocument> decodeDocument(std::string_view bytes) {
  if (bytes.size() > kMaxDocumentBytes)
    return error(core::ErrorCode::failed_precondition, "signed document: " + std::to_string(bytes.size()) +
                                                           " bytes, over the limit of " +
                                                           std::to_string(kMaxDocumentBytes));
  ByteReader r(bytes, "signed document");
  if (r.raw("magic", kDocumentMagic.size()) != kDocumentMagic) {
    r.fail("magic", "not a signed document");
    return r.error();
  }
  const auto format = r.u16("documentFormat");
  if (r.ok() && format != kDocumentFormat) r.fail("documentFormat", "unknown format " + std::to_string(format));
  SignedDocument d;
  const auto kind = r.u8("kind");
  if (r.ok() && kind != static_cast<std::uint8_t>(DocumentKind::catalogue) &&
      kind != static_cast<std::uint8_t>(DocumentKind::policy))
    r.fail("kind", "unknown kind " + std::to_string(kind));
  d.kind = static_cast<DocumentKind>(kind);
  d.version = r.u32("version");
  d.issuedAt = r.seconds("issuedAt");
  d.expiresAt = r.seconds("expiresAt");
  d.signerKey = r.fixed<kPublicKeySize>("signerKey");
  d.body = std::string(r.blob("body", kMaxDocumentBytes));
  const auto signature = r.fixed<kSignatureSize>("signature");
  r.expectEnd();
  if (!r.ok()) return r.error();
  if (signature != Signature{}) d.signature = signature;
  return d;
}

SignedDocument signDocument(DocumentKind kind, std::uint32_t version, core::TimePoint issuedAt,
                            core::TimePoint expiresAt, Bytes body, const Signer& signer) {
  SignedDocument d{kind, version, issuedAt, expiresAt, std::move(body), signer.publicKey(), std::nullopt};
  d.signature = signer.sign(documentSigningBytes(d));
  return d;
}

core::Result<Acceptance> acceptDocument(const SignedDocument& candidate, const std::optional<SignedDocument>& current,
                                        std::span<const PublicKey> trustedKeys, core::TimePoint now,
                                        const SignatureVerifier& verifier) {
  const auto what = describe(candidate);
  if (!candidate.signature) return error(core::ErrorCode::unauthenticated, what + ": unsigned");
  if (std::find(trustedKeys.begin(), trustedKeys.end(), candidate.signerKey) == trustedKeys.end())
    return error(core::ErrorCode::permission_denied,
                 what + ": signed by key " + toHex(candidate.signerKey) + ", which this node does not trust");
  if (!verifier.verify(candidate.signerKey, documentSigningBytes(candidate), *candidate.signature))
    return error(core::ErrorCode::unauthenticated, what + ": the signature does not verify");
  if (current && current->kind != candidate.kind)
    return error(core::ErrorCode::invalid_argument, what + ": compared with a " + std::string(toString(current->kind)));
  if (candidate.expiresAt <= candidate.issuedAt)
    return error(core::ErrorCode::failed_precondition, what + ": expires before it is issued");
  if (now >= candidate.expiresAt) return error(core::ErrorCode::failed_precondition, what + ": expired");
  if (current) {
    if (candidate.version < current->version)
      return error(core::ErrorCode::failed_precondition,
                   what + ": older than the version " + std::to_string(current->version) + " this node has");
    if (candidate.version == current->version) {
      // The same version must be the same document: a second, different
      // publication under one version number is refused, not merged.
      if (candidate.body == current->body && candidate.issuedAt == current->issuedAt &&
          candidate.expiresAt == current->expiresAt)
        return Acceptance::unchanged;
      return error(core::ErrorCode::conflict, what + ": differs from the same version this node has");
    }
  }
  return Acceptance::accepted;
}

// --- Policy ------------------------------------------------------------------

namespace {

std::string joinTables(std::string_view key, std::vector<std::string> tables) {
  std::sort(tables.begin(), tables.end());
  tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
  std::string out(key);
  for (const auto& t : tables) out += " " + t;
  return out;
}

std::string twoDigits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

core::Error policyError(std::size_t line, std::string_view field, std::string_view why) {
  return core::makeError(core::ErrorCode::invalid_argument,
                         "policy line " + std::to_string(line) + ": " + std::string(field) + ": " + std::string(why));
}

bool parseInt(std::string_view text, long long maxValue, long long& out) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text[0] == '0')) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out >= 0 && out <= maxValue;
}

bool validTableId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

}  // namespace

std::string encodePolicy(const Policy& policy) {
  std::string out(kPolicyMagic);
  out += "\nversion " + std::to_string(policy.version);
  out += "\nk " + std::to_string(policy.k);
  out += "\nrounding " + std::to_string(policy.roundingBase);
  out += "\n" + joinTables("municipal", policy.municipalTables);
  out += "\n" + joinTables("regional", policy.regionalTables);
  const auto& s = policy.schedule;
  out += "\nschedule ";
  if (s.frequency == Schedule::Frequency::weekly)
    out += "weekly " + std::string(kWeekdays[static_cast<std::size_t>(std::clamp(s.weekday, 1, 7) - 1)]) + " ";
  else
    out += "daily ";
  out += twoDigits(s.hour) + ":" + twoDigits(s.minute) + "\n";
  return out;
}

core::Result<Policy> decodePolicy(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return policyError(lines.size() + 1, "line", "does not end with a newline");
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  static constexpr std::array<std::string_view, 6> kKeys = {"version",   "k",        "rounding",
                                                            "municipal", "regional", "schedule"};
  if (lines.empty() || lines[0] != kPolicyMagic) return policyError(1, "magic", "not a policy (parta-policy 1)");
  if (lines.size() != kKeys.size() + 1)
    return policyError(std::min(lines.size(), kKeys.size() + 1) + (lines.size() > kKeys.size() + 1 ? 1 : 0), "lines",
                       "expected " + std::to_string(kKeys.size() + 1) + " lines, got " + std::to_string(lines.size()));
  Policy p;
  for (std::size_t i = 0; i < kKeys.size(); ++i) {
    const std::size_t lineNo = i + 2;
    const auto line = lines[i + 1];
    const auto key = kKeys[i];
    if (!line.starts_with(key) || (line.size() > key.size() && line[key.size()] != ' '))
      return policyError(lineNo, key, "expected here");
    std::string_view rest = line.substr(key.size());
    if (!rest.empty()) rest.remove_prefix(1);
    long long n = 0;
    if (key == "version") {
      if (!parseInt(rest, 0xffffffffLL, n) || n == 0) return policyError(lineNo, key, "not a positive number");
      p.version = static_cast<std::uint32_t>(n);
    } else if (key == "k") {
      if (!parseInt(rest, 1000, n) || n < 2) return policyError(lineNo, key, "not a number from 2 to 1000");
      p.k = static_cast<int>(n);
    } else if (key == "rounding") {
      if (!parseInt(rest, 1000, n) || n == 1) return policyError(lineNo, key, "not 0 (none) or a base from 2 to 1000");
      p.roundingBase = static_cast<int>(n);
    } else if (key == "municipal" || key == "regional") {
      auto& tables = key == "municipal" ? p.municipalTables : p.regionalTables;
      if (line.size() == key.size()) continue;  // no tables for this level
      while (true) {
        const auto space = rest.find(' ');
        const auto id = rest.substr(0, space);
        if (!validTableId(id)) return policyError(lineNo, key, "table id \"" + std::string(id) + "\" is not valid");
        if (!tables.empty() && tables.back() >= id)
          return policyError(lineNo, key, "table ids not sorted or repeated at \"" + std::string(id) + "\"");
        tables.emplace_back(id);
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
      }
    } else {  // schedule
      auto& s = p.schedule;
      std::string_view time;
      if (rest.starts_with("daily ")) {
        s.frequency = Schedule::Frequency::daily;
        time = rest.substr(6);
      } else if (rest.starts_with("weekly ") && rest.size() > 11 && rest[10] == ' ') {
        s.frequency = Schedule::Frequency::weekly;
        const auto day = rest.substr(7, 3);
        const auto it = std::find(kWeekdays.begin(), kWeekdays.end(), day);
        if (it == kWeekdays.end())
          return policyError(lineNo, "schedule", "unknown weekday \"" + std::string(day) + "\"");
        s.weekday = static_cast<int>(it - kWeekdays.begin()) + 1;
        time = rest.substr(11);
      } else {
        return policyError(lineNo, "schedule", "expected \"daily HH:MM\" or \"weekly ddd HH:MM\"");
      }
      long long hh = 0;
      long long mm = 0;
      auto digit = [&](std::size_t i) { return time[i] >= '0' && time[i] <= '9'; };
      const bool digits = time.size() == 5 && time[2] == ':' && digit(0) && digit(1) && digit(3) && digit(4);
      if (!digits || std::from_chars(time.data(), time.data() + 2, hh).ec != std::errc() ||
          std::from_chars(time.data() + 3, time.data() + 5, mm).ec != std::errc() || hh > 23 || mm > 59)
        return policyError(lineNo, "schedule", "time \"" + std::string(time) + "\" is not HH:MM");
      s.hour = static_cast<int>(hh);
      s.minute = static_cast<int>(mm);
    }
  }
  return p;
}

}  // namespace parta::federation
