package dev.gclab.workloads;

/**
 * The sizes ({@code --size}) a workload can run with: {@code (0, max]} or {@code [min, max]}, and why
 * (which of its counts the size scales and the limit that count has), for messages.
 *
 * @param min          the smallest size, or 0 for "any size above 0"
 * @param max          the largest size (finite)
 * @param reason       what bounds the size, e.g. "the array has round(500000 × size) elements, 2 .. 8388607"
 */
public record SizeRange(double min, double max, String reason) {
    public SizeRange {
        if (!(min >= 0) || !(max > 0) || Double.isInfinite(max) || min > max) {
            throw new IllegalArgumentException("invalid size range [" + min + ", " + max + "]");
        }
    }

    /** Any finite size above 0. */
    public static final SizeRange ANY = new SizeRange(0, Double.MAX_VALUE, "any finite size above 0");

    /** True if {@code size} is a finite number in this range ({@code min} 0 means "above 0"). */
    public boolean contains(double size) {
        return (min == 0 ? size > 0 : size >= min) && size <= max;
    }

    /** {@code (0, 838.8607]} or {@code [4e-6, 16.777214]}. */
    @Override
    public String toString() {
        return (min == 0 ? "(0" : "[" + Numbers.format(min)) + ", " + Numbers.format(max) + "]";
    }
}
