package io.trinospot.watcher.trino;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.trinospot.watcher.config.ConfigException;
import io.trinospot.watcher.config.CoordinatorSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The coordinator client against a real TLS server that answers Trino's client protocol for the two questions the
 * agent asks, with a self-signed certificate made by the JDK's keytool for this test.
 */
class TestCoordinatorClientTls
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STORE_PASSWORD = "store-pass-4711";
    private static final String TRUST_PASSWORD = "trust-pass-0815";
    private static final String USER = "trino-spot-watcher";
    private static final String PASSWORD = "pw-Secret-42";
    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0cmluby1zcG90LXdhdGNoZXIifQ.c2lnbmF0dXJl";
    // Generous: each request is a full TLS handshake, and the JVM's first one loads the TLS stack.
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path keys;
    // The coordinator's key pair, the trust store that holds its certificate, and one that holds another certificate.
    private static Path serverStore;
    private static Path trustStore;
    private static Path otherTrustStore;
    private static Path trustPasswordFile;

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String expectedAuthorization;
    private volatile String answer = "active";

    private record Request(String method, String path, Optional<String> authorization, String user, String body) {}

    @BeforeAll
    static void makeCertificates()
            throws Exception
    {
        serverStore = keys.resolve("coordinator.p12");
        keytool("-genkeypair", "-alias", "coordinator", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", serverStore.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "coordinator", "-keystore", serverStore.toString(), "-storepass", STORE_PASSWORD,
                "-file", keys.resolve("coordinator.cer").toString());
        trustStore = keys.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "coordinator", "-file", keys.resolve("coordinator.cer").toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", TRUST_PASSWORD);
        trustPasswordFile = keys.resolve("trust-password");
        Files.writeString(trustPasswordFile, TRUST_PASSWORD + "\n");

        // Another key pair, in a JKS store: its certificate is not the coordinator's.
        otherTrustStore = keys.resolve("other.jks");
        keytool("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "JKS", "-keystore", otherTrustStore.toString(),
                "-storepass", TRUST_PASSWORD, "-keypass", TRUST_PASSWORD);
    }

    private static void keytool(String... arguments)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + output);
        }
    }

    @AfterEach
    void stopServer()
    {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void asksOverHttpsWithTheTrustStoreAndPassword()
            throws Exception
    {
        URI uri = startHttps();
        expectedAuthorization = basic(USER, PASSWORD);
        CoordinatorClient client = client(uri, security(trustStore, trustPasswordFile, password(PASSWORD), null));

        assertThat(client.nodeState()).contains("active");

        assertThat(requests).extracting(Request::method).containsExactly("POST", "GET");
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.authorization()).contains(basic(USER, PASSWORD));
            assertThat(request.user()).isEqualTo(USER);
        });
        assertThat(requests.getFirst().body()).isEqualTo("SELECT state FROM system.runtime.nodes WHERE node_id = 'worker-7'");
    }

    @Test
    void countsTheOtherActiveWorkersWithABearerToken()
            throws Exception
    {
        URI uri = startHttps();
        expectedAuthorization = "Bearer " + TOKEN;
        answer = "2";
        CoordinatorClient client = client(uri, security(trustStore, trustPasswordFile, null, token(TOKEN)));

        assertThat(client.otherActiveWorkers()).isEqualTo(2);

        assertThat(requests.getFirst().body())
                .isEqualTo("SELECT count(*) FROM system.runtime.nodes WHERE coordinator = false AND state = 'active' AND node_id <> 'worker-7'");
        assertThat(requests).allSatisfy(request -> assertThat(request.authorization()).contains("Bearer " + TOKEN));
    }

    @Test
    void aRenewedTokenIsReadFromItsFileForTheNextQuestion()
            throws Exception
    {
        URI uri = startHttps();
        Path tokenFile = token(TOKEN);
        CoordinatorClient client = client(uri, security(trustStore, trustPasswordFile, null, tokenFile));
        expectedAuthorization = "Bearer " + TOKEN;
        assertThat(client.nodeState()).contains("active");

        // The coordinator takes only the new token from now on; the file is rewritten in place.
        String renewed = TOKEN.replace("c2lnbmF0dXJl", "bmV3LXNpZ25hdHVyZQ");
        expectedAuthorization = "Bearer " + renewed;
        Files.writeString(tokenFile, renewed + "\n");
        assertThat(client.nodeState()).contains("active");
        assertThat(requests.getLast().authorization()).contains("Bearer " + renewed);
    }

    @Test
    void aCoordinatorCertificateTheTrustStoreDoesNotHoldIsOneClearError()
            throws Exception
    {
        URI uri = startHttps();
        expectedAuthorization = basic(USER, PASSWORD);
        CoordinatorClient client = client(uri, security(otherTrustStore, trustPasswordFile, password(PASSWORD), null));

        assertThatThrownBy(client::nodeState)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageStartingWith("POST " + uri + "/v1/statement: the coordinator's certificate is not trusted by the trust store " + otherTrustStore
                        + " (watcher.coordinator.truststore-path) or does not name 127.0.0.1: ")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining(PASSWORD);
        assertThat(requests).as("requests that reached the coordinator").isEmpty();
    }

    @Test
    void withoutATrustStoreTheJdksDefaultTrustApplies()
            throws Exception
    {
        URI uri = startHttps();
        CoordinatorClient client = client(uri, CoordinatorSecurity.NONE);

        assertThatThrownBy(client::nodeState)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("the coordinator's certificate is not trusted by the JDK's default trust store (set watcher.coordinator.truststore-path for a private CA)")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aRefusedPasswordIsOneClearErrorWithoutThePassword()
            throws Exception
    {
        URI uri = startHttps();
        expectedAuthorization = basic(USER, PASSWORD);
        String wrong = "not-the-password";
        CoordinatorClient client = client(uri, security(trustStore, trustPasswordFile, password(wrong), null));

        assertThatThrownBy(client::nodeState)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageStartingWith("POST " + uri + "/v1/statement answered 401 (the coordinator refused the credentials of watcher.coordinator.password-file for user "
                        + USER + ")")
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining(wrong)
                .hasMessageNotContaining(Base64.getEncoder().encodeToString((USER + ":" + wrong).getBytes(StandardCharsets.UTF_8)));
        assertThat(requests).singleElement().extracting(Request::method).isEqualTo("POST");
    }

    @Test
    void aCoordinatorThatRequiresAuthenticationSaysWhichSettingsToSet()
            throws Exception
    {
        URI uri = startHttps();
        expectedAuthorization = basic(USER, PASSWORD);
        CoordinatorClient client = client(uri, security(trustStore, trustPasswordFile, null, null));

        assertThatThrownBy(client::nodeState)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessageContaining("answered 401 (the coordinator requires authentication: set watcher.coordinator.password-file or watcher.coordinator.token-file)");
    }

    @Test
    void credentialsAreNeverSentOverPlainHttp()
            throws Exception
    {
        assertThatThrownBy(() -> new CoordinatorClient(URI.create("http://coordinator.internal:8080"), USER, "worker-7", TIMEOUT,
                security(null, null, password(PASSWORD), null)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("watcher.coordinator.password-file: needs the coordinator over https, but its address is http://coordinator.internal:8080"
                        + " (from watcher.coordinator.uri, else the worker's discovery.uri); set watcher.coordinator.uri to its https:// address"
                        + " (credentials are never sent over plain http)");
        assertThatThrownBy(() -> new CoordinatorClient(URI.create("http://coordinator.internal:8080"), USER, "worker-7", TIMEOUT,
                security(null, null, null, token(TOKEN))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.coordinator.token-file: needs the coordinator over https");
    }

    @Test
    void aWrongTrustStorePasswordIsOneClearError()
            throws Exception
    {
        URI uri = startHttps();
        Path wrongPassword = dir.resolve("wrong-trust-password");
        Files.writeString(wrongPassword, "not-" + TRUST_PASSWORD);
        CoordinatorClient client = client(uri, security(trustStore, wrongPassword, null, null));

        assertThatThrownBy(client::nodeState)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessage("cannot set up TLS to the coordinator: watcher.coordinator.truststore-path: " + trustStore + " cannot be read with the password in "
                        + wrongPassword + " (watcher.coordinator.truststore-password-file)");
        assertThat(requests).isEmpty();
    }

    @Test
    void aTrustStoreReadableWithoutItsPasswordSaysSo()
            throws Exception
    {
        URI uri = startHttps();
        CoordinatorClient client = client(uri, security(trustStore, null, null, null));

        assertThatThrownBy(client::nodeState)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessage("cannot set up TLS to the coordinator: watcher.coordinator.truststore-path: " + trustStore
                        + " holds no certificate it can read without a password (set watcher.coordinator.truststore-password-file)");
    }

    @Test
    void aReplacedTrustStoreIsReadAgain()
            throws Exception
    {
        URI uri = startHttps();
        Path store = dir.resolve("rotating.p12");
        Files.copy(otherTrustStore, store);
        CoordinatorClient client = client(uri, security(store, trustPasswordFile, null, null));
        assertThatThrownBy(client::nodeState).hasMessageContaining("certificate is not trusted");

        Files.copy(trustStore, store, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // A file system with coarse timestamps may give the copy the same time as the old file.
        Files.setLastModifiedTime(store, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(client.nodeState()).contains("active");
    }

    @Test
    void secretsAreReadFromOneLineFilesAndNeverShown()
            throws Exception
    {
        URI uri = startHttps();
        Path twoLines = dir.resolve("two-lines");
        Files.writeString(twoLines, PASSWORD + "\nsecond line\n");
        CoordinatorClient client = client(uri, security(trustStore, trustPasswordFile, twoLines, null));
        assertThatThrownBy(client::nodeState)
                .isInstanceOf(TrinoWorkerException.class)
                .hasMessage("watcher.coordinator.password-file: " + twoLines + " holds more than one line");

        Path missing = dir.resolve("missing-token");
        assertThatThrownBy(client(uri, security(trustStore, trustPasswordFile, null, missing))::nodeState)
                .hasMessage("watcher.coordinator.token-file: " + missing + " does not exist");

        Path spaced = token("two words");
        assertThatThrownBy(client(uri, security(trustStore, trustPasswordFile, null, spaced))::nodeState)
                .hasMessageStartingWith("watcher.coordinator.token-file: " + spaced + " holds a space")
                .hasMessageNotContaining("two words");
        assertThat(requests).isEmpty();

        CoordinatorClient withPassword = client(uri, security(trustStore, trustPasswordFile, password(PASSWORD), null));
        assertThat(withPassword.toString()).contains("password from").doesNotContain(PASSWORD);
    }

    private URI startHttps()
            throws Exception
    {
        KeyStore keyStore = KeyStore.getInstance(serverStore.toFile(), STORE_PASSWORD.toCharArray());
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context));
        server = https;
        URI base = URI.create("https://127.0.0.1:" + https.getAddress().getPort());
        https.createContext("/v1/statement", exchange -> answer(exchange, base));
        https.start();
        return base;
    }

    // Trino's client protocol as the coordinator speaks it for a small query: the POST queues it and names the next
    // page; that page holds the data and no nextUri. Every request must carry the configured credential.
    private void answer(HttpExchange exchange, URI base)
            throws IOException
    {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Optional<String> authorization = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"));
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), authorization,
                    exchange.getRequestHeaders().getFirst("X-Trino-User"), body));
            if (expectedAuthorization != null && !authorization.equals(Optional.of(expectedAuthorization))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Trino\"");
                send(exchange, 401, "Unauthorized");
                return;
            }
            ObjectNode page = JSON.createObjectNode();
            page.put("id", "20261122_100000_00001_abcde");
            page.put("infoUri", base + "/ui/query.html?20261122_100000_00001_abcde");
            if (exchange.getRequestMethod().equals("POST")) {
                page.put("nextUri", base + "/v1/statement/queued/20261122_100000_00001_abcde/y0/1");
                page.putObject("stats").put("state", "QUEUED");
            }
            else {
                boolean count = answer.chars().allMatch(Character::isDigit);
                page.putArray("columns").addObject().put("name", count ? "_col0" : "state").put("type", count ? "bigint" : "varchar");
                if (count) {
                    page.putArray("data").addArray().add(Long.parseLong(answer));
                }
                else {
                    page.putArray("data").addArray().add(answer);
                }
                page.putObject("stats").put("state", "FINISHED");
            }
            send(exchange, 200, page.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body)
            throws IOException
    {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String basic(String user, String password)
    {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Path password(String value)
            throws IOException
    {
        Path file = Files.createTempFile(dir, "password", "");
        Files.writeString(file, value + "\n");
        return file;
    }

    private Path token(String value)
            throws IOException
    {
        Path file = Files.createTempFile(dir, "token", "");
        Files.writeString(file, value + "\n");
        return file;
    }

    private static CoordinatorClient client(URI uri, CoordinatorSecurity security)
    {
        return new CoordinatorClient(uri, USER, "worker-7", TIMEOUT, security, TIMEOUT);
    }

    private static CoordinatorSecurity security(Path truststore, Path truststorePassword, Path passwordFile, Path tokenFile)
    {
        return new CoordinatorSecurity(Optional.ofNullable(truststore), Optional.ofNullable(truststorePassword), Optional.ofNullable(passwordFile),
                Optional.ofNullable(tokenFile));
    }
}
