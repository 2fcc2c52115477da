# helper "sireader": the frequency sweep of analyses.signal_integrity and the SI
# report writers (printed report, CSV tables, summary.json block). Serial.
tsvfield_unit_test(test_si_sweep SOURCES test_si_sweep.cpp LIBS tsvfield_physics)
tsvfield_unit_test(test_si_report SOURCES test_si_report.cpp LIBS tsvfield_io)
