package io.trinospot.fis.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The fingerprint of a fault-free run of a deterministic query over lake tables that are made once and then only
 * read, kept beside the lake's markers so that later runs compare with it instead of running the query again. The
 * record's file name holds a digest of the query's text (and session), so another query, salt or round count never
 * finds it; whoever makes the tables again deletes the records of the old ones ({@link #deleteAll}).
 *
 * @param fingerprint row count and checksum of the fault-free run
 * @param queryId the run that produced it, so a reader can look it up
 * @param recorded when it ran
 */
public record RecordedReference(LakeWrite.Fingerprint fingerprint, String queryId, Instant recorded)
{
    private static final String SUFFIX = ".reference";

    public RecordedReference
    {
        requireNonNull(fingerprint, "fingerprint is null");
        requireNonNull(queryId, "queryId is null");
        requireNonNull(recorded, "recorded is null");
    }

    /** The record of {@code query} (its SQL and session, as one string) about {@code table}'s data, in {@code dir}. */
    static Path file(Path dir, String table, String query)
    {
        return dir.resolve(table + "." + digest(query) + SUFFIX);
    }

    /**
     * The record, if there is one; a record that cannot be read is reported on {@code problems} in one line and
     * treated as absent, so the query simply runs again.
     */
    static Optional<RecordedReference> read(Path file, Consumer<String> problems)
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        catch (NoSuchFileException e) {
            return Optional.empty();
        }
        catch (IOException | IllegalArgumentException e) {
            problems.accept("ignoring the recorded fault-free reference " + file + ": unreadable (" + e.getMessage() + ")");
            return Optional.empty();
        }
        String rows = properties.getProperty("rows");
        String checksum = properties.getProperty("checksum");
        String queryId = properties.getProperty("query");
        String recorded = properties.getProperty("recorded");
        if (rows == null || checksum == null || queryId == null || recorded == null) {
            problems.accept("ignoring the recorded fault-free reference " + file + ": it needs rows, checksum, query and recorded");
            return Optional.empty();
        }
        try {
            long count = Long.parseLong(rows.strip());
            if (count < 0 || !checksum.strip().matches("[0-9A-F]+")) {
                problems.accept("ignoring the recorded fault-free reference " + file + ": rows must be a count and checksum upper-case hex, not " + rows + " / " + checksum);
                return Optional.empty();
            }
            return Optional.of(new RecordedReference(new LakeWrite.Fingerprint(count, checksum.strip()), queryId.strip(), Instant.parse(recorded.strip())));
        }
        catch (NumberFormatException | DateTimeParseException e) {
            problems.accept("ignoring the recorded fault-free reference " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Writes the record whole or not at all (a reader never sees half of it). */
    void write(Path file)
    {
        Properties properties = new Properties();
        properties.setProperty("rows", String.valueOf(fingerprint.rows()));
        properties.setProperty("checksum", fingerprint.checksum());
        properties.setProperty("query", queryId);
        properties.setProperty("recorded", recorded.toString());
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                properties.store(writer, "fault-free fingerprint of a lake write's SELECT; delete this file to run it again");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot record the fault-free reference in " + file, e);
        }
    }

    /** Deletes every record about {@code table} in {@code dir}: its data is about to be made again. */
    static void deleteAll(Path dir, String table)
    {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(dir, table + ".*" + SUFFIX)) {
            for (Path record : records) {
                Files.deleteIfExists(record);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the recorded references of " + table + " in " + dir, e);
        }
    }

    private static String digest(String text)
    {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
