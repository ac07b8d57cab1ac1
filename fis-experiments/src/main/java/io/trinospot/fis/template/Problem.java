package io.trinospot.fis.template;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a template, printed as exactly one line.
 *
 * @param path JSON path of the offending value, e.g. {@code $.targets.SpotWorkers.selectionMode}
 * @param message why it is wrong
 */
public record Problem(String path, String message)
{
    public Problem
    {
        requireNonNull(path, "path is null");
        requireNonNull(message, "message is null");
    }

    /** The single output line; control characters are replaced so a problem can never span lines. */
    public String line()
    {
        StringBuilder safe = new StringBuilder();
        (path + ": " + message).codePoints().forEach(c -> safe.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return safe.toString();
    }

    @Override
    public String toString()
    {
        return line();
    }
}
