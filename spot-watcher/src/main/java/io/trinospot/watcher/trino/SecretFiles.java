package io.trinospot.watcher.trino;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a one-line secret (a password, a token) from its file. Messages name the setting and the file, never what
 * the file holds.
 */
final class SecretFiles
{
    private SecretFiles() {}

    static String read(Path file, String key)
            throws IOException
    {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException e) {
            throw new IOException(key + ": " + file + " does not exist");
        }
        catch (AccessDeniedException e) {
            throw new IOException(key + ": " + file + " is not readable by the agent's user");
        }
        catch (CharacterCodingException e) {
            throw new IOException(key + ": " + file + " is not UTF-8 text");
        }
        catch (IOException e) {
            throw new IOException(key + ": cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        // The line break that editors and echo end a file with is no part of the secret.
        String secret = text.replaceAll("[\r\n]+$", "");
        if (secret.isEmpty()) {
            throw new IOException(key + ": " + file + " is empty");
        }
        if (secret.indexOf('\n') >= 0 || secret.indexOf('\r') >= 0) {
            throw new IOException(key + ": " + file + " holds more than one line");
        }
        return secret;
    }
}
