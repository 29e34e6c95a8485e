#include "appliance/crypto/node_key.hpp"

#include <fstream>

#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appliance/crypto/sodium.hpp"

namespace parta::crypto {

class NodeKeyTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NodeKeyTest);
  CPPUNIT_TEST(firstStartCreatesAPrivateKeyFile);
  CPPUNIT_TEST(keyFileReadableByOthersIsRefused);
  CPPUNIT_TEST(damagedKeyFileIsRefused);
  CPPUNIT_TEST(saveReplacesTheKeyWhole);
  CPPUNIT_TEST(rotationPreparesThenCommits);
  CPPUNIT_TEST(interruptedRotationIsFoundAgain);
  CPPUNIT_TEST(signAndVerify);
  CPPUNIT_TEST(hashIsBlake2b256);
  CPPUNIT_TEST(sealedBoxRoundTripAndTamper);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    CPPUNIT_ASSERT(initialize().ok());
    char tmpl[] = "/tmp/parta-node-key-XXXXXX";
    CPPUNIT_ASSERT(::mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
  }
  void tearDown() override { std::filesystem::remove_all(dir_); }

  void firstStartCreatesAPrivateKeyFile() {
    const auto file = dir_ / "node.key";
    auto created = NodeKey::loadOrCreate(file);
    CPPUNIT_ASSERT_MESSAGE(created ? "" : created.error().message, created.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{1}, (*created)->keyEpoch());
    struct stat st {};
    CPPUNIT_ASSERT_EQUAL(0, ::stat(file.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0600u, static_cast<unsigned>(st.st_mode & 0777));
    CPPUNIT_ASSERT_EQUAL(std::uintmax_t{72}, std::filesystem::file_size(file));
    // The second start loads the same key.
    auto loaded = NodeKey::loadOrCreate(file);
    CPPUNIT_ASSERT(loaded.ok());
    CPPUNIT_ASSERT((*loaded)->publicKey() == (*created)->publicKey());
    auto missing = NodeKey::load(dir_ / "absent.key");
    CPPUNIT_ASSERT(missing.error().code == core::ErrorCode::not_found);
  }

  void keyFileReadableByOthersIsRefused() {
    const auto file = dir_ / "node.key";
    CPPUNIT_ASSERT(NodeKey::loadOrCreate(file).ok());
    for (const unsigned mode : {0644u, 0640u, 0604u, 0620u}) {
      CPPUNIT_ASSERT_EQUAL(0, ::chmod(file.c_str(), mode));
      auto r = NodeKey::load(file);
      CPPUNIT_ASSERT(!r.ok());
      CPPUNIT_ASSERT(r.error().code == core::ErrorCode::permission_denied);
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.find(file.string()) != std::string::npos);
      // loadOrCreate must not quietly replace it with a new key either.
      CPPUNIT_ASSERT(!NodeKey::loadOrCreate(file).ok());
    }
    CPPUNIT_ASSERT_EQUAL(0, ::chmod(file.c_str(), 0400));
    CPPUNIT_ASSERT(NodeKey::load(file).ok());
  }

  void damagedKeyFileIsRefused() {
    const auto file = dir_ / "node.key";
    CPPUNIT_ASSERT(NodeKey::loadOrCreate(file).ok());
    {
      std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(70);
      f.put('\x5a');
    }
    auto r = NodeKey::load(file);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("damaged") != std::string::npos);
    const auto shortFile = dir_ / "short.key";
    {
      std::ofstream f(shortFile, std::ios::binary);
      f << "PNK1";
    }
    ::chmod(shortFile.c_str(), 0600);
    CPPUNIT_ASSERT(NodeKey::load(shortFile).error().code == core::ErrorCode::invalid_argument);
  }

  void saveReplacesTheKeyWhole() {
    const auto file = dir_ / "node.key";
    auto first = NodeKey::loadOrCreate(file);
    const auto rotated = NodeKey::generate(2);
    CPPUNIT_ASSERT(rotated->save(file).ok());
    auto loaded = NodeKey::load(file);
    CPPUNIT_ASSERT(loaded.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{2}, (*loaded)->keyEpoch());
    CPPUNIT_ASSERT((*loaded)->publicKey() == rotated->publicKey());
    CPPUNIT_ASSERT(!((*loaded)->publicKey() == (*first)->publicKey()));
    CPPUNIT_ASSERT(!std::filesystem::exists(dir_ / "node.key.new"));
  }

  void rotationPreparesThenCommits() {
    const auto file = dir_ / "node.key";
    auto key = NodeKeyFile::open(file);
    CPPUNIT_ASSERT(key.ok());
    auto& k = **key;
    const auto first = k.publicKey();
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{1}, k.keyEpoch());
    CPPUNIT_ASSERT(!k.rotationPending());
    CPPUNIT_ASSERT(k.commitNext().error().code == core::ErrorCode::failed_precondition);

    auto next = k.prepareNext();
    CPPUNIT_ASSERT(next.ok());
    CPPUNIT_ASSERT(k.rotationPending());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{2}, (*next)->keyEpoch());
    CPPUNIT_ASSERT(k.publicKey() == first);  // still signing with the old key
    const auto nextKey = (*next)->publicKey();
    CPPUNIT_ASSERT((*k.prepareNext())->publicKey() == nextKey);  // prepared once
    CPPUNIT_ASSERT(std::filesystem::exists(dir_ / "node.key.next"));

    CPPUNIT_ASSERT(k.commitNext().ok());
    CPPUNIT_ASSERT(!k.rotationPending());
    CPPUNIT_ASSERT_EQUAL(std::uint32_t{2}, k.keyEpoch());
    CPPUNIT_ASSERT(k.publicKey() == nextKey);
    CPPUNIT_ASSERT(!std::filesystem::exists(dir_ / "node.key.next"));
    auto reloaded = NodeKey::load(file);
    CPPUNIT_ASSERT((*reloaded)->publicKey() == nextKey);

    // A refused rotation is dropped and the node keeps its key.
    CPPUNIT_ASSERT(k.prepareNext().ok());
    CPPUNIT_ASSERT(k.abandonNext().ok());
    CPPUNIT_ASSERT(!k.rotationPending());
    CPPUNIT_ASSERT(!std::filesystem::exists(dir_ / "node.key.next"));
    CPPUNIT_ASSERT(k.publicKey() == nextKey);
  }

  void interruptedRotationIsFoundAgain() {
    const auto file = dir_ / "node.key";
    federation::PublicKey prepared{};
    {
      auto key = NodeKeyFile::open(file);
      prepared = (*(*key)->prepareNext())->publicKey();
    }  // a crash before the parent answered
    {
      auto key = NodeKeyFile::open(file);
      CPPUNIT_ASSERT(key.ok());
      CPPUNIT_ASSERT((*key)->rotationPending());
      CPPUNIT_ASSERT_EQUAL(std::uint32_t{1}, (*key)->keyEpoch());
      CPPUNIT_ASSERT((*(*key)->prepareNext())->publicKey() == prepared);
    }
    // A crash after the key file was replaced but before ".next" was removed.
    auto nextFile = dir_ / "node.key.next";
    CPPUNIT_ASSERT(
        std::filesystem::copy_file(nextFile, dir_ / "copy", std::filesystem::copy_options::overwrite_existing));
    {
      auto key = NodeKeyFile::open(file);
      CPPUNIT_ASSERT((*key)->commitNext().ok());
    }
    std::filesystem::rename(dir_ / "copy", nextFile);
    {
      auto key = NodeKeyFile::open(file);
      CPPUNIT_ASSERT(key.ok());
      CPPUNIT_ASSERT(!(*key)->rotationPending());
      CPPUNIT_ASSERT_EQUAL(std::uint32_t{2}, (*key)->keyEpoch());
      CPPUNIT_ASSERT((*key)->publicKey() == prepared);
      CPPUNIT_ASSERT(!std::filesystem::exists(nextFile));
    }
    // Anything else beside the key is refused, naming the file.
    CPPUNIT_ASSERT(NodeKey::generate(7)->save(nextFile).ok());
    auto refused = NodeKeyFile::open(file);
    CPPUNIT_ASSERT(!refused.ok());
    CPPUNIT_ASSERT(refused.error().message.find("node.key.next") != std::string::npos);
  }

  void signAndVerify() {
    const auto key = NodeKey::generate(1);
    SodiumVerifier verifier;
    const std::string message = "Ёлкина-Петрова";
    const auto sig = key->sign(message);
    CPPUNIT_ASSERT(verifier.verify(key->publicKey(), message, sig));
    CPPUNIT_ASSERT(!verifier.verify(key->publicKey(), message + ".", sig));
    CPPUNIT_ASSERT(!verifier.verify(NodeKey::generate(1)->publicKey(), message, sig));
    auto bad = sig;
    bad[10] ^= 1;
    CPPUNIT_ASSERT(!verifier.verify(key->publicKey(), message, bad));
  }

  void hashIsBlake2b256() {
    SodiumContentHasher hasher;
    // RFC 7693-style reference value of BLAKE2b-256("abc").
    CPPUNIT_ASSERT_EQUAL(std::string("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"),
                         federation::toHex(hasher.hash("abc")));
  }

  void sealedBoxRoundTripAndTamper() {
    const auto municipal = NodeKey::generate(1);
    const auto school = NodeKey::generate(1);
    SodiumSealer schoolSealer(*school);
    SodiumSealer municipalSealer(*municipal);
    const std::string bundle = std::string("PRTB\0\x01", 6) + "пакет «Ёлка»";
    auto sealed = schoolSealer.seal(municipal->publicKey(), bundle);
    CPPUNIT_ASSERT(sealed.ok());
    CPPUNIT_ASSERT(sealed->find("Ёлка") == std::string::npos);
    auto opened = municipalSealer.open(*sealed);
    CPPUNIT_ASSERT(opened.ok());
    CPPUNIT_ASSERT_EQUAL(bundle, *opened);
    // Only the recipient can open it.
    CPPUNIT_ASSERT(!schoolSealer.open(*sealed).ok());
    auto tampered = *sealed;
    tampered[tampered.size() - 1] ^= 1;
    CPPUNIT_ASSERT(!municipalSealer.open(tampered).ok());
    CPPUNIT_ASSERT(!municipalSealer.open("short").ok());
    federation::PublicKey notAPoint{};
    notAPoint.fill(0xff);
    CPPUNIT_ASSERT(!schoolSealer.seal(notAPoint, bundle).ok());
  }

 private:
  std::filesystem::path dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeKeyTest);

}  // namespace parta::crypto
