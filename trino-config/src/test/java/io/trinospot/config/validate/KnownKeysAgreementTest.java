package io.trinospot.config.validate;

import io.trinospot.config.TestConfigs;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Role;
import io.trinospot.config.render.TrinoEtcRenderer;
import io.trinospot.watcher.config.WatcherSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keys trino-config accepts for the trino-spot-watcher classification are the agent's own list (the exchange
 * plugin's keys are checked the same way in exchange-plugin's tests, which see both sides).
 */
class KnownKeysAgreementTest
{
    @Test
    void watcherClassificationAcceptsExactlyTheAgentsKeys()
    {
        assertThat(KnownKeys.listed(Classifications.SPOT_WATCHER)).isEqualTo(WatcherSettings.keys());
        assertThat(KnownKeys.isClosed(Classifications.SPOT_WATCHER)).isTrue();
    }

    @Test
    void renderWritesEveryAgentDefaultAndNoOtherKey()
            throws Exception
    {
        String rendered = TrinoEtcRenderer.render(TestConfigs.withSecret(new Configurations(java.util.List.of())), Role.WORKER).file("spot-watcher.properties");
        java.util.Properties properties = new java.util.Properties();
        properties.load(new java.io.StringReader(rendered));
        assertThat(properties.stringPropertyNames()).isEqualTo(WatcherSettings.defaults().keySet())
                .isSubsetOf(WatcherSettings.keys());
    }
}
