package io.trinospot.exchange;

import io.trinospot.harness.ExchangeKind;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;


/**
 * The spot exchange on the harness's S3 server: q39 through a worker's SIGKILL; with {@code -Dtrinospot.benchmark.tpcds=true}
 * the whole query set with and without retries too. The storage calls of this backend are S3ExchangeSpiIT's.
 * <p>
 * Opt-in ({@code -Dtrinospot.s3.cluster=true}): in every build integration-tests' EtlExactlyOnceIT runs a write with
 * task retries spooled on S3 through a worker's SIGKILL, which is what this class adds to the SPI tests, and a cluster
 * less keeps {@code ./mvnw verify} within its 40 minutes.
 */
@EnabledIfSystemProperty(named = "trinospot.s3.cluster", matches = "true")
class SpotExchangeS3ClusterIT
        extends AbstractSpotExchangeClusterIT
{
    @Override
    protected ExchangeKind exchange()
    {
        return ExchangeKind.SPOT_S3;
    }
}
