package io.trinospot.cli.fis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Finds a template: a file path, or the name of a template shipped with the module (e.g. {@code emr-trino-interrupter}). */
public final class TemplateSource
{
    public static final List<String> SHIPPED = List.of(
            "emr-trino-interrupter", "one-random-spot-worker", "half-of-spot-workers", "staggered-waves", "stop-one-core-worker");

    private TemplateSource() {}

    public static String read(String nameOrPath)
            throws UsageException
    {
        Path path = Path.of(nameOrPath);
        if (Files.isRegularFile(path)) {
            try {
                return Files.readString(path);
            }
            catch (IOException e) {
                throw new UsageException("cannot read " + nameOrPath + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
        String shipped = nameOrPath.endsWith(".json") ? nameOrPath.substring(0, nameOrPath.length() - ".json".length()) : nameOrPath;
        if (SHIPPED.contains(shipped)) {
            try (InputStream in = TemplateSource.class.getResourceAsStream("/templates/" + shipped + ".json")) {
                if (in != null) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            catch (IOException e) {
                throw new UsageException("cannot read the shipped template " + shipped + ": " + e.getMessage());
            }
        }
        throw new UsageException("cannot read " + nameOrPath + ": no such file, and not a shipped template (" + String.join(", ", SHIPPED) + ")");
    }

    public static String readFile(Path path)
            throws UsageException
    {
        try {
            return Files.readString(path);
        }
        catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + path + ": no such file");
        }
        catch (IOException e) {
            throw new UsageException("cannot read " + path + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }
}
