// Touchstone 1.1 writer (io/touchstone.*): 1-, 2-, 4- and 6-port files read back
// with a small parser written here, the option line, the line layout the 1.1
// format prescribes for each port count, the port-name comments, and refusals of
// inconsistent data that leave an existing file untouched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/touchstone.hpp"

namespace tsvfield::io {
namespace {

namespace fs = std::filesystem;
using solver::Complex;
using solver::ComplexMatrix;

class TouchstoneFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("tsvfield_touchstone_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }
  fs::path directory_;
};

// Every entry different, so a transposed or shifted layout cannot read back equal.
ComplexMatrix distinct_matrix(int ports, int frequency_index) {
  ComplexMatrix s(ports, ports);
  for (int row = 0; row < ports; ++row)
    for (int col = 0; col < ports; ++col)
      s(row, col) = Complex(0.01 * (row + 1) + 0.001 * (col + 1) + 0.1 * frequency_index,
                            -0.0003 * (row * ports + col) - 1e-7 / 3.0);
  return s;
}

TouchstoneData sample_data(int ports, int frequencies) {
  TouchstoneData data;
  data.reference_impedance_ohm = 42.5;
  for (int k = 0; k < frequencies; ++k) {
    data.frequencies_Hz.push_back(1e7 + k * 1.234567891e9);
    data.s.push_back(distinct_matrix(ports, k));
  }
  for (int p = 0; p < ports; ++p) data.port_names.push_back("net" + std::to_string(p) + "_end");
  data.comments = {"case: sample", "two\nlines"};
  return data;
}

// What a reader sees: comment lines, the option line, and the data lines split
// into whitespace-separated tokens (comments after '!' removed).
struct ParsedFile {
  std::vector<std::string> comments;
  std::string option_line;
  std::vector<std::vector<std::string>> data_lines;
  std::vector<bool> data_line_indented;
};

ParsedFile parse(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  ParsedFile parsed;
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t bang = line.find('!');
    if (bang != std::string::npos) {
      parsed.comments.push_back(line.substr(bang + 1));
      line = line.substr(0, bang);
    }
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line[0] == '#') {
      EXPECT_TRUE(parsed.option_line.empty()) << "two option lines";
      parsed.option_line = line;
      continue;
    }
    EXPECT_FALSE(parsed.option_line.empty()) << "data before the option line";
    std::istringstream tokens(line);
    std::vector<std::string> row;
    for (std::string token; tokens >> token;) row.push_back(token);
    parsed.data_lines.push_back(row);
    parsed.data_line_indented.push_back(line[0] == ' ');
  }
  return parsed;
}

// Reads the numbers back in file order: per frequency, f then P^2 pairs.
void expect_values_read_back(const ParsedFile& parsed, const TouchstoneData& data, int ports) {
  std::vector<double> numbers;
  for (const auto& row : parsed.data_lines)
    for (const auto& token : row) numbers.push_back(std::stod(token));
  const std::size_t per_frequency = 1 + 2 * static_cast<std::size_t>(ports) * ports;
  ASSERT_EQ(numbers.size(), per_frequency * data.frequencies_Hz.size());
  for (std::size_t k = 0; k < data.frequencies_Hz.size(); ++k) {
    const double* block = &numbers[k * per_frequency];
    EXPECT_NEAR(block[0] * 1e9, data.frequencies_Hz[k], 1e-12 * data.frequencies_Hz[k]);
    for (int index = 0; index < ports * ports; ++index) {
      // 2-port: 11 21 12 22 (column-major); otherwise row by row.
      const int row = ports == 2 ? index % 2 : index / ports;
      const int col = ports == 2 ? index / 2 : index % ports;
      const Complex read(block[1 + 2 * index], block[2 + 2 * index]);
      EXPECT_LT(std::abs(read - data.s[k](row, col)), 1e-15)
          << "frequency " << k << ", S" << row + 1 << col + 1;
    }
  }
}

void expect_header(const ParsedFile& parsed, int ports) {
  EXPECT_EQ(parsed.option_line, "# GHz S RI R 42.5");
  for (int p = 0; p < ports; ++p) {
    const std::string expected =
        " Port[" + std::to_string(p + 1) + "] = net" + std::to_string(p) + "_end";
    EXPECT_NE(std::find(parsed.comments.begin(), parsed.comments.end(), expected),
              parsed.comments.end())
        << expected;
  }
  for (const char* comment : {" case: sample", " two", " lines"})
    EXPECT_NE(std::find(parsed.comments.begin(), parsed.comments.end(), comment),
              parsed.comments.end())
        << comment;
}

TEST_F(TouchstoneFiles, TwoPortIsOneLinePerFrequencyIn11_21_12_22Order) {
  const TouchstoneData data = sample_data(2, 5);
  const fs::path path = directory_ / "line.s2p";
  write_touchstone(path.string(), data);
  const ParsedFile parsed = parse(path);
  expect_header(parsed, 2);
  ASSERT_EQ(parsed.data_lines.size(), 5u);
  for (const auto& row : parsed.data_lines) EXPECT_EQ(row.size(), 9u);
  expect_values_read_back(parsed, data, 2);
}

TEST_F(TouchstoneFiles, FourPortIsOneMatrixRowPerLine) {
  const TouchstoneData data = sample_data(4, 3);
  const fs::path path = directory_ / "pair.s4p";
  write_touchstone(path.string(), data);
  const ParsedFile parsed = parse(path);
  expect_header(parsed, 4);
  ASSERT_EQ(parsed.data_lines.size(), 3u * 4u);
  for (std::size_t i = 0; i < parsed.data_lines.size(); ++i) {
    const bool first_row = i % 4 == 0;  // the frequency only on a matrix's first row
    EXPECT_EQ(parsed.data_lines[i].size(), first_row ? 9u : 8u) << "line " << i;
    EXPECT_EQ(parsed.data_line_indented[i], !first_row) << "line " << i;
  }
  expect_values_read_back(parsed, data, 4);
}

TEST_F(TouchstoneFiles, SixPortRowsStartNewLinesAndWrapAfterFourPairs) {
  const TouchstoneData data = sample_data(6, 3);
  const fs::path path = directory_ / "triple.s6p";
  write_touchstone(path.string(), data);
  const ParsedFile parsed = parse(path);
  expect_header(parsed, 6);
  // Per frequency 6 rows of 4 + 2 pairs: 12 lines, the frequency on the first only.
  ASSERT_EQ(parsed.data_lines.size(), 3u * 12u);
  for (std::size_t i = 0; i < parsed.data_lines.size(); ++i) {
    const std::size_t expected = i % 12 == 0 ? 9u : (i % 2 == 0 ? 8u : 4u);
    EXPECT_EQ(parsed.data_lines[i].size(), expected) << "line " << i;
  }
  expect_values_read_back(parsed, data, 6);
}

TEST_F(TouchstoneFiles, OnePortAndExtensions) {
  EXPECT_EQ(touchstone_extension(1), ".s1p");
  EXPECT_EQ(touchstone_extension(12), ".s12p");
  EXPECT_THROW(touchstone_extension(0), std::invalid_argument);
  TouchstoneData data = sample_data(1, 2);
  const fs::path path = directory_ / "OneEnd.S1P";  // case-insensitive extension
  write_touchstone(path.string(), data);
  const ParsedFile parsed = parse(path);
  ASSERT_EQ(parsed.data_lines.size(), 2u);
  EXPECT_EQ(parsed.data_lines[0].size(), 3u);
  expect_values_read_back(parsed, data, 1);
}

TEST_F(TouchstoneFiles, InconsistentDataIsRefusedAndLeavesTheOldFileUntouched) {
  const fs::path path = directory_ / "keep.s2p";
  const TouchstoneData good = sample_data(2, 3);
  write_touchstone(path.string(), good);
  std::ifstream before_stream(path);
  const std::string before((std::istreambuf_iterator<char>(before_stream)), {});

  auto refused = [&](TouchstoneData data, const std::string& target) {
    EXPECT_THROW(write_touchstone(target, data), std::runtime_error);
  };
  refused(good, (directory_ / "keep.s4p").string());  // extension vs port count
  refused(good, (directory_ / "keep.txt").string());
  TouchstoneData descending = good;
  std::swap(descending.frequencies_Hz[0], descending.frequencies_Hz[1]);
  refused(descending, path.string());
  TouchstoneData duplicate = good;
  duplicate.frequencies_Hz[1] = duplicate.frequencies_Hz[0] * (1 + 1e-15);
  refused(duplicate, path.string());  // equal once written with 12 digits
  TouchstoneData not_finite = good;
  not_finite.s[1](0, 1) = Complex(std::nan(""), 0);
  refused(not_finite, path.string());
  TouchstoneData wrong_count = good;
  wrong_count.s.pop_back();
  refused(wrong_count, path.string());
  TouchstoneData mixed_sizes = good;
  mixed_sizes.s[2] = ComplexMatrix(3, 3);
  refused(mixed_sizes, path.string());
  TouchstoneData bad_z0 = good;
  bad_z0.reference_impedance_ohm = 0;
  refused(bad_z0, path.string());
  TouchstoneData bad_names = good;
  bad_names.port_names.pop_back();
  refused(bad_names, path.string());
  refused(TouchstoneData{}, path.string());
  EXPECT_THROW(write_touchstone((directory_ / "missing_dir" / "x.s2p").string(), good),
               std::runtime_error);

  std::ifstream after_stream(path);
  const std::string after((std::istreambuf_iterator<char>(after_stream)), {});
  EXPECT_EQ(before, after);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory_)) ++files;
  EXPECT_EQ(files, 1) << "a temporary file was left behind";
}

}  // namespace
}  // namespace tsvfield::io
