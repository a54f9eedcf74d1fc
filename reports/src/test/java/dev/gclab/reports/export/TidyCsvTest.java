package dev.gclab.reports.export;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tidy CSV: RFC 4180 quoting, a failed run as one row. */
class TidyCsvTest {
    @Test
    void labelsWithCommasAreQuotedAndAFailedRunIsOneRow() {
        assertEquals("\"rc:thresholds=700,10,10\"", TidyCsv.quote("rc:thresholds=700,10,10"));
        assertEquals("\"say \"\"hi\"\"\"", TidyCsv.quote("say \"hi\""));
        assertEquals("plain", TidyCsv.quote("plain"));
        String csv = TidyCsv.toCsv(List.of(new TidyCsv.Row("rc:thresholds=7,1,1", "rc", "gcbench", 0.5, -3, 1 << 20, 1.25, 2, null)));
        assertEquals(TidyCsv.HEADER + "\n1,\"rc:thresholds=7,1,1\",rc,gcbench,0.5,-3,1048576,1.25,2,completed,0\n", csv);
    }
}
