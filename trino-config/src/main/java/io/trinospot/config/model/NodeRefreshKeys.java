package io.trinospot.config.model;

import java.util.List;
import java.util.Map;

/**
 * The {@code trino-spot-node-refresh} classification: the spot-coordinator plugin's {@code spot-node-refresh} event
 * listener on the coordinator, which makes a worker's SHUTTING_DOWN visible to the scheduler within about a second
 * (Trino's own node poll takes 5 to 10 s). spot-coordinator's README documents the listener.
 */
public final class NodeRefreshKeys
{
    /** Whether the coordinator gets the listener; needs the spot-coordinator plugin directory in its plugin/. */
    public static final String ENABLED = "node-refresh.enabled";
    /** How often the coordinator rebuilds its node list from its workers' answers. */
    public static final String INTERVAL = "node-refresh.interval";
    /** Whether each interval asks every worker (for clusters without announcing agents) instead of applying Trino's answers. */
    public static final String ASK_WORKERS = "node-refresh.ask-workers";
    /** Whether the coordinator refuses to start when the listener cannot reach Trino's node manager. */
    public static final String REQUIRE_INTERNALS = "node-refresh.require-internals";
    /** How long the announcement procedure waits for a worker to leave the active list (the catalog's own key). */
    public static final String MAX_WAIT = "node-state.max-wait";

    /**
     * The coordinator's catalog through which a Spot worker's agent announces its worker's shutdown
     * ({@code CALL spot.system.worker_shutting_down('<node id>')}); the agent's
     * {@code watcher.coordinator.announce-catalog} names the same catalog.
     */
    public static final String CATALOG = "spot";
    public static final String CONNECTOR_NAME = "spot_node_state";

    public static final String DEFAULT_ENABLED = "true";
    public static final String DEFAULT_INTERVAL = "1s";

    /** The file under etc/ and the event listener it selects. */
    public static final String FILE = "spot-node-refresh.properties";
    public static final String EVENT_LISTENER_NAME = "spot-node-refresh";
    /** Trino's key listing event listener files (comma-separated), relative to the launcher's working directory. */
    public static final String EVENT_LISTENER_CONFIG_FILES = "event-listener.config-files";

    /**
     * The listener reaches Trino's node manager through the platform MBean server's internals; the same list is in
     * spot-coordinator's CoordinatorNodeStates, which names it in its error when they are missing.
     */
    public static final List<String> COORDINATOR_JVM_OPTIONS = List.of(
            "--add-opens=java.management/com.sun.jmx.mbeanserver=ALL-UNNAMED",
            "--add-opens=java.management/com.sun.jmx.interceptor=ALL-UNNAMED");

    private NodeRefreshKeys() {}

    /** The listener's own file: which listener, its interval, and whether it asks every worker. */
    public static Map<String, String> listenerProperties(String interval, boolean askWorkers)
    {
        return listenerProperties(interval, askWorkers ? java.util.Optional.of("true") : java.util.Optional.empty(), java.util.Optional.empty());
    }

    /** The listener's own file, with ask-workers and require-internals only when they were set. */
    public static Map<String, String> listenerProperties(String interval, java.util.Optional<String> askWorkers, java.util.Optional<String> requireInternals)
    {
        Map<String, String> properties = new java.util.LinkedHashMap<>(Map.of("event-listener.name", EVENT_LISTENER_NAME, INTERVAL, interval));
        askWorkers.ifPresent(value -> properties.put(ASK_WORKERS, value));
        requireInternals.ifPresent(value -> properties.put(REQUIRE_INTERNALS, value));
        return properties;
    }

    /** Whether the configurations turn node refresh on (the listener and the announcement catalog, on the coordinator). */
    public static boolean enabled(Configurations config)
    {
        return Boolean.parseBoolean(config.property(Classifications.SPOT_NODE_REFRESH, ENABLED).orElse(DEFAULT_ENABLED));
    }

    /** The announcement catalog's file: the connector, and the longest wait only when it was set. */
    public static Map<String, String> catalogProperties(java.util.Optional<String> maxWait)
    {
        Map<String, String> properties = new java.util.LinkedHashMap<>(Map.of("connector.name", CONNECTOR_NAME));
        maxWait.ifPresent(value -> properties.put(MAX_WAIT, value));
        return properties;
    }

    /** Adds {@code file} to config.properties' event listener files, after any the config already lists. */
    public static void addListenerFile(Map<String, String> configProperties, String file)
    {
        configProperties.merge(EVENT_LISTENER_CONFIG_FILES, file, (theirs, ours) -> theirs + "," + ours);
    }
}
