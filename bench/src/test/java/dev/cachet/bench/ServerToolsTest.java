package dev.cachet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cachet.bench.ServerTools.ToolResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading what redis-benchmark, memcslap and memcached print. */
class ServerToolsTest {
    @Test
    void redisBenchmarkCsvGivesThroughputAndPercentilesPerTest() {
        String csv = """
                "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
                "SET","22366.36","26.549","3.920","24.047","47.199","78.911","143.871"
                "GET","27292.58","22.694","5.696","20.767","41.247","54.815","74.367"
                """;
        List<ToolResult> results = ServerTools.parseRedisBenchmark(csv, 1_000, 1_024);
        assertThat(results).hasSize(2);
        ToolResult get = results.get(1);
        assertThat(get.tool()).isEqualTo("redis-benchmark");
        assertThat(get.test()).isEqualTo("get");
        assertThat(get.clients()).isEqualTo(1_000);
        assertThat(get.valueBytes()).isEqualTo(1_024);
        assertThat(get.opsPerSecond()).isCloseTo(27_292.58, within(1e-6));
        assertThat(get.p50Micros()).isCloseTo(20_767, within(1e-6));
        assertThat(get.p99Micros()).isCloseTo(54_815, within(1e-6));
    }

    @Test
    void anOlderRedisBenchmarkWithoutPercentilesGivesThroughputOnly() {
        List<ToolResult> results = ServerTools.parseRedisBenchmark("\"test\",\"rps\"\n\"GET\",\"1000.00\"\n", 50, 1_024);
        assertThat(results.getFirst().opsPerSecond()).isEqualTo(1_000.0);
        assertThat(results.getFirst().p99Micros()).isNaN();
    }

    @Test
    void redisBenchmarkWithoutCsvIsRefusedWithWhatItPrinted() {
        assertThatThrownBy(() -> ServerTools.parseRedisBenchmark("Could not connect to Redis at 127.0.0.1:1", 50, 1_024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Could not connect");
    }

    @Test
    void memcslapGivesKeysOverSecondsForTheTestAsked() {
        String output = """
                Time to generate       2000 test keys:                0.010 seconds.
                Time to set            2000 keys:                     0.119 seconds.
                Time to start            50 threads:                  0.003 seconds.
                --------------------------------------------------------------------
                Time to get          100000 keys by   50 threads:     3.723 seconds.
                --------------------------------------------------------------------
                Time total:                                           3.855 seconds.
                """;
        ToolResult get = ServerTools.parseMemcslap(output, "get", 50, 640);
        assertThat(get.tool()).isEqualTo("memcslap");
        assertThat(get.clients()).isEqualTo(50);
        assertThat(get.valueBytes()).isEqualTo(640);
        assertThat(get.opsPerSecond()).isCloseTo(100_000 / 3.723, within(1e-6));
        assertThat(get.p50Micros()).isNaN();
        // The untimed load of keys before a get test is not a set test.
        assertThatThrownBy(() -> ServerTools.parseMemcslap(output, "set", 50, 640)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMetaGetsSizeFlagIsRead() {
        assertThat(ServerTools.parseMetaSize("HD s969")).hasValue(969);
        assertThat(ServerTools.parseMetaSize("HD f0 s12")).hasValue(12);
        assertThat(ServerTools.parseMetaSize("EN")).isEmpty();
    }

    @Test
    void memcachedCommandsAddUpEveryCommandCounter() {
        Map<String, String> stats = Map.of("cmd_get", "10", "cmd_set", "5", "delete_hits", "2", "delete_misses", "1",
                "curr_items", "999", "cmd_touch", "1");
        assertThat(CommandCounter.memcachedCommands(stats)).isEqualTo(19);
    }

    @Test
    void anInfoFieldIsFoundByName() {
        String info = "# Stats\r\ntotal_connections_received:3\r\ntotal_commands_processed:1234\r\n";
        assertThat(CommandCounter.field(info, "total_commands_processed")).isEqualTo("1234");
    }
}
