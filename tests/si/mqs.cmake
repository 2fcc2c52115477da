# Magneto-quasi-static cross-section (physics/mqs_cross_section.cpp), helper "mqs".
tsvfield_si_test(test_mqs_round_wire)
tsvfield_si_test(test_mqs_two_wire)
tsvfield_si_test(test_mqs_iterations)
tsvfield_si_test(test_mqs_reduction)
