#pragma once
// AIJ matrices made straight on CSR arrays that the program fills itself: no
// preallocation slack and no row-by-row insertion (MatSetValues searches and shifts
// every entry into its row). Used by the scalar operator's assembly and by the
// column multigrid's coarse operators.
#include <petscmat.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

// A fixed-size array straight from mmap: zero-filled by the kernel (no memset
// of our own), and 2 MiB aligned and advised as transparent huge pages, so
// that first touching it costs one page fault per 2 MiB instead of one per
// 4 KiB (page faults dominate filling a fresh matrix on virtual machines).
template <typename T>
class PageArray {
  static_assert(std::is_trivially_copyable_v<T>);
  static constexpr std::size_t kHugePage = std::size_t{1} << 21;
  static constexpr std::size_t kPage = 4096;  // a multiple of the page size (mmap rounds up)
  // No swap reserved up front: an array mapped at a bound of its size touches
  // (and is charged for) only what it fills.
  static constexpr int kMapFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

 public:
  PageArray() = default;
  explicit PageArray(std::size_t size) : size_(size) {
    const std::size_t bytes = std::max<std::size_t>(size, 1) * sizeof(T);
    if (bytes < kHugePage) {
      bytes_ = (bytes + kPage - 1) / kPage * kPage;
      void* map = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, kMapFlags, -1, 0);
      if (map == MAP_FAILED) throw std::bad_alloc();
      data_ = static_cast<T*>(map);
      return;
    }
    bytes_ = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    // Map one huge page more and trim both ends to a 2 MiB aligned range.
    const std::size_t mapped = bytes_ + kHugePage;
    void* map = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, kMapFlags, -1, 0);
    if (map == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(map);
    const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
    if (aligned > start) munmap(map, aligned - start);
    if (const std::size_t tail = start + mapped - (aligned + bytes_); tail > 0) {
      munmap(reinterpret_cast<void*>(aligned + bytes_), tail);
    }
    data_ = reinterpret_cast<T*>(aligned);
#ifdef MADV_HUGEPAGE
    madvise(data_, bytes_, MADV_HUGEPAGE);  // advice only: failure is harmless
#endif
  }
  ~PageArray() {
    if (data_) munmap(data_, bytes_);
  }
  PageArray(const PageArray&) = delete;
  PageArray& operator=(const PageArray&) = delete;
  PageArray(PageArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        bytes_(std::exchange(other.bytes_, 0)) {}
  PageArray& operator=(PageArray&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(bytes_, other.bytes_);
    return *this;
  }

  T* data() {
    return data_;
  }
  std::size_t size() const {
    return size_;
  }
  T& operator[](std::size_t i) {
    return data_[i];
  }
  // Keeps the first `size` elements and gives the pages beyond them back
  // (the part never touched cost no memory, only address space).
  void shrink(std::size_t size) {
    if (size >= size_) return;
    // Whole 4 KiB pages: a partly used last huge page is split rather than kept, which
    // for the coarse operators (many arrays, each mapped at a bound) was 2 MiB each.
    const std::size_t unit = kPage;
    const std::size_t kept =
        std::max<std::size_t>((size * sizeof(T) + unit - 1) / unit * unit, unit);
    if (kept < bytes_) {
      munmap(reinterpret_cast<char*>(data_) + kept, bytes_ - kept);
      bytes_ = kept;
    }
    size_ = size;
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
};

// The CSR arrays of a matrix created on them (MatCreateSeqAIJWithArrays,
// MatCreateMPIAIJWithSplitArrays): the diagonal block with local columns, the
// off-diagonal block with global ones, each row's columns ascending.
struct MatrixArrays {
  PageArray<PetscInt> diag_start, diag_columns, off_start, off_columns;
  PageArray<PetscScalar> diag_values, off_values;
};

// An AIJ matrix (SeqAIJ on one rank, MPIAIJ otherwise) on the given arrays, `owned`
// rows and columns here of `global`. PETSc takes them as they are; they belong to a
// container composed with the matrix and go when it goes. Collective.
MatHandle matrix_on_arrays(std::unique_ptr<MatrixArrays> arrays, PetscInt owned, PetscInt global,
                           MPI_Comm comm);

// Sends each rank its buffer (all-to-all, one buffer per rank of `comm`); returns
// what the others sent here, in rank order. Collective.
std::vector<PetscInt> exchange_all_to_all(std::vector<std::vector<PetscInt>> outgoing,
                                          MPI_Comm comm);
std::vector<PetscScalar> exchange_all_to_all(std::vector<std::vector<PetscScalar>> outgoing,
                                             MPI_Comm comm);

}  // namespace tsvfield::solver
