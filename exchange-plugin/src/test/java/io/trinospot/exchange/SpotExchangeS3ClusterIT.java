package io.trinospot.exchange;

import io.trinospot.harness.ExchangeKind;

/** The spot exchange on the harness's S3 server. */
class SpotExchangeS3ClusterIT
        extends AbstractSpotExchangeClusterIT
{
    @Override
    protected ExchangeKind exchange()
    {
        return ExchangeKind.SPOT_S3;
    }
}
