package io.trinospot.harness;

import java.util.Map;
import java.util.TreeMap;

/** Writes Hadoop's {@code <configuration>} XML files. */
public final class HadoopXml
{
    private HadoopXml() {}

    public static String configuration(Map<String, String> properties)
    {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
        new TreeMap<>(properties).forEach((name, value) -> xml.append("  <property><name>").append(escape(name))
                .append("</name><value>").append(escape(value)).append("</value></property>\n"));
        return xml.append("</configuration>\n").toString();
    }

    private static String escape(String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
