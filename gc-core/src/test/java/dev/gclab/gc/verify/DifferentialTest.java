package dev.gclab.gc.verify;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Randomized differential tests: 1,000 seeded mutator programs of 2,000 operations per registered
 * collector, spread over its variants ({@code CollectorProvider.variants()}: program i runs variant
 * i mod their number), each checked against the plain-Java {@link ReferenceModel} after every
 * collection. Programs run in parallel (each on a heap of its own). A failure names its seed;
 * {@link #rerunGivenSeed()} replays one:
 * {@code ./gclab test -pl gc-core -am -Dtest=DifferentialTest#rerunGivenSeed -Dgclab.diff.seed=N -Dgclab.diff.collector=C [-Dgclab.diff.options=k=v,...]}.
 */
@Execution(ExecutionMode.CONCURRENT)
class DifferentialTest {
    static final int PROGRAMS = 1000;
    static final int OPERATIONS = 2000;

    static Stream<Arguments> programs() {
        return CollectorRegistry.all().stream().flatMap(p -> {
            List<Map<String, String>> variants = p.variants();
            return IntStream.range(0, PROGRAMS).mapToObj(i -> Arguments.of(p.name(), variants.get(i % variants.size()), seedOf(i)));
        });
    }

    /** Spreads program numbers over the seed space (SplittableRandom's mixing constant). */
    static long seedOf(int i) { return 0x9E3779B97F4A7C15L * (i + 1); }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @MethodSource("programs")
    void liveSetMatchesTheModel(String collector, Map<String, String> variant, long seed) {
        new MutatorProgram(CollectorRegistry.byName(collector), variant, seed, OPERATIONS).run();
    }

    @Test
    void rerunGivenSeed() {
        long seed = Long.parseLong(System.getProperty("gclab.diff.seed", "12345"));
        CollectorProvider p = CollectorRegistry.byName(System.getProperty("gclab.diff.collector", CollectorRegistry.all().getFirst().name()));
        Map<String, String> options = new LinkedHashMap<>();
        for (String kv : System.getProperty("gclab.diff.options", "").split(",")) {
            if (!kv.isBlank()) options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        String summary = new MutatorProgram(p, options, seed, Integer.getInteger("gclab.diff.ops", OPERATIONS)).run();
        System.out.println(p.name() + " " + options + " seed " + seed + ": " + summary);
    }

    @Test
    void programsActuallyCollect() {
        for (CollectorProvider p : CollectorRegistry.all()) {
            String summary = new MutatorProgram(p, Map.of(), seedOf(7), OPERATIONS).run();
            assertFalse(summary.startsWith("cycles=0"), p.name() + ": " + summary);
        }
    }
}
