package io.trinospot.config.validate;

import io.airlift.units.DataSize;
import io.airlift.units.Duration;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** The type of a property value. {@link #check} returns why a value does not fit, or empty when it does. */
public sealed interface KeyType
{
    Optional<String> check(String value);

    /** JVM options separated by spaces; a word without a dash would be taken as the main class. */
    KeyType JVM_OPTIONS = new Simple(value -> java.util.Arrays.stream(value.strip().split("\\s+"))
            .filter(option -> !option.isEmpty() && !option.startsWith("-"))
            .findFirst()
            .map(option -> "'" + option + "' is not a JVM option (options start with -)"));

    /** Any text, for values whose syntax is the reader's own business. */
    KeyType TEXT = new Simple(_ -> Optional.empty());

    KeyType NON_EMPTY = new Simple(value -> value.isBlank() ? Optional.of("must not be empty") : Optional.empty());

    /** Airlift's Duration syntax, exactly as Trino parses it. */
    KeyType DURATION = new Simple(value -> {
        try {
            Duration.valueOf(value);
            return Optional.empty();
        }
        catch (IllegalArgumentException e) {
            return Optional.of("'" + value + "' is not a duration such as 500ms, 30s, 1m or 2h");
        }
    });

    /** Airlift's DataSize syntax: case-sensitive units B, kB, MB, GB, TB, PB. */
    KeyType DATA_SIZE = new Simple(value -> {
        try {
            DataSize.valueOf(value);
            return Optional.empty();
        }
        catch (IllegalArgumentException e) {
            return Optional.of("'" + value + "' is not a data size such as 512MB or 1GB (units B, kB, MB, GB, TB, PB)");
        }
    });

    KeyType BOOLEAN = new Simple(value -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")
            ? Optional.empty()
            : Optional.of("'" + value + "' is not a boolean (true or false)"));

    KeyType PORT = new Simple(value -> {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return Optional.empty();
            }
        }
        catch (NumberFormatException ignored) {
            // reported below
        }
        return Optional.of("'" + value + "' is not a port number (0 to 65535)");
    });

    KeyType POSITIVE_INTEGER = new Simple(value -> {
        try {
            if (Integer.parseInt(value) > 0) {
                return Optional.empty();
            }
        }
        catch (NumberFormatException ignored) {
            // reported below
        }
        return Optional.of("'" + value + "' is not a positive integer");
    });

    KeyType HTTP_URI = new Simple(value -> {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.empty();
            }
        }
        catch (URISyntaxException ignored) {
            // reported below
        }
        return Optional.of("'" + value + "' is not an http:// or https:// URI with a host");
    });

    /** Trino's rule for node.environment. */
    KeyType NODE_ENVIRONMENT = new Matching(Pattern.compile("[a-z0-9][_a-z0-9]*"),
            "must start with a lower case letter or digit and hold only lower case letters, digits and underscores");

    /** The JVM's size syntax as {@code -Xmx} takes it. */
    KeyType JVM_SIZE = new Matching(Pattern.compile("[1-9][0-9]*[kKmMgGtT]?"), "is not a JVM size such as 2G or 4096m");

    /**
     * The shortest internal-communication.shared-secret accepted. Whoever knows the secret can mint the tokens every
     * node accepts, so it must not be guessable: 32 characters is the least that holds 128 random bits even written
     * as hex ({@code openssl rand -hex 16}); {@code openssl rand -hex 32} fills the 256-bit HS256 key Trino derives.
     */
    int SHARED_SECRET_MIN_LENGTH = 32;

    /** Trino's internal shared secret; the message never repeats the value. */
    KeyType SHARED_SECRET = new Simple(value -> value.length() >= SHARED_SECRET_MIN_LENGTH
            ? Optional.empty()
            : Optional.of("is " + value.length() + " characters long; use a random value of at least " + SHARED_SECRET_MIN_LENGTH
                    + " characters (e.g. openssl rand -hex 32)"));

    /** Airlift's log levels; Trino's log.properties maps logger names to these. */
    KeyType LOG_LEVEL = new Matching(Pattern.compile("OFF|TRACE|DEBUG|INFO|WARN|ERROR"), "is not a log level (OFF, TRACE, DEBUG, INFO, WARN, ERROR)");

    /** A setting of the spot-watcher agent, checked by the agent's own parser. */
    static KeyType agent(io.trinospot.watcher.config.WatcherSettings.Setting setting)
    {
        return new Simple(setting::check);
    }

    static KeyType oneOf(String... values)
    {
        return new OneOf(List.of(values));
    }

    record Simple(java.util.function.Function<String, Optional<String>> checker)
            implements KeyType
    {
        public Simple
        {
            requireNonNull(checker, "checker is null");
        }

        @Override
        public Optional<String> check(String value)
        {
            return checker.apply(value);
        }
    }

    record Matching(Pattern pattern, String reason)
            implements KeyType
    {
        public Matching
        {
            requireNonNull(pattern, "pattern is null");
            requireNonNull(reason, "reason is null");
        }

        @Override
        public Optional<String> check(String value)
        {
            return pattern.matcher(value).matches() ? Optional.empty() : Optional.of("'" + value + "' " + reason);
        }
    }

    /** An enum that Trino's configuration reads case-insensitively. */
    record OneOf(List<String> values)
            implements KeyType
    {
        public OneOf
        {
            values = List.copyOf(values);
        }

        @Override
        public Optional<String> check(String value)
        {
            return values.contains(value.toUpperCase(Locale.ROOT))
                    ? Optional.empty()
                    : Optional.of("'" + value + "' is not one of " + String.join(", ", values));
        }

        public static OneOf of(String... values)
        {
            return new OneOf(Arrays.asList(values));
        }
    }
}
