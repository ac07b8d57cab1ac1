package io.trinospot.config.validate;

import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.Defaults;
import io.trinospot.config.model.Problem;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.trinospot.config.model.Classifications.EXCHANGE_MANAGER;
import static io.trinospot.config.model.Classifications.TRINO_CONFIG;
import static io.trinospot.config.validate.KnownKeys.BASE_DIRECTORIES;
import static io.trinospot.config.validate.KnownKeys.BASE_DIRECTORY;
import static io.trinospot.config.validate.KnownKeys.COMPRESSION_CODEC;
import static io.trinospot.config.validate.KnownKeys.COMPRESSION_ENABLED;
import static io.trinospot.config.validate.KnownKeys.EXCHANGE_ENCRYPTION_ENABLED;
import static io.trinospot.config.validate.KnownKeys.EXCHANGE_MANAGER_NAME;
import static io.trinospot.config.validate.KnownKeys.FTE_EXCHANGE_ENCRYPTION_ENABLED;
import static io.trinospot.config.validate.KnownKeys.USE_LOCAL_HDFS;

/**
 * Rewrites legacy and EMR-only keys into what Trino 483 and our exchange plugin understand, with a note for each.
 * Invalid values are left alone: the type checks report them.
 */
final class LegacyTranslator
{
    /** Exchange managers that cannot do use-local-hdfs but that EMR-style files may name; replaced by ours. */
    private static final Set<String> REPLACEABLE_MANAGERS = Set.of("filesystem", "hdfs");

    /** Keys EMR files still carry that Trino 483 refuses at start-up ("Defunct property"), with what replaced them. */
    static final Map<String, String> DEFUNCT_KEYS = Map.of(
            "query.low-memory-killer.delay", "Trino's low-memory killer no longer waits before it acts, which is what 0s asked for");

    private LegacyTranslator() {}

    static Configurations translate(Configurations configurations, List<Problem> problems)
    {
        Configurations result = configurations;
        Optional<Classification> config = result.find(TRINO_CONFIG);
        if (config.isPresent()) {
            result = result.update(TRINO_CONFIG, c -> defunct(compression(c, problems), problems));
        }
        if (result.find(EXCHANGE_MANAGER).isPresent()) {
            result = exchangeEncryption(result, problems);
            result = result.update(EXCHANGE_MANAGER, c -> exchangeManager(baseDirectory(c, problems), problems));
        }
        return result;
    }

    /**
     * Trino 483's exchange managers refuse {@code exchange.encryption-enabled} ("Defunct property"): spool encryption
     * is the engine's, set in config.properties (on by default), so the key moves there.
     */
    private static Configurations exchangeEncryption(Configurations configurations, List<Problem> problems)
    {
        Optional<String> value = configurations.property(EXCHANGE_MANAGER, EXCHANGE_ENCRYPTION_ENABLED);
        if (value.isEmpty()) {
            return configurations;
        }
        if (configurations.property(TRINO_CONFIG, FTE_EXCHANGE_ENCRYPTION_ENABLED).isPresent()) {
            problems.add(Problem.error(EXCHANGE_MANAGER, EXCHANGE_ENCRYPTION_ENABLED, "defunct in Trino 483 (an exchange manager with it does not start), and "
                    + TRINO_CONFIG + " sets " + FTE_EXCHANGE_ENCRYPTION_ENABLED + " too; keep only that"));
            return configurations;
        }
        problems.add(Problem.note(EXCHANGE_MANAGER, EXCHANGE_ENCRYPTION_ENABLED, "defunct in Trino 483 (an exchange manager with it does not start); rendered in "
                + "config.properties as " + FTE_EXCHANGE_ENCRYPTION_ENABLED + "=" + value.get()));
        return configurations.update(EXCHANGE_MANAGER, c -> c.without(EXCHANGE_ENCRYPTION_ENABLED))
                .withProperty(TRINO_CONFIG, FTE_EXCHANGE_ENCRYPTION_ENABLED, value.get());
    }

    private static Classification compression(Classification config, List<Problem> problems)
    {
        Optional<String> enabled = config.get(COMPRESSION_ENABLED);
        if (enabled.isEmpty()) {
            return config;
        }
        if (config.get(COMPRESSION_CODEC).isPresent()) {
            problems.add(Problem.error(TRINO_CONFIG, COMPRESSION_ENABLED, "set together with " + COMPRESSION_CODEC + "; keep only " + COMPRESSION_CODEC));
            return config;
        }
        String value = enabled.get().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            return config;
        }
        String codec = value.equals("true") ? "LZ4" : "NONE";
        problems.add(Problem.note(TRINO_CONFIG, COMPRESSION_ENABLED, "deprecated in Trino 483; rendered as " + COMPRESSION_CODEC + "=" + codec));
        return config.renamed(COMPRESSION_ENABLED, COMPRESSION_CODEC, codec);
    }

    /** Trino 483 fails to start on a defunct key, so render leaves it out and says so. */
    private static Classification defunct(Classification config, List<Problem> problems)
    {
        Classification result = config;
        for (Map.Entry<String, String> defunct : new java.util.TreeMap<>(DEFUNCT_KEYS).entrySet()) {
            Optional<String> value = result.get(defunct.getKey());
            if (value.isPresent()) {
                problems.add(Problem.note(TRINO_CONFIG, defunct.getKey(), "defunct in Trino 483 (a server with it does not start); left out: " + defunct.getValue()));
                result = result.without(defunct.getKey());
            }
        }
        return result;
    }

    private static Classification baseDirectory(Classification exchange, List<Problem> problems)
    {
        Optional<String> legacy = exchange.get(BASE_DIRECTORY);
        if (legacy.isEmpty()) {
            return exchange;
        }
        if (exchange.get(BASE_DIRECTORIES).isPresent()) {
            problems.add(Problem.error(EXCHANGE_MANAGER, BASE_DIRECTORY, "set together with " + BASE_DIRECTORIES + "; keep only " + BASE_DIRECTORIES));
            return exchange;
        }
        problems.add(Problem.note(EXCHANGE_MANAGER, BASE_DIRECTORY, "legacy name; rendered as " + BASE_DIRECTORIES));
        return exchange.renamed(BASE_DIRECTORY, BASE_DIRECTORIES, legacy.get());
    }

    private static Classification exchangeManager(Classification exchange, List<Problem> problems)
    {
        Optional<String> name = exchange.get(EXCHANGE_MANAGER_NAME);
        boolean localHdfs = exchange.get(USE_LOCAL_HDFS).map(v -> v.equalsIgnoreCase("true")).orElse(false);
        String spot = Defaults.EXCHANGE_MANAGER_NAME;
        if (localHdfs) {
            if (name.isEmpty()) {
                problems.add(Problem.note(EXCHANGE_MANAGER, USE_LOCAL_HDFS,
                        "EMR's HDFS exchange; rendered for our exchange plugin (" + EXCHANGE_MANAGER_NAME + "=" + spot + "), which resolves " + BASE_DIRECTORIES + " against fs.defaultFS"));
                return exchange.with(EXCHANGE_MANAGER_NAME, spot);
            }
            if (REPLACEABLE_MANAGERS.contains(name.get())) {
                problems.add(Problem.note(EXCHANGE_MANAGER, EXCHANGE_MANAGER_NAME,
                        "Trino's '" + name.get() + "' exchange manager has no " + USE_LOCAL_HDFS + "; rendered as " + EXCHANGE_MANAGER_NAME + "=" + spot));
                return exchange.with(EXCHANGE_MANAGER_NAME, spot);
            }
            if (!name.get().equals(spot)) {
                problems.add(Problem.error(EXCHANGE_MANAGER, USE_LOCAL_HDFS,
                        "only the '" + spot + "' exchange manager understands it, not '" + name.get() + "'"));
            }
            return exchange;
        }
        if (name.isEmpty()) {
            // EMR chooses the exchange manager itself; a self-managed cluster needs one named
            problems.add(Problem.note(EXCHANGE_MANAGER, EXCHANGE_MANAGER_NAME, "not set (EMR picks its own); rendered as " + EXCHANGE_MANAGER_NAME + "=" + spot));
            return exchange.with(EXCHANGE_MANAGER_NAME, spot);
        }
        return exchange;
    }
}
