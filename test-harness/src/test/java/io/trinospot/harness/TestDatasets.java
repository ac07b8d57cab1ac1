package io.trinospot.harness;

/** Lake datasets shared by the integration tests, so they are copied once per checkout. */
final class TestDatasets
{
    static final Dataset Q39_SF1 = Dataset.tpcds("sf1", Dataset.TPCDS_Q39_TABLES);

    private TestDatasets() {}
}
