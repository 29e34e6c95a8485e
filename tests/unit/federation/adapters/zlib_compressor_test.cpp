#include "federation/adapters/zlib_compressor.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

class ZlibCompressorTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ZlibCompressorTest);
  CPPUNIT_TEST(roundTrip);
  CPPUNIT_TEST(zipBombStopsAtTheCap);
  CPPUNIT_TEST(corruptInputIsAnError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void roundTrip() {
    for (const std::string& plain : {std::string(), std::string("Ёлкина-Петрова, д'Артаньян\n"),
                                     std::string("\0\x01\xff", 3), std::string(100000, 'z')}) {
      auto c = zlib_.compress(plain);
      CPPUNIT_ASSERT(c.ok());
      auto d = zlib_.decompress(*c, plain.size());
      CPPUNIT_ASSERT_MESSAGE(d ? "" : d.error().message, d.ok());
      CPPUNIT_ASSERT_EQUAL(plain, *d);
    }
  }

  void zipBombStopsAtTheCap() {
    // 64 MiB of zeros deflate to ~64 KiB; the cap stops inflating at 1 MiB.
    const std::string zeros(64u << 20, '\0');
    auto bomb = zlib_.compress(zeros);
    CPPUNIT_ASSERT(bomb.ok());
    CPPUNIT_ASSERT(bomb->size() < (1u << 20));
    auto r = zlib_.decompress(*bomb, 1u << 20);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("cap") != std::string::npos);
    // Exactly at the cap is fine.
    auto small = zlib_.compress(std::string(1000, 'a'));
    CPPUNIT_ASSERT(zlib_.decompress(*small, 1000).ok());
    CPPUNIT_ASSERT(!zlib_.decompress(*small, 999).ok());
  }

  void corruptInputIsAnError() {
    auto c = zlib_.compress(std::string(5000, 'q') + "Ёлка");
    CPPUNIT_ASSERT(!zlib_.decompress("definitely not zlib", 1 << 20).ok());
    auto flipped = *c;
    flipped[flipped.size() / 2] ^= 0x55;
    auto r = zlib_.decompress(flipped, 1 << 20);
    // Either refused, or (rarely) inflates to other bytes: the envelope's
    // payload hash catches that case.
    CPPUNIT_ASSERT(!r.ok() || *r != std::string(5000, 'q') + "Ёлка");
    CPPUNIT_ASSERT(!zlib_.decompress(c->substr(0, c->size() / 2), 1 << 20).ok());
  }

 private:
  ZlibCompressor zlib_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ZlibCompressorTest);

}  // namespace parta::federation
