package dev.cachet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reading wrk's report, as wrk 4 prints it with {@code --latency}. */
class WrkClientTest {
    private static final String REPORT = """
            Running 10s test @ http://127.0.0.1:18081/
              1 threads and 50 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.44ms    1.63ms  24.43ms   94.52%
                Req/Sec    14.70k   191.88    17.60k    60.00%
              Latency Distribution
                 50%  812.00us
                 75%    3.75ms
                 90%    4.52ms
                 99%   10.72ms
              146400 requests in 10.00s, 74.36MB read
              Socket errors: connect 0, read 2, write 0, timeout 1
              Non-2xx or 3xx responses: 400
            Requests/sec:  14640.00
            Transfer/sec:      7.44MB
            """;

    @Test
    void answersPercentilesAndFailuresAreRead() {
        CatalogBenchmark.Load load = WrkClient.parse(REPORT);
        assertThat(load.requests()).as("answered with 200 only").isEqualTo(146_000);
        assertThat(load.failures()).isEqualTo(403);
        assertThat(load.seconds()).isEqualTo(10.0);
        assertThat(load.mean()).isCloseTo(3_440_000, within(1.0));
        assertThat(load.p50()).isCloseTo(812_000, within(1.0));
        assertThat(load.p99()).isCloseTo(10_720_000, within(1.0));
    }

    @Test
    void aReportWithoutPercentilesIsRefused() {
        assertThatThrownBy(() -> WrkClient.parse("146400 requests in 10.00s, 74.36MB read\n    Latency     3.44ms    1.63ms  24.43ms   94.52%\n"))
                .hasMessageContaining("no p50 and p99");
    }
}
