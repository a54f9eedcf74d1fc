package dev.gclab.gc.plan.incremental;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The pacer's arithmetic: goal and trigger, step distances, the assist floor, the warm-up ramp, sweeping. */
class PacerTest {
    private static final long MIB = 1L << 20;

    private static Pacer pacer() { return new Pacer(2.0, 0.5, 2048, 256, 256, 4 * MIB, 256 * MIB); }

    @Test
    void goalAndTriggerFollowTheLiveSize() {
        Pacer p = pacer();
        assertEquals(4 * MIB, p.goal(), "no cycle yet: the minimum");
        assertEquals(2 * MIB, p.markTrigger());
        p.markingEnded(20 * MIB, 300_000, 200_000);
        assertEquals(40 * MIB, p.goal());
        assertEquals(30 * MIB, p.markTrigger(), "half-way from the live size to the goal");
        p.markingEnded(250 * MIB, 1, 1);
        assertEquals(224 * MIB, p.goal(), "never past 7/8 of the heap");
    }

    @Test
    void stepsShareTheRunwayButNeverComeCloserThanTheAssistFloor() {
        Pacer p = pacer();
        p.markingEnded(20 * MIB, 10_000, 10_000); // goal 40 MiB, trigger 30 MiB
        p.cycleStarted(0);
        assertEquals(10_000, p.estimatedWork());
        assertEquals(2 * MIB, p.markDistance(30 * MIB, 0, 10, 2048), "10 MiB of runway for 5 steps of 2,048");
        // much more work than runway: the floor, 2,048 objects x 256 bytes
        p.markingEnded(20 * MIB, 10_000_000, 10_000_000);
        p.cycleStarted(0);
        assertEquals(2048 * 256, p.markDistance(30 * MIB, 0, 10, 2048));
        assertEquals(2048 * 256, p.markDistance(41 * MIB, 0, 10, 2048), "past the goal too");
        assertEquals(Pacer.MIN_DISTANCE, p.markDistance(241 * MIB, 0, 10, 2048), "past 15/16 of the heap only the minimum");
    }

    @Test
    void anEstimateThatRunsOutIsRaisedAndAWarmUpRampStartsSmall() {
        Pacer p = pacer();
        p.markingEnded(20 * MIB, 10_000, 10_000);
        p.cycleStarted(0);
        p.markDistance(30 * MIB, 9_000, 1, 2048);
        assertTrue(p.estimatedWork() > 9_000 + 2048, "raised: " + p.estimatedWork());
        assertEquals(256, p.assistBudget(0));
        assertEquals(256, p.assistBudget(Pacer.WARM_UP_OBJECTS - 1));
        assertEquals(2048, p.assistBudget(Pacer.WARM_UP_OBJECTS));
    }

    @Test
    void sweepingSpreadsOverHalfTheNextRunway() {
        Pacer p = pacer();
        p.markingEnded(20 * MIB, 1, 1); // trigger 30 MiB: 10 MiB from the live size, 5 MiB for the sweep
        p.sweepStarted(1000);
        assertEquals(5 * MIB / 4, p.sweepDistance(1000, 1000), "1,000 spans in 4 steps of 256");
        assertEquals(Pacer.MIN_DISTANCE, p.sweepDistance(1000 + 6 * MIB, 1000), "past the runway: as often as allowed");
    }
}
