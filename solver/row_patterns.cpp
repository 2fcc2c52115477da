#include "solver/row_patterns.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "solver/aij_blocks.hpp"

namespace tsvfield::solver {
namespace {

// FNV-1a over the relative columns: patterns are looked up only where a run of equal
// rows ends, a few times per line.
std::uint64_t pattern_hash(const std::int32_t* relative, std::size_t count) {
  std::uint64_t hash = 1469598103934665603ull;
  for (std::size_t e = 0; e < count; ++e) {
    hash ^= static_cast<std::uint32_t>(relative[e]);
    hash *= 1099511628211ull;
  }
  return hash ^ count;
}

// Whether row `row`'s columns, taken relative to it, are those of `pattern`: compared in
// place, since most rows repeat the row before (no copy made for them).
bool row_has_pattern(const SeqRows& block, PetscInt row, const RowPatterns& patterns,
                     std::int32_t pattern) {
  const std::int32_t begin = patterns.pattern_start[static_cast<std::size_t>(pattern)];
  const std::int32_t count = patterns.pattern_start[static_cast<std::size_t>(pattern) + 1] - begin;
  if (block.end(row) - block.begin(row) != count) return false;
  const std::int32_t* relative = patterns.offsets.data() + begin;
  for (PetscInt k = block.begin(row), e = 0; e < count; ++k, ++e)
    if (std::int64_t{block.column(k)} - row != relative[e]) return false;
  return true;
}

}  // namespace

RowPatterns row_patterns(const SeqRows& block) {
  const PetscInt rows = block.rows();
  RowPatterns patterns;
  patterns.pattern_of_row.resize(static_cast<std::size_t>(rows));
  patterns.pattern_start.push_back(0);
  std::unordered_multimap<std::uint64_t, std::int32_t> by_hash;
  std::vector<std::int32_t> relative;
  std::int32_t previous = -1;  // the pattern of the row before
  for (PetscInt row = 0; row < rows; ++row) {
    if (previous >= 0 && row_has_pattern(block, row, patterns, previous)) {
      patterns.pattern_of_row[static_cast<std::size_t>(row)] = previous;
      continue;
    }
    relative.clear();
    for (PetscInt k = block.begin(row); k < block.end(row); ++k) {
      const std::int64_t offset = std::int64_t{block.column(k)} - row;
      if (offset < std::numeric_limits<std::int32_t>::min() ||
          offset > std::numeric_limits<std::int32_t>::max())
        throw std::invalid_argument("row_patterns: a column lies too far from its row");
      relative.push_back(static_cast<std::int32_t>(offset));
    }
    const std::uint64_t hash = pattern_hash(relative.data(), relative.size());
    std::int32_t pattern = -1;
    const auto [first, last] = by_hash.equal_range(hash);
    for (auto it = first; it != last && pattern < 0; ++it)
      if (row_has_pattern(block, row, patterns, it->second)) pattern = it->second;
    if (pattern < 0) {
      pattern = static_cast<std::int32_t>(patterns.pattern_count());
      patterns.offsets.insert(patterns.offsets.end(), relative.begin(), relative.end());
      patterns.pattern_start.push_back(static_cast<std::int32_t>(patterns.offsets.size()));
      by_hash.emplace(hash, pattern);
    }
    patterns.pattern_of_row[static_cast<std::size_t>(row)] = pattern;
    previous = pattern;
  }
  return patterns;
}

}  // namespace tsvfield::solver
