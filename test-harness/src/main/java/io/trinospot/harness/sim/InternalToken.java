package io.trinospot.harness.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import static java.util.Objects.requireNonNull;

/**
 * The bearer token Trino nodes send one another in {@code X-Trino-Internal-Bearer}: an HS256 JWT ({@code sub} = node
 * id, {@code exp}) keyed with HKDF-SHA256 of {@code internal-communication.shared-secret} (no salt, info
 * {@code internal-communication}, 32 bytes). A simulated worker signs its announcements with it and, like a real
 * worker, refuses internal-only requests that do not carry a valid one.
 */
final class InternalToken
{
    static final String HEADER = "X-Trino-Internal-Bearer";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String JOSE_HEADER = ENCODER.encodeToString("{\"typ\":\"JWT\",\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));

    private final SecretKey key;
    private final Clock clock;

    InternalToken(String sharedSecret, Clock clock)
    {
        requireNonNull(sharedSecret, "sharedSecret is null");
        this.clock = requireNonNull(clock, "clock is null");
        try {
            this.key = KDF.getInstance("HKDF-SHA256").deriveKey("HmacSHA256", HKDFParameterSpec.ofExtract()
                    .addIKM(sharedSecret.getBytes(StandardCharsets.UTF_8))
                    .thenExpand("internal-communication".getBytes(StandardCharsets.UTF_8), 32));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 is not available", e);
        }
    }

    String mint(String subject, Duration lifetime)
    {
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        String claims = JSON.createObjectNode().put("sub", subject).put("exp", expires).toString();
        String signed = JOSE_HEADER + "." + ENCODER.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        return signed + "." + ENCODER.encodeToString(hmac(signed));
    }

    /** Whether {@code token} is signed with this key, names a subject and has not expired. */
    boolean isValid(String token)
    {
        if (token == null) {
            return false;
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        try {
            byte[] signature = DECODER.decode(parts[2]);
            if (!MessageDigest.isEqual(signature, hmac(parts[0] + "." + parts[1]))) {
                return false;
            }
            JsonNode claims = JSON.readTree(DECODER.decode(parts[1]));
            return claims.path("sub").isTextual()
                    && claims.path("exp").canConvertToLong()
                    && claims.path("exp").asLong() > clock.instant().getEpochSecond();
        }
        catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private byte[] hmac(String data)
    {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
