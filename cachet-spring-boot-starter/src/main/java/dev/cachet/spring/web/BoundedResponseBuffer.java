package dev.cachet.spring.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * A response buffered so that it can be stored, up to a limit (the largest value its cache keeps): once the
 * body passes it, what was buffered is sent and the rest goes straight to the client, so a large download is
 * never held in memory whole, and the response is not stored.
 */
final class BoundedResponseBuffer extends ContentCachingResponseWrapper {
    private final int limit;
    private boolean passingThrough;
    private ServletOutputStream stream;
    private PrintWriter writer;

    BoundedResponseBuffer(HttpServletResponse response, int limit) {
        super(response);
        this.limit = limit;
    }

    /** Whether the body passed the limit and went to the client as it was written. */
    boolean passedThrough() {
        return passingThrough;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called on this response");
        }
        if (stream == null) {
            stream = new Bounded(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            if (stream != null) {
                throw new IllegalStateException("getOutputStream() has already been called on this response");
            }
            Charset charset = Charset.forName(getCharacterEncoding());
            // Each write reaches the stream at once, as the servlet container's writer would send it.
            writer = new PrintWriter(new OutputStreamWriter(new Bounded(super.getOutputStream()), charset)) {
                @Override
                public void write(int c) {
                    super.write(c);
                    super.flush();
                }

                @Override
                public void write(char[] buffer, int offset, int length) {
                    super.write(buffer, offset, length);
                    super.flush();
                }

                @Override
                public void write(String text, int offset, int length) {
                    super.write(text, offset, length);
                    super.flush();
                }
            };
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (passingThrough) {
            getResponse().flushBuffer();
        }
    }

    /** Sends what is buffered; past the limit, nothing is. */
    @Override
    public void copyBodyToResponse() throws IOException {
        if (!passingThrough) {
            super.copyBodyToResponse();
        }
    }

    private final class Bounded extends ServletOutputStream {
        private final ServletOutputStream buffer;

        Bounded(ServletOutputStream buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (!passingThrough && (long) getContentSize() + length > limit) {
                passingThrough = true;
                // What was buffered (and a Content-Length the handler gave) goes first.
                copyBodyToResponse(false);
            }
            if (passingThrough) {
                getResponse().getOutputStream().write(bytes, offset, length);
            } else {
                buffer.write(bytes, offset, length);
            }
        }

        @Override
        public void flush() throws IOException {
            if (passingThrough) {
                getResponse().getOutputStream().flush();
            }
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            buffer.setWriteListener(listener);
        }
    }
}
