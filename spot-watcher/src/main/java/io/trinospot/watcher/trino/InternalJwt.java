package io.trinospot.watcher.trino;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static java.util.Objects.requireNonNull;

/**
 * Mints the token Trino nodes use among themselves ({@code X-Trino-Internal-Bearer}): an HS256 JWT with
 * {@code sub} and {@code exp}, signed with HKDF-SHA256(shared secret, no salt, info "internal-communication",
 * 32 bytes), the key Trino derives with the same JDK {@link KDF} call.
 */
public final class InternalJwt
{
    public static final String HEADER = "X-Trino-Internal-Bearer";
    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final byte[] INFO = "internal-communication".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder BASE64_URL = Base64.getUrlEncoder().withoutPadding();
    private static final String ENCODED_HEADER = encode(JsonNodeFactory.instance.objectNode().put("alg", "HS256").put("typ", "JWT"));

    private final SecretKey key;
    private final String subject;

    public InternalJwt(String sharedSecret, String subject)
    {
        requireNonNull(sharedSecret, "sharedSecret is null");
        this.key = deriveKey(sharedSecret);
        this.subject = requireNonNull(subject, "subject is null");
    }

    static SecretKey deriveKey(String sharedSecret)
    {
        try {
            return KDF.getInstance("HKDF-SHA256").deriveKey(HMAC_SHA256, HKDFParameterSpec.ofExtract()
                    .addIKM(sharedSecret.getBytes(StandardCharsets.UTF_8))
                    .thenExpand(INFO, 32));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the internal-communication key with HKDF-SHA256", e);
        }
    }

    public String mint(Instant now, Duration lifetime)
    {
        String payload = encode(JsonNodeFactory.instance.objectNode().put("sub", subject).put("exp", now.plus(lifetime).getEpochSecond()));
        String signingInput = ENCODED_HEADER + "." + payload;
        return signingInput + "." + BASE64_URL.encodeToString(sign(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    private byte[] sign(byte[] data)
    {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(key);
            return mac.doFinal(data);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    // JsonNode.toString() writes standard JSON (strings escaped), without a checked exception.
    private static String encode(ObjectNode json)
    {
        return BASE64_URL.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
