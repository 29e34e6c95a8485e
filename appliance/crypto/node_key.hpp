#pragma once
// libsodium behind the federation's crypto ports (federation/core/ports.hpp):
// the node's Ed25519 key pair and its key file, signature verification,
// BLAKE2b-256 and sealed boxes. Call crypto::initialize() first.
//
// Key file: 72 bytes, "PNK1" u32 epoch (big-endian) and the 64-byte
// libsodium secret key (seed + public key). Created 0600 with O_EXCL; a key
// file that group or others can read or write is refused with an error
// naming the path, because anyone who read it can sign as this node.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string_view>

#include "appliance/core/result.hpp"
#include "federation/core/ports.hpp"

namespace parta::crypto {

class NodeKey final : public federation::Signer {
 public:
  // A fresh key pair in memory (first start, rotation, tests).
  static std::unique_ptr<NodeKey> generate(std::uint32_t epoch);
  // Reads the key file: not_found when it does not exist; permission_denied
  // when its mode allows group/other access; invalid_argument when it is
  // not a key file. Each message names the path.
  static core::Result<std::unique_ptr<NodeKey>> load(const std::filesystem::path& file);
  // First start: loads the file, or creates a new key (epoch 1) in it.
  static core::Result<std::unique_ptr<NodeKey>> loadOrCreate(const std::filesystem::path& file);

  NodeKey(const NodeKey&) = delete;
  NodeKey& operator=(const NodeKey&) = delete;
  ~NodeKey() override;  // wipes the secret

  // Writes the key to `file` atomically (a 0600 temporary file beside it,
  // fsync, rename): after a rotation the old file is replaced whole or not
  // at all.
  core::Result<void> save(const std::filesystem::path& file) const;

  federation::Signature sign(std::string_view message) const override;
  federation::PublicKey publicKey() const override;
  std::uint32_t keyEpoch() const override { return epoch_; }

  // Opens a sealed box addressed to this key (offline media).
  core::Result<federation::Bytes> openSealed(std::string_view sealed) const;

 private:
  NodeKey() = default;
  std::array<unsigned char, 64> secret_{};
  std::uint32_t epoch_ = 0;
};

// The node's key file with rotation (federation::RotatableKey). The current
// key lives in `file`; a prepared next key in `file` + ".next" (0600, same
// format) until commitNext() replaces `file` with it atomically and removes
// the ".next". open() finds a rotation a crash interrupted: a ".next" one
// epoch ahead is pending again; one equal to the current key (the crash came
// after the replace) is removed; anything else is refused, naming the path.
class NodeKeyFile final : public federation::RotatableKey {
 public:
  static core::Result<std::unique_ptr<NodeKeyFile>> open(const std::filesystem::path& file);

  federation::Signature sign(std::string_view message) const override;
  federation::PublicKey publicKey() const override;
  std::uint32_t keyEpoch() const override;

  core::Result<const federation::Signer*> prepareNext() override;
  bool rotationPending() const override;
  core::Result<void> commitNext() override;
  core::Result<void> abandonNext() override;

  // Opens a sealed box addressed to the current key (offline media).
  core::Result<federation::Bytes> openSealed(std::string_view sealed) const;

 private:
  explicit NodeKeyFile(std::filesystem::path file) : file_(std::move(file)) {}
  std::filesystem::path nextFile() const;

  std::filesystem::path file_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<NodeKey> current_, next_;
};

class SodiumVerifier final : public federation::SignatureVerifier {
 public:
  bool verify(const federation::PublicKey& key, std::string_view message,
              const federation::Signature& signature) const override;
};

class SodiumContentHasher final : public federation::ContentHasher {
 public:
  federation::Digest hash(std::string_view bytes) const override;
};

// Seals to any Ed25519 public key; opens with the node's own key.
class SodiumSealer final : public federation::Sealer {
 public:
  explicit SodiumSealer(const NodeKey& own) : open_([&own](std::string_view s) { return own.openSealed(s); }) {}
  explicit SodiumSealer(const NodeKeyFile& own) : open_([&own](std::string_view s) { return own.openSealed(s); }) {}
  core::Result<federation::Bytes> seal(const federation::PublicKey& recipient, std::string_view plain) const override;
  core::Result<federation::Bytes> open(std::string_view sealed) const override;

 private:
  std::function<core::Result<federation::Bytes>(std::string_view)> open_;
};

}  // namespace parta::crypto
