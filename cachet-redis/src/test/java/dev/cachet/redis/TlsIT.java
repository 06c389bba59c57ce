package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.TcpProxy;
import dev.cachet.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against a redis-server the test starts with a TLS port and a certificate it makes with
 * openssl: signed by a certificate authority of its own, for 127.0.0.1. The server's certificate and name are
 * verified; a server signed by another authority is refused, saying why. Under load, TLS connections that are
 * reset or black-holed cost misses, never an error, and the tiered store's tracking over TLS recovers.
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
    void tieredInstancesOverTlsRideOutResetAndBlackHoledConnectionsUnderLoad() throws Exception {
        String prefix = "tls-load-" + UUID.randomUUID();
        int keys = 50;
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", tlsPort)) {
            TieredInstance a = TieredInstance.start("tls-a", underLoad(proxy.port(), "tls-a"), prefix, Duration.ofSeconds(10));
            TieredInstance b = TieredInstance.start("tls-b", underLoad(tlsPort, "tls-b"), prefix, Duration.ofSeconds(10));
            try {
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong reads = new AtomicLong();
                AtomicLong writes = new AtomicLong();
                List<Throwable> thrown = new CopyOnWriteArrayList<>();
                ExecutorService load = Executors.newFixedThreadPool(4);
                List<Future<?>> clients = new ArrayList<>();
                for (TieredInstance instance : List.of(a, b)) {
                    clients.add(load.submit(() -> {
                        while (running.get()) {
                            try {
                                instance.cache().get("k" + ThreadLocalRandom.current().nextInt(keys), Long.class);
                                reads.incrementAndGet();
                            } catch (RuntimeException e) {
                                thrown.add(e);
                            }
                        }
                    }));
                    clients.add(load.submit(() -> {
                        while (running.get()) {
                            try {
                                instance.cache().set("k" + ThreadLocalRandom.current().nextInt(keys), writes.incrementAndGet());
                                TimeUnit.MILLISECONDS.sleep(5);
                            } catch (RuntimeException e) {
                                thrown.add(e);
                            }
                        }
                        return null;
                    }));
                }
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() > 1_000 && writes.get() > 100);
                    proxy.cut();
                    TimeUnit.SECONDS.sleep(1);
                    proxy.restore();
                    Duration afterReset = backInFirstTier(a);
                    proxy.pause();
                    TimeUnit.SECONDS.sleep(1);
                    proxy.resume();
                    Duration afterBlackHole = backInFirstTier(a);
                    System.out.printf("over TLS: first-tier hits %d ms after connections were reset, %d ms after a black hole"
                            + " (%,d reads, %,d writes, %d errors)%n", afterReset.toMillis(), afterBlackHole.toMillis(), reads.get(),
                            writes.get(), thrown.size());
                    assertThat(afterReset).isLessThanOrEqualTo(Duration.ofSeconds(2));
                    assertThat(afterBlackHole).isLessThanOrEqualTo(Duration.ofSeconds(2));
                } finally {
                    running.set(false);
                    for (Future<?> client : clients) {
                        client.get(30, TimeUnit.SECONDS);
                    }
                    load.shutdown();
                }
                assertThat(thrown).as("errors thrown to callers").isEmpty();

                // Writes that failed during the faults are replayed; then both instances answer what Redis holds.
                try (Store redis = RedisStore.create(RedisStoreOptions.builder().url("redis://127.0.0.1:" + plainPort).build())) {
                    Cache truth = Cache.create(redis, CacheOptions.builder().keyPrefix(prefix).build());
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        List<String> differing = new ArrayList<>();
                        for (int i = 0; i < keys; i++) {
                            Long held = truth.get("k" + i, Long.class);
                            for (TieredInstance instance : List.of(a, b)) {
                                Long answered = instance.cache().get("k" + i, Long.class);
                                if (!Objects.equals(held, answered)) {
                                    differing.add(instance.name() + " k" + i + ": " + answered + " (Redis: " + held + ")");
                                }
                            }
                        }
                        assertThat(differing).as("answers that differ from Redis").isEmpty();
                    });
                }
            } finally {
                a.store().close();
                b.store().close();
            }
        }
    }

    /** TLS through {@code port}, with the deadlines of a service under load: a command timeout well below a query's. */
    private static RedisStoreOptions underLoad(int port, String clientName) {
        return RedisStoreOptions.builder().url("rediss://127.0.0.1:" + port).trustedCertificates(certificates.resolve("ca.crt"))
                .clientName(clientName).commandTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** How long until {@code instance} answers a key it holds from its first tier again. */
    private static Duration backInFirstTier(TieredInstance instance) {
        long from = System.nanoTime();
        instance.cache().set("after", from);
        long hits = instance.store().firstTierHits();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(() -> {
            instance.cache().get("after", Long.class);
            return instance.store().firstTierHits() > hits + 1;
        });
        return Duration.ofNanos(System.nanoTime() - from);
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
