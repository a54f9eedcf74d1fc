package dev.gclab.gc.verify;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Randomized differential tests: 1,000 seeded mutator programs of 2,000 operations per registered
 * collector, each checked against the plain-Java {@link ReferenceModel} after every collection.
 * A failure names its seed; {@link #rerunGivenSeed()} replays one:
 * {@code ./gclab test -pl gc-core -Dtest=DifferentialTest#rerunGivenSeed -Dgclab.diff.seed=N -Dgclab.diff.collector=C}.
 */
class DifferentialTest {
    static final int PROGRAMS = 1000;
    static final int OPERATIONS = 2000;

    static Stream<Arguments> programs() {
        return CollectorRegistry.all().stream().flatMap(p ->
            IntStream.range(0, PROGRAMS).mapToObj(i -> Arguments.of(p.name(), seedOf(i))));
    }

    /** Spreads program numbers over the seed space (SplittableRandom's mixing constant). */
    static long seedOf(int i) { return 0x9E3779B97F4A7C15L * (i + 1); }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("programs")
    void liveSetMatchesTheModel(String collector, long seed) {
        new MutatorProgram(CollectorRegistry.byName(collector), seed, OPERATIONS).run();
    }

    @Test
    void rerunGivenSeed() {
        long seed = Long.parseLong(System.getProperty("gclab.diff.seed", "12345"));
        String name = System.getProperty("gclab.diff.collector", "marksweep");
        CollectorProvider p = CollectorRegistry.byName(name);
        String summary = new MutatorProgram(p, seed, Integer.getInteger("gclab.diff.ops", OPERATIONS)).run();
        System.out.println(name + " seed " + seed + ": " + summary);
    }

    @Test
    void programsActuallyCollect() {
        String summary = new MutatorProgram(CollectorRegistry.byName("marksweep"), seedOf(7), OPERATIONS).run();
        assertFalse(summary.startsWith("cycles=0"), summary);
    }
}
