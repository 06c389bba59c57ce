package dev.cachet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The report's options and the workloads each profile runs. */
class ReportOptionsTest {
    @Test
    void theShortProfileRunsHotKeysInAClosedLoopAndTheHeadlineAtAFixedRate() {
        ReportOptions options = ReportOptions.parse(new String[0]);
        assertThat(options.profile()).isEqualTo(ReportOptions.Profile.SHORT);
        assertThat(options.out()).isEqualTo(Path.of("docs"));
        assertThat(options.matrix()).hasSize(5);
        assertThat(options.matrix().getLast().clients().rate()).isEqualTo(10_000);
        assertThat(options.matrix().getLast().workload()).isEqualTo(options.headline().workload());
    }

    @Test
    void theFullProfileAddsZipfAndAFixedRateForEveryCase() {
        ReportOptions options = ReportOptions.parse(new String[] {"--profile=full", "--rate=5000", "--seconds=1"});
        assertThat(options.matrix()).hasSize(16);
        assertThat(options.matrix().stream().filter(c -> c.workload().keys() instanceof KeyDistribution.Zipf)).hasSize(8);
        assertThat(options.matrix().stream().filter(c -> c.clients().rate() == 5_000)).hasSize(8);
        assertThat(options.seconds()).isEqualTo(1);
        assertThat(options.rounds()).isEqualTo(3);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> ReportOptions.parse(new String[] {"--profile=medium"})).hasMessageContaining("--profile");
        assertThatThrownBy(() -> ReportOptions.parse(new String[] {"--rounds=0"})).hasMessageContaining("--rounds");
        assertThatThrownBy(() -> ReportOptions.parse(new String[] {"--colour=red"})).hasMessageContaining("--colour");
    }
}
