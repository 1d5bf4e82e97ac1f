namespace AigcMesh.Models.Inference;

/// <summary>
/// A trained language model (GPT or LSTM) over token ids; tokenizer-agnostic (the data set's tokenizer encodes
/// prompts and decodes samples). Calls must come from one thread at a time, and a <see cref="Sample"/> enumeration
/// must be iterated on one thread (TorchSharp's dispose scopes are per thread).
/// </summary>
public interface ITextModel : IDisposable
{
    string Family { get; }
    int VocabularySize { get; }

    /// <summary>Tokens the model looks back over (GPT's context window); null when unbounded (LSTM).</summary>
    int? ContextLength { get; }

    long ParameterCount { get; }

    /// <summary>
    /// Logits of the token that follows each sequence (sequences may differ in length; each must hold at least one
    /// token; GPT sees only the last <see cref="ContextLength"/> tokens).
    /// </summary>
    float[][] NextTokenLogits(IReadOnlyList<IReadOnlyList<int>> sequences);

    /// <summary>
    /// Streams up to <paramref name="maxNewTokens"/> sampled token ids after <paramref name="prompt"/> (non-empty).
    /// Temperature 0 is greedy; topK 0 and topP 1 switch those filters off. Same arguments, same tokens.
    /// </summary>
    IEnumerable<int> Sample(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1.0, int topK = 0, double topP = 1.0, long seed = 0);

    /// <summary>
    /// A batch that samples many sequences with one forward pass per step (the generator's dynamic text batching).
    /// The default steps each row's own <see cref="Sample"/> in turn; the library's GPT and LSTM batch for real.
    /// </summary>
    ITextSampleBatch OpenBatch() => new SequentialSampleBatch(this);

    /// <summary>Mean cross-entropy in nats of each token given the ones before it (all tokens but the first).</summary>
    TextLoss CrossEntropy(IReadOnlyList<int> tokens);
}

public sealed record TextLoss(double NatsPerToken, long PredictedTokens)
{
    public double BitsPerToken => NatsPerToken / Math.Log(2);
}
