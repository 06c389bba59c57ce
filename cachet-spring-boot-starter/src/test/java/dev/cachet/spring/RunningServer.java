package dev.cachet.spring;

import dev.cachet.redis.LocalRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What a test of a running web server on Redis needs: the port, the caches, and requests to send. */
public abstract class RunningServer {
    @LocalServerPort
    protected int port;

    @Autowired
    protected CachetCaches caches;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    /** Sends {@code method} to {@code path} with the given header names and values, in pairs, and returns the answer. */
    protected HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
