package dev.triage.inference;

import java.time.Duration;

/** Work handed to the engine and not yet answered: what {@link InferenceEngine#awaitIdle} waits for. */
final class Outstanding {
    private long count;

    synchronized void add() {
        count++;
    }

    synchronized void done() {
        if (--count == 0) {
            notifyAll();
        }
    }

    synchronized long count() {
        return count;
    }

    /** True once nothing is outstanding; false if that took longer than {@code timeout}. */
    synchronized boolean awaitZero(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
