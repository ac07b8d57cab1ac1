package io.trinospot.watcher.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class TestInternalJwt
{
    private static final HexFormat HEX = HexFormat.of();

    // HKDF-SHA256("s3cret", no salt, info "internal-communication", 32 bytes), as Trino derives its internal key;
    // computed with an RFC 5869 implementation checked against the RFC's test vectors.
    private static final String S3CRET_KEY = "65a7f545705b63ba44c10f4cb487ad7dc1bc2659e41f823d8cfadde5a8d1d664";

    @Test
    void keyIsHkdfSha256OfTheSecret()
    {
        SecretKey key = InternalJwt.deriveKey("s3cret");
        assertThat(key.getAlgorithm()).isEqualTo("HmacSHA256");
        assertThat(HEX.formatHex(key.getEncoded())).isEqualTo(S3CRET_KEY);
    }

    @Test
    void tokenIsHs256WithSubjectAndExpiry()
            throws Exception
    {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        String token = new InternalJwt("s3cret", "trino-spot-watcher").mint(now, Duration.ofMinutes(5));
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode payload = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header).isEqualTo(json.readTree("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"));
        assertThat(payload.get("sub").asText()).isEqualTo("trino-spot-watcher");
        assertThat(payload.get("exp").asLong()).isEqualTo(now.plusSeconds(300).getEpochSecond());

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HEX.parseHex(S3CRET_KEY), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getUrlDecoder().decode(parts[2])).isEqualTo(expected);
        assertThat(token).doesNotContain("=");
    }

    @Test
    void subjectIsEscaped()
            throws Exception
    {
        String subject = "a \"quoted\" \\ name\n";
        String token = new InternalJwt("s3cret", subject).mint(Instant.parse("2026-11-22T10:00:00Z"), Duration.ofMinutes(5));
        JsonNode payload = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(payload.get("sub").asText()).isEqualTo(subject);
    }

    @Test
    void differentSecretsGiveDifferentSignatures()
    {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        String a = new InternalJwt("one", "x").mint(now, Duration.ofMinutes(1));
        String b = new InternalJwt("two", "x").mint(now, Duration.ofMinutes(1));
        assertThat(a.substring(0, a.lastIndexOf('.'))).isEqualTo(b.substring(0, b.lastIndexOf('.')));
        assertThat(a).isNotEqualTo(b);
    }
}
