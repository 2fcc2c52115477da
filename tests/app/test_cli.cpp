#include <gtest/gtest.h>

#include "app/cli.hpp"

namespace tsvfield::app {
namespace {

TEST(CommandLine, RunWithOutputAndPetscOptions) {
  auto line = parse_command_line(
      {"run", "case.yaml", "--output", "out", "--", "-ksp_monitor", "-pc_type", "gamg"});
  EXPECT_EQ(line.command, Command::run);
  EXPECT_EQ(line.case_file, "case.yaml");
  ASSERT_TRUE(line.output_dir.has_value());
  EXPECT_EQ(*line.output_dir, "out");
  EXPECT_EQ(line.petsc_options, (std::vector<std::string>{"-ksp_monitor", "-pc_type", "gamg"}));
}

TEST(CommandLine, OutputEqualsForm) {
  auto line = parse_command_line({"mesh", "c.yaml", "--output=dir"});
  EXPECT_EQ(line.command, Command::mesh);
  EXPECT_EQ(line.output_dir.value_or(""), "dir");
}

TEST(CommandLine, HelpOfACommand) {
  auto line = parse_command_line({"check", "--help"});
  EXPECT_TRUE(line.show_help);
  EXPECT_EQ(line.command, Command::check);
  EXPECT_NE(usage_text(line.command).find("tsvfield check"), std::string::npos);
}

TEST(CommandLine, VersionNeedsNoCommand) {
  EXPECT_TRUE(parse_command_line({"--version"}).show_version);
}

TEST(CommandLine, MaterialsTakesNoCaseFile) {
  EXPECT_EQ(parse_command_line({"materials"}).command, Command::materials);
  EXPECT_THROW(parse_command_line({"materials", "x.yaml"}), UsageError);
}

TEST(CommandLine, Errors) {
  EXPECT_THROW(parse_command_line({}), UsageError);
  EXPECT_THROW(parse_command_line({"frobnicate"}), UsageError);
  EXPECT_THROW(parse_command_line({"run"}), UsageError);
  EXPECT_THROW(parse_command_line({"check", "c.yaml", "--output", "x"}), UsageError);
  EXPECT_THROW(parse_command_line({"run", "c.yaml", "--output"}), UsageError);
  EXPECT_THROW(parse_command_line({"run", "c.yaml", "-ksp_monitor"}), UsageError);
  EXPECT_THROW(parse_command_line({"run", "a.yaml", "b.yaml"}), UsageError);
  try {
    parse_command_line({"run", "c.yaml", "--bogus"});
    FAIL() << "expected a UsageError";
  } catch (const UsageError& error) {
    EXPECT_NE(error.message.find("--bogus"), std::string::npos);
    EXPECT_EQ(error.command, Command::run);
  }
}

}  // namespace
}  // namespace tsvfield::app
