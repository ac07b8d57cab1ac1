package io.trinospot.config.render;

import java.util.Map;
import java.util.TreeMap;

/** Writes properties files that {@link java.util.Properties#load} reads back to exactly the same map. */
final class PropertiesFormat
{
    private PropertiesFormat() {}

    /** Keys sorted, so the output depends only on the content and a re-render is byte for byte the same. */
    static String format(String header, Map<String, String> properties)
    {
        StringBuilder out = new StringBuilder();
        header.lines().forEach(line -> out.append("# ").append(line).append('\n'));
        new TreeMap<>(properties).forEach((key, value) -> out.append(escape(key, true)).append('=').append(escape(value, false)).append('\n'));
        return out.toString();
    }

    static String escape(String text, boolean key)
    {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                // a value's leading spaces would be skipped on load; in keys a space ends the key
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                case '=', ':', '#', '!' -> out.append(key || i == 0 ? "\\" + c : String.valueOf(c));
                default -> {
                    // plain ASCII stays readable; anything else is escaped so the file encoding cannot matter
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
