package dev.triage.encode;

import dev.triage.model.TextContract;

/** Turns a post's text into the text encoder's token ids: exactly {@code maxTokens} of them, right-padded with 0. */
public interface Tokenizer {

    /** Token ids of {@code text}; refused text is a {@link DecodeException} (empty, too large). */
    long[] tokenize(String text) throws DecodeException;

    /** The tokenizer {@code contract} names ({@link TextContract#tokenizerFile()} resolved by the bundle). */
    static Tokenizer forContract(TextContract contract, DecodeLimits limits) {
        return TextContract.HUGGING_FACE.equals(contract.tokenizer())
                ? HuggingFaceTextTokenizer.load(contract, limits)
                : new TextTokenizer(contract, limits);
    }
}
