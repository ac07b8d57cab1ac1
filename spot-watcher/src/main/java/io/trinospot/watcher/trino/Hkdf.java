package io.trinospot.watcher.trino;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), from the JDK's HMAC.
 */
public final class Hkdf
{
    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final int HASH_LENGTH = 32;

    private Hkdf() {}

    /**
     * @param salt empty for "no salt", which RFC 5869 defines as a string of zeros of the hash length
     */
    public static byte[] deriveSha256(byte[] inputKeyMaterial, byte[] salt, byte[] info, int length)
    {
        if (length < 1 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("length out of range: " + length);
        }
        byte[] pseudoRandomKey = hmac(salt.length == 0 ? new byte[HASH_LENGTH] : salt, inputKeyMaterial);
        ByteArrayOutputStream output = new ByteArrayOutputStream(length);
        byte[] block = new byte[0];
        for (int counter = 1; output.size() < length; counter++) {
            byte[] input = new byte[block.length + info.length + 1];
            System.arraycopy(block, 0, input, 0, block.length);
            System.arraycopy(info, 0, input, block.length, info.length);
            input[input.length - 1] = (byte) counter;
            block = hmac(pseudoRandomKey, input);
            output.write(block, 0, Math.min(block.length, length - output.size()));
        }
        return output.toByteArray();
    }

    static byte[] hmac(byte[] key, byte[] data)
    {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
            return mac.doFinal(data);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
