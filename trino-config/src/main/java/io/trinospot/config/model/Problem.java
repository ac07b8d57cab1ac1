package io.trinospot.config.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One finding about a configuration file, printed as exactly one line.
 *
 * @param classification the classification it concerns, or {@link #INPUT} for the file as a whole
 * @param key the property key, or empty when the finding is about the classification itself
 */
public record Problem(Severity severity, String classification, Optional<String> key, String message)
{
    /** Pseudo classification for findings about the file's structure. */
    public static final String INPUT = "input";

    public Problem
    {
        requireNonNull(severity, "severity is null");
        requireNonNull(classification, "classification is null");
        requireNonNull(key, "key is null");
        requireNonNull(message, "message is null");
    }

    public static Problem error(String classification, String key, String message)
    {
        return new Problem(Severity.ERROR, classification, Optional.ofNullable(key), message);
    }

    public static Problem warning(String classification, String key, String message)
    {
        return new Problem(Severity.WARNING, classification, Optional.ofNullable(key), message);
    }

    public static Problem note(String classification, String key, String message)
    {
        return new Problem(Severity.NOTE, classification, Optional.ofNullable(key), message);
    }

    public boolean isError()
    {
        return severity == Severity.ERROR;
    }

    /** The single output line; control characters are replaced so a finding can never span lines. */
    public String line()
    {
        String text = severity.label() + ": [" + classification + "] " + key.map(k -> k + ": ").orElse("") + message;
        StringBuilder safe = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                safe.append('?');
            }
            else {
                safe.appendCodePoint(c);
            }
        });
        return safe.toString();
    }

    @Override
    public String toString()
    {
        return line();
    }
}
