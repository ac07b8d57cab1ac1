package io.trinospot.config.render;

import java.util.Map;
import java.util.TreeMap;

/** Writes a Hadoop configuration file ({@code core-site.xml} style) from properties. */
final class HadoopXmlFormat
{
    private HadoopXmlFormat() {}

    static String format(String comment, Map<String, String> properties)
    {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<!-- ").append(comment.replace("--", "- -")).append(" -->\n");
        out.append("<configuration>\n");
        new TreeMap<>(properties).forEach((name, value) -> out
                .append("  <property>\n")
                .append("    <name>").append(escape(name)).append("</name>\n")
                .append("    <value>").append(escape(value)).append("</value>\n")
                .append("  </property>\n"));
        return out.append("</configuration>\n").toString();
    }

    static String escape(String text)
    {
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append((char) c);
            }
        });
        return out.toString();
    }
}
