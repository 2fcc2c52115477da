// Every file in tests/io/bad_cases/ is a broken case whose first line says which
// error it must produce: "# expect: 7:5: stack.layers[1].thickness: expected a
// length". The reader must throw InputError whose message contains
// "<file>:7:5: stack.layers[1].thickness: expected a length".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/case_reader.hpp"

namespace tsvfield::io {
namespace {

std::filesystem::path bad_cases_dir() {
  return TSVFIELD_BAD_CASES_DIR;
}

std::vector<std::string> bad_case_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(bad_cases_dir()))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The text after "# expect: " on the first line ("" when missing).
std::string expected_fragment(const std::filesystem::path& file) {
  std::ifstream stream(file);
  std::string first_line;
  std::getline(stream, first_line);
  const std::string marker = "# expect: ";
  return first_line.starts_with(marker) ? first_line.substr(marker.size()) : "";
}

class BadCase : public testing::TestWithParam<std::string> {};

TEST_P(BadCase, ReaderReportsExpectedError) {
  const std::filesystem::path file = bad_cases_dir() / (GetParam() + ".yaml");
  const std::string fragment = expected_fragment(file);
  ASSERT_FALSE(fragment.empty()) << file << " lacks a first line '# expect: ...'";
  // "12:5: path: text" follows "file:" directly; a fragment without a position follows "file: ".
  const bool has_position = std::isdigit(static_cast<unsigned char>(fragment.front()));
  const std::string expected = file.string() + (has_position ? ":" : ": ") + fragment;
  try {
    read_case_file(file.string());
    FAIL() << file << " was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos)
        << "message:  " << error.what() << "\nexpected: " << expected;
    EXPECT_EQ(error.where().file, file.string());
  }
}

// Test names from file names ("negative_h" -> BadCase.ReaderReportsExpectedError/negative_h).
std::string test_name(const testing::TestParamInfo<std::string>& param_info) {
  std::string name = param_info.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, BadCase, testing::ValuesIn(bad_case_names()), test_name);

TEST(BadCases, AtLeastTwentyEight) {
  EXPECT_GE(bad_case_names().size(), 28u);
}

}  // namespace
}  // namespace tsvfield::io
