#pragma once
// Shared pieces of the design-review report's Markdown (io/review_report): what each
// analysis contributes, and printf-style formatting into a string.
#include <cmath>
#include <cstdio>
#include <string>

#include "solver/linear_solve.hpp"

namespace tsvfield::io {

// One analysis' part of the report: bullets for the findings at the top, its own
// sections, and its rows of the solver table.
struct ReviewText {
  std::string findings;  // "- ...\n" lines
  std::string body;      // "## ..." sections
  std::string solvers;   // "| analysis | method | ... |\n" rows
};

template <typename... Args>
std::string text(const char* pattern, Args... args) {
  const int length = std::snprintf(nullptr, 0, pattern, args...);
  if (length <= 0) return {};
  std::string formatted(static_cast<std::size_t>(length), '\0');
  std::snprintf(formatted.data(), formatted.size() + 1, pattern, args...);
  return formatted;
}

// `value` with an SI prefix (p, n, u, m, none, k, M) so that 1 <= |mantissa| < 1000,
// to 4 significant digits: engineering(0.000227417, "W") is "227.4 uW".
inline std::string engineering(double value, const char* unit) {
  static constexpr const char* kPrefixes[] = {"p", "n", "u", "m", "", "k", "M"};
  int power = 0;  // index into kPrefixes minus 4
  const double magnitude = std::abs(value);
  if (magnitude > 0) {
    while (power > -4 && magnitude < std::pow(1000.0, power)) --power;
    while (power < 2 && magnitude >= std::pow(1000.0, power + 1)) ++power;
  }
  return text("%.4g %s%s", value / std::pow(1000.0, power) + 0.0, kPrefixes[power + 4], unit);
}

// A row of the report's solver table: analysis, method, Krylov iterations (and
// Newton iterations or time steps), final residual, converged reason, setup and
// solve seconds.
inline std::string solver_row(const std::string& analysis, const solver::SolveStats& stats) {
  std::string iterations = std::to_string(stats.iterations);
  if (stats.nonlinear_iterations > 0)
    iterations += " (" + std::to_string(stats.nonlinear_iterations) + " Newton)";
  if (stats.time_steps > 0) iterations += " (" + std::to_string(stats.time_steps) + " steps)";
  return "| " + analysis + " | " + stats.method + " | " + iterations +
         text(" | %.3e | ", stats.residual_norm) + stats.converged_reason +
         text(" | %.2f / %.2f |\n", stats.setup_seconds, stats.solve_seconds);
}

}  // namespace tsvfield::io
