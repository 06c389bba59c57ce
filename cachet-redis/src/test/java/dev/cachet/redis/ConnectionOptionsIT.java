package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.Cache;
import dev.cachet.CacheBackendException;
import dev.cachet.CacheOptions;
import dev.cachet.resilience.ResilienceOptions;
import dev.cachet.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ACL users, unix sockets, database indexes and client names, on a redis-server the test starts itself. */
class ConnectionOptionsIT {
    private static RedisServers servers;
    private static Path socketDir;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        servers = new RedisServers();
        socketDir = Files.createTempDirectory("cachet-socket-");
        port = servers.start("--user", "default", "off",
                "--user", "app", "on", ">app-secret", "~*", "+@all",
                "--unixsocket", socketDir.resolve("redis.sock").toString(), "--unixsocketperm", "700");
    }

    @AfterAll
    static void stopServer() throws Exception {
        servers.close();
        Files.deleteIfExists(socketDir.resolve("redis.sock"));
        Files.deleteIfExists(socketDir);
    }

    private static String cli(String... args) throws Exception {
        String[] all = new String[args.length + 6];
        System.arraycopy(new String[] {"-p", String.valueOf(port), "--user", "app", "--pass", "app-secret"}, 0, all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        return RedisServers.cli(all).replaceAll("(?m)^Warning:.*\\n?", "").trim();
    }

    @Test
    void anAclUserReachesItsDatabaseUnderItsClientName() throws Exception {
        try (Store store = RedisStore.create(RedisStoreOptions.builder()
                .url("redis://app:app-secret@127.0.0.1:" + port + "/3").clientName("catalog-web").build())) {
            Cache cache = Cache.create(store, CacheOptions.builder().keyPrefix("acl").build());
            assertThat(cache.set("k", 5)).isTrue();
            assertThat(cli("-n", "3", "get", "acl:1:k")).isEqualTo("5");
            assertThat(cli("-n", "0", "exists", "acl:1:k")).isEqualTo("0");
            assertThat(cli("client", "list")).contains("name=catalog-web");
        }
    }

    @Test
    void aWrongPasswordIsABackendFailureThatNamesTheServer() {
        try (Store store = RedisStore.create("redis://app:wrong@127.0.0.1:" + port)) {
            Cache soft = Cache.create(store, CacheOptions.builder().keyPrefix("acl").build());
            assertThat(soft.set("k", "v")).isFalse();
            Cache strict = Cache.create(store, CacheOptions.builder().keyPrefix("acl")
                    .resilience(ResilienceOptions.builder().failSoft(false).build()).build());
            assertThatThrownBy(() -> strict.get("k", String.class))
                    .isInstanceOf(CacheBackendException.class).hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void aUnixSocketUrlWorks() throws Exception {
        String socket = socketDir.resolve("redis.sock").toString();
        try (Store store = RedisStore.create("redis-socket://app:app-secret@" + socket + "?database=2")) {
            Cache cache = Cache.create(store, CacheOptions.builder().keyPrefix("socket").build());
            assertThat(store.name()).isEqualTo("redis-socket://" + socket + "/2");
            assertThat(cache.set("k", "over the socket")).isTrue();
            assertThat(cache.get("k", String.class)).isEqualTo("over the socket");
            assertThat(cli("-n", "2", "exists", "socket:1:k")).isEqualTo("1");
        }
    }
}
