package dev.gclab.reports.export;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interval log reads back with HdrHistogram's own reader: every pause once per tag, intervals covering each run. */
class PauseLogTest {
    @Test
    void everyPauseIsInTheLogUnderItsRunsTagAndKind() {
        List<TraceEvents.Labeled> runs = new ArrayList<>();
        for (CollectorProvider p : CollectorRegistry.all()) {
            RunResult r = new ExperimentRunner().run(Experiment.of(p.name(), "testchurn", 9).withHeapBytes(4L << 20).withSize(0.5));
            runs.add(new TraceEvents.Labeled(r.label() + ":x=1,2", r)); // a label with a comma, as name:key=a,b gives
        }
        String text = PauseLog.toText(runs, true);
        HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        Map<String, Long> counts = new HashMap<>();
        Map<String, Integer> intervals = new HashMap<>();
        for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) {
            counts.merge(h.getTag(), ((org.HdrHistogram.Histogram) h).getTotalCount(), Long::sum);
            intervals.merge(h.getTag(), 1, Integer::sum);
        }
        for (TraceEvents.Labeled l : runs) {
            RunResult r = l.result();
            String tag = PauseLog.tag(l.label());
            assertTrue(!tag.contains(","), tag);
            assertEquals(r.pauses().count(), counts.get(tag), tag);
            long runNs = r.timeline().runEndNs() - r.timeline().runStartNs();
            assertEquals((int) Math.max(1, (runNs + PauseLog.INTERVAL_NS - 1) / PauseLog.INTERVAL_NS), intervals.get(tag), tag);
            if (r.pausesMinor().count() > 0 && r.pausesMajor().count() > 0) {
                assertEquals(r.pausesMinor().count(), counts.get(tag + "/minor"), tag);
                assertEquals(r.pausesMajor().count(), counts.get(tag + "/major"), tag);
            }
        }
        String untagged = PauseLog.toText(runs.subList(0, 1), false);
        HistogramLogReader one = new HistogramLogReader(new ByteArrayInputStream(untagged.getBytes(StandardCharsets.UTF_8)));
        EncodableHistogram first = one.nextIntervalHistogram();
        assertEquals(null, first.getTag(), "run writes its pauses untagged");
    }
}
