package dev.triage.model;

import java.util.List;

/**
 * What the image encoder expects: a square {@code size} x {@code size} image, channels in {@code channelOrder}
 * ("RGB"), values scaled to [0, 1] then normalized per channel with {@code mean}/{@code std}, laid out NCHW.
 */
public record ImageContract(int size, String channelOrder, List<Double> mean, List<Double> std) {}
