package dev.triage.encode;

import dev.triage.avro.Modality;
import dev.triage.model.TextContract;

/** Turns a post's text into the text encoder's token ids: exactly {@code maxTokens} of them, right-padded with 0. */
public interface Tokenizer {

    /** Token ids of {@code text}; refused text is a {@link DecodeException} (empty, too large). */
    long[] tokenize(String text) throws DecodeException;

    /** What every tokenizer refuses: no text, or more than {@code maxTextChars} characters. */
    static void checkText(String text, int maxTextChars) throws DecodeException {
        if (text == null || text.isEmpty()) {
            throw new DecodeException(Modality.TEXT, DecodeException.Reason.EMPTY, "text is empty");
        }
        if (text.length() > maxTextChars) {
            throw new DecodeException(Modality.TEXT, DecodeException.Reason.TOO_LARGE, "text of " + text.length()
                    + " chars exceeds " + DecodeLimits.TEXT_MAX_CHARS + "=" + maxTextChars);
        }
    }

    /** The tokenizer {@code contract} names ({@link TextContract#tokenizerFile()} resolved by the bundle). */
    static Tokenizer forContract(TextContract contract, DecodeLimits limits) {
        return TextContract.HUGGING_FACE.equals(contract.tokenizer())
                ? HuggingFaceTextTokenizer.load(contract, limits)
                : new TextTokenizer(contract, limits);
    }
}
