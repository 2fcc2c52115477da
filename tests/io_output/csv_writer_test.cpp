// CsvTable: RFC 4180 quoting, shortest round-trip numbers, refusal of NaN/inf and
// ragged rows, atomic file writing.
#include "io/csv_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "scratch_dir.hpp"

namespace tsvfield::io {
namespace {

TEST(CsvWriter, QuotesOnlyWhereNeeded) {
  EXPECT_EQ(csv_quote("plain_name"), "plain_name");
  EXPECT_EQ(csv_quote(""), "");
  EXPECT_EQ(csv_quote("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_quote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_quote("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_quote("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_quote(" padded"), "\" padded\"");
  EXPECT_EQ(csv_quote("padded\t"), "\"padded\t\"");
  EXPECT_EQ(csv_quote("tsv_data[12,4]"), "\"tsv_data[12,4]\"");
}

TEST(CsvWriter, TableTextMatchesHandWrittenExpectation) {
  CsvTable table({"conductor", "frequency_Hz", "R_ohm_per_m", "iterations"});
  table.add_row({"core_die_1/tsv_data[0,1]", 1e9, 0.125, 17});
  table.add_row({"say \"G\"", 2.5e10, 1.0 / 3.0, 0});
  table.add_row({"", -0.0, 300.0, -4});
  EXPECT_EQ(table.row_count(), 3u);
  EXPECT_EQ(table.to_string(),
            "conductor,frequency_Hz,R_ohm_per_m,iterations\n"
            "\"core_die_1/tsv_data[0,1]\",1e+09,0.125,17\n"
            "\"say \"\"G\"\"\",2.5e+10,0.3333333333333333,0\n"
            ",-0,300,-4\n");
}

TEST(CsvWriter, HeaderNamesAreQuotedToo) {
  CsvTable table({"R (ohm/m), DC", "x"});
  table.add_row({1, 2});
  EXPECT_EQ(table.to_string(), "\"R (ohm/m), DC\",x\n1,2\n");
}

TEST(CsvWriter, RefusesRaggedRows) {
  CsvTable table({"a", "b"});
  EXPECT_THROW(table.add_row({1.0}), std::invalid_argument);
  EXPECT_THROW(table.add_row({1.0, 2.0, 3.0}), std::invalid_argument);
  EXPECT_EQ(table.row_count(), 0u);
  EXPECT_THROW(CsvTable({}), std::invalid_argument);
}

TEST(CsvWriter, IntegersOfEveryWidth) {
  CsvTable table({"a", "b", "c", "d"});
  table.add_row({std::size_t{7}, 9223372036854775807LL, -2147483647 - 1, 4294967295u});
  EXPECT_EQ(table.to_string(), "a,b,c,d\n7,9223372036854775807,-2147483648,4294967295\n");
  EXPECT_THROW(CsvCell(18446744073709551615ULL), std::out_of_range);
}

TEST(CsvWriter, RefusesNonFiniteNumbers) {
  EXPECT_THROW(CsvCell(std::nan("")), std::domain_error);
  EXPECT_THROW(CsvCell(std::numeric_limits<double>::infinity()), std::domain_error);
}

TEST(CsvWriter, WritesFileAtomically) {
  tsvfield::testing::ScratchDir dir("csv_file");
  const auto path = dir.path() / "sweep.csv";
  CsvTable table({"frequency_Hz", "S21_dB"});
  table.add_row({1e6, -0.001});
  table.write(path);
  EXPECT_EQ(tsvfield::testing::read_text(path), "frequency_Hz,S21_dB\n1e+06,-0.001\n");
  EXPECT_EQ(dir.files_containing(".tmp-"), 0);
}

TEST(CsvWriter, FailedWriteLeavesNoFile) {
  tsvfield::testing::ScratchDir dir("csv_fail");
  CsvTable table({"a"});
  EXPECT_THROW(table.write(dir.path() / "missing_folder" / "t.csv"), std::runtime_error);
  EXPECT_EQ(dir.files_containing(".tmp-"), 0);
}

}  // namespace
}  // namespace tsvfield::io
