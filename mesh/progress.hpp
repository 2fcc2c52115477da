#pragma once
// Progress lines on stderr, printed by rank 0 only, with the elapsed wall time:
// "[   3.2 s] meshing footprint: 40%". The one place the code prints progress.
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace tsvfield {

class Progress {
 public:
  explicit Progress(MPI_Comm comm, bool quiet = false) : start_(Clock::now()) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    enabled_ = (rank == 0) && !quiet;
  }

  // A step that starts or finishes.
  void step(const std::string& message) const {
    if (!enabled_) return;
    // Tables go to stdout: flushed first, so that a log of both streams (2>&1)
    // does not cut a table line with a progress message.
    std::fflush(stdout);
    std::fprintf(stderr, "[%8.1f s] %s\n", elapsed(), message.c_str());
    std::fflush(stderr);
  }

  // A percentage of a long step; prints only when the tenths change, so a tight
  // loop can call it freely.
  void percent(const std::string& what, int percent_done) {
    if (!enabled_) return;
    int tenth = percent_done / 10;
    if (what == last_what_ && tenth == last_tenth_) return;
    last_what_ = what;
    last_tenth_ = tenth;
    std::fflush(stdout);  // as in step()
    std::fprintf(stderr, "[%8.1f s] %s: %d%%\n", elapsed(), what.c_str(), percent_done);
    std::fflush(stderr);
  }

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  bool enabled() const { return enabled_; }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
  bool enabled_ = false;
  std::string last_what_;
  int last_tenth_ = -1;
};

}  // namespace tsvfield
