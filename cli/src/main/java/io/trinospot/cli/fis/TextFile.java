package io.trinospot.cli.fis;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A file argument read while parsing: one that cannot be read is a usage error, not a failed command. */
record TextFile(Path path, String text)
{
    static final class Reader
            implements ITypeConverter<TextFile>
    {
        @Override
        public TextFile convert(String value)
        {
            Path path = Path.of(value);
            try {
                return new TextFile(path, Files.readString(path));
            }
            catch (NoSuchFileException e) {
                throw new TypeConversionException("cannot read " + value + ": no such file");
            }
            catch (IOException e) {
                throw new TypeConversionException("cannot read " + value + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
    }

    /** A path that must name an existing file, kept as an absolute path since the nodes run elsewhere. */
    static final class Existing
            implements ITypeConverter<Path>
    {
        @Override
        public Path convert(String value)
        {
            Path path = Path.of(value).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new TypeConversionException(value + ": no such file");
            }
            return path;
        }
    }
}
