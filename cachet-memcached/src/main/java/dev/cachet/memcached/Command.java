package dev.cachet.memcached;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.CompletableFuture;

/**
 * One meta command on its way to a server, {@code <verb> <key> [<datalen>] <flags>\r\n[<data>\r\n]}, and
 * the reply it will get. Replies come back in the order commands were written, so a command needs no
 * opaque token: its place in the connection's queue identifies it.
 */
final class Command {
    private static final byte[] CRLF = {'\r', '\n'};

    final String verb;
    /** The wire key: it also chooses the server. */
    final String key;
    private final String flags;
    private final byte[] data;
    /** Completes with the server's reply, or with a backend failure (deadline, lost connection, error reply). */
    final CompletableFuture<Reply> reply = new CompletableFuture<>();

    /**
     * @param verb {@code mg}, {@code ms}, {@code md} or {@code ma}
     * @param key a wire key ({@link WireKey#of})
     * @param flags the meta flags, space-separated, such as {@code "v f t c"}
     * @param data the value of an {@code ms}, or null
     */
    Command(String verb, String key, String flags, byte[] data) {
        this.verb = verb;
        this.key = key;
        this.flags = flags;
        this.data = data;
    }

    /** The bytes of the command, for the connection's buffer. */
    void encode(ByteBuf out) {
        ByteBufUtil.writeAscii(out, verb);
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, key);
        if (data != null) {
            out.writeByte(' ');
            ByteBufUtil.writeAscii(out, Integer.toString(data.length));
        }
        if (!flags.isEmpty()) {
            out.writeByte(' ');
            ByteBufUtil.writeAscii(out, flags);
        }
        out.writeBytes(CRLF);
        if (data != null) {
            out.writeBytes(data);
            out.writeBytes(CRLF);
        }
    }

    /** An upper bound of the encoded size. */
    int size() {
        return verb.length() + key.length() + flags.length() + 16 + (data == null ? 0 : data.length + 2);
    }

    /** The command without its value, for messages. */
    String describe() {
        return verb + " " + key + (data == null ? "" : " (" + data.length + " bytes)") + (flags.isEmpty() ? "" : " " + flags);
    }
}
