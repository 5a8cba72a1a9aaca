package dev.triage.inference;

/** One request's answer: its row of the module's output, and the size of the batch it was computed in. */
public record Inferred(float[] values, int batchSize) {}
