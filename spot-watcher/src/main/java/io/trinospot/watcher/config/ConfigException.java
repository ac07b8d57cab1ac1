package io.trinospot.watcher.config;

/**
 * A setting is missing or does not parse; the message names the property and the file.
 */
public class ConfigException
        extends RuntimeException
{
    public ConfigException(String message)
    {
        super(message);
    }

    public ConfigException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
