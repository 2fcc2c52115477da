#pragma once
// Helpers shared by the case-reader tests: read a case from text, or get the
// message of the InputError reading it throws.
#include <string>

#include "io/case_reader.hpp"

namespace tsvfield::io::testing {

inline Case read(const std::string& text, const std::string& base_dir = ".") {
  return read_case_text(text, "test.yaml", base_dir);
}

// The message of the InputError that reading `text` throws ("" if none).
inline std::string error_of(const std::string& text, const std::string& base_dir = ".") {
  try {
    read(text, base_dir);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

}  // namespace tsvfield::io::testing
