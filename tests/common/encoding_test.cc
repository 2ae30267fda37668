// SPDX-License-Identifier: GPL-2.0-or-later
// Tests of charset detection, conversion and repair.
#include "gazette/common/encoding.h"

#include <gtest/gtest.h>

namespace gazette {
namespace {

TEST(EncodingTest, KeepsValidUtf8AndDropsBom) {
  DecodedText d = decode_to_utf8(
      "\xEF\xBB\xBF"
      "caf\xC3\xA9");
  EXPECT_EQ(d.text, "caf\xC3\xA9");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_FALSE(d.repaired);
}

TEST(EncodingTest, DetectsAndConvertsLatin1) {
  std::string latin1 =
      "The footballer said the caf\xE9 owner's na\xEFve plan for the s\xE9"
      "ance had failed, and the "
      "r\xE9sum\xE9 of the d\xE9"
      "but season in M\xFCnchen was a fa\xE7"
      "ade. Everyone agreed the "
      "manager's d\xE9j\xE0 vu remark was unfair to the players and to the fans.";
  DecodedText d = decode_to_utf8(latin1);
  EXPECT_TRUE(is_valid_utf8(d.text));
  EXPECT_FALSE(d.repaired);
  EXPECT_NE(d.charset, "UTF-8");
  EXPECT_NE(d.text.find("caf\xC3\xA9"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("M\xC3\xBCnchen"), std::string::npos) << d.text;
}

TEST(EncodingTest, DecodesUtf16WithBom) {
  std::string utf16le("\xFF\xFEh\0i\0", 6);
  DecodedText d = decode_to_utf8(utf16le);
  EXPECT_EQ(d.text, "hi");
  EXPECT_EQ(d.charset, "UTF-16LE");
}

TEST(EncodingTest, RepairsWhatNoCharsetExplains) {
  // Mostly UTF-8 with one truncated sequence.
  std::string text =
      "Seoul \xEC\x84\x9C\xEC\x9A\xB8 and a broken byte \xEC\x84 here, then more UTF-8: \xC3\xA9t\xC3\xA9.";
  DecodedText d = decode_to_utf8(text);
  EXPECT_TRUE(is_valid_utf8(d.text));
  EXPECT_TRUE(d.repaired);
  EXPECT_NE(d.text.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(d.text.find("\xEC\x84\x9C\xEC\x9A\xB8"), std::string::npos);
}

TEST(EncodingTest, RecognisesBinary) {
  EXPECT_TRUE(looks_binary(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)));
  EXPECT_FALSE(looks_binary("plain text\nwith lines\n"));
  EXPECT_FALSE(looks_binary(std::string("\xFF\xFEh\0i\0", 6)));
}

}  // namespace
}  // namespace gazette
