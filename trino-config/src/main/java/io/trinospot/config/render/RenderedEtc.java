package io.trinospot.config.render;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A complete etc/ in memory: relative path (with {@code /}, e.g. {@code catalog/tpcds.properties}) to file content.
 */
public record RenderedEtc(SortedMap<String, String> files)
{
    public RenderedEtc
    {
        requireNonNull(files, "files is null");
        for (String path : files.keySet()) {
            if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("//")
                    || path.equals("..") || path.startsWith("../") || path.contains("/../") || path.endsWith("/..")) {
                throw new IllegalArgumentException("not a relative path inside etc/: " + path);
            }
        }
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    public String file(String path)
    {
        String content = files.get(path);
        if (content == null) {
            throw new IllegalArgumentException("no such rendered file: " + path);
        }
        return content;
    }
}
