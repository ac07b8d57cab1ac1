package io.trinospot.config.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which property keys hold secrets, decided by name alone so that files on disk, rendered files, diffs and messages
 * all agree. A key counts as secret when one of its words (split at {@code .}, {@code -}, {@code _} and camel case) is
 * {@code secret}, {@code password}, {@code passwd}, {@code passphrase}, {@code credential} or {@code credentials}; when
 * its last word is {@code key} or {@code token}; when it names an account key ({@code fs.azure.account.key.<account>});
 * or when it ends in {@code connection-string}. A key whose last word says the value only points at or describes a
 * secret ({@code file}, {@code path}, {@code ttl}, ...) is not secret, nor is a switch that allows something
 * ({@code watcher.trino.allow-node-environment-secret}). A false positive costs a masked value and a
 * file only its owner reads; a false negative would leak, so the words are broad.
 */
public final class SecretKeys
{
    /** What every diff and message shows instead of a secret value. */
    public static final String MASK = "***";

    // JVM system properties spell words in camel case (javax.net.ssl.keyStorePassword)
    private static final Pattern CAMEL_CASE = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");
    private static final Set<String> SECRET_WORDS = Set.of("secret", "password", "passwd", "passphrase", "credential", "credentials");
    private static final Set<String> SECRET_LAST_WORDS = Set.of("key", "token");
    // the value names or describes a secret (where it is, how long it lives), it is not the secret itself
    private static final Set<String> REFERENCE_LAST_WORDS = Set.of(
            "file", "files", "path", "paths", "dir", "directory", "location", "uri", "url", "endpoint",
            "provider", "providers", "type", "name", "enabled", "ttl", "size", "length", "bitlength", "algorithm", "id");

    private SecretKeys() {}

    public static boolean isSecret(String key)
    {
        List<String> words = Arrays.stream(CAMEL_CASE.matcher(key).replaceAll(".").toLowerCase(Locale.ROOT).split("[._-]+"))
                .filter(word -> !word.isEmpty())
                .toList();
        if (words.isEmpty() || REFERENCE_LAST_WORDS.contains(words.getLast()) || words.contains("allow")) {
            return false;
        }
        if (words.stream().anyMatch(SECRET_WORDS::contains) || SECRET_LAST_WORDS.contains(words.getLast())) {
            return true;
        }
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("account") && words.get(i + 1).equals("key")) {
                return true;
            }
        }
        return words.size() >= 2 && words.get(words.size() - 2).equals("connection") && words.getLast().equals("string");
    }
}
