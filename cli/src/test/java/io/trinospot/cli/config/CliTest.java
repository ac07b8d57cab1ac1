package io.trinospot.cli.config;

import io.trinospot.config.model.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest
{
    /** A shared secret as render requires one: 64 hex characters, as openssl rand -hex 32 prints. */
    static final String SECRET = "3f1c9a7e5b2d4086a1e7c3b9d5f20468e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1";
    static final String SET_SECRET = "internal-communication.shared-secret=" + SECRET;

    @TempDir
    static Path shared;
    @TempDir
    Path dir;

    static Path blogFile()
    {
        Path file = shared.resolve("blog.json");
        try {
            if (!Files.exists(file)) {
                Files.write(file, blogConfigurations());
            }
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    static byte[] blogConfigurations()
    {
        try (var in = CliTest.class.getResourceAsStream("/blog-configurations.json")) {
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Usage(String[] args, String expected)
    {
        @Override
        public String toString()
        {
            return args.length == 0 ? "(no arguments)" : String.join(" ", args);
        }
    }

    static Stream<Usage> usageErrors()
    {
        String f = blogFile().toString();
        return Stream.of(
                new Usage(new String[] {}, "trino-spot config: no subcommand given"),
                new Usage(new String[] {"frob"}, "trino-spot config: Unmatched argument at index 1: 'frob'"),
                new Usage(new String[] {"render", "--configurations", f}, "trino-spot config render: Missing required options: '--role=coordinator|worker', '--out=DIR'"),
                new Usage(new String[] {"render", "--configurations", f, "--role", "boss", "--out", "x"}, "trino-spot config render: Invalid value for option '--role': must be coordinator or worker, not 'boss'"),
                new Usage(new String[] {"render", "--configurations", f, "--role=worker"}, "trino-spot config render: Missing required option: '--out=DIR'"),
                new Usage(new String[] {"render", "--role", "worker", "--out", "x"}, "trino-spot config render: Missing required option: '--configurations=FILE'"),
                new Usage(new String[] {"validate", "--configurations", f, "--out", "x"}, "trino-spot config validate: Unknown options: '--out', 'x'"),
                new Usage(new String[] {"validate", "--configurations", f, "--check"}, "trino-spot config validate: Unknown option: '--check'"),
                new Usage(new String[] {"emr", "--configurations", f, "--role", "worker"}, "trino-spot config emr: Unknown options: '--role', 'worker'"),
                new Usage(new String[] {"validate", "--configurations"}, "trino-spot config validate: Missing required parameter for option '--configurations' (FILE)"),
                new Usage(new String[] {"validate", "--configurations", f, "--configurations", f}, "trino-spot config validate: option '--configurations' (FILE) should be specified only once"),
                new Usage(new String[] {"validate", "--configurations", f, "--set", "novalue"}, "trino-spot config validate: Invalid value for option '--set' ([CLASSIFICATION:]KEY=VALUE): 'novalue' is not [classification:]key=value"),
                new Usage(new String[] {"validate", "--configurations", f, "--set", ":k=v"}, "trino-spot config validate: Invalid value for option '--set' ([CLASSIFICATION:]KEY=VALUE): ':k=v' is not [classification:]key=value"),
                new Usage(new String[] {"render", "--configurations", f, "--role", "worker", "--out", "x", "--check=yes"}, "trino-spot config render: Invalid value for option '--check': 'yes' is not a boolean"),
                new Usage(new String[] {"validate", "--configurations", f, "--bogus"}, "trino-spot config validate: Unknown option: '--bogus'"),
                new Usage(new String[] {"validate", "--configurations", "does-not-exist.json"}, "trino-spot config validate: cannot read does-not-exist.json: no such file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usageErrorsAreOneLineAndExitTwo(Usage usage)
    {
        CliRunner result = CliRunner.run(usage.args());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).containsExactly(usage.expected() + " (see '" + usage.expected().substring(0, usage.expected().indexOf(':')) + " --help')");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void help()
    {
        CliRunner result = CliRunner.run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: trino-spot config [-hV] [COMMAND]", "render", "validate", "emr");
        CliRunner render = CliRunner.run("render", "--help");
        assertThat(render.exitCode()).isZero();
        assertThat(render.out()).contains("Usage: trino-spot config render", "--configurations=FILE", "--role=coordinator|worker", "--out=DIR", "--set=[CLASSIFICATION:]KEY=VALUE");
    }

    @Test
    void validateBlog()
    {
        CliRunner result = CliRunner.run("validate", "--configurations", blogFile().toString(), "--set", SET_SECRET);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("ok: no errors (5 warning(s) and note(s))\n");
        assertThat(result.errLines()).hasSize(5).allMatch(line -> line.startsWith("note: ") || line.startsWith("warning: "))
                .anyMatch(line -> line.startsWith("note: [trino-config] query.low-memory-killer.delay: defunct in Trino 483"));
    }

    @Test
    void validateBlogAsAWorkerNeedsAnHdfs()
    {
        CliRunner result = CliRunner.run("validate", "--configurations", blogFile().toString(), "--role", "worker", "--set", "discovery.uri=http://c:8080",
                "--set", SET_SECRET);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).filteredOn(line -> line.startsWith("error: ")).containsExactly(
                "error: [trino-exchange-manager] exchange.use-local-hdfs: no HDFS to resolve /exchange against; set fs.defaultFS in core-site "
                        + "(e.g. --set core-site:fs.defaultFS=hdfs://namenode:8020) or hdfs.config.resources here");
        assertThat(CliRunner.run("validate", "--configurations", blogFile().toString(), "--role", "worker",
                "--set", "core-site:fs.defaultFS=hdfs://nn:8020", "--set", SET_SECRET).exitCode()).isZero();
    }

    @Test
    void renderCheckAndDrift()
            throws IOException
    {
        Path etc = dir.resolve("etc");
        String[] render = {"render", "--configurations", blogFile().toString(), "--role", "worker", "--out", etc.toString(),
                "--set", "core-site:fs.defaultFS=hdfs://127.0.0.1:9000", "--set", "discovery.uri=http://127.0.0.1:8080", "--set", SET_SECRET};
        String[] check = append(render, "--check");

        // before anything exists, --check reports every file as drift and writes nothing
        CliRunner missing = CliRunner.run(check);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errLines()).contains("error: [output] " + etc + " differs from the configuration in 8 file(s)");
        assertThat(etc).doesNotExist();

        CliRunner first = CliRunner.run(render);
        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("+++ " + etc + "/config.properties", "+retry-policy=TASK").endsWith("wrote " + etc + " (8 file(s) changed)\n");
        assertThat(etc.resolve("catalog/tpcds.properties")).content().contains("connector.name=tpcds");

        CliRunner clean = CliRunner.run(check);
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.out()).isEqualTo(etc + " is up to date\n");

        // a hand edit and a stray file are drift
        Path config = etc.resolve("config.properties");
        Files.writeString(config, Files.readString(config).replace("retry-policy=TASK", "retry-policy=QUERY"));
        Files.writeString(etc.resolve("catalog/extra.properties"), "connector.name=memory\n");
        CliRunner drift = CliRunner.run(check);
        assertThat(drift.exitCode()).isEqualTo(1);
        assertThat(drift.out()).contains("-retry-policy=QUERY\n+retry-policy=TASK\n", "--- " + etc + "/catalog/extra.properties\n+++ /dev/null\n-connector.name=memory\n");
        assertThat(drift.errLines()).contains("error: [output] " + etc + " differs from the configuration in 2 file(s)");
        assertThat(config).content().contains("retry-policy=QUERY");

        // render repairs both, and then leaves etc/ alone
        assertThat(CliRunner.run(render).exitCode()).isZero();
        assertThat(config).content().contains("retry-policy=TASK");
        assertThat(etc.resolve("catalog/extra.properties")).doesNotExist();
        FileTime before = Files.getLastModifiedTime(config);
        CliRunner again = CliRunner.run(render);
        assertThat(again.out()).isEqualTo(etc + " is up to date\n");
        assertThat(Files.getLastModifiedTime(config)).isEqualTo(before);
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings).containsExactly(etc);
        }
    }

    @Test
    void invalidConfigurationWritesNothing()
            throws IOException
    {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                [{"Classification": "trino-config", "Properties": {"retry-policy": "TASK", "shutdown.grace-period": "5m",
                  "internal-communication.shared-secret": "%s"}}]
                """.formatted(SECRET));
        Path etc = dir.resolve("etc");
        CliRunner result = CliRunner.run("render", "--configurations", file.toString(), "--role", "coordinator", "--out", etc.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(
                "error: [trino-config] retry-policy: TASK needs an exchange manager to spool task output; add a trino-exchange-manager classification with exchange.base-directories",
                "error: [trino-config] shutdown.grace-period: 5m is not shorter than the 2-minute Spot notice; a worker told to shut down would be killed before it drains");
        assertThat(result.out()).isEmpty();
        assertThat(etc).doesNotExist();
    }

    @Test
    void outputThatIsAFileIsACleanError()
            throws IOException
    {
        Path file = dir.resolve("etc");
        Files.writeString(file, "not a directory");
        CliRunner result = CliRunner.run("render", "--configurations", blogFile().toString(), "--role", "coordinator", "--out", file.toString(),
                "--set", "core-site:fs.defaultFS=hdfs://nn:8020", "--set", SET_SECRET);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).last().asString().startsWith("error: [output] cannot write " + file + ": FileAlreadyExistsException");
        assertThat(file).content().isEqualTo("not a directory");
    }

    @Test
    void validateWithoutASharedSecretFailsWithOneLine()
            throws IOException
    {
        Path file = dir.resolve("no-secret.json");
        Files.writeString(file, """
                [{"Classification": "trino-config", "Properties": {"retry-policy": "NONE"}}]
                """);
        CliRunner result = CliRunner.run("validate", "--configurations", file.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("error: [trino-config] internal-communication.shared-secret: not set, so every node derives its internal key "
                + "from node.environment and anyone who reaches a node's port can take it over; set it to a random value of at least 32 characters here, "
                + "or pass --set-file internal-communication.shared-secret=FILE (make FILE with: openssl rand -hex 32)");
        assertThat(result.out()).isEmpty();

        // the AWS blog post's file as shipped carries no secret: validate and render refuse it alike
        CliRunner blog = CliRunner.run("validate", "--configurations", blogFile().toString());
        assertThat(blog.exitCode()).isEqualTo(1);
        assertThat(blog.errLines()).filteredOn(line -> line.startsWith("error: ")).containsExactly(result.errLines().getFirst());
        Path etc = dir.resolve("etc");
        CliRunner render = CliRunner.run("render", "--configurations", blogFile().toString(), "--role", "coordinator", "--out", etc.toString(),
                "--set", "core-site:fs.defaultFS=hdfs://nn:8020");
        assertThat(render.exitCode()).isEqualTo(1);
        assertThat(render.errLines()).filteredOn(line -> line.startsWith("error: ")).containsExactly(result.errLines().getFirst());
        assertThat(etc).doesNotExist();
    }

    @Test
    void renderedBlogKeepsItsSecretsPrivateAndOutOfTheOutput()
            throws IOException
    {
        Path etc = dir.resolve("etc");
        String[] render = {"render", "--configurations", blogFile().toString(), "--role", "worker", "--out", etc.toString(),
                "--set", "core-site:fs.defaultFS=hdfs://127.0.0.1:9000", "--set", "discovery.uri=http://127.0.0.1:8080"};
        CliRunner first = CliRunner.run(append(render, "--set", SET_SECRET));
        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("+internal-communication.shared-secret=***\n").doesNotContain(SECRET);
        assertThat(first.err()).doesNotContain(SECRET);

        assertThat(mode(etc)).isEqualTo("rwx------");
        assertThat(mode(etc.resolve("config.properties"))).isEqualTo("rw-------");
        assertThat(etc.resolve("config.properties")).content().contains(SET_SECRET);
        // files without secrets stay as readable as Trino's own etc/, behind a directory only the owner enters
        for (String plain : List.of("catalog/tpcds.properties", "exchange-manager.properties", "hadoop/core-site.xml", "jvm.config", "log.properties",
                "node.properties", "spot-watcher.properties")) {
            assertThat(mode(etc.resolve(plain))).as(plain).isEqualTo("rw-r--r--");
        }
        assertThat(mode(etc.resolve("catalog"))).isEqualTo("rwxr-xr-x");

        // a new secret shows as changed, its value as little as the old one's
        String newSecret = SECRET.replace('3', '4');
        String[] rotated = append(render, "--set", "internal-communication.shared-secret=" + newSecret);
        CliRunner drift = CliRunner.run(append(rotated, "--check"));
        assertThat(drift.exitCode()).isEqualTo(1);
        assertThat(drift.out()).contains("-internal-communication.shared-secret=***\n+internal-communication.shared-secret=***\n").doesNotContain(SECRET, newSecret);
        CliRunner second = CliRunner.run(rotated);
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).isEqualTo("--- " + etc + "/config.properties\n+++ " + etc + "/config.properties\n"
                + "-internal-communication.shared-secret=***\n+internal-communication.shared-secret=***\n"
                + "wrote " + etc + " (1 file(s) changed)\n");
        assertThat(mode(etc.resolve("config.properties"))).isEqualTo("rw-------");
    }

    @Test
    void secretFromAFileAndAGroupThatMayReadIt()
            throws IOException
    {
        Path secretFile = dir.resolve("shared-secret");
        Files.writeString(secretFile, SECRET + "\n");
        // a group this user may give files to: the one its new files get
        String group = Files.readAttributes(secretFile, PosixFileAttributes.class).group().getName();
        Path etc = dir.resolve("etc");
        String setFile = "internal-communication.shared-secret=" + secretFile;
        CliRunner result = CliRunner.run("render", "--configurations", blogFile().toString(), "--role", "coordinator", "--out", etc.toString(),
                "--set", "core-site:fs.defaultFS=hdfs://nn:8020", "--set-file", setFile, "--group", group);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).doesNotContain(SECRET);
        assertThat(etc.resolve("config.properties")).content().contains(SET_SECRET + "\n");
        assertThat(mode(etc)).isEqualTo("rwxr-x---");
        assertThat(mode(etc.resolve("config.properties"))).isEqualTo("rw-r-----");
        assertThat(Files.readAttributes(etc.resolve("config.properties"), PosixFileAttributes.class).group().getName()).isEqualTo(group);

        assertThat(CliRunner.run("validate", "--configurations", blogFile().toString(), "--set-file", setFile).exitCode()).isZero();
        Path missing = dir.resolve("missing");
        CliRunner unreadable = CliRunner.run("validate", "--configurations", blogFile().toString(), "--set-file", "internal-communication.shared-secret=" + missing);
        assertThat(unreadable.exitCode()).isEqualTo(2);
        assertThat(unreadable.errLines()).containsExactly("trino-spot config validate: Invalid value for option '--set-file' ([CLASSIFICATION:]KEY=FILE): "
                + "cannot read " + missing + ": no such file (see 'trino-spot config validate --help')");
        CliRunner noGroup = CliRunner.run("render", "--configurations", blogFile().toString(), "--role", "coordinator", "--out", etc.toString(),
                "--set", "core-site:fs.defaultFS=hdfs://nn:8020", "--set-file", setFile, "--group", "no-such-group-of-trino-spot");
        assertThat(noGroup.exitCode()).isEqualTo(1);
        assertThat(noGroup.errLines()).last().isEqualTo("error: [output] cannot write " + etc + ": IOException no such group: no-such-group-of-trino-spot");
    }

    static String mode(Path path)
            throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    static String[] append(String[] args, String... more)
    {
        return Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void throughTheCli(@TempDir Path dir)
            throws IOException
    {
        Path original = dir.resolve("blog.json");
        Files.write(original, blogConfigurations());
        CliRunner emr = CliRunner.run("emr", "--configurations", original.toString());
        assertThat(emr.exitCode()).isZero();
        assertThat(emr.out()).startsWith("[\n  {\n    \"Classification\": \"trino-config\",\n    \"Properties\": {\n      \"retry-policy\": \"TASK\",");
        Path exported = dir.resolve("emr.json");
        Files.writeString(exported, emr.out());
        for (Role role : Role.values()) {
            Path a = dir.resolve("a-" + role.label());
            Path b = dir.resolve("b-" + role.label());
            String[] overrides = {"--set", "core-site:fs.defaultFS=hdfs://127.0.0.1:9000", "--set", SET_SECRET};
            assertThat(CliRunner.run(append(new String[] {"render", "--configurations", original.toString(), "--role", role.label(), "--out", a.toString()}, overrides))
                    .exitCode()).isZero();
            assertThat(CliRunner.run(append(new String[] {"render", "--configurations", exported.toString(), "--role", role.label(), "--out", b.toString()}, overrides))
                    .exitCode()).isZero();
            assertThat(tree(b)).isEqualTo(tree(a)).isNotEmpty();
            // and the exported file's render sees the first render as up to date
            assertThat(CliRunner.run(append(new String[] {"render", "--configurations", exported.toString(), "--role", role.label(), "--out", a.toString(), "--check"},
                    overrides)).exitCode()).isZero();
        }
    }

    static Map<String, String> tree(Path root)
            throws IOException
    {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }
}
