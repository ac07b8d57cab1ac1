package io.trinospot.watcher.dist;

import io.trinospot.watcher.config.Secret;
import io.trinospot.watcher.config.WatcherConfig;
import io.trinospot.watcher.config.WorkerSecret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EMR bootstrap action's handling of the shared secret, run by bash with stand-ins for the AWS CLI, sudo and
 * systemctl that log every command line they get; every path it installs to is under {@code DESTDIR}.
 */
class TestEmrBootstrapScript
{
    static final String CREDENTIAL = "trino-shared-secret";
    private static final Path SCRIPT = Path.of("src/main/dist/emr-bootstrap-watcher.sh").toAbsolutePath();
    private static final String SECRET = "tr1no-internal-S3CRET";
    private static final String JAR = "s3://bucket/trino-spot/spot-watcher-all.jar";

    // Each stand-in appends one line per call: its name and its arguments.
    private static final String LOG_CALL = """
            #!/bin/bash
            { printf '%s' "$(basename "$0")"; printf ' %s' "$@"; echo; } >>"$STUB_CALLS"
            """;
    private static final String AWS = LOG_CALL + """
            case "$1 $2" in
              "s3 cp") echo jar >"$4" ;;
              "ssm get-parameter" | "secretsmanager get-secret-value")
                [ -z "${STUB_AWS_FAILS:-}" ] || { echo "AccessDeniedException" >&2; exit 254; }
                printf '%s\\n' "$STUB_SECRET" ;;
              *) exit 1 ;;
            esac
            """;
    // Runs what the script runs as root, as this user, and only where the script may write: under DESTDIR.
    private static final String SUDO = LOG_CALL + """
            command=$1
            shift
            case "$command" in
              mkdir) targets=("$@") ;;
              install) targets=("${@: -1}") ;;
              systemctl) exec systemctl "$@" ;;
              *) echo "sudo stand-in: $command not expected" >&2; exit 97 ;;
            esac
            for target in "${targets[@]}"; do
              case "$target" in
                -*) ;;
                "$DESTDIR"/*) ;;
                *) echo "sudo stand-in: $target is outside DESTDIR" >&2; exit 97 ;;
              esac
            done
            exec "$command" "$@"
            """;

    @TempDir
    Path dir;
    private Path root;
    private Path calls;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void stubs()
            throws IOException
    {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("aws"), AWS);
        Files.writeString(bin.resolve("sudo"), SUDO);
        Files.writeString(bin.resolve("systemctl"), LOG_CALL);
        for (String stub : List.of("aws", "sudo", "systemctl")) {
            Files.setPosixFilePermissions(bin.resolve(stub), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(dir.resolve("tmp"));
        calls = dir.resolve("calls.log");
    }

    private Run script(Map<String, String> extraEnvironment, String... arguments)
            throws Exception
    {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        environment.put("TMPDIR", dir.resolve("tmp").toString());
        environment.put("DESTDIR", root.toString());
        environment.put("STUB_CALLS", calls.toString());
        // the stand-in for AWS hands the secret out the way the CLI does, on stdout, without it being an argument
        environment.put("STUB_SECRET", SECRET);
        environment.putAll(extraEnvironment);
        Process process = builder.start();
        // a guard against a hang, not a bound on speed
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("script finished").isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    private List<String> calls()
            throws IOException
    {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private Path installed(String path)
    {
        return root.resolve(path);
    }

    @Test
    void fetchesTheSecretFromSsmIntoARootOnlyFileAndNeverOntoACommandLine()
            throws Exception
    {
        Run run = script(Map.of(), JAR, "--shared-secret-ssm-parameter", "/trino/shared-secret", "--set", "watcher.safety-margin=20s");
        assertThat(run.exitCode()).as(run.err()).isZero();

        assertThat(calls()).contains("aws ssm get-parameter --name /trino/shared-secret --with-decryption --query Parameter.Value --output text");
        assertThat(calls()).as("command lines").isNotEmpty().noneMatch(call -> call.contains(SECRET));
        assertThat(run.out() + run.err()).doesNotContain(SECRET);
        assertTheAgentGetsTheSecret();
        assertThat(Files.readAllLines(installed("etc/trino-spot-watcher/watcher.properties"))).contains("watcher.safety-margin=20s");
        assertThat(calls()).contains("systemctl enable --now trino-spot-watcher.service");
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            assertThat(left).as("the script's scratch copy is gone").isEmpty();
        }
    }

    @Test
    void fetchesTheSecretFromSecretsManager()
            throws Exception
    {
        Run run = script(Map.of(), JAR, "--shared-secret-secret-id", "trino/shared-secret");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(calls()).contains("aws secretsmanager get-secret-value --secret-id trino/shared-secret --query SecretString --output text");
        assertThat(calls()).noneMatch(call -> call.contains(SECRET));
        assertTheAgentGetsTheSecret();
    }

    /** The file is root's alone, and the agent reads it where systemd's LoadCredential= puts its copy. */
    private void assertTheAgentGetsTheSecret()
            throws IOException
    {
        Path secretFile = installed("etc/trino-spot-watcher/shared-secret");
        assertThat(Files.getPosixFilePermissions(secretFile)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        Path watcherProperties = installed("etc/trino-spot-watcher/watcher.properties");
        assertThat(Files.readString(watcherProperties)).doesNotContain(SECRET);
        assertThat(Files.getPosixFilePermissions(watcherProperties)).as("readable by the unit's dynamic user").contains(PosixFilePermission.OTHERS_READ);

        Path credentials = Files.createDirectories(dir.resolve("run-credentials"));
        Files.copy(secretFile, credentials.resolve(CREDENTIAL));
        WatcherConfig config = WatcherConfig.load(watcherProperties);
        assertThat(WorkerSecret.fromSettings(config, Map.of("CREDENTIALS_DIRECTORY", credentials.toString()))).map(Secret::value).contains(SECRET);
    }

    @Test
    void refusesTheSecretOnTheCommandLine()
            throws Exception
    {
        for (String setting : List.of("watcher.trino.shared-secret=hunter2", " watcher.trino.shared\\-secret = hunter2", "watcher.trino.shared-secret-file=/tmp/hunter2")) {
            Run run = script(Map.of(), JAR, "--set", setting);
            assertThat(run.exitCode()).as(setting).isEqualTo(2);
            assertThat(run.err().lines().toList()).as(setting).singleElement().asString()
                    .startsWith("emr-bootstrap-watcher: --set watcher.trino.shared-secret")
                    .contains("--shared-secret-ssm-parameter")
                    .doesNotContain("hunter2");
            assertThat(calls()).as("nothing ran").isEmpty();
        }
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).as("nothing installed").isEmpty();
        }
    }

    @Test
    void aSecretThatCannotBeFetchedStopsTheInstall()
            throws Exception
    {
        Run run = script(Map.of("STUB_AWS_FAILS", "true"), JAR, "--shared-secret-ssm-parameter", "/trino/shared-secret");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("emr-bootstrap-watcher: cannot read the shared secret /trino/shared-secret");
        assertThat(installed("etc/trino-spot-watcher/shared-secret")).doesNotExist();
        assertThat(calls()).noneMatch(call -> call.startsWith("systemctl"));
    }
}
