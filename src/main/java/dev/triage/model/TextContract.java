package dev.triage.model;

/**
 * What the text encoder expects: token ids from the named tokenizer, ids in {@code [1, vocabSize)}, 0 is padding,
 * right-padded or truncated to {@code maxTokens}.
 */
public record TextContract(String tokenizer, int vocabSize, int maxTokens) {}
