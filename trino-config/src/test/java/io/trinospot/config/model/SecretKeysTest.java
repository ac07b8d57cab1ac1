package io.trinospot.config.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class SecretKeysTest
{
    @ParameterizedTest
    @ValueSource(strings = {
            "internal-communication.shared-secret",
            "watcher.trino.shared-secret",
            "exchange.s3.aws-secret-key",
            "exchange.s3.aws-access-key",
            "exchange.gcs.json-key",
            "exchange.azure.connection-string",
            "connection-password",
            "hive.metastore.glue.aws-secret-key",
            "http-server.https.keystore.key",
            "http-server.authentication.oauth2.client-secret",
            "s3.sse.customer-key",
            "iceberg.rest-catalog.oauth2.credential",
            "iceberg.rest-catalog.oauth2.token",
            "fs.s3a.secret.key",
            "fs.s3a.session.token",
            "fs.azure.account.key.lake.dfs.core.windows.net",
            "javax.net.ssl.keyStorePassword"})
    void secret(String key)
    {
        assertThat(SecretKeys.isSecret(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "node.environment",
            "connector.name",
            "connection-user",
            "exchange.s3.sse.kms-key-id",
            "exchange.gcs.json-key-file-path",
            "password-authenticator.config-files",
            "hadoop.security.credential.provider.path",
            "watcher.imds.token-ttl",
            "watcher.trino.allow-node-environment-secret",
            "watcher.trino.shared-secret-file",
            "watcher.coordinator.password-file",
            "watcher.coordinator.token-file",
            "exchange.encryption-enabled",
            "dfs.encrypt.data.transfer.cipher.key.bitlength",
            "hive.metastore.client.credentials-provider",
            "keystore",
            ""})
    void notSecret(String key)
    {
        assertThat(SecretKeys.isSecret(key)).isFalse();
    }
}
