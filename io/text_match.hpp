#pragma once
// Small text helpers for friendly input errors: "did you mean ...?" suggestions
// and the '*'/'?' patterns that select layers by name.
#include <string>
#include <string_view>
#include <vector>

namespace tsvfield::io {

// Optimal-string-alignment distance (insertions, deletions, substitutions and
// swaps of neighbours each cost 1), ignoring letter case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo
// (distance <= 2, or <= a third of the word's length), else empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'thickness'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" (at most `limit` items, then ", ...").
std::string join_names(const std::vector<std::string>& names, std::size_t limit = 12);

// Shell-style match: '*' any run of characters, '?' one character; case-sensitive.
bool glob_match(std::string_view pattern, std::string_view text);
bool is_glob(std::string_view text);

}  // namespace tsvfield::io
