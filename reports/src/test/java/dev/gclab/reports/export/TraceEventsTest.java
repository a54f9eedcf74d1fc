package dev.gclab.reports.export;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trace-event files of real runs of every collector are well-formed and hold every pause, phase and occupancy sample. */
class TraceEventsTest {
    @Test
    void everyCollectorsRunIsAWellFormedTraceWithItsPausesPhasesAndCounters() throws Exception {
        List<TraceEvents.Labeled> runs = new ArrayList<>();
        for (CollectorProvider p : CollectorRegistry.all()) {
            Experiment e = Experiment.of(p.name(), "testchurn", 5).withHeapBytes(4L << 20).withSize(0.5).withParams(Map.of("keep", "4096"));
            RunResult r = new ExperimentRunner().run(e);
            runs.add(new TraceEvents.Labeled(r.label(), r));
        }
        TraceEventsFormat.Summary s = TraceEventsFormat.check(TraceEvents.toJson(runs));
        int pauses = runs.stream().mapToInt(l -> l.result().timeline().startNs().size()).sum();
        assertTrue(pauses > runs.size(), "the runs collected on a 4 MiB heap: " + pauses + " pauses");
        int phases = runs.stream().mapToInt(l -> l.result().timeline().phase().size()).sum();
        assertEquals(pauses + phases + runs.size(), s.slices(), "a slice per pause, per phase and per workload run");
        int samples = runs.stream().mapToInt(l -> (l.result().timeline().spaces().size() + 1) * (l.result().timeline().startNs().size() + 1)).sum();
        assertEquals(samples, s.counters(), "a sample per space and for the whole heap at the start and after every pause");
        assertEquals(runs.size(), s.processes());
        assertTrue(s.counterNames().contains("heap main") && s.counterNames().contains("heap in use"), s::toString);
        for (var l : runs) for (String ph : l.result().timeline().phase()) assertTrue(s.sliceNames().contains(ph), ph);
    }

    @Test
    void theCheckerRefusesWhatPerfettoWouldMisread() {
        assertThrows(AssertionError.class, () -> TraceEventsFormat.check("{\"traceEvents\": [{\"name\": \"a\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": 5, \"dur\": 1},"
            + "{\"name\": \"b\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": 4, \"dur\": 1}, {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": \"p\"}}]}"),
            "timestamps going back");
        assertThrows(AssertionError.class, () -> TraceEventsFormat.check("{\"traceEvents\": [{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": \"p\"}},"
            + "{\"name\": \"a\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": 1, \"dur\": 5}, {\"name\": \"b\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": 2, \"dur\": 9}]}"),
            "a slice overlapping its parent");
        assertThrows(AssertionError.class, () -> TraceEventsFormat.check("{\"traceEvents\": [{\"name\": \"a\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": 1}]}"),
            "no duration");
    }
}
