package io.trinospot.exchange;

import io.trinospot.harness.ExchangeKind;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Set;

/**
 * The spot exchange on the harness's S3 server, with q39 only: the other queries' shapes take the same paths through
 * the exchange on every backend (SpotExchangeHdfsClusterIT runs two of them in every build, all in benchmark runs), and the storage calls of this backend are
 * S3ExchangeSpiIT's. Set {@code -Dtrinospot.benchmark.tpcds=true} for the whole set here too.
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

    @Override
    protected Set<String> verifyQueries()
    {
        return Set.of("q39");
    }
}
