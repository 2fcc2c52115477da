# Helper "xsec": cross-section construction and the electro-quasi-static admittance.
tsvfield_si_test(test_xsec_section)
tsvfield_si_test(test_xsec_admittance)
