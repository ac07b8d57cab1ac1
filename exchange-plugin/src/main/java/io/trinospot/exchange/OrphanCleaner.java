package io.trinospot.exchange;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.airlift.log.Logger;
import io.airlift.units.Duration;
import io.trino.plugin.exchange.filesystem.FileStatus;
import io.trino.plugin.exchange.filesystem.FileSystemExchangeStorage;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Deletes spool directories that no running query needs, without ever judging by clocks or query ages.
 *
 * <p>Trino names each sink directory {@code <hex>.<queryId>.<exchangeId>.<partition>/}. Only a coordinator
 * creates exchanges, so only a coordinator runs this: it starts on the first {@link #exchangeCreated} and a node
 * that only writes or reads (a worker) never sweeps. Each started cleaner has a random owner id and keeps, in every
 * base directory, {@code spot-owners/<owner>/lease.<seq>} (a new sequence number every min-age / 4) and one
 * {@code spot-owners/<owner>/exchange.<queryId>.<exchangeId>} marker per exchange, written before the exchange
 * exists. A sweep deletes a sink directory only if its marker names
 * <ul>
 *   <li>this owner, and the query has no open exchange here (it ended; Trino's own delete missed something), or
 *   <li>another owner whose lease this cleaner has watched not change for longer than
 *       {@code exchange.orphan-cleanup.min-age} (a crashed or restarted coordinator); that owner's markers and
 *       lease go too.
 * </ul>
 * Directories of a live other owner, directories without a marker (older versions, Trino's {@code filesystem}
 * exchange, a coordinator with cleanup disabled) and anything not named like a sink directory are left alone.
 * The storages report no modification times, so staleness is the time this cleaner has seen the same lease,
 * measured on its own monotonic ticker: no two machines' clocks are ever compared, and a restarted cleaner waits
 * a full min-age again.
 */
public final class OrphanCleaner
{
    private static final Logger log = Logger.get(OrphanCleaner.class);
    static final String OWNERS_DIRECTORY = "spot-owners";
    private static final Pattern SINK_DIRECTORY = Pattern.compile("[0-9a-f]+\\.(\\d{8}_\\d{6}_\\d+_[0-9a-z]+)\\.([^/.]+)\\.\\d+");
    private static final Pattern OWNER_FILE = Pattern.compile("(lease|exchange)\\.(.+)");
    private static final Pattern OWNER_ID = Pattern.compile("[0-9a-f]{16}");
    private static final long IO_TIMEOUT_MINUTES = 10;

    private final FileSystemExchangeStorage storage;
    private final List<URI> baseDirectories;
    private final ActiveQueries activeQueries;
    private final SpotExchangeStats stats;
    private final long minAgeNanos;
    private final Duration minAge;
    private final Duration interval;
    private final boolean enabled;
    private final Ticker ticker;
    private final String ownerId;
    // Per base directory and foreign owner: the lease last seen and when it was first seen so.
    private final Map<URI, Map<String, LeaseObservation>> observations = new HashMap<>();
    // Separate locks, so that creating an exchange never waits for a sweep's listing.
    private final Object leaseLock = new Object();
    private final Object sweepLock = new Object();
    private volatile boolean started;
    private boolean stopped;
    private ScheduledExecutorService scheduler;
    private long lastLeaseAttempted = -1;
    private long lastLeaseWritten = -1;

    public OrphanCleaner(FileSystemExchangeStorage storage, List<URI> baseDirectories, ActiveQueries activeQueries, SpotExchangeStats stats, SpotExchangeConfig config, Ticker ticker)
    {
        this.storage = requireNonNull(storage, "storage is null");
        this.baseDirectories = baseDirectories.stream().map(OrphanCleaner::withSlash).toList();
        this.activeQueries = requireNonNull(activeQueries, "activeQueries is null");
        this.stats = requireNonNull(stats, "stats is null");
        this.minAge = config.getOrphanCleanupMinAge();
        this.minAgeNanos = minAge.roundTo(TimeUnit.NANOSECONDS);
        this.interval = config.getOrphanCleanupInterval();
        this.enabled = config.isOrphanCleanupEnabled();
        this.ticker = requireNonNull(ticker, "ticker is null");
        this.ownerId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    public String ownerId()
    {
        return ownerId;
    }

    public boolean isStarted()
    {
        return started;
    }

    /**
     * Called by the exchange manager before it creates an exchange: starts the cleaner on first use and marks the
     * exchange's directories as this owner's. Fails (and with it the exchange) if the marker cannot be written,
     * so no directory of this owner ever lacks one.
     */
    public void exchangeCreated(String queryId, String exchangeId)
    {
        if (!enabled) {
            return;
        }
        if (!started) {
            start();
        }
        List<ListenableFuture<Void>> writes = new ArrayList<>();
        for (URI base : baseDirectories) {
            URI directory = createOwnerDirectory(base);
            writes.add(storage.createEmptyFile(directory.resolve("exchange." + queryId + "." + exchangeId)));
        }
        await(Futures.allAsList(writes), "write the owner marker of exchange " + queryId + "." + exchangeId);
    }

    private synchronized void start()
    {
        if (scheduler != null || stopped) {
            return;
        }
        // The lease exists before the first marker, so no other cleaner sees a marker without a lease it can watch.
        refreshLease();
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spot-exchange-orphan-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        long leasePeriod = Math.max(1, minAge.toMillis() / 4);
        scheduler.scheduleWithFixedDelay(() -> bestEffort(this::refreshLease, "Refreshing the spool owner lease failed"), leasePeriod, leasePeriod, TimeUnit.MILLISECONDS);
        long sweepPeriod = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(() -> bestEffort(this::runOnce, "Orphaned spool cleanup failed"), sweepPeriod, sweepPeriod, TimeUnit.MILLISECONDS);
        started = true;
        log.info("Spool orphan cleanup started on this coordinator as owner %s (lease refreshed every %s)", ownerId, Duration.succinctDuration(leasePeriod, TimeUnit.MILLISECONDS));
    }

    public synchronized void stop()
    {
        stopped = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
            started = false;
        }
    }

    /** Writes the next lease in every base directory, then drops the previous one: a sign of life to other owners. */
    public void refreshLease()
    {
        synchronized (leaseLock) {
            writeNextLease();
        }
    }

    private void writeNextLease()
    {
        // Every attempt takes a new number: a partly failed one may have left its file, which must not block the next.
        long next = ++lastLeaseAttempted;
        List<ListenableFuture<Void>> writes = new ArrayList<>();
        for (URI base : baseDirectories) {
            writes.add(storage.createEmptyFile(createOwnerDirectory(base).resolve(leaseName(next))));
        }
        await(Futures.allAsList(writes), "write lease " + next + " of owner " + ownerId);
        long previous = lastLeaseWritten;
        lastLeaseWritten = next;
        if (previous >= 0) {
            List<URI> older = new ArrayList<>();
            for (long sequence = previous; sequence < next; sequence++) {
                for (URI base : baseDirectories) {
                    older.add(ownerDirectory(base, ownerId).resolve(leaseName(sequence)));
                }
            }
            await(storage.deleteRecursively(older), "delete the older leases of owner " + ownerId);
        }
    }

    /** One sweep over every base directory; returns the sink directories deleted. */
    public List<URI> runOnce()
    {
        synchronized (sweepLock) {
            List<URI> deleted = new ArrayList<>();
            for (URI base : baseDirectories) {
                deleted.addAll(sweep(base));
            }
            return deleted;
        }
    }

    private List<URI> sweep(URI base)
    {
        List<FileStatus> files = await(storage.listFilesRecursively(base), "list " + base);
        long now = ticker.read();

        // Everything the decision needs comes from this one listing; open exchanges are checked after it, so an
        // exchange listed here and open now is never touched, and one closed now is never reopened.
        Map<String, Long> leases = new TreeMap<>();
        Map<String, String> markerOwners = new HashMap<>();
        Map<String, Set<String>> sinkDirectories = new TreeMap<>();
        for (FileStatus file : files) {
            Optional<String> relative = relativePath(base, file.getFilePath());
            if (relative.isEmpty()) {
                continue;
            }
            String[] segments = relative.get().split("/");
            if (segments.length == 3 && segments[0].equals(OWNERS_DIRECTORY) && OWNER_ID.matcher(segments[1]).matches()) {
                Matcher ownerFile = OWNER_FILE.matcher(segments[2]);
                if (!ownerFile.matches()) {
                    continue;
                }
                String owner = segments[1];
                if (ownerFile.group(1).equals("lease")) {
                    parseSequence(ownerFile.group(2)).ifPresent(sequence -> leases.merge(owner, sequence, Math::max));
                }
                else {
                    // Two owners claiming one exchange cannot happen; if it did, neither claim is trusted.
                    markerOwners.merge(ownerFile.group(2), owner, (first, second) -> first.equals(second) ? first : "");
                }
                leases.putIfAbsent(owner, -1L);
            }
            else if (segments.length >= 2) {
                Matcher sink = SINK_DIRECTORY.matcher(segments[0]);
                if (sink.matches()) {
                    sinkDirectories.computeIfAbsent(sink.group(1) + "." + sink.group(2), ignored -> new TreeSet<>()).add(segments[0]);
                }
            }
        }

        Set<String> staleOwners = observeLeases(base, leases, now);
        Set<String> liveOwnersSkipped = new TreeSet<>();
        List<URI> queryEnded = new ArrayList<>();
        List<URI> ownerStale = new ArrayList<>();
        List<URI> ownMarkersDone = new ArrayList<>();
        int skippedLive = 0;
        int skippedUnmarked = 0;
        for (Map.Entry<String, Set<String>> exchange : sinkDirectories.entrySet()) {
            String owner = markerOwners.getOrDefault(exchange.getKey(), "");
            List<URI> directories = exchange.getValue().stream().map(name -> base.resolve(name + "/")).toList();
            if (owner.isEmpty()) {
                skippedUnmarked += directories.size();
            }
            else if (owner.equals(ownerId)) {
                if (!activeQueries.contains(queryIdOf(exchange.getKey()))) {
                    queryEnded.addAll(directories);
                }
            }
            else if (staleOwners.contains(owner)) {
                ownerStale.addAll(directories);
            }
            else {
                skippedLive += directories.size();
                liveOwnersSkipped.add(owner);
            }
        }
        // Own markers of ended queries go once their directories are gone (or never existed).
        markerOwners.forEach((exchange, owner) -> {
            if (owner.equals(ownerId) && !activeQueries.contains(queryIdOf(exchange))) {
                ownMarkersDone.add(ownerDirectory(base, ownerId).resolve("exchange." + exchange));
            }
        });

        List<URI> deleted = new ArrayList<>(queryEnded);
        deleted.addAll(ownerStale);
        if (!deleted.isEmpty()) {
            await(storage.deleteRecursively(deleted), "delete orphaned spool directories under " + base);
        }
        // Markers and leases only after the data they account for.
        List<URI> bookkeeping = new ArrayList<>(ownMarkersDone);
        staleOwners.forEach(owner -> bookkeeping.add(ownerDirectory(base, owner)));
        if (!bookkeeping.isEmpty()) {
            await(storage.deleteRecursively(bookkeeping), "delete owner markers under " + base);
        }
        staleOwners.forEach(observations.get(base)::remove);

        stats.getOrphanDirectoriesDeleted().update(deleted.size());
        stats.getOrphanDirectoriesDeletedQueryEnded().update(queryEnded.size());
        stats.getOrphanDirectoriesDeletedOwnerStale().update(ownerStale.size());
        stats.getOrphanDirectoriesSkippedLiveOwner().update(skippedLive);
        stats.getOrphanDirectoriesSkippedUnmarked().update(skippedUnmarked);
        stats.getOrphanOwnersExpired().update(staleOwners.size());
        if (!deleted.isEmpty() || !staleOwners.isEmpty() || skippedLive > 0 || skippedUnmarked > 0) {
            log.info("Spool cleanup under %s (owner %s): deleted %s directories of queries this coordinator no longer runs, "
                            + "%s directories of owners %s whose lease did not change for over %s; skipped %s directories of live owners %s "
                            + "and %s without an owner marker",
                    base, ownerId, queryEnded.size(), ownerStale.size(), staleOwners, minAge, skippedLive, liveOwnersSkipped, skippedUnmarked);
        }
        return deleted;
    }

    /** Records every foreign owner's lease and returns those seen unchanged for longer than min-age. */
    private Set<String> observeLeases(URI base, Map<String, Long> leases, long now)
    {
        Map<String, LeaseObservation> seen = observations.computeIfAbsent(base, ignored -> new HashMap<>());
        seen.keySet().retainAll(leases.keySet());
        Set<String> stale = new TreeSet<>();
        leases.forEach((owner, sequence) -> {
            if (owner.equals(ownerId)) {
                return;
            }
            LeaseObservation previous = seen.get(owner);
            if (previous == null || previous.sequence() != sequence) {
                seen.put(owner, new LeaseObservation(sequence, now));
            }
            else if (now - previous.firstSeenNanos() > minAgeNanos) {
                stale.add(owner);
            }
        });
        return stale;
    }

    // Local storage needs the parent; it is recreated each time in case a peer wrongly expired this owner.
    private URI createOwnerDirectory(URI base)
    {
        URI directory = ownerDirectory(base, ownerId);
        try {
            storage.createDirectories(directory);
        }
        catch (IOException e) {
            throw new RuntimeException("Cannot create " + directory, e);
        }
        return directory;
    }

    /** A lease sequence number as last seen, and the ticker reading when it was first seen. */
    private record LeaseObservation(long sequence, long firstSeenNanos) {}

    private static String queryIdOf(String exchangeKey)
    {
        return exchangeKey.substring(0, exchangeKey.indexOf('.'));
    }

    static URI ownerDirectory(URI base, String owner)
    {
        checkArgument(OWNER_ID.matcher(owner).matches(), "bad owner id: %s", owner);
        return base.resolve(OWNERS_DIRECTORY + "/" + owner + "/");
    }

    // Fixed width, so that no lease name is a prefix of another (S3 deletes by key prefix).
    private static String leaseName(long sequence)
    {
        return "lease.%019d".formatted(sequence);
    }

    private static Optional<Long> parseSequence(String text)
    {
        try {
            return Optional.of(Long.parseLong(text));
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The path of {@code filePath} below {@code base}, comparing paths only (schemes differ in spelling). */
    static Optional<String> relativePath(URI base, String filePath)
    {
        String basePath = base.getPath();
        String path;
        try {
            path = URI.create(filePath).getPath();
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (path == null || !path.startsWith(basePath) || path.length() == basePath.length()) {
            return Optional.empty();
        }
        return Optional.of(path.substring(basePath.length()));
    }

    private static URI withSlash(URI directory)
    {
        return directory.getPath().endsWith("/") ? directory : URI.create(directory + "/");
    }

    private static <T> T await(ListenableFuture<T> future, String action)
    {
        try {
            return future.get(IO_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException("Interrupted: " + action, e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new RuntimeException("Cannot " + action, e.getCause() == null ? e : e.getCause());
        }
    }

    private static void bestEffort(Runnable action, String message)
    {
        try {
            action.run();
        }
        catch (Throwable t) {
            // The next round tries again.
            log.warn(t, message);
        }
    }
}
