package io.trinospot.config.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys of {@code etc/spot-watcher.properties}, rendered from the {@code trino-spot-watcher} classification.
 * This is the one list both this tool and the spot-watcher agent rely on; README.md documents each key.
 */
public final class SpotWatcherKeys
{
    /** Base URL of the instance metadata service; tests point it at the IMDS emulator. */
    public static final String IMDS_ENDPOINT = "watcher.imds.endpoint";
    /** How often IMDS is polled for notices. */
    public static final String POLL_INTERVAL = "watcher.poll-interval";
    /** Tasks that cannot finish this long before the interruption are failed early, so they are retried elsewhere. */
    public static final String SAFETY_MARGIN = "watcher.safety-margin";
    /** Whether a rebalance recommendation puts the worker into DRAINING. */
    public static final String REBALANCE_DRAIN_ENABLED = "watcher.rebalance.drain-enabled";
    /** After this long without an interruption, a drained worker goes back to ACTIVE. */
    public static final String REBALANCE_UNDRAIN_AFTER = "watcher.rebalance.undrain-after";
    /** The worker's config.properties, read for its HTTP port and internal shared secret. */
    public static final String TRINO_CONFIG_FILE = "watcher.trino.config-file";

    private static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(IMDS_ENDPOINT, "http://169.254.169.254");
        defaults.put(POLL_INTERVAL, "1s");
        defaults.put(SAFETY_MARGIN, "15s");
        defaults.put(REBALANCE_DRAIN_ENABLED, "true");
        defaults.put(REBALANCE_UNDRAIN_AFTER, "10m");
        defaults.put(TRINO_CONFIG_FILE, "etc/config.properties");
        DEFAULTS = java.util.Collections.unmodifiableMap(defaults);
    }

    private SpotWatcherKeys() {}

    /** Every key with its default, in documentation order. */
    public static Map<String, String> defaults()
    {
        return DEFAULTS;
    }
}
