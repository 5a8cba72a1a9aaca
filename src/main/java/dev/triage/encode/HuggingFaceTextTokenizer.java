package dev.triage.encode;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.triage.avro.Modality;
import dev.triage.model.TextContract;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@value TextContract#HUGGING_FACE} tokenizer: a Hugging Face {@code tokenizer.json} (WordPiece, BPE, Unigram,
 * with its normalizer, pre-tokenizer and special tokens) run by the Rust tokenizers library through DJL, whose jar
 * carries the native library. Special tokens are added as the file's post-processor says ({@code [CLS] … [SEP]}),
 * the encoding is truncated to {@code maxTokens} (special tokens kept), then right-padded with 0: the file's id 0
 * must be its padding token, which the bundle checks when it loads. Thread-safe.
 */
public final class HuggingFaceTextTokenizer implements Tokenizer, AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxTokens;
    private final int maxTextChars;

    private HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens, int maxTextChars) {
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.maxTextChars = maxTextChars;
    }

    /** Loads {@link TextContract#tokenizerFile()}; an unreadable file is an {@link UncheckedIOException}. */
    public static HuggingFaceTextTokenizer load(TextContract contract, DecodeLimits limits) {
        if (!TextContract.HUGGING_FACE.equals(contract.tokenizer()) || contract.tokenizerFile() == null) {
            throw new IllegalArgumentException("not a " + TextContract.HUGGING_FACE + " contract with a tokenizer file: "
                    + contract);
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(contract.tokenizerFile())
                    .optMaxLength(contract.maxTokens())
                    .optTruncation(true)
                    .optPadding(false)
                    .build();
            return new HuggingFaceTextTokenizer(tokenizer, contract.maxTokens(), limits.maxTextChars());
        } catch (IOException e) {
            throw new UncheckedIOException(contract.tokenizerFile() + ": unreadable tokenizer: " + e.getMessage(), e);
        }
    }

    @Override
    public long[] tokenize(String text) throws DecodeException {
        Tokenizer.checkText(text, maxTextChars);
        Encoding encoding = tokenizer.encode(text);
        long[] ids = encoding.getIds();
        long[] special = encoding.getSpecialTokenMask();
        boolean onlySpecial = true;
        for (long s : special) {
            onlySpecial &= s != 0;
        }
        if (onlySpecial) {
            throw new DecodeException(Modality.TEXT, DecodeException.Reason.EMPTY,
                    "text has no tokens (" + text.length() + " chars)");
        }
        long[] padded = new long[maxTokens];
        System.arraycopy(ids, 0, padded, 0, Math.min(ids.length, maxTokens));
        return padded;
    }

    /** Releases the native tokenizer. */
    @Override
    public void close() {
        tokenizer.close();
    }
}
