package dev.cachet.bench;

import java.util.Comparator;
import java.util.List;

/**
 * One contender on one workload over all measured rounds, represented by its median round.
 *
 * <p>The median round (by throughput; the lower middle one for an even count) is reported whole, its
 * latencies included, rather than a mean: a round disturbed by another process on a shared machine moves a
 * mean but not a median.
 *
 * @param contender the contender's name
 * @param workload the label of what was measured
 * @param median the median round
 * @param spread the range of the rounds' throughputs over the median's, a measure of the noise
 * @param failures calls across all rounds that missed, were refused or threw
 */
record Result(String contender, String workload, Measurement median, double spread, long failures) {
    static Result of(String contender, String workload, List<Measurement> rounds) {
        List<Measurement> sorted = rounds.stream().sorted(Comparator.comparingDouble(Measurement::throughput)).toList();
        Measurement median = sorted.get((sorted.size() - 1) / 2);
        double spread = (sorted.getLast().throughput() - sorted.getFirst().throughput()) / median.throughput();
        long failures = rounds.stream().mapToLong(round -> round.failures() + round.misses()).sum();
        return new Result(contender, workload, median, spread, failures);
    }
}
