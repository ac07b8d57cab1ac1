package io.trinospot.config.io;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EtcSecretsTest
{
    @Test
    void masksPropertiesAsPropertiesReadsThem()
    {
        String content = """
                # internal-communication.shared-secret=comment
                coordinator=true
                internal-communication.shared-secret = s3cret
                connection-password:hunter2
                  s3.aws-secret-key   \\
                    continued \\
                    more
                connection\\-password=escaped-key
                connection-password=
                watcher.imds.token-ttl=6h
                """;
        assertThat(EtcSecrets.maskedLines("catalog/x.properties", content)).containsExactly(
                "# internal-communication.shared-secret=comment",
                "coordinator=true",
                "internal-communication.shared-secret = ***",
                "connection-password:***",
                "  s3.aws-secret-key   ***",
                "***",
                "***",
                "connection\\-password=***",
                "connection-password=",
                "watcher.imds.token-ttl=6h");
        assertThat(EtcSecrets.holdsSecret("x.properties", "connection-password=\nconnector.name=postgresql\n")).isFalse();
    }

    @Test
    void masksSystemPropertiesInJvmConfig()
    {
        assertThat(EtcSecrets.maskedLines("jvm.config", "-Xmx2G\n-XX:+UseG1GC\n-Djavax.net.ssl.keyStorePassword=changeit\n--add-opens=java.base/java.lang=ALL-UNNAMED\n"))
                .containsExactly("-Xmx2G", "-XX:+UseG1GC", "-Djavax.net.ssl.keyStorePassword=***", "--add-opens=java.base/java.lang=ALL-UNNAMED");
    }

    @Test
    void masksHadoopXmlValues()
    {
        String content = """
                <configuration>
                  <property>
                    <name>fs.s3a.secret.key</name>
                    <value>wJalrXUtnFEMI</value>
                  </property>
                  <property><name>fs.s3a.session.token</name><value>IQoJb3Jp</value></property>
                  <property>
                    <name>fs.azure.account.key.lake.dfs.core.windows.net</name>
                    <value>first
                  second</value>
                  </property>
                  <property>
                    <name>fs.defaultFS</name>
                    <value>hdfs://nn:8020</value>
                  </property>
                </configuration>
                """;
        assertThat(EtcSecrets.maskedLines("hadoop/core-site.xml", content)).containsExactly(
                "<configuration>",
                "  <property>",
                "    <name>fs.s3a.secret.key</name>",
                "    <value>***</value>",
                "  </property>",
                "  <property><name>fs.s3a.session.token</name><value>***</value></property>",
                "  <property>",
                "    <name>fs.azure.account.key.lake.dfs.core.windows.net</name>",
                "    <value>***",
                "***</value>",
                "  </property>",
                "  <property>",
                "    <name>fs.defaultFS</name>",
                "    <value>hdfs://nn:8020</value>",
                "  </property>",
                "</configuration>");
    }
}
