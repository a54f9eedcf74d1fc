package dev.gclab.workloads;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * One declared workload parameter ({@code -p name=value}): its name, type, valid values, default and
 * meaning. A workload lists its parameters in {@link Workload#parameters()}; {@link Params#check}
 * validates every given value against them before anything runs, and {@code gclab list} prints them.
 *
 * <p>Values are matched exactly (case-sensitive); surrounding whitespace is ignored. A message about a
 * bad value names the workload, the parameter, the value as given and what is valid.
 */
public sealed interface WorkloadParam permits WorkloadParam.IntegerParam, WorkloadParam.DecimalParam, WorkloadParam.ChoiceParam {
    /** The key, e.g. {@code reps}. */
    String name();

    /** The value used when the parameter is not given, as it would be written on the command line. */
    String defaultValue();

    /** One line: what the parameter does. */
    String description();

    /** What a valid value is, e.g. {@code an integer in [0, 1000000]} or {@code one of random, tree}. */
    String valid();

    /**
     * Checks {@code raw} (as given, possibly empty) and returns the value to use (trimmed).
     *
     * @throws IllegalArgumentException naming {@code workload}, this parameter, the value and {@link #valid()}
     */
    String check(String workload, String raw);

    /**
     * An integer parameter in {@code [min, max]}; {@code keywords} are words accepted besides the
     * numbers (e.g. {@code run} for "use the run's seed"), explained in the description.
     */
    record IntegerParam(String name, long min, long max, List<String> keywords, String defaultValue, String description)
        implements WorkloadParam {
        public IntegerParam {
            Objects.requireNonNull(name, "name");
            if (min > max) throw new IllegalArgumentException(name + ": empty range [" + min + ", " + max + "]");
            keywords = List.copyOf(keywords);
            Objects.requireNonNull(description, "description");
            if (!keywords.contains(defaultValue) && !inRange(defaultValue, min, max)) {
                throw new IllegalArgumentException(name + ": default '" + defaultValue + "' is not in [" + min + ", " + max + "]");
            }
        }

        private static boolean inRange(String v, long min, long max) {
            try {
                BigInteger n = new BigInteger(v);
                return n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /** An integer in {@code [min, max]}, {@code dflt} when absent. */
        public static IntegerParam of(String name, long min, long max, long dflt, String description) {
            return new IntegerParam(name, min, max, List.of(), Long.toString(dflt), description);
        }

        @Override
        public String valid() {
            String range = "an integer in [" + min + ", " + max + "]";
            if (keywords.isEmpty()) return range;
            return range + " or " + String.join(" or ", keywords.stream().map(k -> "'" + k + "'").toList());
        }

        @Override
        public String check(String workload, String raw) {
            String v = raw.trim();
            if (keywords.contains(v)) return v;
            if (!v.matches("[+-]?[0-9]+")) throw Params.badValue(workload, this, raw, null);
            if (!inRange(v, min, max)) throw Params.badValue(workload, this, raw, "out of range");
            return new BigInteger(v).toString();
        }
    }

    /**
     * A decimal number in {@code [min, max]} written in plain notation ({@code 0.01}, {@code 1}, {@code .5};
     * no exponent, no NaN or infinity), e.g. a fraction.
     */
    record DecimalParam(String name, double min, double max, String defaultValue, String description) implements WorkloadParam {
        /** Plain decimal notation: digits with an optional fraction, or a fraction alone. */
        public static final String SYNTAX = "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)";

        public DecimalParam {
            Objects.requireNonNull(name, "name");
            if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
                throw new IllegalArgumentException(name + ": bad range [" + min + ", " + max + "]");
            }
            Objects.requireNonNull(description, "description");
            if (!defaultValue.matches(SYNTAX) || !inRange(new BigDecimal(defaultValue), min, max)) {
                throw new IllegalArgumentException(name + ": default '" + defaultValue + "' is not in [" + min + ", " + max + "]");
            }
        }

        private static boolean inRange(BigDecimal v, double min, double max) {
            return v.compareTo(BigDecimal.valueOf(min)) >= 0 && v.compareTo(BigDecimal.valueOf(max)) <= 0;
        }

        @Override
        public String valid() { return "a decimal number in [" + Numbers.format(min) + ", " + Numbers.format(max) + "]"; }

        @Override
        public String check(String workload, String raw) {
            String v = raw.trim();
            if (!v.matches(SYNTAX)) throw Params.badValue(workload, this, raw, null);
            BigDecimal d = new BigDecimal(v);
            if (!inRange(d, min, max)) throw Params.badValue(workload, this, raw, "out of range");
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
    }

    /** One of a fixed set of words, e.g. a graph shape. */
    record ChoiceParam(String name, List<String> choices, String defaultValue, String description) implements WorkloadParam {
        public ChoiceParam {
            Objects.requireNonNull(name, "name");
            choices = List.copyOf(choices);
            if (choices.isEmpty()) throw new IllegalArgumentException(name + ": no choices");
            if (!choices.contains(defaultValue)) throw new IllegalArgumentException(name + ": default '" + defaultValue + "' is not a choice");
            Objects.requireNonNull(description, "description");
        }

        @Override
        public String valid() { return "one of " + String.join(", ", choices); }

        @Override
        public String check(String workload, String raw) {
            String v = raw.trim();
            if (choices.contains(v)) return v;
            boolean otherCase = choices.stream().anyMatch(c -> c.equalsIgnoreCase(v));
            throw Params.badValue(workload, this, raw, otherCase ? "values are case-sensitive" : null);
        }
    }
}
