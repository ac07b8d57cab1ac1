package io.trinospot;

import io.trinospot.config.model.Classifications;
import io.trinospot.config.validate.KnownKeys;
import io.trinospot.exchange.SpotExchangeConfig;
import io.trinospot.harness.PluginConfigKeys;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * trino-config validates and renders the exchange-manager classification with a list of this plugin's keys; that
 * list must be exactly the plugin's {@code @Config} setters, each checked as the type it takes. Lives here because
 * this module's tests see both sides (trino-config comes with the harness).
 */
class TestTrinoConfigKnowsPluginKeys
{
    @Test
    void exchangeManagerClassificationKnowsExactlyTheExchangesKeysAsTheirTypes()
            throws Exception
    {
        Map<String, Class<?>> setters = PluginConfigKeys.configSetters(SpotExchangeConfig.class, "io/trinospot/exchange");
        assertThat(KnownKeys.pluginKeys(Classifications.EXCHANGE_MANAGER)).isEqualTo(setters.keySet());
        setters.forEach((key, type) -> assertThat(KnownKeys.type(Classifications.EXCHANGE_MANAGER, key)).as(key).contains(PluginConfigKeys.keyType(key, type)));
    }
}
