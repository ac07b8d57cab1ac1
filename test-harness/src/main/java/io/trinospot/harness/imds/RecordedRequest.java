package io.trinospot.harness.imds;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One request the emulator saw (control requests are not logged).
 *
 * @param status the HTTP status answered, or {@link #DROPPED} when the connection was closed without an answer
 * @param fault the injected fault that decided the answer, or {@code DELAY} if only a delay applied
 */
public record RecordedRequest(
        Instant receivedAt,
        String method,
        String path,
        boolean tokenPresent,
        int status,
        Optional<Fault.Kind> fault)
{
    public static final int DROPPED = -1;

    public RecordedRequest
    {
        requireNonNull(receivedAt, "receivedAt is null");
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(fault, "fault is null");
    }

    public boolean dropped()
    {
        return status == DROPPED;
    }

    public boolean isTokenRequest()
    {
        return method.equals("PUT") && path.equals(ImdsEmulator.TOKEN_PATH);
    }
}
