package io.trinospot.cli.fis;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A template as the command line names it: a file, or the name of a template shipped with fis-experiments (e.g.
 * {@code emr-trino-interrupter}). Read while parsing, so a template that cannot be read is a usage error.
 */
public final class TemplateSource
        implements ITypeConverter<TemplateSource.Template>
{
    public static final List<String> SHIPPED = List.of(
            "emr-trino-interrupter", "one-random-spot-worker", "half-of-spot-workers", "staggered-waves", "stop-one-core-worker");

    /**
     * @param given as written on the command line
     * @param name the file name without {@code .json}: what reports and chaos runs are named after
     */
    public record Template(String given, String name, String json) {}

    @Override
    public Template convert(String value)
    {
        return read(value.strip());
    }

    public static Template read(String nameOrPath)
    {
        Path path = Path.of(nameOrPath);
        String fileName = path.getFileName() == null ? nameOrPath : path.getFileName().toString();
        String name = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - ".json".length()) : fileName;
        if (Files.isRegularFile(path)) {
            try {
                return new Template(nameOrPath, name, Files.readString(path));
            }
            catch (IOException e) {
                throw new TypeConversionException("cannot read " + nameOrPath + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
        if (SHIPPED.contains(name) && !nameOrPath.contains("/")) {
            try (InputStream in = TemplateSource.class.getResourceAsStream("/templates/" + name + ".json")) {
                if (in != null) {
                    return new Template(nameOrPath, name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            catch (IOException e) {
                throw new TypeConversionException("cannot read the shipped template " + name + ": " + e.getMessage());
            }
        }
        throw new TypeConversionException("cannot read " + nameOrPath + ": no such file, and not a shipped template (" + String.join(", ", SHIPPED) + ")");
    }
}
