package io.trinospot.exchange;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;

import java.util.zip.CRC32C;

/**
 * The format of a spool file: the bytes Trino's sink writes, cut into checksummed frames.
 *
 * <p>Trino's sink writes records (a little-endian {@code int} length, then a page) and every storage's reader splits
 * a file back into such records, prefetching and reading ranges as it likes. Each frame is one such record, so any
 * storage delivers whole frames:
 * <pre>
 * int   length of the rest of the frame
 * int   {@link #MAGIC}: the format and its version
 * int   kind: {@link #DATA} or {@link #END}
 * int   index of the frame in its file, from 0
 * int   CRC32C of magic, kind, index and body
 * body  DATA: the next bytes of the sink's records; END: a {@code long}, the number of those bytes in the file
 * </pre>
 * A file ends with exactly one END frame, so a file cut short at a frame boundary is told from a complete one.
 * The checksum is per frame (one storage write, at most the exchange's page storage size), not per page: pages span
 * frames, and a verifying reader puts them back together from the bodies.
 */
final class SpoolFrames
{
    /** "SPC1" in file order. A reader rejects anything else: bytes it cannot verify are never handed to Trino. */
    static final int MAGIC = 0x31435053;
    static final int DATA = 0;
    static final int END = 1;
    /** magic, kind, index, checksum */
    static final int HEADER_BYTES = 4 * Integer.BYTES;
    /** A frame's cost on top of its body: its length, then its header. */
    static final int FRAME_OVERHEAD = Integer.BYTES + HEADER_BYTES;
    static final int END_FRAME_BYTES = FRAME_OVERHEAD + Long.BYTES;

    private static final int CHECKSUM_OFFSET = 3 * Integer.BYTES;

    private SpoolFrames() {}

    /**
     * Completes the frame at {@code offset} of {@code target} whose body of {@code bodyLength} bytes is already in
     * place after the frame's length and header; returns the frame's size.
     */
    static int seal(byte[] target, int offset, int kind, int index, int bodyLength)
    {
        Slice frame = Slices.wrappedBuffer(target, offset, FRAME_OVERHEAD + bodyLength);
        frame.setInt(0, HEADER_BYTES + bodyLength);
        frame.setInt(Integer.BYTES, MAGIC);
        frame.setInt(2 * Integer.BYTES, kind);
        frame.setInt(3 * Integer.BYTES, index);
        frame.setInt(Integer.BYTES + CHECKSUM_OFFSET, checksum(frame.slice(Integer.BYTES, HEADER_BYTES + bodyLength)));
        return FRAME_OVERHEAD + bodyLength;
    }

    /** Writes the END frame at {@code offset}; returns its size. */
    static int end(byte[] target, int offset, int index, long dataBytes)
    {
        Slices.wrappedBuffer(target, offset + FRAME_OVERHEAD, Long.BYTES).setLong(0, dataBytes);
        return seal(target, offset, END, index, Long.BYTES);
    }

    /** The checksum a frame (as a storage's reader returns it: header and body, without the length) must carry. */
    static int checksum(Slice frame)
    {
        CRC32C crc = new CRC32C();
        crc.update(frame.byteArray(), frame.byteArrayOffset(), CHECKSUM_OFFSET);
        crc.update(frame.byteArray(), frame.byteArrayOffset() + HEADER_BYTES, frame.length() - HEADER_BYTES);
        return (int) crc.getValue();
    }

    static int storedChecksum(Slice frame)
    {
        return frame.getInt(CHECKSUM_OFFSET);
    }
}
