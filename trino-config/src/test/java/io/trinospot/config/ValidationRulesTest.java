package io.trinospot.config;

import io.trinospot.config.model.Classification;
import io.trinospot.config.model.Configurations;
import io.trinospot.config.model.PropertyOverride;
import io.trinospot.config.model.Role;
import io.trinospot.config.validate.Validation;
import io.trinospot.config.validate.Validator;
import io.trinospot.watcher.config.WatcherSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static io.trinospot.config.TestConfigs.lines;
import static io.trinospot.config.TestConfigs.props;
import static org.assertj.core.api.Assertions.assertThat;

/** One row per validation rule: a change to a valid base configuration and the exact line it must produce. */
class ValidationRulesTest
{
    /** Valid for any role: TASK retries on S3, a Hive catalog. */
    static final Configurations BASE = TestConfigs.of(
            "trino-config", props("retry-policy", "TASK", "exchange.compression-codec", "LZ4", "discovery.uri", "http://coordinator:8080",
                    "internal-communication.shared-secret", TestConfigs.SHARED_SECRET),
            "trino-exchange-manager", props("exchange-manager.name", "spot", "exchange.base-directories", "s3://bucket/exchange"),
            "trino-connector-hive", props("connector.name", "hive"));

    /** The same with EMR's HDFS exchange and an HDFS to resolve it against. */
    static final Configurations LOCAL_HDFS = TestConfigs.of(
            "trino-config", props("retry-policy", "TASK", "discovery.uri", "http://coordinator:8080", "internal-communication.shared-secret", TestConfigs.SHARED_SECRET),
            "trino-exchange-manager", props("exchange.base-directories", "/exchange", "exchange.use-local-hdfs", "true"),
            "core-site", props("fs.defaultFS", "hdfs://namenode:8020"));

    record Case(String name, Configurations configurations, Optional<Role> role, List<PropertyOverride> overrides, String expected)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static Case row(String name, Configurations configurations, String expected)
    {
        return new Case(name, configurations, Optional.empty(), List.of(), expected);
    }

    static Case row(String name, Configurations configurations, Role role, String expected, String... overrides)
    {
        return new Case(name, configurations, Optional.of(role), Arrays.stream(overrides).map(o -> PropertyOverride.parse(o).orElseThrow()).toList(), expected);
    }

    static Configurations set(Configurations base, String classification, String key, String value)
    {
        return base.withProperty(classification, key, value);
    }

    static Configurations remove(Configurations base, String classification, String key)
    {
        return base.update(classification, c -> c.without(key));
    }

    static Stream<Case> rules()
    {
        return Stream.of(
                row("unknown classification", set(BASE, "trino-configs", "retry-policy", "TASK"),
                        "error: [trino-configs] unknown classification; known: trino-config, trino-node, trino-log, trino-exchange-manager, core-site, hdfs-site, "
                                + "trino-spot-watcher, trino-spot-jvm, trino-spot-node-refresh, trino-spot-fte, trino-connector-<catalog>"),
                row("catalog name", set(BASE, "trino-connector-My-Cat", "connector.name", "hive"),
                        "error: [trino-connector-My-Cat] 'My-Cat' is not a catalog name (lower case letters, digits and underscores, starting with a letter)"),
                row("connector.name required", set(BASE, "trino-connector-lake", "hive.metastore", "glue"),
                        "error: [trino-connector-lake] connector.name: is required: it names the connector the catalog uses"),
                row("duration", set(BASE, "trino-config", "query.remote-task.max-error-duration", "60"),
                        "error: [trino-config] query.remote-task.max-error-duration: '60' is not a duration such as 500ms, 30s, 1m or 2h"),
                row("duration unit", set(BASE, "trino-config", "query.low-memory-killer.delay", "5 min"),
                        "error: [trino-config] query.low-memory-killer.delay: '5 min' is not a duration such as 500ms, 30s, 1m or 2h"),
                row("data size", set(BASE, "trino-config", "query.max-memory", "1gb"),
                        "error: [trino-config] query.max-memory: '1gb' is not a data size such as 512MB or 1GB (units B, kB, MB, GB, TB, PB)"),
                row("data size in exchange", set(BASE, "trino-exchange-manager", "exchange.sink-max-file-size", "lots"),
                        "error: [trino-exchange-manager] exchange.sink-max-file-size: 'lots' is not a data size such as 512MB or 1GB (units B, kB, MB, GB, TB, PB)"),
                row("retry-policy enum", set(BASE, "trino-config", "retry-policy", "TASKS"),
                        "error: [trino-config] retry-policy: 'TASKS' is not one of NONE, QUERY, TASK"),
                row("compression codec enum", set(BASE, "trino-config", "exchange.compression-codec", "GZIP"),
                        "error: [trino-config] exchange.compression-codec: 'GZIP' is not one of NONE, LZ4, ZSTD"),
                row("boolean", set(BASE, "trino-exchange-manager", "exchange.use-local-hdfs", "yes"),
                        "error: [trino-exchange-manager] exchange.use-local-hdfs: 'yes' is not a boolean (true or false)"),
                row("port", set(BASE, "trino-config", "http-server.http.port", "70000"),
                        "error: [trino-config] http-server.http.port: '70000' is not a port number (0 to 65535)"),
                row("discovery uri", set(BASE, "trino-config", "discovery.uri", "coordinator:8080"),
                        "error: [trino-config] discovery.uri: 'coordinator:8080' is not an http:// or https:// URI with a host"),
                row("node environment", set(BASE, "trino-node", "node.environment", "Prod"),
                        "error: [trino-node] node.environment: 'Prod' must start with a lower case letter or digit and hold only lower case letters, digits and underscores"),
                row("log level", set(BASE, "trino-log", "io.trino", "verbose"),
                        "error: [trino-log] io.trino: 'verbose' is not a log level (OFF, TRACE, DEBUG, INFO, WARN, ERROR)"),
                row("watcher unknown key", set(BASE, "trino-spot-watcher", "watcher.poll-intervall", "1s"),
                        "error: [trino-spot-watcher] watcher.poll-intervall: unknown key; known: " + String.join(", ", WatcherSettings.keys())),
                row("watcher duration", set(BASE, "trino-spot-watcher", "watcher.safety-margin", "15"),
                        "error: [trino-spot-watcher] watcher.safety-margin: '15' is not a duration such as 500ms, 30s, 1m or 2h"),
                row("watcher endpoint", set(BASE, "trino-spot-watcher", "watcher.imds.endpoint", "169.254.169.254"),
                        "error: [trino-spot-watcher] watcher.imds.endpoint: '169.254.169.254' is not an http:// URI with a host"),
                row("watcher error code", set(BASE, "trino-spot-watcher", "watcher.drain.error-code", "USER_CANCELED"),
                        "error: [trino-spot-watcher] watcher.drain.error-code: 'USER_CANCELED' is not one of [ADMINISTRATIVELY_PREEMPTED, GENERIC_INTERNAL_ERROR, REMOTE_HOST_GONE]"),
                row("watcher range", set(BASE, "trino-spot-watcher", "watcher.imds.token-ttl", "7h"),
                        "error: [trino-spot-watcher] watcher.imds.token-ttl: must be between 1s and 6h (IMDS limit): PT7H"),
                row("watcher rule across keys", set(set(BASE, "trino-spot-watcher", "watcher.poll-interval", "2s"), "trino-spot-watcher", "watcher.max-backoff", "1s"),
                        "error: [trino-spot-watcher] watcher.max-backoff: (PT1S) must be at least watcher.poll-interval (PT2S)"),
                row("watcher spot poll within the backoff cap", set(BASE, "trino-spot-watcher", "watcher.spot.poll-interval", "6s"),
                        "error: [trino-spot-watcher] watcher.max-backoff: (PT5S) must be at least watcher.spot.poll-interval (PT6S)"),
                row("jvm heap", set(BASE, "trino-spot-jvm", "jvm.heap-size", "2GB"),
                        "error: [trino-spot-jvm] jvm.heap-size: '2GB' is not a JVM size such as 2G or 4096m"),
                row("jvm options", set(BASE, "trino-spot-jvm", "jvm.extra-options", "-Xss4m UseZGC"),
                        "error: [trino-spot-jvm] jvm.extra-options: 'UseZGC' is not a JVM option (options start with -)"),
                row("jvm unknown key", set(BASE, "trino-spot-jvm", "jvm.options", "-Xss4m"),
                        "error: [trino-spot-jvm] jvm.options: unknown key; known: jvm.extra-options, jvm.heap-size"),
                row("nested configurations", BASE.update("trino-config", c -> new Classification(c.name(), c.properties(),
                                List.of(new Classification("export", Map.of("A", "b"))))),
                        "error: [trino-config] nested Configurations are not used by this classification"),
                row("control character in value", set(BASE, "trino-config", "query.max-memory", "1GB\nretry-policy=NONE"),
                        "error: [trino-config] query.max-memory: value contains control characters such as line breaks"),
                row("white space in key", set(BASE, "trino-config", "query max", "1"),
                        "error: [trino-config] query max: key contains white space or control characters"),
                row("retry-policy misplaced", set(BASE, "trino-exchange-manager", "retry-policy", "TASK"),
                        "error: [trino-exchange-manager] retry-policy: belongs in trino-config; here it is ignored or fails start-up"),
                row("base directories misplaced", set(BASE, "trino-config", "exchange.base-directories", "s3://bucket/x"),
                        "error: [trino-config] exchange.base-directories: belongs in trino-exchange-manager; here it is ignored or fails start-up"),
                row("fs.defaultFS misplaced", set(BASE, "trino-exchange-manager", "fs.defaultFS", "hdfs://nn:8020"),
                        "error: [trino-exchange-manager] fs.defaultFS: belongs in core-site; here it is ignored or fails start-up"),
                row("coordinator in file", set(BASE, "trino-config", "coordinator", "true"),
                        "error: [trino-config] coordinator: is set by render from --role; remove it from the file"),
                row("node.id in file", set(BASE, "trino-node", "node.id", "worker-1"),
                        "error: [trino-node] node.id: must differ on every node; leave it out (Trino generates one) or pass --set trino-node:node.id=... per node"),
                row("TASK needs exchange manager", BASE.without("trino-exchange-manager"),
                        "error: [trino-config] retry-policy: TASK needs an exchange manager to spool task output; add a trino-exchange-manager classification with exchange.base-directories"),
                row("TASK needs exchange manager (lower case)", set(BASE.without("trino-exchange-manager"), "trino-config", "retry-policy", "task"),
                        "error: [trino-config] retry-policy: TASK needs an exchange manager to spool task output; add a trino-exchange-manager classification with exchange.base-directories"),
                row("base directories required", remove(BASE, "trino-exchange-manager", "exchange.base-directories"),
                        "error: [trino-exchange-manager] exchange.base-directories: is required: where the exchange spools data"),
                row("empty base directory entry", set(BASE, "trino-exchange-manager", "exchange.base-directories", "s3://a,,s3://b"),
                        "error: [trino-exchange-manager] exchange.base-directories: 's3://a,,s3://b' has an empty entry; separate directories with single commas"),
                row("no scheme without local hdfs", set(BASE, "trino-exchange-manager", "exchange.base-directories", "/exchange"),
                        "error: [trino-exchange-manager] exchange.base-directories: '/exchange' has no scheme (file://, s3://, hdfs://); "
                                + "or set exchange.use-local-hdfs=true to resolve it against HDFS"),
                row("mixed schemes", set(BASE, "trino-exchange-manager", "exchange.base-directories", "s3://a/x, hdfs://nn/x"),
                        "error: [trino-exchange-manager] exchange.base-directories: mixes the schemes hdfs and s3; spool to one kind of storage"),
                row("local hdfs needs relative directories", set(LOCAL_HDFS, "trino-exchange-manager", "exchange.base-directories", "s3://bucket/x"),
                        "error: [trino-exchange-manager] exchange.base-directories: 's3://bucket/x' has a scheme; with exchange.use-local-hdfs=true "
                                + "base directories are paths such as /exchange, resolved against fs.defaultFS"),
                row("local hdfs needs an HDFS (node)", LOCAL_HDFS.without("core-site"), Role.WORKER,
                        "error: [trino-exchange-manager] exchange.use-local-hdfs: no HDFS to resolve /exchange against; set fs.defaultFS in core-site "
                                + "(e.g. --set core-site:fs.defaultFS=hdfs://namenode:8020) or hdfs.config.resources here"),
                row("local hdfs needs an HDFS (file only, EMR)", LOCAL_HDFS.without("core-site"),
                        "warning: [trino-exchange-manager] exchange.use-local-hdfs: no HDFS to resolve /exchange against; set fs.defaultFS in core-site "
                                + "(e.g. --set core-site:fs.defaultFS=hdfs://namenode:8020) or hdfs.config.resources here (EMR provides its own)"),
                row("fs.defaultFS not HDFS", set(LOCAL_HDFS, "core-site", "fs.defaultFS", "file:///"),
                        "error: [core-site] fs.defaultFS: 'file:///' is not an HDFS URI such as hdfs://namenode:8020, so exchange.use-local-hdfs cannot use it"),
                row("fs.defaultFS in hdfs-site not HDFS", set(LOCAL_HDFS.without("core-site"), "hdfs-site", "fs.defaultFS", "s3a://bucket"),
                        "error: [hdfs-site] fs.defaultFS: 's3a://bucket' is not an HDFS URI such as hdfs://namenode:8020, so exchange.use-local-hdfs cannot use it"),
                row("local hdfs with another manager", set(LOCAL_HDFS, "trino-exchange-manager", "exchange-manager.name", "custom"),
                        "error: [trino-exchange-manager] exchange.use-local-hdfs: only the 'spot' exchange manager understands it, not 'custom'"),
                row("finished tasks forgotten before the coordinator's retries end", set(BASE, "trino-config", "task.info.max-age", "1m"),
                        "warning: [trino-config] task.info.max-age: 1m is not longer than query.remote-task.max-error-duration (1m): a worker may forget a finished "
                                + "task before a coordinator that could not reach it asks for its final state"),
                row("the coordinator's retries outlast the rendered age", set(BASE, "trino-config", "query.remote-task.max-error-duration", "2m"),
                        "warning: [trino-config] task.info.max-age: 65s is not longer than query.remote-task.max-error-duration (2m): a worker may forget a finished "
                                + "task before a coordinator that could not reach it asks for its final state"),
                row("grace period as long as the notice", set(BASE, "trino-config", "shutdown.grace-period", "2m"),
                        "error: [trino-config] shutdown.grace-period: 2m is not shorter than the 2-minute Spot notice; a worker told to shut down would be killed before it drains"),
                row("grace period longer than the notice", set(BASE, "trino-config", "shutdown.grace-period", "150s"),
                        "error: [trino-config] shutdown.grace-period: 150s is not shorter than the 2-minute Spot notice; a worker told to shut down would be killed before it drains"),
                row("grace period waited twice", set(BASE, "trino-config", "shutdown.grace-period", "55s"),
                        "warning: [trino-config] shutdown.grace-period: Trino waits it twice while shutting down; twice 55s plus the watcher's 15s safety margin "
                                + "leaves no time for tasks within the 2-minute Spot notice"),
                row("grace period with a larger safety margin", set(set(BASE, "trino-config", "shutdown.grace-period", "40s"), "trino-spot-watcher", "watcher.safety-margin", "40s"),
                        "warning: [trino-config] shutdown.grace-period: Trino waits it twice while shutting down; twice 40s plus the watcher's 40s safety margin "
                                + "leaves no time for tasks within the 2-minute Spot notice"),
                row("pinned tpcds", set(BASE, "trino-connector-tpcds", "connector.name", "tpcds"), pinned("trino-connector-tpcds", "tpcds")),
                row("pinned tpch", set(BASE, "trino-connector-bench", "connector.name", "tpch"), pinned("trino-connector-bench", "tpch")),
                row("pinned memory", set(BASE, "trino-connector-scratch", "connector.name", "memory"), pinned("trino-connector-scratch", "memory")),
                row("retry-policy differs on one node", BASE, Role.WORKER,
                        "error: [trino-config] retry-policy: --set makes it QUERY on this worker but the file gives TASK to the other nodes; coordinator and workers must agree or every query fails",
                        "retry-policy=QUERY"),
                row("retry-policy set on one node only", remove(BASE, "trino-config", "retry-policy"), Role.COORDINATOR,
                        "error: [trino-config] retry-policy: --set makes it TASK on this coordinator but the file gives NONE to the other nodes; coordinator and workers must agree or every query fails",
                        "retry-policy=task"),
                row("compression differs on one node", BASE, Role.WORKER,
                        "error: [trino-config] exchange.compression-codec: --set makes exchange compression ZSTD on this worker but the file gives LZ4 to the other nodes; "
                                + "coordinator and workers must agree or every query fails",
                        "exchange.compression-codec=ZSTD"),
                row("compression differs through the legacy key", remove(BASE, "trino-config", "exchange.compression-codec"), Role.WORKER,
                        "error: [trino-config] exchange.compression-codec: --set makes exchange compression NONE on this worker but the file gives LZ4 to the other nodes; "
                                + "coordinator and workers must agree or every query fails",
                        "exchange.compression-enabled=false"),
                row("compression set on one node without retries", remove(remove(BASE, "trino-config", "exchange.compression-codec"), "trino-config", "retry-policy"), Role.WORKER,
                        "error: [trino-config] exchange.compression-codec: --set makes exchange compression LZ4 on this worker but the file gives NONE to the other nodes; "
                                + "coordinator and workers must agree or every query fails",
                        "exchange.compression-codec=LZ4"),
                row("fte cores not a count", set(BASE, "trino-spot-fte", "fte.worker-cores", "0"), "error: [trino-spot-fte] fte.worker-cores: '0' is not a positive integer"),
                row("fte cores without task retries", set(set(BASE, "trino-config", "retry-policy", "QUERY"), "trino-spot-fte", "fte.worker-cores", "8"),
                        "warning: [trino-spot-fte] fte.worker-cores: has no effect without retry-policy=TASK (it sizes the fault-tolerant scheduler's partition count)"),
                row("fte unknown key", set(BASE, "trino-spot-fte", "fte.workers", "3"), "error: [trino-spot-fte] fte.workers: unknown key; known: fte.worker-cores"),
                row("--set unknown classification", BASE, Role.WORKER,
                        "error: [trino-cfg] retry-policy: --set names an unknown classification", "trino-cfg:retry-policy=TASK"),
                row("worker without discovery.uri", remove(BASE, "trino-config", "discovery.uri"), Role.WORKER,
                        "warning: [trino-config] discovery.uri: not set; this worker looks for the coordinator at http://localhost:8080 (pass --set discovery.uri=http://<coordinator>:<port>)"),
                row("shared secret missing", remove(BASE, "trino-config", "internal-communication.shared-secret"), MISSING_SECRET),
                row("shared secret missing on a node", remove(BASE, "trino-config", "internal-communication.shared-secret"), Role.WORKER, MISSING_SECRET),
                row("shared secret too short", set(BASE, "trino-config", "internal-communication.shared-secret", "not-long-enough"),
                        "error: [trino-config] internal-communication.shared-secret: is 15 characters long; use a random value of at least 32 characters "
                                + "(e.g. openssl rand -hex 32)"),
                row("shared secret misplaced", set(BASE, "trino-exchange-manager", "internal-communication.shared-secret", TestConfigs.SHARED_SECRET),
                        "error: [trino-exchange-manager] internal-communication.shared-secret: belongs in trino-config; here it is ignored or fails start-up"),
                row("agent's secret differs from the worker's", set(BASE, "trino-spot-watcher", "watcher.trino.shared-secret", "another-secret-that-is-long-enough-too"),
                        "error: [trino-spot-watcher] watcher.trino.shared-secret: differs from internal-communication.shared-secret in trino-config, "
                                + "so the worker would reject the agent's requests; leave it out (the agent reads the worker's own)"),
                row("legacy compression with codec", set(BASE, "trino-config", "exchange.compression-enabled", "true"),
                        "error: [trino-config] exchange.compression-enabled: set together with exchange.compression-codec; keep only exchange.compression-codec"),
                row("legacy base directory with new one", set(BASE, "trino-exchange-manager", "exchange.base-directory", "s3://bucket/old"),
                        "error: [trino-exchange-manager] exchange.base-directory: set together with exchange.base-directories; keep only exchange.base-directories"));
    }

    static final String MISSING_SECRET = "error: [trino-config] internal-communication.shared-secret: not set, so every node derives its internal key from "
            + "node.environment and anyone who reaches a node's port can take it over; set it to a random value of at least 32 characters here, "
            + "or pass --set-file internal-communication.shared-secret=FILE (make FILE with: openssl rand -hex 32)";

    static String pinned(String classification, String connector)
    {
        return "warning: [" + classification + "] connector.name: " + connector + " splits are pinned to one worker, so under retry-policy=TASK a query on this catalog "
                + "fails (NO_NODES_AVAILABLE) once that worker is lost; copy the data into a Hive or Iceberg table on shared storage";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void reportsRule(Case rule)
    {
        Validation validation = Validator.validate(rule.configurations(), rule.role(), rule.overrides());
        assertThat(lines(validation.problems())).contains(rule.expected());
        // each row breaks exactly one thing: no unrelated errors hide behind the expected one
        assertThat(lines(validation.errors())).allMatch(line -> line.equals(rule.expected()));
    }

    @Test
    void baseConfigurationsAreClean()
    {
        for (Role role : Role.values()) {
            assertThat(Validator.validate(BASE, Optional.of(role), List.of()).problems()).isEmpty();
            assertThat(lines(Validator.validate(LOCAL_HDFS, Optional.of(role), List.of()).problems()))
                    .containsExactly("note: [trino-exchange-manager] exchange.use-local-hdfs: EMR's HDFS exchange; rendered for our exchange plugin "
                            + "(exchange-manager.name=spot), which resolves exchange.base-directories against fs.defaultFS");
        }
    }

    @Test
    void acceptsValuesTrinoAccepts()
    {
        Configurations accepted = set(set(set(set(set(set(BASE,
                "trino-config", "retry-policy", "task"),
                "trino-config", "query.max-memory", "1.5GB"),
                "trino-config", "query.remote-task.max-error-duration", "1m"),
                "trino-config", "shutdown.grace-period", "45s"),
                "trino-log", "io.trino.execution", "DEBUG"),
                "trino-spot-jvm", "jvm.heap-size", "4096m");
        assertThat(Validator.validate(accepted).problems()).isEmpty();
    }

    @Test
    void hadoopConfigResourcesProvideTheHdfs()
    {
        Configurations config = set(LOCAL_HDFS.without("core-site"), "trino-exchange-manager", "hdfs.config.resources", "/etc/hadoop/conf/core-site.xml");
        assertThat(Validator.validate(config, Optional.of(Role.WORKER), List.of()).errors()).isEmpty();
    }

    @Test
    void matchingOverridesAreFine()
    {
        List<PropertyOverride> overrides = List.of(
                PropertyOverride.parse("retry-policy=TASK").orElseThrow(),
                PropertyOverride.parse("exchange.compression-codec=lz4").orElseThrow(),
                PropertyOverride.parse("trino-node:node.id=worker-7").orElseThrow(),
                PropertyOverride.parse("http-server.http.port=8081").orElseThrow());
        assertThat(Validator.validate(BASE, Optional.of(Role.WORKER), overrides).problems()).isEmpty();
    }

    @Test
    void anOverrideGivingTheRenderedCompressionDefaultAgrees()
    {
        // the file leaves the codec out, so every node renders LZ4 under TASK: a --set of LZ4 on one node changes nothing
        Configurations file = remove(BASE, "trino-config", "exchange.compression-codec");
        assertThat(Validator.validate(file, Optional.of(Role.WORKER), List.of(PropertyOverride.parse("exchange.compression-codec=LZ4").orElseThrow())).problems()).isEmpty();
    }

    @Test
    void sharedSecretMayComeFromSet()
    {
        Configurations file = remove(BASE, "trino-config", "internal-communication.shared-secret");
        assertThat(Validator.validate(file, Optional.of(Role.WORKER), List.of(TestConfigs.SECRET)).problems()).isEmpty();
    }

    @Test
    void secretValuesStayOutOfFindings()
    {
        String secret = "short-secret";
        Configurations config = set(set(BASE, "trino-config", "internal-communication.shared-secret", secret), "trino-spot-watcher", "watcher.trino.shared-secret", secret + "!");
        Validation validation = Validator.validate(config);
        assertThat(validation.errors()).hasSize(2);
        assertThat(lines(validation.problems())).noneMatch(line -> line.contains(secret));
    }

    @Test
    void noPinnedWarningWithoutTaskRetries()
    {
        Configurations config = set(set(BASE, "trino-config", "retry-policy", "QUERY"), "trino-connector-tpcds", "connector.name", "tpcds");
        assertThat(Validator.validate(config).problems()).isEmpty();
    }

    @Test
    void reportsAllProblemsAtOnce()
    {
        Configurations config = set(set(set(BASE.without("trino-exchange-manager"),
                "trino-config", "query.max-memory", "1gb"),
                "trino-config", "shutdown.grace-period", "3m"),
                "trino-nodes", "node.environment", "x");
        assertThat(Validator.validate(config).errors()).hasSize(4);
    }
}
