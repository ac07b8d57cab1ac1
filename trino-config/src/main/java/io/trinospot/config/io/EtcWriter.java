package io.trinospot.config.io;

import io.trinospot.config.render.RenderedEtc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Replaces an etc/ directory as a whole. The new content is written into a hidden directory beside the target and
 * renamed into place, so a reader sees the old etc/ or the new one, never a half-written one. The old directory is
 * first renamed aside, so for an instant between the two renames the target is absent (Java has no atomic exchange
 * of two directories). Files that hold secrets, and their directories, get the permissions {@link EtcAccess} gives
 * them from the moment they exist.
 */
public final class EtcWriter
{
    /** @param changed false when the directory already held exactly the rendered files and was left untouched */
    public record Result(boolean changed, EtcDiff diff) {}

    /** Subdirectories render writes; an etc/ holding any other is not replaced. */
    private static final Set<String> MANAGED_DIRECTORIES = Set.of("catalog", "hadoop");

    private EtcWriter() {}

    /** Writes with {@link EtcAccess#OWNER}: files that hold secrets, and their directories, are the owner's alone. */
    public static Result write(RenderedEtc rendered, Path target)
            throws IOException
    {
        return write(rendered, target, EtcAccess.OWNER);
    }

    /**
     * Replaces {@code target} with {@code rendered}, each file and directory with the permissions {@code access}
     * gives it; leaves it untouched when content and permissions already match.
     */
    public static Result write(RenderedEtc rendered, Path target, EtcAccess access)
            throws IOException
    {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw new IOException("cannot replace the root directory");
        }
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(absolute.toString(), null, "exists and is not a directory");
        }
        checkReplaceable(absolute);
        EtcDiff diff = EtcDiff.compute(rendered, absolute, access);
        boolean exists = Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS);
        if (exists && diff.isEmpty()) {
            return new Result(false, diff);
        }
        Files.createDirectories(parent);
        String name = absolute.getFileName().toString();
        // private until it is complete (a temporary directory is created rwx------)
        Path staging = Files.createTempDirectory(parent, "." + name + ".new-");
        try {
            Optional<Permissions> permissions = Files.getFileStore(staging).supportsFileAttributeView("posix")
                    ? Optional.of(new Permissions(access.permissions(rendered), group(staging, access)))
                    : Optional.empty();
            writeAll(rendered, staging, permissions);
            if (permissions.isPresent()) {
                permissions.get().apply(staging, "");
            }
            if (!exists) {
                Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
            }
            else {
                swap(staging, absolute, parent, name);
            }
        }
        finally {
            deleteRecursively(staging);
        }
        return new Result(true, diff);
    }

    /** What {@link EtcAccess} gives each path, and the group to give them. */
    private record Permissions(Map<String, Set<PosixFilePermission>> modes, Optional<GroupPrincipal> group)
    {
        void apply(Path path, String relative)
                throws IOException
        {
            if (group.isPresent()) {
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group.get());
            }
            Files.setPosixFilePermissions(path, modes.get(relative));
        }
    }

    private static Optional<GroupPrincipal> group(Path path, EtcAccess access)
            throws IOException
    {
        if (access.group().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(access.group().get()));
        }
        catch (UserPrincipalNotFoundException e) {
            throw new IOException("no such group: " + access.group().get(), e);
        }
    }

    /**
     * Render replaces the whole directory, so a mistyped --out (".", a home directory) would delete it: only an empty
     * directory or one that looks like a Trino etc/ is replaced.
     */
    private static void checkReplaceable(Path target)
            throws IOException
    {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(target)) {
            entries = list.toList();
        }
        if (entries.isEmpty()) {
            return;
        }
        if (!Files.isRegularFile(target.resolve("config.properties"), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("refusing to replace a directory that is not a Trino etc/ (not empty, no config.properties)");
        }
        for (Path entry : entries) {
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && !MANAGED_DIRECTORIES.contains(entry.getFileName().toString())) {
                throw new IOException("refusing to replace " + target + ": it holds the directory " + entry.getFileName() + ", which render does not manage");
            }
        }
    }

    private static void swap(Path staging, Path target, Path parent, String name)
            throws IOException
    {
        Path old = Files.createTempDirectory(parent, "." + name + ".old-");
        Files.delete(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            // put the previous etc/ back rather than leave none
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        deleteRecursively(old);
    }

    /**
     * Every file is created readable by its owner only and gets its own permissions (and group) before any content is
     * written, so a secret is never readable by more than its final permissions allow.
     */
    private static void writeAll(RenderedEtc rendered, Path directory, Optional<Permissions> permissions)
            throws IOException
    {
        FileAttribute<?>[] ownerOnly = permissions.isPresent()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        for (Map.Entry<String, String> file : rendered.files().entrySet()) {
            Path path = directory.resolve(file.getKey());
            createDirectories(directory, EtcAccess.parent(file.getKey()), permissions);
            try (FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
                if (permissions.isPresent()) {
                    permissions.get().apply(path, file.getKey());
                }
                ByteBuffer bytes = ByteBuffer.wrap(file.getValue().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                // durable before the rename makes it visible
                channel.force(true);
            }
        }
    }

    /** Creates {@code relative} (ending in /) and its parents under {@code root}, each owner-only, then with its own permissions. */
    private static void createDirectories(Path root, String relative, Optional<Permissions> permissions)
            throws IOException
    {
        if (relative.isEmpty()) {
            return;
        }
        createDirectories(root, EtcAccess.parent(relative.substring(0, relative.length() - 1)), permissions);
        Path directory = root.resolve(relative);
        if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (permissions.isEmpty()) {
            Files.createDirectory(directory);
            return;
        }
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        permissions.get().apply(directory, relative);
    }

    static void deleteRecursively(Path path)
            throws IOException
    {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
