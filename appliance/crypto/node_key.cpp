#include "appliance/crypto/node_key.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace parta::crypto {

namespace {

constexpr std::string_view kKeyFileMagic = "PNK1";
constexpr std::size_t kKeyFileSize = 4 + 4 + crypto_sign_SECRETKEYBYTES;
static_assert(crypto_sign_PUBLICKEYBYTES == federation::kPublicKeySize);
static_assert(crypto_sign_BYTES == federation::kSignatureSize);
static_assert(crypto_sign_SECRETKEYBYTES == 64);

std::string sysError(std::string_view what, const std::filesystem::path& file) {
  return std::string(what) + " " + file.string() + ": " + std::strerror(errno);
}

// Closes a file descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Wipes a stack buffer that held secret bytes on every path out.
template <std::size_t N>
struct WipedBuffer {
  std::array<unsigned char, N> bytes{};
  ~WipedBuffer() { sodium_memzero(bytes.data(), bytes.size()); }
};

bool writeAll(int fd, const unsigned char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::unique_ptr<NodeKey> NodeKey::generate(std::uint32_t epoch) {
  std::unique_ptr<NodeKey> key(new NodeKey());
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_keypair(pk.data(), key->secret_.data());
  key->epoch_ = epoch;
  return key;
}

core::Result<std::unique_ptr<NodeKey>> NodeKey::load(const std::filesystem::path& file) {
  Fd fd{::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (fd.fd < 0) {
    if (errno == ENOENT)
      return core::makeError(core::ErrorCode::not_found, "node key file " + file.string() + " does not exist");
    return core::makeError(core::ErrorCode::permission_denied, sysError("cannot open node key file", file));
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0)
    return core::makeError(core::ErrorCode::internal, sysError("cannot stat node key file", file));
  if (!S_ISREG(st.st_mode))
    return core::makeError(core::ErrorCode::invalid_argument,
                           "node key file " + file.string() + " is not a regular file");
  // Anyone who could read it could sign as this node; anyone who could
  // write it could make this node sign with their key.
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return core::makeError(core::ErrorCode::permission_denied,
                           "node key file " + file.string() + " has mode " + mode +
                               ": group or others may access it; refusing to use it (chmod 600 it, or, if others "
                               "could read it, treat the key as leaked and rotate)");
  }
  WipedBuffer<kKeyFileSize + 1> buf;
  std::size_t got = 0;
  while (got < buf.bytes.size()) {
    const auto n = ::read(fd.fd, buf.bytes.data() + got, buf.bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return core::makeError(core::ErrorCode::internal, sysError("cannot read node key file", file));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got != kKeyFileSize || std::memcmp(buf.bytes.data(), kKeyFileMagic.data(), kKeyFileMagic.size()) != 0)
    return core::makeError(core::ErrorCode::invalid_argument, "node key file " + file.string() + " is not a node key");
  std::unique_ptr<NodeKey> key(new NodeKey());
  key->epoch_ = (std::uint32_t{buf.bytes[4]} << 24) | (std::uint32_t{buf.bytes[5]} << 16) |
                (std::uint32_t{buf.bytes[6]} << 8) | std::uint32_t{buf.bytes[7]};
  if (key->epoch_ == 0)
    return core::makeError(core::ErrorCode::invalid_argument, "node key file " + file.string() + " has epoch 0");
  std::memcpy(key->secret_.data(), buf.bytes.data() + 8, key->secret_.size());
  // The public half stored in the secret key must be the seed's: a file
  // damaged in its second half would otherwise sign with a key nobody knows.
  WipedBuffer<crypto_sign_SECRETKEYBYTES> check;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_seed_keypair(pk.data(), check.bytes.data(), key->secret_.data());
  if (sodium_memcmp(check.bytes.data(), key->secret_.data(), check.bytes.size()) != 0)
    return core::makeError(core::ErrorCode::invalid_argument, "node key file " + file.string() + " is damaged");
  return key;
}

core::Result<std::unique_ptr<NodeKey>> NodeKey::loadOrCreate(const std::filesystem::path& file) {
  auto loaded = load(file);
  if (loaded || loaded.error().code != core::ErrorCode::not_found) return loaded;
  auto key = generate(1);
  if (auto saved = key->save(file); !saved) return saved.error();
  return key;
}

NodeKey::~NodeKey() { sodium_memzero(secret_.data(), secret_.size()); }

core::Result<void> NodeKey::save(const std::filesystem::path& file) const {
  auto tmp = file;
  tmp += ".new";
  // A temporary left by a crash is removed (unlink removes a planted link,
  // not its target); O_EXCL | O_NOFOLLOW then guarantees the secret goes
  // into a file this call created, never through someone else's.
  ::unlink(tmp.c_str());
  Fd fd{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (fd.fd < 0)
    return core::makeError(core::ErrorCode::permission_denied, sysError("cannot create node key file", tmp));
  // The umask cannot widen 0600, but make the mode explicit anyway.
  if (::fchmod(fd.fd, 0600) != 0)
    return core::makeError(core::ErrorCode::internal, sysError("cannot chmod node key file", tmp));
  WipedBuffer<kKeyFileSize> buf;
  std::memcpy(buf.bytes.data(), kKeyFileMagic.data(), kKeyFileMagic.size());
  buf.bytes[4] = static_cast<unsigned char>(epoch_ >> 24);
  buf.bytes[5] = static_cast<unsigned char>(epoch_ >> 16);
  buf.bytes[6] = static_cast<unsigned char>(epoch_ >> 8);
  buf.bytes[7] = static_cast<unsigned char>(epoch_);
  std::memcpy(buf.bytes.data() + 8, secret_.data(), secret_.size());
  if (!writeAll(fd.fd, buf.bytes.data(), buf.bytes.size()) || ::fsync(fd.fd) != 0) {
    const auto message = sysError("cannot write node key file", tmp);
    ::unlink(tmp.c_str());
    return core::makeError(core::ErrorCode::internal, message);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    const auto message = sysError("cannot move node key file into place at", file);
    ::unlink(tmp.c_str());
    return core::makeError(core::ErrorCode::internal, message);
  }
  // Make the rename itself durable.
  Fd dir{::open(file.parent_path().empty() ? "." : file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd >= 0) ::fsync(dir.fd);
  return {};
}

federation::Signature NodeKey::sign(std::string_view message) const {
  federation::Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return sig;
}

federation::PublicKey NodeKey::publicKey() const {
  federation::PublicKey pk{};
  crypto_sign_ed25519_sk_to_pk(pk.data(), secret_.data());
  return pk;
}

core::Result<federation::Bytes> NodeKey::openSealed(std::string_view sealed) const {
  if (sealed.size() < crypto_box_SEALBYTES)
    return core::makeError(core::ErrorCode::invalid_argument, "sealed box: shorter than its overhead");
  WipedBuffer<crypto_box_SECRETKEYBYTES> curveSecret;
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> curvePublic{};
  const auto pk = publicKey();
  if (crypto_sign_ed25519_sk_to_curve25519(curveSecret.bytes.data(), secret_.data()) != 0 ||
      crypto_sign_ed25519_pk_to_curve25519(curvePublic.data(), pk.data()) != 0)
    return core::makeError(core::ErrorCode::internal, "sealed box: cannot convert the node key");
  federation::Bytes plain(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()),
                           reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(), curvePublic.data(),
                           curveSecret.bytes.data()) != 0)
    return core::makeError(core::ErrorCode::invalid_argument, "sealed box: not sealed to this node's key, or altered");
  return plain;
}

bool SodiumVerifier::verify(const federation::PublicKey& key, std::string_view message,
                            const federation::Signature& signature) const {
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

federation::Digest SodiumContentHasher::hash(std::string_view bytes) const {
  federation::Digest d{};
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr,
                     0);
  return d;
}

core::Result<std::unique_ptr<NodeKeyFile>> NodeKeyFile::open(const std::filesystem::path& file) {
  auto current = NodeKey::loadOrCreate(file);
  if (!current) return current.error();
  std::unique_ptr<NodeKeyFile> key(new NodeKeyFile(file));
  key->current_ = std::move(*current);
  auto next = NodeKey::load(key->nextFile());
  if (!next) {
    if (next.error().code == core::ErrorCode::not_found) return key;
    return next.error();
  }
  const auto epoch = key->current_->keyEpoch();
  if ((*next)->keyEpoch() == epoch && (*next)->publicKey() == key->current_->publicKey()) {
    std::error_code ignored;
    std::filesystem::remove(key->nextFile(), ignored);
  } else if ((*next)->keyEpoch() == epoch + 1) {
    key->next_ = std::move(*next);
  } else {
    return core::makeError(core::ErrorCode::invalid_argument,
                           "node key file " + key->nextFile().string() + " holds epoch " +
                               std::to_string((*next)->keyEpoch()) + ", not the next after " + std::to_string(epoch));
  }
  return key;
}

std::filesystem::path NodeKeyFile::nextFile() const {
  auto next = file_;
  next += ".next";
  return next;
}

federation::Signature NodeKeyFile::sign(std::string_view message) const {
  std::shared_lock lock(mutex_);
  return current_->sign(message);
}

federation::PublicKey NodeKeyFile::publicKey() const {
  std::shared_lock lock(mutex_);
  return current_->publicKey();
}

std::uint32_t NodeKeyFile::keyEpoch() const {
  std::shared_lock lock(mutex_);
  return current_->keyEpoch();
}

core::Result<const federation::Signer*> NodeKeyFile::prepareNext() {
  std::unique_lock lock(mutex_);
  if (!next_) {
    auto next = NodeKey::generate(current_->keyEpoch() + 1);
    if (auto saved = next->save(nextFile()); !saved) return saved.error();
    next_ = std::move(next);
  }
  return static_cast<const federation::Signer*>(next_.get());
}

bool NodeKeyFile::rotationPending() const {
  std::shared_lock lock(mutex_);
  return next_ != nullptr;
}

core::Result<void> NodeKeyFile::commitNext() {
  std::unique_lock lock(mutex_);
  if (!next_) return core::makeError(core::ErrorCode::failed_precondition, "no key rotation is prepared");
  if (auto saved = next_->save(file_); !saved) return saved.error();
  std::error_code ignored;
  std::filesystem::remove(nextFile(), ignored);
  current_ = std::move(next_);
  return {};
}

core::Result<void> NodeKeyFile::abandonNext() {
  std::unique_lock lock(mutex_);
  std::error_code error;
  std::filesystem::remove(nextFile(), error);
  if (error)
    return core::makeError(core::ErrorCode::internal, "cannot remove " + nextFile().string() + ": " + error.message());
  next_.reset();
  return {};
}

core::Result<federation::Bytes> NodeKeyFile::openSealed(std::string_view sealed) const {
  std::shared_lock lock(mutex_);
  return current_->openSealed(sealed);
}

core::Result<federation::Bytes> SodiumSealer::seal(const federation::PublicKey& recipient,
                                                   std::string_view plain) const {
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> curve{};
  if (crypto_sign_ed25519_pk_to_curve25519(curve.data(), recipient.data()) != 0)
    return core::makeError(core::ErrorCode::invalid_argument, "sealed box: the recipient key is not an Ed25519 key");
  federation::Bytes out(plain.size() + crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), curve.data()) != 0)
    return core::makeError(core::ErrorCode::internal, "sealed box: sealing failed");
  return out;
}

core::Result<federation::Bytes> SodiumSealer::open(std::string_view sealed) const { return open_(sealed); }

}  // namespace parta::crypto
