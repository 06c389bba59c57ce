package dev.cachet.memcached;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the bytes from a server into {@link Reply replies} and {@link ErrorLine error lines}: a line ending
 * in CRLF, and for {@code VA <size>} the value of that size and its CRLF. A reply is passed on only once it
 * is complete.
 */
final class ReplyDecoder extends ByteToMessageDecoder {
    /** No reply line the store asks for comes near this: a longer one means the stream is not memcached's. */
    private static final int MAX_LINE = 8 * 1024;
    private static final String[] NO_TOKENS = new String[0];

    /** An error line ({@code ERROR}, {@code CLIENT_ERROR ...}, {@code SERVER_ERROR ...}) in reply to one command. */
    record ErrorLine(String line) {
        /** Whether the server did not understand the command, so the replies after it may be out of step. */
        boolean unknownCommand() {
            return line.equals("ERROR");
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int newline = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (newline < 0) {
            if (in.readableBytes() > MAX_LINE) {
                throw new TooLongFrameException("a reply line from memcached is over " + MAX_LINE + " bytes");
            }
            return;
        }
        int end = newline > start && in.getByte(newline - 1) == '\r' ? newline - 1 : newline;
        String line = in.toString(start, end - start, StandardCharsets.US_ASCII);
        String[] parts = line.split(" ");
        String status = parts[0];
        if (status.endsWith("ERROR")) {
            in.readerIndex(newline + 1);
            out.add(new ErrorLine(line));
            return;
        }
        byte[] value = null;
        int skip = 1;
        if (status.equals(Reply.VALUE)) {
            int size = Integer.parseInt(parts[1]);
            if (in.writerIndex() - (newline + 1) < size + 2) {
                return;
            }
            value = new byte[size];
            in.getBytes(newline + 1, value);
            in.readerIndex(newline + 1 + size + 2);
            skip = 2;
        } else {
            in.readerIndex(newline + 1);
        }
        String[] tokens = parts.length > skip ? Arrays.copyOfRange(parts, skip, parts.length) : NO_TOKENS;
        out.add(new Reply(status, tokens, value));
    }
}
