package io.trinospot.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/** When and on what the benchmark ran: the machine is shared, so its load belongs next to every figure. */
public record RunInfo(Instant started, Instant ended, String commit, String loadAtStart, String loadAtEnd, String queries, String storages, int timedRuns)
{
    public RunInfo
    {
        if (timedRuns < 1) {
            throw new IllegalArgumentException("timedRuns must be at least 1: " + timedRuns);
        }
        requireNonNull(started, "started is null");
        requireNonNull(ended, "ended is null");
        requireNonNull(commit, "commit is null");
        requireNonNull(loadAtStart, "loadAtStart is null");
        requireNonNull(loadAtEnd, "loadAtEnd is null");
        requireNonNull(queries, "queries is null");
        requireNonNull(storages, "storages is null");
    }

    /** The first three fields of {@code /proc/loadavg}. */
    public static String loadAverage()
    {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "n/a";
        }
    }

    /** The short commit of {@code directory}'s checkout, with {@code -dirty} when it has uncommitted changes. */
    public static String gitCommit(Path directory)
    {
        String commit = git(directory, "rev-parse", "--short", "HEAD");
        if (commit.isEmpty()) {
            return "unknown";
        }
        return git(directory, "status", "--porcelain", "--untracked-files=no").isEmpty() ? commit : commit + "-dirty";
    }

    private static String git(Path directory, String... arguments)
    {
        String[] command = new String[arguments.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = directory.toString();
        System.arraycopy(arguments, 0, command, 3, arguments.length);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return "";
            }
            return output;
        }
        catch (IOException e) {
            return "";
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
