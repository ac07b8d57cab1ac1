package io.trinospot.exchange;

import com.google.common.util.concurrent.ListenableFuture;
import io.airlift.log.Logger;
import io.airlift.units.Duration;
import io.trino.plugin.exchange.filesystem.FileStatus;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Deletes spool directories a crashed coordinator left behind. Trino names each sink directory
 * {@code <hex>.<queryId>.<exchangeId>.<partition>/}, and a query id starts with the UTC time the query was
 * created ({@code yyyyMMdd_HHmmss_...}). A directory is an orphan only if that time is older than
 * {@code exchange.orphan-cleanup.min-age} and the query has no open exchange on this node; anything that does not
 * look like a sink directory is left alone.
 */
public final class OrphanCleaner
{
    private static final Logger log = Logger.get(OrphanCleaner.class);
    private static final Pattern SINK_DIRECTORY = Pattern.compile("[0-9a-f]+\\.((\\d{8}_\\d{6})_\\d+_[0-9a-z]+)\\.[^/.]+\\.\\d+");
    private static final DateTimeFormatter QUERY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    private final FileSystemExchangeStorage storage;
    private final List<URI> baseDirectories;
    private final ActiveQueries activeQueries;
    private final SpotExchangeStats stats;
    private final java.time.Duration minAge;
    private final Duration interval;
    private final boolean enabled;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    public OrphanCleaner(FileSystemExchangeStorage storage, List<URI> baseDirectories, ActiveQueries activeQueries, SpotExchangeStats stats, SpotExchangeConfig config, Clock clock)
    {
        this.storage = requireNonNull(storage, "storage is null");
        this.baseDirectories = List.copyOf(baseDirectories);
        this.activeQueries = requireNonNull(activeQueries, "activeQueries is null");
        this.stats = requireNonNull(stats, "stats is null");
        this.minAge = java.time.Duration.ofMillis(config.getOrphanCleanupMinAge().toMillis());
        this.interval = config.getOrphanCleanupInterval();
        this.enabled = config.isOrphanCleanupEnabled();
        this.clock = requireNonNull(clock, "clock is null");
    }

    public synchronized void start()
    {
        if (!enabled || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spot-exchange-orphan-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            }
            catch (Throwable t) {
                // Cleanup is best effort; the next round tries again.
                log.warn(t, "Orphaned spool cleanup failed");
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop()
    {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    /** One sweep over every base directory; returns the directories deleted. */
    public List<URI> runOnce()
            throws Exception
    {
        Instant cutoff = clock.instant().minus(minAge);
        List<URI> deleted = new ArrayList<>();
        for (URI base : baseDirectories) {
            ListenableFuture<List<FileStatus>> listing = storage.listFilesRecursively(base);
            Set<String> orphans = new TreeSet<>();
            for (FileStatus file : listing.get(10, TimeUnit.MINUTES)) {
                topLevelName(base, file.getFilePath())
                        .filter(name -> isOrphan(name, cutoff))
                        .ifPresent(orphans::add);
            }
            if (orphans.isEmpty()) {
                continue;
            }
            List<URI> directories = orphans.stream().map(name -> base.resolve(name + "/")).toList();
            storage.deleteRecursively(directories).get(10, TimeUnit.MINUTES);
            stats.getOrphanDirectoriesDeleted().update(directories.size());
            log.info("Deleted %s orphaned spool directories under %s", directories.size(), base);
            deleted.addAll(directories);
        }
        return deleted;
    }

    boolean isOrphan(String directoryName, Instant cutoff)
    {
        Matcher matcher = SINK_DIRECTORY.matcher(directoryName);
        if (!matcher.matches()) {
            return false;
        }
        if (activeQueries.contains(matcher.group(1))) {
            return false;
        }
        try {
            Instant created = LocalDateTime.parse(matcher.group(2), QUERY_TIME).toInstant(ZoneOffset.UTC);
            return created.isBefore(cutoff);
        }
        catch (DateTimeParseException e) {
            return false;
        }
    }

    /** The first path segment of {@code filePath} below {@code base}, comparing paths only (schemes differ in spelling). */
    static Optional<String> topLevelName(URI base, String filePath)
    {
        String basePath = base.getPath().endsWith("/") ? base.getPath() : base.getPath() + "/";
        String path;
        try {
            path = URI.create(filePath).getPath();
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (path == null || !path.startsWith(basePath)) {
            return Optional.empty();
        }
        String rest = path.substring(basePath.length());
        int slash = rest.indexOf('/');
        return slash <= 0 ? Optional.empty() : Optional.of(rest.substring(0, slash));
    }
}
