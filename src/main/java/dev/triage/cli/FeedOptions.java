package dev.triage.cli;

import picocli.CommandLine.Option;

/** What a synthetic feed sends: shared by {@code demo} and {@code produce --synthetic}. */
final class FeedOptions {
    @Option(names = "--posts", defaultValue = "600", description = "Posts to send (default: ${DEFAULT-VALUE}).")
    int posts;

    @Option(names = "--rate", defaultValue = "50",
            description = "Posts per second, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--partial-share", defaultValue = "0.2",
            description = "Share of posts missing one or two modalities (default: ${DEFAULT-VALUE}).")
    double partialShare;

    @Option(names = "--bad-share", defaultValue = "0.05",
            description = "Share of posts carrying one deliberately bad event (default: ${DEFAULT-VALUE}).")
    double badShare;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the feed (default: ${DEFAULT-VALUE}).")
    long seed;
}
