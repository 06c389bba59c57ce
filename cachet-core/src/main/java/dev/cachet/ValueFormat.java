package dev.cachet;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The stored form of values.
 *
 * <p>Integers ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}) are plain ASCII decimal with no
 * header, so that Redis' {@code INCRBY} works on them and any client can read them. Everything else starts
 * with one header byte {@code 11fffccc}: the top two bits mark a Cachet value (no decimal digit or minus
 * sign has them), {@code fff} is the format (0 for raw {@code byte[]}, else the codec's number) and
 * {@code ccc} the compression (0 none, 1 LZ4 block followed by the 4-byte big-endian original length).
 * The maximum value size applies to the serialized form before compression, which also bounds what a
 * compressed value may claim to inflate to.
 */
final class ValueFormat {
    private static final int MARKER = 0b1100_0000;
    private static final int FORMAT_BYTES = 0;
    private static final int COMPRESSION_NONE = 0;
    private static final int COMPRESSION_LZ4 = 1;
    private static final int MAX_INTEGER_CHARS = 20;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    private final Codec codec;
    private final int compressionThreshold;
    private final int maxValueBytes;
    private final LZ4Compressor compressor = LZ4.fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();

    ValueFormat(Codec codec, int compressionThreshold, int maxValueBytes) {
        if (codec.format() < 1 || codec.format() > 7) {
            throw new IllegalArgumentException("codec format must be 1 to 7, was " + codec.format());
        }
        this.codec = codec;
        this.compressionThreshold = compressionThreshold;
        this.maxValueBytes = maxValueBytes;
    }

    /**
     * The stored bytes of {@code value}.
     *
     * @throws NullPointerException if the value is null
     * @throws ValueTooLargeException if its serialized form is over the maximum
     */
    byte[] encode(String key, Object value) {
        if (value == null) {
            throw new NullPointerException("value for key '" + key + "' is null; a cache does not store nulls");
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return value.toString().getBytes(StandardCharsets.US_ASCII);
        }
        int format;
        byte[] payload;
        if (value instanceof byte[] bytes) {
            format = FORMAT_BYTES;
            payload = bytes;
        } else {
            format = codec.format();
            payload = codec.encode(value);
        }
        if (payload.length > maxValueBytes) {
            throw new ValueTooLargeException("value for key '" + key + "' is " + payload.length
                    + " bytes serialized; the maximum is " + maxValueBytes + " (maxValueBytes)");
        }
        if (payload.length >= compressionThreshold) {
            byte[] compressed = compress(format, payload);
            if (compressed != null) {
                return compressed;
            }
        }
        byte[] stored = new byte[payload.length + 1];
        stored[0] = header(format, COMPRESSION_NONE);
        System.arraycopy(payload, 0, stored, 1, payload.length);
        return stored;
    }

    /** The compressed form, or null when compression does not make the value smaller. */
    private byte[] compress(int format, byte[] payload) {
        int bound = compressor.maxCompressedLength(payload.length);
        byte[] out = new byte[5 + bound];
        int written = compressor.compress(payload, 0, payload.length, out, 5, bound);
        if (written + 5 >= payload.length + 1) {
            return null;
        }
        out[0] = header(format, COMPRESSION_LZ4);
        out[1] = (byte) (payload.length >>> 24);
        out[2] = (byte) (payload.length >>> 16);
        out[3] = (byte) (payload.length >>> 8);
        out[4] = (byte) payload.length;
        return Arrays.copyOf(out, written + 5);
    }

    private static byte header(int format, int compression) {
        return (byte) (MARKER | format << 3 | compression);
    }

    /**
     * Decodes stored bytes as {@code type}.
     *
     * @throws Undecodable when the bytes are not a value Cachet wrote as that type
     */
    <T> T decode(byte[] stored, TypeRef<T> type) {
        if (stored.length == 0) {
            throw new Undecodable("empty value");
        }
        int header = stored[0] & 0xFF;
        if ((header & MARKER) != MARKER) {
            if (isInteger(stored)) {
                return codecDecode(stored, 0, stored.length, type);
            }
            throw new Undecodable("no Cachet header (first byte 0x" + Integer.toHexString(header) + ")");
        }
        int format = header >>> 3 & 0b111;
        int compression = header & 0b111;
        if (compression == COMPRESSION_NONE && stored.length - 1 > maxValueBytes) {
            // Bounded as writes are: foreign data over the limit is not parsed.
            throw new Undecodable("value is " + (stored.length - 1) + " bytes, over the maximum " + maxValueBytes);
        }
        byte[] payload = stored;
        int offset = 1;
        int length = stored.length - 1;
        if (compression == COMPRESSION_LZ4) {
            payload = inflate(stored);
            offset = 0;
            length = payload.length;
        } else if (compression != COMPRESSION_NONE) {
            throw new Undecodable("unknown compression " + compression);
        }
        if (format == FORMAT_BYTES) {
            if (type.type() != byte[].class && type.type() != Object.class) {
                throw new Undecodable("value is raw bytes, not " + type.type().getTypeName());
            }
            @SuppressWarnings("unchecked")
            T bytes = (T) Arrays.copyOfRange(payload, offset, offset + length);
            return bytes;
        }
        if (format != codec.format()) {
            throw new Undecodable("value has format " + format + ", the codec reads format " + codec.format());
        }
        return codecDecode(payload, offset, length, type);
    }

    private byte[] inflate(byte[] stored) {
        if (stored.length < 5) {
            throw new Undecodable("truncated compressed value");
        }
        int original = (stored[1] & 0xFF) << 24 | (stored[2] & 0xFF) << 16 | (stored[3] & 0xFF) << 8 | stored[4] & 0xFF;
        if (original < 0 || original > maxValueBytes) {
            throw new Undecodable("compressed value claims " + original + " bytes, over the maximum");
        }
        byte[] out = new byte[original];
        int produced;
        try {
            produced = decompressor.decompress(stored, 5, stored.length - 5, out, 0, original);
        } catch (RuntimeException corrupt) {
            throw new Undecodable("corrupt LZ4 data: " + corrupt.getMessage());
        }
        if (produced != original) {
            throw new Undecodable("LZ4 data inflated to " + produced + " bytes, header says " + original);
        }
        return out;
    }

    private <T> T codecDecode(byte[] bytes, int offset, int length, TypeRef<T> type) {
        try {
            T value = codec.decode(bytes, offset, length, type);
            if (value == null) {
                throw new Undecodable("value decodes to null");
            }
            return value;
        } catch (Undecodable e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Undecodable(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static boolean isInteger(byte[] bytes) {
        int start = bytes.length > 0 && bytes[0] == '-' ? 1 : 0;
        if (bytes.length == start || bytes.length > MAX_INTEGER_CHARS) {
            return false;
        }
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** Stored bytes that are not a value of the requested type; the read is a miss. */
    static final class Undecodable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Undecodable(String reason) {
            super(reason, null, false, false);
        }
    }
}
