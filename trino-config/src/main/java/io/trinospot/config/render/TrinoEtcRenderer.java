package io.trinospot.config.render;

import io.trinospot.config.InvalidConfigurationException;
import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Classifications;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Defaults;
import io.trinospot.config.model.FteKeys;
import io.trinospot.config.model.JvmKeys;
import io.trinospot.config.model.NodeRefreshKeys;
import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;
import io.trinospot.config.validate.Validation;
import io.trinospot.config.validate.Validator;
import io.trinospot.watcher.config.WatcherSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.trinospot.config.model.Classifications.EXCHANGE_MANAGER;
import static io.trinospot.config.model.Classifications.SPOT_FTE;
import static io.trinospot.config.model.Classifications.SPOT_JVM;
import static io.trinospot.config.model.Classifications.SPOT_NODE_REFRESH;
import static io.trinospot.config.model.Classifications.SPOT_WATCHER;
import static io.trinospot.config.model.Classifications.TRINO_CONFIG;
import static io.trinospot.config.model.Classifications.TRINO_LOG;
import static io.trinospot.config.model.Classifications.TRINO_NODE;
import static io.trinospot.config.validate.KnownKeys.COMPRESSION_CODEC;
import static io.trinospot.config.validate.KnownKeys.COORDINATOR;
import static io.trinospot.config.validate.KnownKeys.DISCOVERY_URI;
import static io.trinospot.config.validate.KnownKeys.HTTP_PORT;
import static io.trinospot.config.validate.KnownKeys.INCLUDE_COORDINATOR;
import static io.trinospot.config.validate.KnownKeys.NODE_DATA_DIR;
import static io.trinospot.config.validate.KnownKeys.NODE_ENVIRONMENT;
import static io.trinospot.config.validate.KnownKeys.RETRY_POLICY;
import static io.trinospot.config.validate.KnownKeys.SHUTDOWN_GRACE_PERIOD;
import static io.trinospot.config.validate.KnownKeys.TASK_INFO_MAX_AGE;

/** Turns a configurations file into the etc/ of one coordinator or worker. Pure: no I/O. */
public final class TrinoEtcRenderer
{
    private TrinoEtcRenderer() {}

    public static RenderedEtc render(Configurations configurations, Role role)
            throws InvalidConfigurationException
    {
        return render(configurations, role, List.of());
    }

    public static RenderedEtc render(Configurations configurations, Role role, List<PropertyOverride> overrides)
            throws InvalidConfigurationException
    {
        return renderWithReport(configurations, role, overrides).etc();
    }

    /** Validates for this node and renders; throws with every problem when there is any error. */
    public static Rendering renderWithReport(Configurations configurations, Role role, List<PropertyOverride> overrides)
            throws InvalidConfigurationException
    {
        Validation validation = Validator.validate(configurations, Optional.of(role), overrides);
        if (validation.hasErrors()) {
            throw new InvalidConfigurationException(validation.problems());
        }
        return new Rendering(renderValid(validation.effective(), role), validation.problems());
    }

    /** Renders configurations that already passed validation, with --set values applied and legacy keys translated. */
    static RenderedEtc renderValid(Configurations config, Role role)
    {
        Map<String, String> files = new TreeMap<>();
        files.put("config.properties", configProperties(config, role));
        files.put("node.properties", properties(TRINO_NODE, config, Map.of(
                NODE_ENVIRONMENT, Defaults.NODE_ENVIRONMENT,
                NODE_DATA_DIR, Defaults.NODE_DATA_DIR)));
        files.put("log.properties", properties(TRINO_LOG, config, Map.of(Defaults.LOGGER, Defaults.LOG_LEVEL)));
        files.put("jvm.config", jvmConfig(config, role));
        if (config.find(EXCHANGE_MANAGER).isPresent()) {
            files.put("exchange-manager.properties", properties(EXCHANGE_MANAGER, config, Map.of()));
        }
        for (Classification classification : config.classifications()) {
            Classifications.catalogName(classification.name()).ifPresent(catalog ->
                    files.put("catalog/" + catalog + ".properties", properties(classification.name(), config, Map.of())));
            if (Classifications.isHadoop(classification.name())) {
                files.put("hadoop/" + classification.name() + ".xml", HadoopXmlFormat.format(
                        "Rendered by trino-config from the " + classification.name() + " classification; edits are overwritten.",
                        classification.properties()));
            }
        }
        if (nodeRefresh(config, role)) {
            files.put(NodeRefreshKeys.FILE, PropertiesFormat.format(header(SPOT_NODE_REFRESH), NodeRefreshKeys.listenerProperties(
                    config.property(SPOT_NODE_REFRESH, NodeRefreshKeys.INTERVAL).orElse(NodeRefreshKeys.DEFAULT_INTERVAL),
                    config.property(SPOT_NODE_REFRESH, NodeRefreshKeys.ASK_WORKERS),
                    config.property(SPOT_NODE_REFRESH, NodeRefreshKeys.REQUIRE_INTERNALS))));
            files.put("catalog/" + NodeRefreshKeys.CATALOG + ".properties", PropertiesFormat.format(header(SPOT_NODE_REFRESH),
                    NodeRefreshKeys.catalogProperties(config.property(SPOT_NODE_REFRESH, NodeRefreshKeys.MAX_WAIT))));
        }
        // the watcher drains workers; a coordinator has nothing to drain
        if (role == Role.WORKER) {
            files.put("spot-watcher.properties", properties(SPOT_WATCHER, config, WatcherSettings.defaults()));
        }
        return new RenderedEtc(new TreeMap<>(files));
    }

    private static String configProperties(Configurations config, Role role)
    {
        String port = config.property(TRINO_CONFIG, HTTP_PORT).orElse(Defaults.HTTP_PORT);
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(HTTP_PORT, Defaults.HTTP_PORT);
        defaults.put(SHUTDOWN_GRACE_PERIOD, Defaults.SHUTDOWN_GRACE_PERIOD);
        String retryPolicy = config.property(TRINO_CONFIG, RETRY_POLICY).orElse(Defaults.RETRY_POLICY);
        if (retryPolicy.equalsIgnoreCase("TASK")) {
            defaults.put("retry-initial-delay", Defaults.TASK_RETRY_INITIAL_DELAY);
        }
        if (!retryPolicy.equalsIgnoreCase("NONE")) {
            defaults.put(COMPRESSION_CODEC, Defaults.compressionCodec(retryPolicy));
        }
        if (role == Role.COORDINATOR) {
            if (retryPolicy.equalsIgnoreCase("TASK")) {
                // the scheduler's partition count is the coordinator's alone
                config.property(SPOT_FTE, FteKeys.WORKER_CORES).ifPresent(cores -> defaults.put(FteKeys.MAX_PARTITION_COUNT,
                        Integer.toString(FteKeys.maxPartitionCount(Integer.parseInt(cores)))));
            }
            defaults.put(INCLUDE_COORDINATOR, "false");
            defaults.put(DISCOVERY_URI, "http://localhost:" + port);
        }
        else {
            defaults.put(DISCOVERY_URI, Defaults.WORKER_DISCOVERY_URI);
            defaults.put(TASK_INFO_MAX_AGE, Defaults.WORKER_TASK_INFO_MAX_AGE);
        }
        Map<String, String> merged = merge(defaults, config.find(TRINO_CONFIG));
        merged.put(COORDINATOR, Boolean.toString(role == Role.COORDINATOR));
        if (nodeRefresh(config, role)) {
            // relative to the launcher's working directory, as Trino's docs write event listener files
            NodeRefreshKeys.addListenerFile(merged, "etc/" + NodeRefreshKeys.FILE);
        }
        return PropertiesFormat.format(header(TRINO_CONFIG) + "\nRole: " + role.label() + ".", merged);
    }

    private static String properties(String classification, Configurations config, Map<String, String> defaults)
    {
        return PropertiesFormat.format(header(classification), merge(defaults, config.find(classification)));
    }

    /** The coordinator gets the node-refresh listener unless the file turns it off. */
    private static boolean nodeRefresh(Configurations config, Role role)
    {
        return role == Role.COORDINATOR && NodeRefreshKeys.enabled(config);
    }

    private static String jvmConfig(Configurations config, Role role)
    {
        Optional<Classification> jvm = config.find(SPOT_JVM);
        List<String> additions = new ArrayList<>();
        if (nodeRefresh(config, role)) {
            additions.addAll(NodeRefreshKeys.COORDINATOR_JVM_OPTIONS);
        }
        jvm.flatMap(c -> c.get(JvmKeys.EXTRA_OPTIONS)).ifPresent(extra -> Arrays.stream(extra.strip().split("\\s+"))
                .filter(option -> !option.isEmpty())
                .forEach(additions::add));
        List<String> lines = JvmKeys.options(jvm.flatMap(c -> c.get(JvmKeys.HEAP_SIZE)).orElse(JvmKeys.DEFAULT_HEAP_SIZE), additions);
        // no comment lines: launchers pass every line to the JVM
        return String.join("\n", lines) + "\n";
    }

    private static Map<String, String> merge(Map<String, String> defaults, Optional<Classification> classification)
    {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        classification.ifPresent(c -> merged.putAll(c.properties()));
        return merged;
    }

    private static String header(String classification)
    {
        return "Rendered by trino-config from the " + classification + " classification; edits are overwritten.";
    }
}
