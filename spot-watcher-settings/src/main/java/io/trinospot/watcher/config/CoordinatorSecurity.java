package io.trinospot.watcher.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How the agent reaches a coordinator that requires TLS or authentication. Only file paths are held: the password and
 * the token are read from their files when used, so they are never part of the configuration, its logs or its diffs.
 *
 * @param truststorePath PKCS12 or JKS trust store for the coordinator's certificate; empty: the JDK's default trust
 * @param truststorePasswordFile the trust store's password; empty: read without one
 * @param passwordFile the password of {@code watcher.coordinator.user}, sent with HTTP Basic authentication
 * @param tokenFile a JWT sent as a bearer token
 */
public record CoordinatorSecurity(Optional<Path> truststorePath, Optional<Path> truststorePasswordFile, Optional<Path> passwordFile, Optional<Path> tokenFile)
{
    public static final CoordinatorSecurity NONE = new CoordinatorSecurity(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public CoordinatorSecurity
    {
        requireNonNull(truststorePath, "truststorePath is null");
        requireNonNull(truststorePasswordFile, "truststorePasswordFile is null");
        requireNonNull(passwordFile, "passwordFile is null");
        requireNonNull(tokenFile, "tokenFile is null");
        if (passwordFile.isPresent() && tokenFile.isPresent()) {
            throw ConfigException.forKey(WatcherSettings.COORDINATOR_TOKEN_FILE, "cannot be set together with " + WatcherSettings.COORDINATOR_PASSWORD_FILE
                    + ": the coordinator is asked with a password or with a token, not both");
        }
        if (truststorePasswordFile.isPresent() && truststorePath.isEmpty()) {
            throw ConfigException.forKey(WatcherSettings.COORDINATOR_TRUSTSTORE_PASSWORD_FILE, "is set but " + WatcherSettings.COORDINATOR_TRUSTSTORE_PATH + " is not");
        }
    }

    /** The setting that holds the credential, when one is set. */
    public Optional<String> credentialKey()
    {
        if (passwordFile.isPresent()) {
            return Optional.of(WatcherSettings.COORDINATOR_PASSWORD_FILE);
        }
        return tokenFile.map(ignored -> WatcherSettings.COORDINATOR_TOKEN_FILE);
    }

    /**
     * Refuses to send a credential over plain http, as Trino's own clients do: anyone on the path could read it.
     *
     * @param where where the URI came from, for the message
     */
    public void checkCoordinatorUri(URI coordinatorUri, String where)
    {
        if (coordinatorUri.getRawUserInfo() != null) {
            // Not echoed: it may hold a password.
            throw ConfigException.forKey(WatcherSettings.COORDINATOR_URI, "the coordinator's address (" + where + ") holds a user name or password; set "
                    + WatcherSettings.COORDINATOR_USER + " and " + WatcherSettings.COORDINATOR_PASSWORD_FILE + " instead");
        }
        String scheme = coordinatorUri.getScheme();
        if ((!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) || coordinatorUri.getHost() == null) {
            throw ConfigException.forKey(WatcherSettings.COORDINATOR_URI, "the coordinator's address " + coordinatorUri + " (" + where + ") is not an http:// or https:// URI with a host");
        }
        credentialKey().filter(ignored -> "http".equalsIgnoreCase(scheme)).ifPresent(key -> {
            throw ConfigException.forKey(key, "needs the coordinator over https, but its address is " + coordinatorUri + " (" + where
                    + "); set " + WatcherSettings.COORDINATOR_URI + " to its https:// address (credentials are never sent over plain http)");
        });
    }
}
