#pragma once
// The federation's crypto and compression ports (STYLE.md habit 1). The core
// signs, verifies, hashes, compresses and seals only through these; the
// libsodium adapter (appliance/crypto) and the POCO zlib adapter
// (federation/adapters) implement them, and tests may fake them.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "appliance/core/result.hpp"
#include "federation/core/bytes.hpp"

namespace parta::federation {

// The node's own Ed25519 key. The secret never leaves the adapter.
class Signer {
 public:
  virtual ~Signer() = default;
  // Detached Ed25519 signature of `message` (deterministic for one key).
  virtual Signature sign(std::string_view message) const = 0;
  virtual PublicKey publicKey() const = 0;
  // Which key of this node this is: 1 for the first, +1 per rotation.
  virtual std::uint32_t keyEpoch() const = 0;
};

// The node's own key as it changes over time (rotation, DESIGN.md §5): a
// Signer that can prepare the next key and then switch to it. Two steps,
// so that a node only switches after its parent has recorded the new key,
// and a rotation interrupted between them is finished, never half-done.
class RotatableKey : public Signer {
 public:
  // The next key (epoch + 1), kept durably beside the current one until
  // commitNext(); a second call returns the same key. The reference stays
  // valid until commitNext().
  virtual core::Result<const Signer*> prepareNext() = 0;
  // True while a prepared key waits for commitNext().
  virtual bool rotationPending() const = 0;
  // Makes the prepared key the node's key, durably; failed_precondition when
  // none is prepared.
  virtual core::Result<void> commitNext() = 0;
  // Forgets the prepared key (the parent refused it).
  virtual core::Result<void> abandonNext() = 0;
};

class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  // True only for a valid Ed25519 signature of `message` under `key`.
  virtual bool verify(const PublicKey& key, std::string_view message, const Signature& signature) const = 0;
};

// BLAKE2b-256 of arbitrary bytes (no key, no personalisation).
class ContentHasher {
 public:
  virtual ~ContentHasher() = default;
  virtual Digest hash(std::string_view bytes) const = 0;
};

class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual core::Result<Bytes> compress(std::string_view plain) const = 0;
  // invalid_argument for corrupt input; invalid_argument naming the cap when
  // the output would exceed `maxOutput` bytes (a zip bomb stops there, it is
  // never inflated whole).
  virtual core::Result<Bytes> decompress(std::string_view compressed, std::size_t maxOutput) const = 0;
};

// Anonymous sealed boxes (X25519 + XSalsa20-Poly1305) addressed with the
// recipient's Ed25519 public key, converted to X25519 inside the adapter.
// Used for offline media: only the recipient can read what a school wrote
// to the stick.
class Sealer {
 public:
  virtual ~Sealer() = default;
  // invalid_argument when `recipient` is not a valid Ed25519 point.
  virtual core::Result<Bytes> seal(const PublicKey& recipient, std::string_view plain) const = 0;
  // Opens a box sealed to this node's own key; invalid_argument when it was
  // sealed to another key or altered.
  virtual core::Result<Bytes> open(std::string_view sealed) const = 0;
};

}  // namespace parta::federation
