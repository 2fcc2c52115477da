# The complex block solver shared by the MQS and EQS cross-sections
# (solver/complex_block_solver), helper "blocksolve".
tsvfield_si_test(test_complex_block_solver)
