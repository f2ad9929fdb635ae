# A real PostgreSQL cluster for the run-store tests: CTest starts it before the first test that
# needs it and stops it after the last (fixture "postgres", tests/tools/pg-cluster.sh). When it
# cannot start, postgres_start fails saying why and the tests that need it do not run — a failure,
# not a skip.
set(WB_TEST_PG_STATE ${PROJECT_BINARY_DIR}/pg-test-cluster)
add_test(NAME postgres_start COMMAND ${PROJECT_SOURCE_DIR}/tests/tools/pg-cluster.sh start ${WB_TEST_PG_STATE})
set_tests_properties(postgres_start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 120 LABELS postgres)
add_test(NAME postgres_stop COMMAND ${PROJECT_SOURCE_DIR}/tests/tools/pg-cluster.sh stop ${WB_TEST_PG_STATE})
set_tests_properties(postgres_stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 120 LABELS postgres)

# Marks a test (registered with wb_add_test) as one that needs the cluster; it finds the URL
# through WB_TEST_POSTGRES_DIR (tests/support/testpostgres.h).
function(wb_needs_postgres test)
  set_property(TEST ${test} APPEND PROPERTY FIXTURES_REQUIRED postgres)
  set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT "WB_TEST_POSTGRES_DIR=${WB_TEST_PG_STATE}")
  set_property(TEST ${test} APPEND PROPERTY LABELS postgres)
endfunction()
