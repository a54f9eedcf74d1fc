package dev.gclab.workloads;

import dev.gclab.workloads.WorkloadParam.ChoiceParam;
import dev.gclab.workloads.WorkloadParam.DecimalParam;
import dev.gclab.workloads.WorkloadParam.IntegerParam;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typed parameter declarations: parsing, ranges, keywords, defaults, and the messages of bad values. */
class ParamsTest {
    private static final Workload W = new Workload() {
        @Override public String name() { return "w"; }
        @Override public String description() { return "test"; }
        @Override public List<WorkloadParam> parameters() {
            return List.of(IntegerParam.of("n", 0, 100, 7, "a count"),
                new IntegerParam("seed", Long.MIN_VALUE, Long.MAX_VALUE, List.of("run"), "5", "a seed or 'run'"),
                new ChoiceParam("kind", List.of("a", "b_c"), "a", "a kind"));
        }
        @Override public SizeRange sizes(ParamValues p) { return new SizeRange(0, p.intValue("n") + 1, "size ≤ n + 1"); }
        @Override public void run(WorkloadContext context) {}
    };

    private static String error(double size, Map<String, String> params) {
        return assertThrows(IllegalArgumentException.class, () -> Params.check(W, size, params)).getMessage();
    }

    @Test
    void defaultsAndGivenValues() {
        ParamValues v = Params.check(W, 1, Map.of());
        assertEquals(Map.of("n", "7", "seed", "5", "kind", "a"), v.asMap());
        v = Params.check(W, 1, Map.of("n", " 100 ", "seed", "run", "kind", "b_c"));
        assertEquals(100, v.intValue("n"));
        assertTrue(v.is("seed", "run"));
        assertEquals("b_c", v.string("kind"));
        assertEquals(Long.MIN_VALUE, Params.check(W, 1, Map.of("seed", "-9223372036854775808")).longValue("seed"));
        assertEquals(5, Params.check(W, 1, Map.of("n", "+5")).intValue("n"));
    }

    @Test
    void badValuesNameTheParameterTheValueAndTheRange() {
        assertEquals("parameter n of workload w must be an integer in [0, 100], not '-1' (out of range)", error(1, Map.of("n", "-1")));
        assertEquals("parameter n of workload w must be an integer in [0, 100], not '101' (out of range)", error(1, Map.of("n", "101")));
        assertEquals("parameter n of workload w must be an integer in [0, 100], not '99999999999999999999999' (out of range)",
            error(1, Map.of("n", "99999999999999999999999")));
        assertEquals("parameter n of workload w must be an integer in [0, 100], not '' (empty)", error(1, Map.of("n", "")));
        for (String bad : new String[] {"NaN", "Infinity", "1.5", "1e3", "x", "0x10", "１"}) {
            assertEquals("parameter n of workload w must be an integer in [0, 100], not '" + bad + "'", error(1, Map.of("n", bad)));
        }
        assertEquals("parameter seed of workload w must be an integer in [-9223372036854775808, 9223372036854775807] or 'run', "
            + "not '9223372036854775808' (out of range)", error(1, Map.of("seed", "9223372036854775808")));
        assertEquals("parameter seed of workload w must be an integer in [-9223372036854775808, 9223372036854775807] or 'run', not 'RUN'",
            error(1, Map.of("seed", "RUN")));
        assertEquals("parameter kind of workload w must be one of a, b_c, not 'B_C' (values are case-sensitive)", error(1, Map.of("kind", "B_C")));
        assertEquals("parameter kind of workload w must be one of a, b_c, not 'z'", error(1, Map.of("kind", "z")));
        assertEquals("unknown parameter 'm' for workload w; valid parameters: kind, n, seed", error(1, Map.of("m", "1")));
    }

    @Test
    void sizesAreCheckedAgainstTheDeclaredRange() {
        assertEquals("w: size 9 is out of range: w takes sizes in (0, 8] (size ≤ n + 1)", error(9, Map.of()));
        assertEquals("w: size 2 is out of range: w takes sizes in (0, 1] (size ≤ n + 1)", error(2, Map.of("n", "0")));
        assertEquals("w: size 1e300 is out of range: w takes sizes in (0, 8] (size ≤ n + 1)", error(1e300, Map.of()));
        assertEquals("w: size must be a finite number > 0, not Infinity", error(Double.POSITIVE_INFINITY, Map.of()));
        assertEquals("w: size must be a finite number > 0, not NaN", error(Double.NaN, Map.of()));
        assertEquals("w: size must be a finite number > 0, not 0", error(0, Map.of()));
        assertEquals("w: size must be a finite number > 0, not -1", error(-1, Map.of()));
        Params.check(W, Double.MIN_VALUE, Map.of());
        Params.check(W, 8, Map.of());
        SizeRange closed = new SizeRange(4e-6, 16.777214, "r");
        assertEquals("[4e-6, 16.777214]", closed.toString());
        assertTrue(closed.contains(4e-6) && closed.contains(16.777214));
        assertFalse(closed.contains(3.9e-6) || closed.contains(16.7772141) || closed.contains(Double.NaN));
    }

    @Test
    void decimalParametersTakePlainDecimalsInTheirRange() {
        DecimalParam f = new DecimalParam("f", 0, 1, "0", "a fraction");
        assertEquals("0.01", f.check("w", " 0.010 "));
        assertEquals("0", f.check("w", "0.000"));
        assertEquals("1", f.check("w", "1"));
        assertEquals("0.5", f.check("w", ".5"));
        assertEquals("0.001", f.check("w", "+0.001"));
        assertEquals("a decimal number in [0, 1]", f.valid());
        for (String bad : new String[] {"NaN", "Infinity", "1e-3", "x", "", "0x1", "1.5.", "-"}) {
            String msg = assertThrows(IllegalArgumentException.class, () -> f.check("w", bad)).getMessage();
            assertEquals("parameter f of workload w must be a decimal number in [0, 1], not " + (bad.isEmpty() ? "'' (empty)" : "'" + bad + "'"), msg);
        }
        for (String out : new String[] {"-0.001", "1.0000001", "99999999999999999999"}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> f.check("w", out)).getMessage().endsWith("(out of range)"), out);
        }
        assertThrows(IllegalArgumentException.class, () -> new DecimalParam("f", 0, 1, "2", "default out of range"));
        assertThrows(IllegalArgumentException.class, () -> new DecimalParam("f", 1, 0, "0.5", "empty range"));
    }

    @Test
    void declarationsMustBeConsistent() {
        assertThrows(IllegalArgumentException.class, () -> IntegerParam.of("n", 0, 10, 11, "default out of range"));
        assertThrows(IllegalArgumentException.class, () -> IntegerParam.of("n", 5, 1, 3, "empty range"));
        assertThrows(IllegalArgumentException.class, () -> new ChoiceParam("k", List.of("a"), "b", "default not a choice"));
        assertThrows(IllegalArgumentException.class, () -> new SizeRange(0, Double.POSITIVE_INFINITY, "infinite"));
    }

    @Test
    void everyRegisteredWorkloadDeclaresValidDefaults() {
        for (Workload w : WorkloadRegistry.all()) {
            ParamValues v = Params.check(w, 0.001, Map.of());
            assertEquals(w.parameters().size(), v.asMap().size(), w.name());
        }
    }

    @Test
    void numbersPrintInTheirShortestPlainForm() {
        assertEquals("0.05", Numbers.format(0.05));
        assertEquals("1", Numbers.format(1.0));
        assertEquals("1000000", Numbers.format(1e6));
        assertEquals("16.777214", Numbers.format(16.777214));
        assertEquals("4e-6", Numbers.format(4e-6));
        assertEquals("1.5e-7", Numbers.format(1.5e-7));
        assertEquals("1e300", Numbers.format(1e300));
        assertEquals("1.7976931348623157e308", Numbers.format(Double.MAX_VALUE));
        assertEquals("-1", Numbers.format(-1));
        assertEquals("Infinity", Numbers.format(Double.POSITIVE_INFINITY));
        assertEquals("NaN", Numbers.format(Double.NaN));
        assertEquals("0", Numbers.format(-0.0));
    }
}
