package dev.gclab.reports.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading JMH's {@code -rf json} output (the fixture is cut from a real run of benchmarks.jar). */
class JmhJsonTest {
    static List<JmhResult> sample() throws Exception {
        return JmhJson.read(Path.of(JmhJsonTest.class.getResource("/bench/jmh-sample.json").toURI()));
    }

    @Test
    void readsBenchmarksParamsScoresAndUnits() throws Exception {
        List<JmhResult> rs = sample();
        assertEquals(5, rs.size());
        JmhResult alloc = rs.get(0);
        assertEquals("dev.gclab.bench.AllocationBench.allocate", alloc.benchmark());
        assertEquals("AllocationBench.allocate", alloc.shortName());
        assertEquals(Map.of(), alloc.params());
        assertEquals(33.003935158014556, alloc.score(), 1e-12);
        assertTrue(Double.isNaN(alloc.error()), "JMH writes \"NaN\" for one iteration");
        assertEquals("ns/op", alloc.unit());
        assertTrue(Double.isNaN(alloc.instructions()));

        JmhResult ms = rs.get(2);
        assertEquals(Map.of("markBits", "SIDE", "n", "1000000", "shape", "random"), ms.params());
        assertEquals("avgt", ms.mode());
        assertEquals("ms/op", ms.unit());
        assertEquals(5.330767360390831, ms.error(), 1e-12);

        assertEquals("ss", rs.get(3).mode());
        assertEquals("sample", rs.get(4).mode());
        assertEquals("us/op", rs.get(4).unit());
    }

    @Test
    void readsPerfnormInstructions() throws Exception {
        JmhResult setRef = sample().get(1);
        assertEquals(Map.of("checks", "FULL"), setRef.params());
        assertEquals(61.5, setRef.instructions(), 1e-12);
        assertEquals(1.25, setRef.instructionsError(), 1e-12);
    }

    @Test
    void keyIgnoresParameterOrder() {
        JmhResult a = new JmhResult("x.A.b", "avgt", Map.of("p", "1", "q", "2"), 1, 0, "ns/op", Double.NaN, Double.NaN);
        assertEquals("x.A.b{p=1,q=2}", a.key());
    }

    @Test
    void rejectsWhatIsNotAnArray() {
        assertThrows(IOException.class, () -> JmhJson.parse("{\"rows\": []}"));
        assertThrows(IOException.class, () -> JmhJson.parse("[{\"mode\": \"avgt\"}]"));
    }
}
