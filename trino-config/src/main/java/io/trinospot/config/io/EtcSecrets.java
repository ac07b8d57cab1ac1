package io.trinospot.config.io;

import io.trinospot.config.model.SecretKeys;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.trinospot.config.model.SecretKeys.MASK;

/**
 * Finds the values of secret keys ({@link SecretKeys}) in the files of an etc/, rendered or found on disk:
 * properties files, jvm.config ({@code -Dkey=value}) and Hadoop XML. Masking keeps one line per line, so a diff of
 * the real lines can print the masked ones.
 */
final class EtcSecrets
{
    private static final Pattern XML_NAME = Pattern.compile("<name>\\s*(.*?)\\s*</name>");
    private static final String VALUE_START = "<value>";
    private static final String VALUE_END = "</value>";

    private EtcSecrets() {}

    static boolean holdsSecret(String path, String content)
    {
        return !maskedLines(path, content).equals(content.lines().toList());
    }

    /** The lines of {@code content} with every secret value replaced by {@link SecretKeys#MASK}. */
    static List<String> maskedLines(String path, String content)
    {
        List<String> lines = content.lines().toList();
        return path.endsWith(".xml") ? maskXml(lines) : maskProperties(lines);
    }

    private static List<String> maskProperties(List<String> lines)
    {
        List<String> masked = new ArrayList<>(lines.size());
        boolean continued = false;
        boolean secret = false;
        for (String line : lines) {
            if (continued) {
                // the previous line ended in a backslash: this one goes on with its value
                masked.add(secret && !line.isBlank() ? MASK : line);
                continued = endsWithContinuation(line);
                continue;
            }
            int start = 0;
            while (start < line.length() && isBlank(line.charAt(start))) {
                start++;
            }
            if (start == line.length() || line.charAt(start) == '#' || line.charAt(start) == '!') {
                masked.add(line);
                continue;
            }
            int end = start;
            while (end < line.length() && !isSeparator(line.charAt(end))) {
                end += line.charAt(end) == '\\' ? 2 : 1;
            }
            end = Math.min(end, line.length());
            int value = end;
            while (value < line.length() && isBlank(line.charAt(value))) {
                value++;
            }
            if (value < line.length() && (line.charAt(value) == '=' || line.charAt(value) == ':')) {
                value++;
                while (value < line.length() && isBlank(line.charAt(value))) {
                    value++;
                }
            }
            String key = unescape(line.substring(start, end));
            // jvm.config passes system properties as -Dkey=value
            secret = SecretKeys.isSecret(key.startsWith("-D") ? key.substring(2) : key);
            continued = endsWithContinuation(line);
            masked.add(secret && value < line.length() ? line.substring(0, value) + MASK : line);
        }
        return masked;
    }

    private static List<String> maskXml(List<String> lines)
    {
        List<String> masked = new ArrayList<>(lines.size());
        boolean secret = false;
        boolean inValue = false;
        for (String line : lines) {
            Matcher name = XML_NAME.matcher(line);
            if (name.find()) {
                secret = SecretKeys.isSecret(unescapeXml(name.group(1)));
            }
            if (!secret) {
                masked.add(line);
                continue;
            }
            int from = 0;
            if (!inValue) {
                int open = line.indexOf(VALUE_START);
                if (open < 0) {
                    masked.add(line);
                    continue;
                }
                from = open + VALUE_START.length();
            }
            int close = line.indexOf(VALUE_END, from);
            if (close < 0) {
                // a value over several lines
                masked.add(from == 0 ? MASK : line.substring(0, from) + MASK);
                inValue = true;
                continue;
            }
            masked.add(close == from ? line : line.substring(0, from) + MASK + line.substring(close));
            inValue = false;
            secret = false;
        }
        return masked;
    }

    private static boolean isBlank(char c)
    {
        return c == ' ' || c == '\t' || c == '\f';
    }

    private static boolean isSeparator(char c)
    {
        return c == '=' || c == ':' || isBlank(c);
    }

    /** An odd number of trailing backslashes continues the logical line, as {@link Properties#load} reads it. */
    private static boolean endsWithContinuation(String line)
    {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String unescape(String key)
    {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(key + "="));
        }
        catch (IOException | IllegalArgumentException e) {
            // a malformed escape: judge the key as written
            return key;
        }
        return properties.stringPropertyNames().stream().findFirst().orElse(key);
    }

    private static String unescapeXml(String text)
    {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }
}
