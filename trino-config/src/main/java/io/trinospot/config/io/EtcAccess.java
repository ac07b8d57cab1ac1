package io.trinospot.config.io;

import io.trinospot.config.render.RenderedEtc;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Who may read a rendered etc/. Files that hold a secret ({@link io.trinospot.config.model.SecretKeys}) and the
 * directories that hold such files are the owner's alone, or also readable by one group (the group Trino and the
 * agent run as, when render runs as another user); everything else is readable by all, as Trino's own etc/ is.
 *
 * @param group the group given read access to secrets, and made the group of every file and directory
 */
public record EtcAccess(Optional<String> group)
{
    public static final EtcAccess OWNER = new EtcAccess(Optional.empty());

    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PUBLIC_DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");

    public EtcAccess
    {
        requireNonNull(group, "group is null");
        group.ifPresent(name -> {
            if (name.isBlank()) {
                throw new IllegalArgumentException("group name is empty");
            }
        });
    }

    public static EtcAccess group(String name)
    {
        return new EtcAccess(Optional.of(name));
    }

    Set<PosixFilePermission> file(boolean secret)
    {
        if (!secret) {
            return PUBLIC_FILE;
        }
        return PosixFilePermissions.fromString(group.isPresent() ? "rw-r-----" : "rw-------");
    }

    Set<PosixFilePermission> directory(boolean holdsSecret)
    {
        if (!holdsSecret) {
            return PUBLIC_DIRECTORY;
        }
        return PosixFilePermissions.fromString(group.isPresent() ? "rwxr-x---" : "rwx------");
    }

    /**
     * The permissions of every file and directory of {@code etc}: relative paths, directories with a trailing
     * {@code /} and etc/ itself as the empty path. A directory is private when a file directly in it holds a secret.
     */
    Map<String, Set<PosixFilePermission>> permissions(RenderedEtc etc)
    {
        Map<String, Set<PosixFilePermission>> permissions = new TreeMap<>();
        Map<String, Boolean> directories = new TreeMap<>();
        directories.put("", false);
        etc.files().forEach((path, content) -> {
            boolean secret = EtcSecrets.holdsSecret(path, content);
            permissions.put(path, file(secret));
            String directory = parent(path);
            directories.merge(directory, secret, Boolean::logicalOr);
            for (String above = directory; !above.isEmpty(); ) {
                above = parent(above.substring(0, above.length() - 1));
                directories.putIfAbsent(above, false);
            }
        });
        directories.forEach((directory, secret) -> permissions.put(directory, directory(secret)));
        return permissions;
    }

    /** The directory of a relative path, with its trailing slash; empty for etc/ itself. */
    static String parent(String path)
    {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash + 1);
    }
}
