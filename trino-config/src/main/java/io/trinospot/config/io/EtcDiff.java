package io.trinospot.config.io;

import io.trinospot.config.render.RenderedEtc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/** What changes when a rendered etc/ replaces the one on disk, file by file and line by line. */
public record EtcDiff(List<FileChange> changes)
{
    public enum Kind
    {
        ADDED, REMOVED, CHANGED
    }

    /** @param lines the differing lines, each prefixed with {@code -} (on disk only) or {@code +} (rendered only) */
    public record FileChange(String path, Kind kind, List<String> lines)
    {
        public FileChange
        {
            requireNonNull(path, "path is null");
            requireNonNull(kind, "kind is null");
            lines = List.copyOf(requireNonNull(lines, "lines is null"));
        }
    }

    public EtcDiff
    {
        changes = List.copyOf(requireNonNull(changes, "changes is null"));
    }

    public boolean isEmpty()
    {
        return changes.isEmpty();
    }

    /** Compares with {@code directory}; a missing directory means every file is added. */
    public static EtcDiff compute(RenderedEtc rendered, Path directory)
            throws IOException
    {
        Map<String, String> existing = read(directory);
        List<FileChange> changes = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(existing.keySet());
        paths.addAll(rendered.files().keySet());
        for (String path : paths) {
            String before = existing.get(path);
            String after = rendered.files().get(path);
            if (before == null) {
                changes.add(new FileChange(path, Kind.ADDED, prefixed("+", after)));
            }
            else if (after == null) {
                changes.add(new FileChange(path, Kind.REMOVED, prefixed("-", before)));
            }
            else if (!before.equals(after)) {
                changes.add(new FileChange(path, Kind.CHANGED, lineDiff(before.lines().toList(), after.lines().toList())));
            }
        }
        return new EtcDiff(changes);
    }

    /** Unified-diff-like text without context lines; empty when nothing changes. */
    public String format(String label)
    {
        StringBuilder out = new StringBuilder();
        for (FileChange change : changes) {
            String path = label + "/" + change.path();
            out.append(change.kind() == Kind.ADDED ? "--- /dev/null" : "--- " + path).append('\n');
            out.append(change.kind() == Kind.REMOVED ? "+++ /dev/null" : "+++ " + path).append('\n');
            change.lines().forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    private static Map<String, String> read(Path directory)
            throws IOException
    {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                String relative = directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                // unreadable or binary files still show up as changed rather than failing the diff
                String content;
                try {
                    content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                }
                catch (IOException e) {
                    content = "<unreadable: " + e.getClass().getSimpleName() + ">";
                }
                files.put(relative, content);
            }
        }
        return files;
    }

    private static List<String> prefixed(String prefix, String content)
    {
        return content.lines().map(line -> prefix + line).toList();
    }

    /** Longest-common-subsequence line diff; etc/ files are small, so quadratic is fine. */
    static List<String> lineDiff(List<String> before, List<String> after)
    {
        int[][] common = new int[before.size() + 1][after.size() + 1];
        for (int i = before.size() - 1; i >= 0; i--) {
            for (int j = after.size() - 1; j >= 0; j--) {
                common[i][j] = before.get(i).equals(after.get(j))
                        ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < before.size() || j < after.size()) {
            if (i < before.size() && j < after.size() && before.get(i).equals(after.get(j))) {
                i++;
                j++;
            }
            else if (j >= after.size() || (i < before.size() && common[i + 1][j] >= common[i][j + 1])) {
                lines.add("-" + before.get(i++));
            }
            else {
                lines.add("+" + after.get(j++));
            }
        }
        if (lines.isEmpty()) {
            // same lines, different line endings or final newline
            lines.add("~(only line endings differ)");
        }
        return lines;
    }
}
