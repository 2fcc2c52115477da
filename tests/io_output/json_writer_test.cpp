// JsonValue: exact text for hand-written expectations, escaping, numbers that
// read back bit for bit, refusal of NaN/inf, and a parse-and-rewrite round trip
// through an independent minimal parser.
#include "io/json_writer.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "scratch_dir.hpp"

namespace tsvfield::io {
namespace {

// A minimal JSON parser (RFC 8259 subset: no \u escapes above 0x7f), written for
// this test only, that rebuilds a JsonValue from text.
class MiniJsonParser {
 public:
  explicit MiniJsonParser(std::string text) : text_(std::move(text)) {}

  JsonValue parse_document() {
    JsonValue value = parse_value();
    skip_space();
    if (pos_ != text_.size()) throw std::runtime_error("trailing text at " + std::to_string(pos_));
    return value;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) {
      throw std::runtime_error(std::string("expected '") + c + "' at " + std::to_string(pos_));
    }
    ++pos_;
  }
  bool consume(const std::string& word) {
    skip_space();
    if (text_.compare(pos_, word.size(), word) != 0) return false;
    pos_ += word.size();
    return true;
  }
  std::string parse_string() {
    expect('"');
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) throw std::runtime_error("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) throw std::runtime_error("raw control character");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char escape = text_[pos_++];
      switch (escape) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          const long code = std::strtol(text_.substr(pos_, 4).c_str(), nullptr, 16);
          if (code > 0x7f) throw std::runtime_error("non-ASCII \\u escape not supported here");
          out += static_cast<char>(code);
          pos_ += 4;
          break;
        }
        default:
          throw std::runtime_error("bad escape");
      }
    }
  }
  JsonValue parse_number() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    const std::string number = text_.substr(start, pos_ - start);
    if (number.find_first_of(".eE") == std::string::npos) return JsonValue(std::stoll(number));
    return JsonValue(std::strtod(number.c_str(), nullptr));
  }
  JsonValue parse_value() {
    skip_space();
    if (pos_ >= text_.size()) throw std::runtime_error("unexpected end");
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      JsonValue object = JsonValue::object();
      skip_space();
      if (text_[pos_] == '}') return ++pos_, object;
      do {
        skip_space();
        const std::string key = parse_string();
        expect(':');
        object.set(key, parse_value());
      } while (consume(","));
      expect('}');
      return object;
    }
    if (c == '[') {
      ++pos_;
      JsonValue array = JsonValue::array();
      skip_space();
      if (text_[pos_] == ']') return ++pos_, array;
      do array.push(parse_value());
      while (consume(","));
      expect(']');
      return array;
    }
    if (c == '"') return JsonValue(parse_string());
    if (consume("true")) return JsonValue(true);
    if (consume("false")) return JsonValue(false);
    if (consume("null")) return JsonValue(nullptr);
    return parse_number();
  }

  std::string text_;
  std::size_t pos_ = 0;
};

JsonValue sample_summary() {
  JsonValue doc = JsonValue::object();
  doc.set("case", "hbm4_stack").set("ranks", 2).set("converged", true).set("note", nullptr);
  doc["mesh"].set("cells", 123456).set("min_quality", 0.25);
  JsonValue dies = JsonValue::array();
  dies.push(JsonValue::object().set("name", "base_die").set("max_temperature_K", 358.15));
  dies.push(JsonValue::object().set("name", "core_die_1").set("max_temperature_K", 360.0));
  doc.set("dies", std::move(dies));
  doc.set("residuals", JsonValue::array(std::vector<double>{1.0, 1e-3, 2.5e-11}));
  doc.set("empty_list", JsonValue::array()).set("empty_map", JsonValue::object());
  return doc;
}

TEST(JsonWriter, PrettyTextMatchesHandWrittenExpectation) {
  const std::string expected = R"({
  "case": "hbm4_stack",
  "ranks": 2,
  "converged": true,
  "note": null,
  "mesh": {
    "cells": 123456,
    "min_quality": 0.25
  },
  "dies": [
    {
      "name": "base_die",
      "max_temperature_K": 358.15
    },
    {
      "name": "core_die_1",
      "max_temperature_K": 360.0
    }
  ],
  "residuals": [
    1.0,
    0.001,
    2.5e-11
  ],
  "empty_list": [],
  "empty_map": {}
})";
  EXPECT_EQ(sample_summary().dump(2), expected);
}

TEST(JsonWriter, CompactText) {
  JsonValue doc = JsonValue::object();
  doc.set("a", 1).set("b", JsonValue::array().push(false).push("x"));
  EXPECT_EQ(doc.dump(0), R"({"a":1,"b":[false,"x"]})");
}

TEST(JsonWriter, SetReplacesAndKeepsPosition) {
  JsonValue doc = JsonValue::object();
  doc.set("first", 1).set("second", 2).set("first", "again");
  EXPECT_EQ(doc.dump(0), R"({"first":"again","second":2})");
}

TEST(JsonWriter, EscapesStrings) {
  EXPECT_EQ(json_quote("plain"), "\"plain\"");
  EXPECT_EQ(json_quote("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(json_quote("C:\\dir"), R"("C:\\dir")");
  EXPECT_EQ(json_quote("a\nb\tc\r"), R"("a\nb\tc\r")");
  EXPECT_EQ(json_quote(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json_quote("85 \xC2\xB0"
                       "C"),
            "\"85 \xC2\xB0"
            "C\"");  // UTF-8 passes through
}

TEST(JsonWriter, NumbersAreShortestAndAlwaysFloatingPoint) {
  EXPECT_EQ(json_number(0.1), "0.1");
  EXPECT_EQ(json_number(300.0), "300.0");
  EXPECT_EQ(json_number(-0.0), "-0.0");
  EXPECT_EQ(json_number(1e300), "1e+300");
  EXPECT_EQ(json_number(5e-324), "5e-324");
  EXPECT_EQ(json_number(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(JsonValue(std::numeric_limits<std::int64_t>::max()).dump(), "9223372036854775807");
  EXPECT_EQ(JsonValue(std::size_t{42}).dump(), "42");
}

TEST(JsonWriter, NumbersReadBackBitForBit) {
  std::mt19937_64 random(20261125);
  for (int i = 0; i < 20000; ++i) {
    const double value = std::bit_cast<double>(random());
    if (!std::isfinite(value)) continue;
    const std::string text = json_number(value);
    const double back = std::strtod(text.c_str(), nullptr);
    ASSERT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(value)) << text;
  }
}

TEST(JsonWriter, RefusesNonFiniteNumbers) {
  EXPECT_THROW(JsonValue(std::nan("")), std::domain_error);
  EXPECT_THROW(JsonValue(std::numeric_limits<double>::infinity()), std::domain_error);
  EXPECT_THROW(JsonValue(-std::numeric_limits<double>::infinity()), std::domain_error);
  EXPECT_THROW(JsonValue::array(std::vector<double>{1.0, std::nan("")}), std::domain_error);
  EXPECT_THROW(json_number(std::nan("")), std::domain_error);
}

TEST(JsonWriter, RefusesUnsignedAboveInt64) {
  EXPECT_THROW(JsonValue(std::numeric_limits<std::uint64_t>::max()), std::out_of_range);
}

TEST(JsonWriter, NullGrowsIntoObjectOrArray) {
  JsonValue doc;
  doc["solver"]["ksp"].set("type", "cg");
  doc["solver"]["iterations"].push(12).push(9);
  EXPECT_EQ(doc.dump(0), R"({"solver":{"ksp":{"type":"cg"},"iterations":[12,9]}})");
}

TEST(JsonWriter, MisuseIsALogicError) {
  JsonValue number(1.5);
  EXPECT_THROW(number.set("a", 1), std::logic_error);
  EXPECT_THROW(number.push(1), std::logic_error);
  JsonValue object = JsonValue::object();
  EXPECT_THROW(object.push(1), std::logic_error);
}

TEST(JsonWriter, RoundTripThroughIndependentParser) {
  JsonValue doc = sample_summary();
  doc.set("tricky text", "quote \" backslash \\ newline \n tab \t ctrl \x02 end");
  doc.set("tiny", 4.9406564584124654e-324).set("third", 1.0 / 3.0).set("negative", -1234567);
  for (const int indent : {0, 2, 4}) {
    const std::string text = doc.dump(indent);
    EXPECT_EQ(MiniJsonParser(text).parse_document().dump(indent), text);
  }
}

TEST(JsonWriter, WritesFileAtomicallyWithFinalNewline) {
  tsvfield::testing::ScratchDir dir("json_file");
  const auto path = dir.path() / "summary.json";
  write_json_file(path, sample_summary());
  EXPECT_EQ(tsvfield::testing::read_text(path), sample_summary().dump(2) + "\n");
  EXPECT_EQ(dir.files_containing(".tmp-"), 0);
}

}  // namespace
}  // namespace tsvfield::io
