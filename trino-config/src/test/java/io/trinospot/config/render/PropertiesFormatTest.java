package io.trinospot.config.render;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PropertiesFormatTest
{
    @Test
    void randomKeysAndValuesReadBackExactly()
            throws Exception
    {
        Random random = new Random(42);
        String alphabet = " =:#!\\\t\n\r\fabcXYZ019.-_/é€\u0001";
        for (int round = 0; round < 200; round++) {
            Map<String, String> properties = new LinkedHashMap<>();
            for (int i = random.nextInt(6); i >= 0; i--) {
                properties.put(randomString(random, alphabet, 1), randomString(random, alphabet, 0));
            }
            String text = PropertiesFormat.format("header\nsecond line", properties);
            Properties asText = new Properties();
            asText.load(new StringReader(text));
            // Trino may read the file as bytes in ISO-8859-1: the escapes must make that irrelevant
            Properties asBytes = new Properties();
            asBytes.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            assertThat(asText).as(text).isEqualTo(properties);
            assertThat(asBytes).as(text).isEqualTo(properties);
        }
    }

    @Test
    void readableForOrdinaryValues()
    {
        assertThat(PropertiesFormat.format("h", Map.of("discovery.uri", "http://c:8080", "b", "x=y")))
                .isEqualTo("# h\nb=x=y\ndiscovery.uri=http://c:8080\n");
    }

    private static String randomString(Random random, String alphabet, int minLength)
    {
        StringBuilder out = new StringBuilder();
        for (int i = minLength + random.nextInt(8); i > 0; i--) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
