package io.trinospot.nodestate;

import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static java.util.concurrent.TimeUnit.SECONDS;

class TestNodeStateConfig
{
    @Test
    void defaults()
    {
        assertRecordedDefaults(recordDefaults(NodeStateConfig.class).setMaxWait(new Duration(5, SECONDS)));
    }

    @Test
    void everyKeyMapsToItsProperty()
    {
        assertFullMapping(Map.of("node-state.max-wait", "2s"), new NodeStateConfig().setMaxWait(new Duration(2, SECONDS)));
    }
}
