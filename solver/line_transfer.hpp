#pragma once
// The transfer between two levels of the column multigrid (solver/column_multigrid):
// a coarse level is the fine level's lines grouped by the footprint coarsening, with
// the same places (slots) on every line, so its prolongator is the 2D prolongator on
// every slot, P = P2 (x) I, and its operator is the Galerkin product P^T A P.
//
// That structure makes the product cheap: each coarse row (I, s) gathers the fine
// rows (i, s) of the lines i that I interpolates to, and each of their entries
// (j, t) lands in the columns (J, t) that line j interpolates from. Computed that
// way (a fifth of the time of PETSc's general MatPtAP on the 1M benchmark), one
// coarse line at a time through dense slot bands that restrict first and then take
// one band update per prolongator entry, it costs about half as much again.
#include <petscmat.h>

#include <cstdint>
#include <vector>

#include "solver/footprint_aggregation.hpp"
#include "solver/petsc_handles.hpp"

namespace tsvfield::solver {

// Where each owned row of a level's matrix lies: the footprint node (line) and the
// place on it (any order-preserving number; the mesh uses 2 * z-level + copy).
struct LineStructure {
  std::vector<std::int32_t> footprint_node;  // per owned row
  std::vector<std::int32_t> slot;            // per owned row
  std::int32_t footprint_node_count = 0;     // footprint nodes of the whole level
};

// The owned rows grouped by line: CSR over every line of the level (empty where the
// rank holds none of a line), each line's rows in ascending slot order.
struct RowsByLine {
  std::vector<std::int32_t> start;  // footprint_node_count + 1 entries
  std::vector<std::int32_t> rows;
};

RowsByLine rows_by_line(const LineStructure& lines);

// Global numbering of a coarse level's rows: the rows (line J, slot t) of one line
// are consecutive and ascending in t; lines are owned by the rank holding most of
// their fine rows, and each rank's rows are consecutive.
struct CoarseNumbering {
  std::vector<int> line_owner;           // per coarse line
  std::vector<PetscInt> line_first;      // global index of the line's lowest slot
  std::vector<std::int32_t> slot_start;  // per coarse line, into `slots` (CSR)
  std::vector<std::int32_t> slots;       // each line's slots, ascending
  std::int32_t slot_span = 0;            // the fine (and coarse) slots are below this
  PetscInt owned_begin = 0, owned_end = 0, global_count = 0;
  // Where each slot lies on its line, for every distinct set of slots (most lines share
  // a few: the full stack, or the part of it a die covers): position
  // slot_position[slot_set[line] * slot_span + slot], -1 where the line has no such
  // slot. One dense lookup per row in the transfer's inner loops, in the memory of a
  // few lines.
  std::vector<std::int32_t> slot_set;       // per coarse line
  std::vector<std::int32_t> slot_position;  // per slot set and slot

  // The global row of (line, slot); -1 when the coarse level has no such row.
  PetscInt index(std::int32_t line, std::int32_t slot) const {
    const std::int32_t position =
        slot_position[static_cast<std::size_t>(slot_set[line]) * slot_span + slot];
    return position < 0 ? -1 : line_first[line] + position;
  }
};

struct LineTransfer {
  CoarseNumbering numbering;
  LineStructure coarse_lines;  // the coarse level's owned rows
  // P, stored as its transpose P^T (coarse rows x fine rows): PCMG's MatInterpolate
  // and MatRestrict take either shape, and the few coarse rows cost the AIJ blocks
  // far less per-row memory than the fine ones. Apply P with MatMultTranspose.
  MatHandle prolongator;
};

// Collective over the fine matrix's communicator.
LineTransfer build_line_transfer(Mat fine_matrix, const LineStructure& fine,
                                 const FootprintCoarsening& coarsening);

// P^T A P for P = transfer.prolongator, using the line structure. Collective.
MatHandle galerkin_on_lines(Mat fine_matrix, const LineStructure& fine,
                            const FootprintCoarsening& coarsening, const LineTransfer& transfer);

}  // namespace tsvfield::solver
