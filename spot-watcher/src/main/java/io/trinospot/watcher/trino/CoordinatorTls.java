package io.trinospot.watcher.trino;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;

import static io.trinospot.watcher.config.WatcherSettings.COORDINATOR_TRUSTSTORE_PASSWORD_FILE;
import static io.trinospot.watcher.config.WatcherSettings.COORDINATOR_TRUSTSTORE_PATH;
import static java.util.Objects.requireNonNull;

/**
 * The trust of the coordinator's https: the configured trust store (PKCS12 or JKS), else the JDK's default. The store
 * is read on first use and again when its file changes, so a renewed CA needs no restart.
 */
final class CoordinatorTls
{
    private final Optional<Path> truststore;
    private final Optional<Path> passwordFile;

    // Guarded by this.
    private SSLSocketFactory loaded;
    private FileTime loadedVersion;

    CoordinatorTls(Optional<Path> truststore, Optional<Path> passwordFile)
    {
        this.truststore = requireNonNull(truststore, "truststore is null");
        this.passwordFile = requireNonNull(passwordFile, "passwordFile is null");
    }

    synchronized SSLSocketFactory socketFactory()
            throws IOException
    {
        if (truststore.isEmpty()) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        Path path = truststore.get();
        FileTime version;
        try {
            version = Files.getLastModifiedTime(path);
        }
        catch (NoSuchFileException e) {
            throw new IOException(COORDINATOR_TRUSTSTORE_PATH + ": " + path + " does not exist");
        }
        if (loaded == null || !version.equals(loadedVersion)) {
            loaded = load(path);
            loadedVersion = version;
        }
        return loaded;
    }

    private SSLSocketFactory load(Path path)
            throws IOException
    {
        char[] password = passwordFile.isPresent() ? SecretFiles.read(passwordFile.get(), COORDINATOR_TRUSTSTORE_PASSWORD_FILE).toCharArray() : null;
        try {
            KeyStore store;
            try {
                // Finds out whether the file is PKCS12 or JKS.
                store = KeyStore.getInstance(path.toFile(), password);
            }
            catch (KeyStoreException e) {
                throw new IOException(COORDINATOR_TRUSTSTORE_PATH + ": " + path + " is not a PKCS12 or JKS trust store");
            }
            catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException) {
                    throw new IOException(COORDINATOR_TRUSTSTORE_PATH + ": " + path + " cannot be read with the password in "
                            + passwordFile.map(Path::toString).orElse("(none)") + " (" + COORDINATOR_TRUSTSTORE_PASSWORD_FILE + ")");
                }
                throw new IOException(COORDINATOR_TRUSTSTORE_PATH + ": cannot read " + path + ": " + e.getMessage());
            }
            if (Collections.list(store.aliases()).stream().noneMatch(alias -> hasCertificate(store, alias))) {
                throw new IOException(COORDINATOR_TRUSTSTORE_PATH + ": " + path + " holds no certificate"
                        + (password == null ? " it can read without a password (set " + COORDINATOR_TRUSTSTORE_PASSWORD_FILE + ")" : ""));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        }
        catch (GeneralSecurityException e) {
            throw new IOException(COORDINATOR_TRUSTSTORE_PATH + ": cannot use " + path + ": " + e.getMessage());
        }
        finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private static boolean hasCertificate(KeyStore store, String alias)
    {
        try {
            return store.getCertificate(alias) != null;
        }
        catch (KeyStoreException e) {
            return false;
        }
    }

    @Override
    public String toString()
    {
        return "CoordinatorTls[truststore=" + truststore.map(Path::toString).orElse("(JDK default)") + "]";
    }
}
