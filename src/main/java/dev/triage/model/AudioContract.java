package dev.triage.model;

/**
 * What the audio encoder expects: a mono float waveform in [-1, 1] at {@code sampleRate}, zero-padded or cropped to
 * exactly {@code clipSamples} samples. The log-mel spectrogram is computed inside the model.
 */
public record AudioContract(int sampleRate, int clipSamples) {}
