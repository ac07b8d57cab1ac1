package io.trinospot.harness;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Nothing of ours keeps running after a failed start, or after the owning JVM dies. That close stops every process is
 * checked on HdfsLakeIT's cluster.
 */
class ProcessHygieneIT
{
    @Test
    void failedStartLeavesNothingAndShowsTheLog()
    {
        ClusterSpec broken = ClusterSpec.builder()
                .workers(1)
                .lake(LakeStorage.NONE)
                .workerProperty("no-such-property.for-the-test", "1")
                .build();
        assertThatThrownBy(() -> TrinoCluster.start(broken))
                .hasMessageContaining("worker-1")
                .hasMessageContaining("no-such-property.for-the-test");
        assertThat(ProcessReaper.ownedBy(String.valueOf(ProcessHandle.current().pid()))).isEmpty();
    }

    @Test
    void orphansOfAKilledHarnessAreReaped()
            throws Exception
    {
        // A second JVM starts an S3 server and is then SIGKILLed: its server is left behind as an orphan.
        Path dir = Files.createTempDirectory("trino-spot-orphan");
        Path readyFile = dir.resolve("ready");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-D" + RuntimeLayout.RUNTIME_DIR_PROPERTY + "=" + RuntimeLayout.discover().runtimeDir(),
                OrphanMaker.class.getName(), dir.toString());
        Process owner = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("owner.log").toFile()).start();
        String ownerPid = String.valueOf(owner.pid());
        Waits.until("the orphan maker's S3 server", Duration.ofSeconds(60), null, () -> Files.exists(readyFile) || !owner.isAlive());
        assertThat(owner.isAlive()).as("orphan maker died: %s", ManagedProcess.tail(dir.resolve("owner.log"), 20)).isTrue();
        owner.destroyForcibly().waitFor();

        List<ProcessHandle> orphans = ProcessReaper.ownedBy(ownerPid);
        assertThat(orphans).as("the dead harness's server is still running").isNotEmpty().allMatch(ProcessHandle::isAlive);
        assertThat(ProcessReaper.reapOrphans()).isGreaterThanOrEqualTo(orphans.size());
        for (ProcessHandle orphan : orphans) {
            orphan.onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(ProcessReaper.ownedBy(ownerPid)).isEmpty();
    }

    /** Run in a child JVM: starts an S3 server it owns, writes the ready file, and waits to be killed. */
    public static final class OrphanMaker
    {
        public static void main(String[] args)
                throws Exception
        {
            Path dir = Path.of(args[0]);
            S3Server.start(RuntimeLayout.discover(), new PortAllocator(), dir.resolve("data"), dir.resolve("s3"), ProcessReaper.markerArgument());
            Files.writeString(dir.resolve("ready"), "ready");
            Thread.sleep(Duration.ofMinutes(5));
        }
    }
}
