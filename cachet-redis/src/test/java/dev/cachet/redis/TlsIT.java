package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against a redis-server the test starts with a TLS port and a certificate it makes with
 * openssl: signed by a certificate authority of its own, for 127.0.0.1. The server's certificate and name are
 * verified; a server signed by another authority is refused, saying why.
 */
class TlsIT {
    private static RedisServers servers;
    private static Path certificates;
    private static int plainPort;
    private static int tlsPort;

    @BeforeAll
    static void startServer() throws Exception {
        certificates = Files.createTempDirectory("cachet-tls-");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=Cachet Test CA");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(certificates.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
                "-days", "2", "-extfile", "server.ext");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt", "-days", "2",
                "-subj", "/CN=Another CA");
        servers = new RedisServers();
        tlsPort = RedisServers.freePort();
        plainPort = servers.start("--tls-port", String.valueOf(tlsPort),
                "--tls-cert-file", certificates.resolve("server.crt").toString(),
                "--tls-key-file", certificates.resolve("server.key").toString(),
                "--tls-ca-cert-file", certificates.resolve("ca.crt").toString(),
                "--tls-auth-clients", "no");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (servers != null) {
            servers.close();
        }
        try (var files = Files.list(certificates)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(certificates);
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(certificates.toFile()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("this test makes its certificates with openssl, which is not on the PATH: apt-get install openssl", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static RedisStoreOptions tls(String authority) {
        // A first TLS handshake in a cold JVM can take longer than the default 150 ms a connection is given.
        return RedisStoreOptions.builder().url("rediss://127.0.0.1:" + tlsPort).trustedCertificates(certificates.resolve(authority))
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void aServerWhoseCertificateTheTrustedAuthoritySignedIsUsedOverTls() throws Exception {
        try (Store store = RedisStore.create(tls("ca.crt"))) {
            Cache cache = Cache.create(store, CacheOptions.builder().keyPrefix("tls").build());
            cache.set("k", "over tls");
            assertThat(cache.get("k", String.class)).isEqualTo("over tls");
            assertThat(RedisServers.cli("-p", String.valueOf(plainPort), "exists", "tls:1:k")).isEqualTo("1");
        }
    }

    @Test
    void aServerSignedByAnotherAuthorityIsRefusedSayingWhy() {
        try (Store store = RedisStore.create(tls("other.crt"))) {
            assertThatThrownBy(() -> store.get("k").join())
                    .hasStackTraceContaining("TLS with rediss://127.0.0.1:" + tlsPort + " failed")
                    .hasStackTraceContaining("signed by the certificate authorities in " + certificates.resolve("other.crt"));
        }
    }

    @Test
    void trustedCertificatesAreForRedissAndMustBeReadable() {
        assertThatThrownBy(() -> RedisStoreOptions.builder().url("redis://127.0.0.1:" + plainPort)
                .trustedCertificates(certificates.resolve("ca.crt")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rediss://");
        assertThatThrownBy(() -> RedisStoreOptions.builder().url("rediss://127.0.0.1:" + tlsPort)
                .trustedCertificates(certificates.resolve("missing.crt")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.crt");
    }
}
