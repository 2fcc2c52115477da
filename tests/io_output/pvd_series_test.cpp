// PvdSeries: the .pvd text, paths relative to the .pvd, and refused times.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "io/vtk_writer.hpp"
#include "scratch_dir.hpp"

namespace tsvfield::io {
namespace {

TEST(PvdSeries, RewritesCollectionAfterEveryAdd) {
  tsvfield::testing::ScratchDir dir("pvd_series");
  PvdSeries series(dir.path() / "transient.pvd");
  series.add(0.0, dir.path() / "transient_0.pvtu");
  EXPECT_EQ(tsvfield::testing::read_text(dir.path() / "transient.pvd"),
            "<?xml version=\"1.0\"?>\n"
            "<VTKFile type=\"Collection\" version=\"1.0\" byte_order=\"LittleEndian\">\n"
            "  <Collection>\n"
            "    <DataSet timestep=\"0\" group=\"\" part=\"0\" file=\"transient_0.pvtu\"/>\n"
            "  </Collection>\n"
            "</VTKFile>\n");
  series.add(2.5e-3, dir.path() / "steps" / "a&b.pvtu");
  EXPECT_EQ(tsvfield::testing::read_text(dir.path() / "transient.pvd"),
            "<?xml version=\"1.0\"?>\n"
            "<VTKFile type=\"Collection\" version=\"1.0\" byte_order=\"LittleEndian\">\n"
            "  <Collection>\n"
            "    <DataSet timestep=\"0\" group=\"\" part=\"0\" file=\"transient_0.pvtu\"/>\n"
            "    <DataSet timestep=\"0.0025\" group=\"\" part=\"0\" file=\"steps/a&amp;b.pvtu\"/>\n"
            "  </Collection>\n"
            "</VTKFile>\n");
  EXPECT_EQ(series.entries().size(), 2u);
  EXPECT_EQ(dir.files_containing(".tmp-"), 0);
}

TEST(PvdSeries, RelativePathFromAnotherFolder) {
  tsvfield::testing::ScratchDir dir("pvd_relative");
  std::filesystem::create_directories(dir.path() / "series");
  PvdSeries series(dir.path() / "series" / "sweep.pvd");
  series.add(1e9, dir.path() / "fields" / "f1.pvtu");
  ASSERT_EQ(series.entries().size(), 1u);
  EXPECT_EQ(series.entries()[0].file, "../fields/f1.pvtu");
}

TEST(PvdSeries, RefusesRepeatedOrNonFiniteTime) {
  tsvfield::testing::ScratchDir dir("pvd_refuse");
  PvdSeries series(dir.path() / "t.pvd");
  series.add(1.0, dir.path() / "a.pvtu");
  EXPECT_THROW(series.add(1.0, dir.path() / "b.pvtu"), std::invalid_argument);
  EXPECT_THROW(series.add(std::nan(""), dir.path() / "c.pvtu"), std::invalid_argument);
  EXPECT_EQ(series.entries().size(), 1u);
}

}  // namespace
}  // namespace tsvfield::io
