package io.trinospot;

import io.trinospot.config.model.Classifications;
import io.trinospot.config.validate.KnownKeys;
import io.trinospot.harness.PluginConfigKeys;
import io.trinospot.noderefresh.NodeRefreshConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * trino-config validates and renders the spot-node-refresh classification (the listener's file and the node-state
 * catalog) with a list of this plugin's keys; that list must be exactly the plugin's {@code @Config} setters, each
 * checked as the type it takes. Lives here because this module's tests see both sides (trino-config comes with the
 * harness).
 */
class TestTrinoConfigKnowsPluginKeys
{
    @Test
    void nodeRefreshClassificationKnowsExactlyTheListenersAndTheCatalogsKeysAsTheirTypes()
            throws Exception
    {
        Map<String, Class<?>> setters = PluginConfigKeys.configSetters(NodeRefreshConfig.class, "io/trinospot/noderefresh", "io/trinospot/nodestate");
        assertThat(KnownKeys.pluginKeys(Classifications.SPOT_NODE_REFRESH)).isEqualTo(setters.keySet());
        setters.forEach((key, type) -> assertThat(KnownKeys.type(Classifications.SPOT_NODE_REFRESH, key)).as(key).contains(PluginConfigKeys.keyType(key, type)));
    }
}
