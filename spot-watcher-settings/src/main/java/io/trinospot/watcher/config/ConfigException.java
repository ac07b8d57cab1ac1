package io.trinospot.watcher.config;

import java.util.Optional;

/**
 * A setting is missing or does not parse; the message names the property and the file.
 */
public class ConfigException
        extends RuntimeException
{
    private final Optional<String> key;
    private final String reason;

    public ConfigException(String message)
    {
        this(Optional.empty(), message, message);
    }

    public ConfigException(String message, Throwable cause)
    {
        super(message, cause);
        this.key = Optional.empty();
        this.reason = message;
    }

    /** A value of {@code key} the agent refuses; the message is {@code key: reason}. */
    public static ConfigException forKey(String key, String reason)
    {
        return new ConfigException(Optional.of(key), reason, key + ": " + reason);
    }

    private ConfigException(Optional<String> key, String reason, String message)
    {
        super(message);
        this.key = key;
        this.reason = reason;
    }

    /** The setting at fault, when there is one. */
    public Optional<String> key()
    {
        return key;
    }

    /** The message without the key. */
    public String reason()
    {
        return reason;
    }
}
