package dev.triage.demo;

import java.nio.file.Path;

/**
 * What a demo run sends and where it reports.
 *
 * @param posts        posts to send
 * @param ratePerSecond posts per second (0 = as fast as possible)
 * @param seconds      stop sending after this long even if fewer posts were sent (0 = no limit)
 * @param partialShare share of posts missing one or two modalities
 * @param badShare     share of posts carrying one deliberately bad event
 * @param seed         random seed of the feed
 * @param reportDir    where summary.json and report.html go (null = no report)
 * @param keepRunning  leave broker and registry up after the summary, until interrupted
 */
public record DemoOptions(int posts, double ratePerSecond, double seconds, double partialShare, double badShare,
                          long seed, Path reportDir, boolean keepRunning) {

    public DemoOptions {
        if (posts < 1) {
            throw new IllegalArgumentException("--posts must be at least 1");
        }
        if (ratePerSecond < 0 || seconds < 0) {
            throw new IllegalArgumentException("--rate and --seconds cannot be negative");
        }
        if (partialShare < 0 || partialShare > 1 || badShare < 0 || badShare > 1) {
            throw new IllegalArgumentException("--partial-share and --bad-share are shares between 0 and 1");
        }
    }
}
