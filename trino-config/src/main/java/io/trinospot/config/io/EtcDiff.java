package io.trinospot.config.io;

import io.trinospot.config.model.SecretKeys;
import io.trinospot.config.render.RenderedEtc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
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
        ADDED, REMOVED, CHANGED,
        /** same content, other permissions */
        MODE
    }

    /**
     * @param path relative to etc/; a directory ends in {@code /}, etc/ itself is empty
     * @param lines the differing lines, each prefixed with {@code -} (on disk only) or {@code +} (rendered only), and
     * {@code ~mode} with the permissions on disk and those render gives
     */
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

    /**
     * Compares with {@code directory}; a missing directory means every file is added. On a POSIX file system a file
     * or directory whose permissions (or, with a group, whose group) differ from what {@code access} gives it is a
     * change too. Secret values show as {@link SecretKeys#MASK}, so a changed secret shows as a changed line.
     */
    public static EtcDiff compute(RenderedEtc rendered, Path directory, EtcAccess access)
            throws IOException
    {
        Map<String, String> existing = read(directory);
        Map<String, String> modes = modes(directory, access);
        Map<String, String> wanted = new TreeMap<>();
        access.permissions(rendered).forEach((path, permissions) ->
                wanted.put(path, PosixFilePermissions.toString(permissions) + access.group().map(group -> " " + group).orElse("")));
        List<FileChange> changes = new ArrayList<>();
        // directories that stay: only their permissions can change
        for (Map.Entry<String, String> entry : modes.entrySet()) {
            if (entry.getKey().isEmpty() || entry.getKey().endsWith("/")) {
                List<String> mode = modeChange(entry.getValue(), wanted.get(entry.getKey()));
                if (!mode.isEmpty()) {
                    changes.add(new FileChange(entry.getKey(), Kind.MODE, mode));
                }
            }
        }
        TreeSet<String> paths = new TreeSet<>(existing.keySet());
        paths.addAll(rendered.files().keySet());
        for (String path : paths) {
            String before = existing.get(path);
            String after = rendered.files().get(path);
            List<String> mode = modeChange(modes.get(path), wanted.get(path));
            if (before == null) {
                changes.add(new FileChange(path, Kind.ADDED, prefixed("+", EtcSecrets.maskedLines(path, after))));
            }
            else if (after == null) {
                changes.add(new FileChange(path, Kind.REMOVED, prefixed("-", EtcSecrets.maskedLines(path, before))));
            }
            else if (!before.equals(after)) {
                List<String> lines = new ArrayList<>(mode);
                lines.addAll(lineDiff(before.lines().toList(), after.lines().toList(),
                        EtcSecrets.maskedLines(path, before), EtcSecrets.maskedLines(path, after)));
                changes.add(new FileChange(path, Kind.CHANGED, lines));
            }
            else if (!mode.isEmpty()) {
                changes.add(new FileChange(path, Kind.MODE, mode));
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

    private static List<String> modeChange(String actual, String wanted)
    {
        return actual == null || wanted == null || actual.equals(wanted) ? List.of() : List.of("~mode " + actual + " -> " + wanted);
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
                // unreadable or binary files still show up as changed rather than failing the diff
                String content;
                try {
                    content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                }
                catch (IOException e) {
                    content = "<unreadable: " + e.getClass().getSimpleName() + ">";
                }
                files.put(relative(directory, file), content);
            }
        }
        return files;
    }

    /**
     * The permissions (and, with a group, the group) of every file and directory under {@code directory}, keyed like
     * {@link EtcAccess#permissions}; empty where the file system has no POSIX permissions.
     */
    private static Map<String, String> modes(Path directory, EtcAccess access)
            throws IOException
    {
        Map<String, String> modes = new TreeMap<>();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS) || Files.getFileAttributeView(directory, PosixFileAttributeView.class) == null) {
            return modes;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.toList()) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String relative = relative(directory, path);
                if (attributes.isDirectory()) {
                    relative = relative.isEmpty() ? "" : relative + "/";
                }
                modes.put(relative, PosixFilePermissions.toString(attributes.permissions()) + access.group().map(_ -> " " + attributes.group().getName()).orElse(""));
            }
        }
        return modes;
    }

    private static String relative(Path directory, Path path)
    {
        return directory.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    private static List<String> prefixed(String prefix, List<String> lines)
    {
        return lines.stream().map(line -> prefix + line).toList();
    }

    static List<String> lineDiff(List<String> before, List<String> after)
    {
        return lineDiff(before, after, before, after);
    }

    /**
     * Longest-common-subsequence line diff of {@code before} and {@code after}, printing the line at the same index of
     * {@code shownBefore} and {@code shownAfter} (the masked lines); etc/ files are small, so quadratic is fine.
     */
    static List<String> lineDiff(List<String> before, List<String> after, List<String> shownBefore, List<String> shownAfter)
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
                lines.add("-" + shownBefore.get(i++));
            }
            else {
                lines.add("+" + shownAfter.get(j++));
            }
        }
        if (lines.isEmpty()) {
            // same lines, different line endings or final newline
            lines.add("~(only line endings differ)");
        }
        return lines;
    }
}
