package io.trinospot.watcher.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class TestInternalJwt
{
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void hkdfMatchesRfc5869TestCase1()
    {
        byte[] okm = Hkdf.deriveSha256(HEX.parseHex("0b".repeat(22)), HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertThat(HEX.formatHex(okm)).isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void hkdfMatchesRfc5869TestCase3WithoutSaltOrInfo()
    {
        byte[] okm = Hkdf.deriveSha256(HEX.parseHex("0b".repeat(22)), new byte[0], new byte[0], 42);
        assertThat(HEX.formatHex(okm)).isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
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
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        assertThat(payload.get("sub").asText()).isEqualTo("trino-spot-watcher");
        assertThat(payload.get("exp").asLong()).isEqualTo(now.plusSeconds(300).getEpochSecond());

        byte[] key = Hkdf.deriveSha256("s3cret".getBytes(StandardCharsets.UTF_8), new byte[0], "internal-communication".getBytes(StandardCharsets.UTF_8), 32);
        byte[] expected = Hkdf.hmac(key, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(Base64.getUrlDecoder().decode(parts[2])).isEqualTo(expected);
        assertThat(token).doesNotContain("=");
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
