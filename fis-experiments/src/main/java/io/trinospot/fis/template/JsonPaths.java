package io.trinospot.fis.template;

import java.util.regex.Pattern;

/** Builds the JSON paths that name a value in a problem: {@code $.actions.interrupt.startAfter[0]}. */
final class JsonPaths
{
    static final String ROOT = "$";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-]+");

    private JsonPaths() {}

    static String field(String parent, String name)
    {
        // names with dots or spaces would make the path ambiguous, so they get bracket notation
        return PLAIN.matcher(name).matches() ? parent + "." + name : parent + "['" + name.replace("'", "\\'") + "']";
    }

    static String index(String parent, int index)
    {
        return parent + "[" + index + "]";
    }
}
