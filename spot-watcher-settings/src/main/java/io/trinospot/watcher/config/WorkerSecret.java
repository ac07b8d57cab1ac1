package io.trinospot.watcher.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trinospot.watcher.config.TrinoWorkerSettings.NODE_ENVIRONMENT;
import static io.trinospot.watcher.config.TrinoWorkerSettings.SHARED_SECRET;
import static io.trinospot.watcher.config.WatcherSettings.TRINO_ALLOW_NODE_ENVIRONMENT_SECRET;
import static io.trinospot.watcher.config.WatcherSettings.TRINO_SHARED_SECRET;
import static io.trinospot.watcher.config.WatcherSettings.TRINO_SHARED_SECRET_FILE;

/**
 * The secret that keys the local worker's internal API. Without a shared secret Trino derives that key from
 * {@code node.environment}, which is no secret: whoever knows it could take the worker out of service. So the agent
 * takes the key from there only when {@value WatcherSettings#TRINO_ALLOW_NODE_ENVIRONMENT_SECRET} says so.
 */
public final class WorkerSecret
{
    /** Far above any shared secret: a larger file is the wrong one, and the agent's heap is small. */
    static final long MAX_FILE_BYTES = 64 * 1024;
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{ENV:([A-Za-z_][A-Za-z0-9_]*)}");

    private WorkerSecret() {}

    /**
     * The secret the agent's own settings give, read once at start: the content of
     * {@value WatcherSettings#TRINO_SHARED_SECRET_FILE} (trimmed, not empty), or {@value WatcherSettings#TRINO_SHARED_SECRET};
     * empty when neither is set.
     *
     * @param environment the agent's environment, for {@code ${ENV:NAME}} in the file's path
     */
    public static Optional<Secret> fromSettings(WatcherConfig config, Map<String, String> environment)
    {
        if (config.trinoSharedSecretFile().isPresent()) {
            return Optional.of(readFile(config.trinoSharedSecretFile().get(), environment));
        }
        return config.trinoSharedSecret();
    }

    /**
     * The check at start when the agent's settings give no secret: the worker's config must hold one. A worker config
     * that does not exist yet (the agent installed before Trino) is checked when the worker client is first built.
     *
     * @return a warning to log when {@value WatcherSettings#TRINO_ALLOW_NODE_ENVIRONMENT_SECRET} may let the key come
     * from {@code node.environment}
     * @throws ConfigException naming {@value WatcherSettings#TRINO_SHARED_SECRET_FILE} when the key would come from
     * {@code node.environment}
     */
    public static Optional<String> checkAtStart(WatcherConfig config, Optional<Secret> fromSettings)
    {
        if (fromSettings.isPresent()) {
            return Optional.empty();
        }
        boolean exists = Files.exists(config.trinoConfigFile());
        if (exists && fromWorkerConfig(PropertiesFiles.load(config.trinoConfigFile())).isPresent()) {
            return Optional.empty();
        }
        if (config.trinoAllowNodeEnvironmentSecret()) {
            return Optional.of(TRINO_ALLOW_NODE_ENVIRONMENT_SECRET + "=true: without " + TRINO_SHARED_SECRET_FILE + ", " + TRINO_SHARED_SECRET
                    + " or " + SHARED_SECRET + " in " + config.trinoConfigFile() + ", calls to the worker are signed with the key Trino derives from "
                    + NODE_ENVIRONMENT + ", which anyone who knows the environment's name can derive too and use to take this worker out of service");
        }
        if (!exists) {
            return Optional.empty();
        }
        throw missing(config, true);
    }

    static Optional<Secret> fromWorkerConfig(Map<String, String> trinoConfig)
    {
        return Optional.ofNullable(trinoConfig.get(SHARED_SECRET)).map(String::trim).filter(value -> !value.isEmpty()).map(Secret::new);
    }

    static ConfigException missing(WatcherConfig config, boolean workerConfigExists)
    {
        return ConfigException.forKey(TRINO_SHARED_SECRET_FILE, "not set, and neither " + TRINO_SHARED_SECRET + " nor " + SHARED_SECRET + " in "
                + config.trinoConfigFile() + (workerConfigExists ? "" : " (file not found)") + " gives a secret: the worker's internal key would come from "
                + NODE_ENVIRONMENT + ", which is not secret (" + TRINO_ALLOW_NODE_ENVIRONMENT_SECRET + "=true accepts that)");
    }

    /** Refuses a {@code ${...}} in the path that is not {@code ${ENV:NAME}}, so that a typo shows before the agent runs. */
    static void checkFileSyntax(String value)
    {
        if (REFERENCE.matcher(value).replaceAll("").contains("${")) {
            throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, "'" + value + "': an environment variable is written ${ENV:NAME}");
        }
    }

    static Path filePath(String value, Map<String, String> environment)
    {
        checkFileSyntax(value);
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement = environment.get(name);
            if (replacement == null || replacement.isEmpty()) {
                throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, "'" + value + "': environment variable " + name + " is not set"
                        + (name.equals("CREDENTIALS_DIRECTORY") ? " (systemd sets it for a unit with LoadCredential=)" : ""));
            }
            matcher.appendReplacement(path, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(path);
        return Path.of(path.toString());
    }

    // Messages name the file and never any of its content.
    static Secret readFile(String value, Map<String, String> environment)
    {
        Path file = filePath(value, environment);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, file + " is not a regular file");
            }
            if (attributes.size() > MAX_FILE_BYTES) {
                throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, file + " is larger than " + MAX_FILE_BYTES / 1024 + " KiB, too large for a shared secret");
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.isEmpty()) {
                throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, file + " is empty");
            }
            return new Secret(secret);
        }
        catch (NoSuchFileException e) {
            throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, file + " does not exist");
        }
        catch (AccessDeniedException e) {
            throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, "cannot read " + file + ": permission denied");
        }
        catch (CharacterCodingException e) {
            throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, file + " is not UTF-8 text");
        }
        catch (IOException e) {
            throw ConfigException.forKey(TRINO_SHARED_SECRET_FILE, "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
