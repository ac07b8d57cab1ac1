package io.trinospot.watcher.trino;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static java.util.Objects.requireNonNull;

/**
 * Mints the token Trino nodes use among themselves ({@code X-Trino-Internal-Bearer}): an HS256 JWT with
 * {@code sub} and {@code exp}, signed with HKDF-SHA256(shared secret, no salt, info "internal-communication").
 */
public final class InternalJwt
{
    public static final String HEADER = "X-Trino-Internal-Bearer";
    private static final byte[] INFO = "internal-communication".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder BASE64_URL = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final String subject;

    public InternalJwt(String sharedSecret, String subject)
    {
        requireNonNull(sharedSecret, "sharedSecret is null");
        this.key = deriveKey(sharedSecret);
        this.subject = requireNonNull(subject, "subject is null");
    }

    static byte[] deriveKey(String sharedSecret)
    {
        return Hkdf.deriveSha256(sharedSecret.getBytes(StandardCharsets.UTF_8), new byte[0], INFO, 32);
    }

    public String mint(Instant now, Duration lifetime)
    {
        String header = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = encode("{\"sub\":\"" + escape(subject) + "\",\"exp\":" + now.plus(lifetime).getEpochSecond() + "}");
        String signingInput = header + "." + payload;
        return signingInput + "." + BASE64_URL.encodeToString(Hkdf.hmac(key, signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String encode(String json)
    {
        return BASE64_URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String text)
    {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                escaped.append('\\').append(c);
            }
            else if (c < 0x20) {
                escaped.append("\\u%04x".formatted((int) c));
            }
            else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
