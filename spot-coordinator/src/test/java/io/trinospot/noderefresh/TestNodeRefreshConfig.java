package io.trinospot.noderefresh;

import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;

class TestNodeRefreshConfig
{
    @Test
    void byDefaultItAppliesTrinosOwnAnswersEverySecondAndAsksNoWorker()
    {
        assertRecordedDefaults(recordDefaults(NodeRefreshConfig.class)
                .setInterval(new Duration(1, SECONDS))
                .setAskWorkers(false)
                .setRequireInternals(false));
    }

    @Test
    void everyKeyMapsToItsProperty()
    {
        assertFullMapping(
                Map.of(
                        "node-refresh.interval", "250ms",
                        "node-refresh.ask-workers", "true",
                        "node-refresh.require-internals", "true"),
                new NodeRefreshConfig()
                        .setInterval(new Duration(250, MILLISECONDS))
                        .setAskWorkers(true)
                        .setRequireInternals(true));
    }
}
