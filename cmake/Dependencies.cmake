# Third-party dependencies, found the standard way (Debian 12 packages).
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PETSC REQUIRED IMPORTED_TARGET petsc)
find_package(yaml-cpp REQUIRED)
find_package(VTK 9 REQUIRED COMPONENTS
  CommonCore CommonDataModel IOImage IOXML IOParallelXML ParallelMPI)
if(TSVFIELD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# One target for "PETSc + MPI", so library targets name a single dependency.
add_library(tsvfield_petsc INTERFACE)
target_link_libraries(tsvfield_petsc INTERFACE PkgConfig::PETSC MPI::MPI_CXX MPI::MPI_C)
# yaml-cpp 0.7 in Debian exports the target as "yaml-cpp".
if(TARGET yaml-cpp::yaml-cpp)
  set(TSVFIELD_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(TSVFIELD_YAML_TARGET yaml-cpp)
endif()

# MPI launcher used by the MPI tests (ctest runs them with mpiexec -n 2).
set(TSVFIELD_MPIEXEC ${MPIEXEC_EXECUTABLE})
set(TSVFIELD_MPIEXEC_FLAGS --oversubscribe --allow-run-as-root)
