package io.trinospot.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestRuntimeLayout
{
    @Test
    void aCheckoutWithoutItsRuntimesBuiltIsToldHowToBuildThem(@TempDir Path checkout)
    {
        RuntimeLayout layout = new RuntimeLayout(checkout.resolve("runtime/target"), Path.of(System.getProperty("java.home")), checkout.resolve("cache"));
        assertThatThrownBy(layout::check)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No runtimes built under " + checkout.resolve("runtime/target") + ": run ./mvnw install -DskipTests once");
    }

    @Test
    void theCacheIsPerUserUnlessTheHarnessIsToldOtherwise()
    {
        assertThat(RuntimeLayout.cacheDir(null, null, null, "/home/user")).isEqualTo(Path.of("/home/user/.cache/trino-spot"));
        assertThat(RuntimeLayout.cacheDir(null, null, "/var/cache/user", "/home/user")).isEqualTo(Path.of("/var/cache/user/trino-spot"));
        assertThat(RuntimeLayout.cacheDir(null, null, "relative/cache", "/home/user"))
                .as("a relative XDG_CACHE_HOME is ignored, as the XDG specification says")
                .isEqualTo(Path.of("/home/user/.cache/trino-spot"));
        assertThat(RuntimeLayout.cacheDir(null, "/ci/cache", "/var/cache/user", "/home/user")).isEqualTo(Path.of("/ci/cache"));
        assertThat(RuntimeLayout.cacheDir("/tmp/c", "/ci/cache", "/var/cache/user", "/home/user")).isEqualTo(Path.of("/tmp/c"));
        assertThat(RuntimeLayout.cacheDir(" ", "", null, "/home/user")).as("blank settings are unset").isEqualTo(Path.of("/home/user/.cache/trino-spot"));
    }
}
