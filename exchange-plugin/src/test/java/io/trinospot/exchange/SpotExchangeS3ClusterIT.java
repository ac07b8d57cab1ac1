package io.trinospot.exchange;

import io.trinospot.harness.ExchangeKind;

import java.util.Map;

/**
 * The spot exchange on the harness's S3 server, with q39 only: the other queries' shapes take the same paths through
 * the exchange on every backend (SpotExchangeHdfsClusterIT runs them all), and the storage calls of this backend are
 * S3ExchangeSpiIT's. Set {@code -Dtrinospot.benchmark.tpcds=true} for the whole set here too.
 */
class SpotExchangeS3ClusterIT
        extends AbstractSpotExchangeClusterIT
{
    @Override
    protected ExchangeKind exchange()
    {
        return ExchangeKind.SPOT_S3;
    }

    @Override
    protected Map<String, String> queries()
    {
        return Boolean.getBoolean("trinospot.benchmark.tpcds") ? querySet() : Map.of("q39", querySet().get("q39"));
    }
}
