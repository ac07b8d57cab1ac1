package io.trinospot.harness.imds;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * An EC2 instance metadata service on a loopback port, following amazon-ec2-metadata-mock (AEMM):
 * IMDSv2 tokens, {@code 404} until a notice is posted, JSON notice bodies, moving or pinned times.
 * <p>
 * One instance stands in for the IMDS of one worker. Tests and the harness drive it through the Java
 * methods here or through the same operations as JSON under {@code /control/} (see {@link ImdsControlHandler}).
 * Faults (error statuses, delays, dropped connections, malformed bodies, token expiry) shape IMDS answers
 * only, never control answers.
 */
public final class ImdsEmulator
        implements AutoCloseable
{
    public static final String IMDS_PREFIX = "/latest/";
    public static final String TOKEN_PATH = "/latest/api/token";
    public static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    public static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    public static final String CONTROL_PREFIX = "/control/";
    public static final int MAX_TOKEN_TTL_SECONDS = 21600;

    private final InstantSource clock;
    private final InstanceIdentity identity;
    private final boolean allowImdsV1;
    private final HttpServer server;
    private final ExecutorService executor;
    private final SecureRandom random = new SecureRandom();

    private final Map<String, Instant> tokenExpiries = new ConcurrentHashMap<>();
    private final Object noticeLock = new Object();
    private Optional<Posted<SpotNotice>> spotNotice = Optional.empty();
    private Optional<String> rawSpotNotice = Optional.empty();
    private Optional<Posted<Instant>> rebalance = Optional.empty();
    private final Map<String, Posted<ScheduledEvent>> scheduledEvents = new LinkedHashMap<>();
    private volatile TimeMode timeMode;

    private final Object faultLock = new Object();
    private final List<ActiveFault> faults = new ArrayList<>();

    private final List<RecordedRequest> requests = new ArrayList<>();

    private ImdsEmulator(Builder builder)
    {
        this.clock = builder.clock;
        this.identity = builder.identity;
        this.allowImdsV1 = builder.allowImdsV1;
        this.timeMode = builder.timeMode;
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port), 64);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot bind IMDS emulator to port " + builder.port, e);
        }
        // Virtual threads: a delayed answer must not hold up the others.
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(IMDS_PREFIX, new ImdsRequestHandler(this));
        server.createContext(CONTROL_PREFIX, new ImdsControlHandler(this));
        server.start();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** Starts an emulator with defaults: a Spot instance, IMDSv2 only, moving time, a free port. */
    public static ImdsEmulator start()
    {
        return builder().start();
    }

    /** Base URI, e.g. {@code http://127.0.0.1:41234}; what a client uses in place of {@code http://169.254.169.254}. */
    public URI endpoint()
    {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port()
    {
        return server.getAddress().getPort();
    }

    public InstanceIdentity identity()
    {
        return identity;
    }

    public boolean allowsImdsV1()
    {
        return allowImdsV1;
    }

    InstantSource clock()
    {
        return clock;
    }

    // ---- notices ----

    /** Posts a Spot interruption notice, visible at once. */
    public void postSpotNotice(SpotAction action, Instant time)
    {
        postSpotNotice(action, time, clock.instant());
    }

    /** Posts a Spot interruption notice that becomes visible at {@code visibleAt}. */
    public void postSpotNotice(SpotAction action, Instant time, Instant visibleAt)
    {
        SpotNotice notice = new SpotNotice(action, time);
        synchronized (noticeLock) {
            spotNotice = Optional.of(new Posted<>(notice, visibleAt));
        }
    }

    /** Posts a Spot notice whose action is due {@code untilAction} from now (EC2 gives two minutes). */
    public void postSpotNoticeIn(SpotAction action, Duration untilAction)
    {
        postSpotNotice(action, clock.instant().plus(untilAction));
    }

    public void clearSpotNotice()
    {
        synchronized (noticeLock) {
            spotNotice = Optional.empty();
            rawSpotNotice = Optional.empty();
        }
    }

    /**
     * Answers {@code spot/instance-action} with this body as written, visible at once: an action or a time EC2 does not
     * document, or a body that is not JSON at all. It replaces a notice posted with {@link #postSpotNotice}.
     */
    public void postSpotNoticeBody(String body)
    {
        requireNonNull(body, "body is null");
        synchronized (noticeLock) {
            spotNotice = Optional.empty();
            rawSpotNotice = Optional.of(body);
        }
    }

    /** The body posted with {@link #postSpotNoticeBody}, if any. */
    public Optional<String> spotNoticeBody()
    {
        synchronized (noticeLock) {
            return rawSpotNotice;
        }
    }

    public void postRebalanceRecommendation(Instant noticeTime)
    {
        postRebalanceRecommendation(noticeTime, clock.instant());
    }

    public void postRebalanceRecommendation(Instant noticeTime, Instant visibleAt)
    {
        synchronized (noticeLock) {
            rebalance = Optional.of(new Posted<>(noticeTime, visibleAt));
        }
    }

    public void clearRebalanceRecommendation()
    {
        synchronized (noticeLock) {
            rebalance = Optional.empty();
        }
    }

    /** Adds a scheduled event, or replaces the one with the same event id (e.g. to cancel it). */
    public void postScheduledEvent(ScheduledEvent event)
    {
        postScheduledEvent(event, clock.instant());
    }

    public void postScheduledEvent(ScheduledEvent event, Instant visibleAt)
    {
        synchronized (noticeLock) {
            scheduledEvents.put(event.eventId(), new Posted<>(event, visibleAt));
        }
    }

    public void clearScheduledEvents()
    {
        synchronized (noticeLock) {
            scheduledEvents.clear();
        }
    }

    /** Removes every notice: Spot, rebalance and scheduled events. */
    public void clearNotices()
    {
        synchronized (noticeLock) {
            spotNotice = Optional.empty();
            rawSpotNotice = Optional.empty();
            rebalance = Optional.empty();
            scheduledEvents.clear();
        }
    }

    public TimeMode timeMode()
    {
        return timeMode;
    }

    public void setTimeMode(TimeMode mode)
    {
        this.timeMode = requireNonNull(mode, "mode is null");
    }

    /** The Spot notice as a client would see it now, with the time shifted when time moves. */
    public Optional<SpotNotice> visibleSpotNotice()
    {
        Instant now = clock.instant();
        synchronized (noticeLock) {
            return spotNotice.filter(posted -> posted.visibleAt(now))
                    .map(posted -> new SpotNotice(posted.value().action(), shifted(posted.value().time(), posted, now)));
        }
    }

    public Optional<Instant> visibleRebalanceNoticeTime()
    {
        Instant now = clock.instant();
        synchronized (noticeLock) {
            return rebalance.filter(posted -> posted.visibleAt(now)).map(posted -> shifted(posted.value(), posted, now));
        }
    }

    public List<ScheduledEvent> visibleScheduledEvents()
    {
        Instant now = clock.instant();
        synchronized (noticeLock) {
            List<ScheduledEvent> visible = new ArrayList<>();
            for (Posted<ScheduledEvent> posted : scheduledEvents.values()) {
                if (posted.visibleAt(now)) {
                    ScheduledEvent event = posted.value();
                    visible.add(new ScheduledEvent(
                            event.code(),
                            event.description(),
                            event.state(),
                            event.eventId(),
                            shifted(event.notBefore(), posted, now),
                            event.notAfter().map(time -> shifted(time, posted, now)),
                            event.notBeforeDeadline().map(time -> shifted(time, posted, now))));
                }
            }
            return visible;
        }
    }

    private Instant shifted(Instant time, Posted<?> posted, Instant now)
    {
        if (timeMode == TimeMode.PINNED) {
            return time;
        }
        return time.plus(Duration.between(posted.visibleAt(), now));
    }

    // ---- tokens ----

    String issueToken(int ttlSeconds)
    {
        byte[] bytes = new byte[30];
        random.nextBytes(bytes);
        String token = "AQAEA" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        tokenExpiries.put(token, clock.instant().plusSeconds(ttlSeconds));
        return token;
    }

    boolean tokenValid(String token)
    {
        Instant expiry = tokenExpiries.get(token);
        return expiry != null && clock.instant().isBefore(expiry);
    }

    /** Every token issued so far expires now; a client must fetch a new one (its next GET gets 401). */
    public void expireTokens()
    {
        Instant now = clock.instant();
        tokenExpiries.replaceAll((_, _) -> now);
    }

    /** Forgets every token issued so far, as if IMDS had restarted: they are now unknown (401). */
    public void revokeTokens()
    {
        tokenExpiries.clear();
    }

    public int tokensIssued()
    {
        return (int) requests().stream().filter(request -> request.isTokenRequest() && request.status() == 200).count();
    }

    // ---- faults ----

    public void inject(Fault fault)
    {
        requireNonNull(fault, "fault is null");
        synchronized (faultLock) {
            faults.add(new ActiveFault(fault, clock.instant()));
        }
    }

    /** The next {@code count} IMDS requests get {@code status}. */
    public void failNext(int count, int status)
    {
        inject(Fault.errorStatus(status).times(count));
    }

    /** Every IMDS request during {@code window} gets {@code status}. */
    public void failFor(Duration window, int status)
    {
        inject(Fault.errorStatus(status).during(window));
    }

    public void delayNext(int count, Duration delay)
    {
        inject(Fault.delay(delay).times(count));
    }

    public void delayFor(Duration window, Duration delay)
    {
        inject(Fault.delay(delay).during(window));
    }

    public void dropNext(int count)
    {
        inject(Fault.drop().times(count));
    }

    public void dropFor(Duration window)
    {
        inject(Fault.drop().during(window));
    }

    /** For {@code window}: every answer's body arrives one byte per {@code perByte}, headers first. */
    public void trickleFor(Duration window, Duration perByte)
    {
        inject(Fault.trickle(perByte).during(window));
    }

    public void malformNext(int count)
    {
        inject(Fault.malformed().times(count));
    }

    public void malformFor(Duration window)
    {
        inject(Fault.malformed().during(window));
    }

    /** Faults injected and not yet used up (count left, or window still open). */
    public int pendingFaults()
    {
        Instant now = clock.instant();
        synchronized (faultLock) {
            faults.removeIf(active -> active.expired(now));
            return faults.size();
        }
    }

    public void clearFaults()
    {
        synchronized (faultLock) {
            faults.clear();
        }
    }

    /** Faults that apply to this request, in injection order: any delays, then at most one that decides the answer. */
    List<Fault> takeFaults(String path)
    {
        Instant now = clock.instant();
        List<Fault> applied = new ArrayList<>();
        synchronized (faultLock) {
            for (Iterator<ActiveFault> iterator = faults.iterator(); iterator.hasNext(); ) {
                ActiveFault active = iterator.next();
                if (active.expired(now)) {
                    iterator.remove();
                    continue;
                }
                if (!active.matches(path)) {
                    continue;
                }
                active.consume();
                applied.add(active.fault());
                if (active.fault().kind() != Fault.Kind.DELAY) {
                    break;
                }
            }
        }
        return applied;
    }

    // ---- request log ----

    void record(RecordedRequest request)
    {
        synchronized (requests) {
            requests.add(request);
        }
    }

    /** Every IMDS request so far, oldest first. */
    public List<RecordedRequest> requests()
    {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<RecordedRequest> requests(Predicate<RecordedRequest> filter)
    {
        return requests().stream().filter(filter).toList();
    }

    /** Number of requests to paths starting with {@code pathPrefix}. */
    public long requestCount(String pathPrefix)
    {
        return requests().stream().filter(request -> request.path().startsWith(pathPrefix)).count();
    }

    public void clearRequests()
    {
        synchronized (requests) {
            requests.clear();
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A notice as posted, and when it became or becomes visible. */
    record Posted<T>(T value, Instant visibleAt)
    {
        Posted
        {
            requireNonNull(value, "value is null");
            requireNonNull(visibleAt, "visibleAt is null");
        }

        boolean visibleAt(Instant now)
        {
            return !now.isBefore(visibleAt);
        }
    }

    /** The body of {@code spot/instance-action}. */
    public record SpotNotice(SpotAction action, Instant time)
    {
        public SpotNotice
        {
            requireNonNull(action, "action is null");
            requireNonNull(time, "time is null");
        }
    }

    /** What the instance says about itself; each worker's emulator should get its own instance id. */
    public record InstanceIdentity(
            String instanceId,
            String instanceType,
            InstanceLifeCycle lifeCycle,
            String availabilityZone,
            String amiId,
            String localIpv4)
    {
        public InstanceIdentity
        {
            requireNonNull(instanceId, "instanceId is null");
            requireNonNull(instanceType, "instanceType is null");
            requireNonNull(lifeCycle, "lifeCycle is null");
            requireNonNull(availabilityZone, "availabilityZone is null");
            requireNonNull(amiId, "amiId is null");
            requireNonNull(localIpv4, "localIpv4 is null");
        }

        public String region()
        {
            // us-east-1a -> us-east-1
            return availabilityZone.replaceAll("[a-z]$", "");
        }
    }

    public static final class Builder
    {
        private InstantSource clock = Clock.systemUTC();
        private InstanceIdentity identity = new InstanceIdentity(
                "i-" + Long.toHexString(new SecureRandom().nextLong() & 0xfffffffffffffffL),
                "m5.xlarge",
                InstanceLifeCycle.SPOT,
                "us-east-1a",
                "ami-0a887e401f7654935",
                "172.31.0.10");
        private boolean allowImdsV1;
        private TimeMode timeMode = TimeMode.MOVING;
        private int port;

        private Builder() {}

        public Builder clock(InstantSource clock)
        {
            this.clock = requireNonNull(clock, "clock is null");
            return this;
        }

        public Builder identity(InstanceIdentity identity)
        {
            this.identity = requireNonNull(identity, "identity is null");
            return this;
        }

        public Builder instanceId(String instanceId)
        {
            identity = new InstanceIdentity(instanceId, identity.instanceType(), identity.lifeCycle(),
                    identity.availabilityZone(), identity.amiId(), identity.localIpv4());
            return this;
        }

        public Builder lifeCycle(InstanceLifeCycle lifeCycle)
        {
            identity = new InstanceIdentity(identity.instanceId(), identity.instanceType(), lifeCycle,
                    identity.availabilityZone(), identity.amiId(), identity.localIpv4());
            return this;
        }

        /** Answer GETs that carry no token (IMDSv1). Off by default, as on instances that require IMDSv2. */
        public Builder allowImdsV1(boolean allow)
        {
            this.allowImdsV1 = allow;
            return this;
        }

        public Builder timeMode(TimeMode timeMode)
        {
            this.timeMode = requireNonNull(timeMode, "timeMode is null");
            return this;
        }

        /** Port to bind on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port)
        {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        public ImdsEmulator start()
        {
            return new ImdsEmulator(this);
        }
    }
}
