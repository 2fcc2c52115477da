#pragma once
// The case reader: a YAML case file -> a validated io::Case in SI units, with
// every default filled in and every item's SourceRef set. Any problem with the
// input throws tsvfield::InputError "file:line:col: key.path: expected ..., found ...".
// The case-file format is documented in docs/case-format.md.
#include <string>
#include <vector>

#include "io/case.hpp"

namespace tsvfield::io {

// Reads the file at `path`; relative trace/map files are resolved against its folder.
Case read_case_file(const std::string& path);

// Reads YAML text; `file_label` names it in messages and Case::file, `base_dir`
// is the folder relative trace/map files are resolved against.
Case read_case_text(const std::string& yaml_text, const std::string& file_label,
                    const std::string& base_dir);

// Every layer's name, bottom to top; the layers of side-by-side columns are listed
// column by column, each column bottom to top.
std::vector<std::string> layer_names_in_order(const mesh::StackSpec& stack);

}  // namespace tsvfield::io
