package dev.tasksupervisor.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ratios of a figure to its baseline, one per pair (the two measured back to back), and the
 * verdict they give against a target. The verdict uses the median; when the pairs disagree, some on
 * each side of the target, the figure is <em>inconclusive</em>: this run cannot tell it from noise.
 *
 * @param ratios figure ÷ baseline, one per pair
 */
record Pairs(double[] ratios) {

    /** What a ratio must be: at least or at most {@code bound}. */
    record Target(boolean atLeast, double bound) {

        static Target atLeast(double bound) {
            return new Target(true, bound);
        }

        static Target atMost(double bound) {
            return new Target(false, bound);
        }

        boolean metBy(double value) {
            return atLeast ? value >= bound : value <= bound;
        }

        @Override
        public String toString() {
            return (atLeast ? "≥ " : "≤ ") + format(bound);
        }
    }

    /** The ratio of {@code figure[i]} to {@code baseline[i]} for each pair {@code i}. */
    static Pairs of(List<Double> figure, List<Double> baseline) {
        if (figure.size() != baseline.size() || figure.isEmpty()) {
            throw new IllegalStateException("a figure and its baseline need as many measurements, at least one: "
                    + figure.size() + " and " + baseline.size());
        }
        double[] ratios = new double[figure.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = figure.get(i) / baseline.get(i);
        }
        return new Pairs(ratios);
    }

    double median() {
        return median(ratios);
    }

    double min() {
        return Arrays.stream(ratios).min().orElseThrow();
    }

    double max() {
        return Arrays.stream(ratios).max().orElseThrow();
    }

    /** {@code met}, {@code not met}, or {@code inconclusive} when the pairs fall on both sides of the target. */
    String verdict(Target target) {
        boolean lowMeets = target.metBy(min());
        boolean highMeets = target.metBy(max());
        if (lowMeets != highMeets) {
            return "inconclusive";
        }
        return target.metBy(median()) ? "met" : "**not met**";
    }

    /** {@code "1.02×"}. */
    String medianText() {
        return format(median()) + "×";
    }

    /** {@code "0.95–1.10"}. */
    String spreadText() {
        return format(min()) + "–" + format(max());
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    @Override
    public String toString() {
        List<String> each = new ArrayList<>();
        for (double r : ratios) {
            each.add(format(r));
        }
        return "median " + medianText() + " of " + each;
    }
}
