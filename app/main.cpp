// tsvfield: command-line driver. Parses the command, then hands over to app/commands.
#include <cstdio>
#include <string>

#include "tsvfield_version.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--version") {
    std::printf("tsvfield %s\n", tsvfield::kVersion);
    return 0;
  }
  std::fprintf(stderr, "usage: tsvfield {run|check|mesh|materials} ...\n");
  return 2;
}
