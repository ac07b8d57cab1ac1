package io.trinospot.cli.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds malformed and random input to every subcommand: each run must end in exit 0 or 1 with one clean line per
 * finding, and render must leave either a complete etc/ or the previous state, never a partial one.
 */
class FuzzTest
{
    private static final long SEED = 20261122L;
    private static final int CASES = 400;
    private static final Pattern FINDING = Pattern.compile("(error|warning|note): \\[.*] .+");
    private static final List<String> NAMES = List.of("trino-config", "trino-node", "trino-log", "trino-exchange-manager", "trino-connector-tpcds",
            "trino-connector-hive", "core-site", "hdfs-site", "trino-spot-watcher", "trino-spot-jvm", "trino-env", "trino-connector-", "");
    private static final List<String> KEYS = List.of("retry-policy", "exchange.compression-enabled", "exchange.compression-codec", "shutdown.grace-period",
            "query.max-memory", "exchange.base-directories", "exchange.base-directory", "exchange.use-local-hdfs", "exchange-manager.name", "connector.name",
            "fs.defaultFS", "node.environment", "node.id", "coordinator", "discovery.uri", "http-server.http.port", "io.trino", "watcher.safety-margin",
            "jvm.heap-size", "jvm.extra-options", "hdfs.config.resources", "", " ", "a\nb");
    private static final List<String> VALUES = List.of("TASK", "QUERY", "NONE", "task", "true", "false", "1m", "0s", "2m", "1GB", "1gb", "/exchange",
            "s3://b/x", "hdfs://nn:8020", "file:///", "spot", "filesystem", "tpcds", "hive", "memory", "http://c:8080", "8080", "-1", "2G", "", "\u0000",
            "line\nbreak", "ünï", "\\", "=", "#");
    private static final String NOISE = "{}[]\",:\\ \n\t\u0000é0-aZ";

    @TempDir
    Path dir;

    @Test
    void randomInputNeverCrashesOrLeavesAPartialEtc()
            throws IOException
    {
        Random random = new Random(SEED);
        byte[] blog = CliTest.blogConfigurations();
        int rendered = 0;
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = switch (i % 3) {
                case 0 -> mutate(blog, random);
                case 1 -> randomJson(random, 0).getBytes(StandardCharsets.UTF_8);
                default -> randomConfigurations(random).getBytes(StandardCharsets.UTF_8);
            };
            Path file = dir.resolve("in-" + i + ".json");
            Files.write(file, input);
            String context = "case " + i + ": " + new String(input, StandardCharsets.UTF_8);

            Path etc = dir.resolve("etc-" + i);
            boolean existing = random.nextInt(4) == 0;
            if (existing) {
                Files.createDirectories(etc);
                Files.writeString(etc.resolve("config.properties"), "previous=true\n");
            }
            List<String> args = new ArrayList<>(List.of("render", "--configurations", file.toString(), "--role", random.nextBoolean() ? "worker" : "coordinator",
                    "--out", etc.toString()));
            if (random.nextBoolean()) {
                args.addAll(List.of("--set", "core-site:fs.defaultFS=hdfs://nn:8020"));
            }
            args.addAll(List.of("--set", CliTest.SET_SECRET));
            CliRunner render = assertClean(CliRunner.run(args.toArray(String[]::new)), context);
            if (render.exitCode() == 0) {
                rendered++;
                for (String required : List.of("config.properties", "node.properties", "jvm.config", "log.properties")) {
                    assertThat(etc.resolve(required)).as(context).isRegularFile();
                }
                assertThat(etc.resolve("config.properties")).as(context).content().doesNotContain("previous=true");
            }
            else {
                rejected++;
                if (existing) {
                    assertThat(etc.resolve("config.properties")).as(context).content().isEqualTo("previous=true\n");
                    try (Stream<Path> files = Files.list(etc)) {
                        assertThat(files).as(context).hasSize(1);
                    }
                }
                else {
                    assertThat(etc).as(context).doesNotExist();
                }
            }
            // nothing half-written left beside the target
            try (Stream<Path> siblings = Files.list(dir)) {
                assertThat(siblings.map(p -> p.getFileName().toString())).as(context).noneMatch(name -> name.startsWith("."));
            }

            assertClean(CliRunner.run("validate", "--configurations", file.toString()), context);
            CliRunner emr = assertClean(CliRunner.run("emr", "--configurations", file.toString()), context);
            if (emr.exitCode() == 0) {
                assertThat(new ObjectMapper().readTree(emr.out()).isArray()).as(context).isTrue();
            }
            else {
                assertThat(emr.out()).as(context).isEmpty();
            }
        }
        // the generators must reach both outcomes, or this test proves little
        assertThat(rendered).isGreaterThan(CASES / 20);
        assertThat(rejected).isGreaterThan(CASES / 2);
    }

    private static CliRunner assertClean(CliRunner result, String context)
    {
        assertThat(result.exitCode()).as(context).isIn(0, 1);
        assertThat(result.errLines()).as(context).allMatch(line -> FINDING.matcher(line).matches(), "is one finding per line");
        assertThat(result.err()).as(context).doesNotContain("[internal]", "Exception\n", "\tat ");
        if (result.exitCode() == 1) {
            assertThat(result.errLines()).as(context).anyMatch(line -> line.startsWith("error: "));
        }
        return result;
    }

    private static byte[] mutate(byte[] source, Random random)
    {
        byte[] bytes = source.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            bytes = switch (random.nextInt(4)) {
                case 0 -> java.util.Arrays.copyOf(bytes, at);
                case 1 -> concat(java.util.Arrays.copyOf(bytes, at), java.util.Arrays.copyOfRange(bytes, at + 1, bytes.length));
                case 2 -> {
                    bytes[at] = (byte) NOISE.charAt(random.nextInt(NOISE.length()));
                    yield bytes;
                }
                default -> {
                    bytes[at] = (byte) random.nextInt(256);
                    yield bytes;
                }
            };
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b)
    {
        byte[] result = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    /** Any JSON value, biased towards the shapes and names of the real format. */
    private static String randomJson(Random random, int depth)
    {
        int kind = depth > 3 ? 3 + random.nextInt(4) : random.nextInt(7);
        return switch (kind) {
            case 0, 1 -> {
                List<String> elements = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    elements.add(randomJson(random, depth + 1));
                }
                yield "[" + String.join(",", elements) + "]";
            }
            case 2 -> {
                List<String> fields = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    String key = switch (random.nextInt(4)) {
                        case 0 -> "Classification";
                        case 1 -> "Properties";
                        case 2 -> "Configurations";
                        default -> pick(KEYS, random);
                    };
                    fields.add(quote(key) + ":" + randomJson(random, depth + 1));
                }
                yield "{" + String.join(",", fields) + "}";
            }
            case 3 -> quote(random.nextBoolean() ? pick(NAMES, random) : pick(VALUES, random));
            case 4 -> Long.toString(random.nextLong());
            case 5 -> random.nextBoolean() ? "true" : "null";
            default -> Double.toString(random.nextGaussian());
        };
    }

    /** Well-formed files with random classifications, keys and values: exercises validation more than parsing. */
    private static String randomConfigurations(Random random)
    {
        List<String> classifications = new ArrayList<>();
        for (int c = random.nextInt(5); c >= 0; c--) {
            List<String> properties = new ArrayList<>();
            for (int p = random.nextInt(5); p > 0; p--) {
                properties.add(quote(pick(KEYS, random)) + ":" + quote(pick(VALUES, random)));
            }
            classifications.add("{\"Classification\":" + quote(pick(NAMES, random)) + ",\"Properties\":{" + String.join(",", properties) + "}}");
        }
        return "[" + String.join(",", classifications) + "]";
    }

    private static String pick(List<String> list, Random random)
    {
        return list.get(random.nextInt(list.size()));
    }

    private static String quote(String text)
    {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
