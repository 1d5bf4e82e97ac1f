using TorchSharp;
using static TorchSharp.torch;

namespace AigcMesh.Models.Inference;

/// <summary>A trained language model for generation and scoring (GPT or LSTM), over its <see cref="LanguageModule"/>.</summary>
internal sealed class LanguageModel(string family, LanguageModule model, Device device) : ITextModel
{
    public string Family { get; } = family;
    public int VocabularySize => model.VocabularySize;
    public int? ContextLength => model.ContextLength;
    public long ParameterCount { get; } = model.parameters().Sum(p => p.numel());

    public float[][] NextTokenLogits(IReadOnlyList<IReadOnlyList<int>> sequences)
    {
        foreach (var sequence in sequences) CheckTokens(sequence, nameof(sequences));
        return sequences.Select(sequence =>
        {
            using var stream = model.OpenStream(device);
            return stream.Feed(sequence);
        }).ToArray();
    }

    public IEnumerable<int> Sample(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1.0, int topK = 0, double topP = 1.0, long seed = 0)
    {
        CheckTokens(prompt, nameof(prompt));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        var sampler = new TokenSampler(temperature, topK, topP, seed);
        return Stream(model, prompt, maxNewTokens, sampler, device);
    }

    public ITextSampleBatch OpenBatch() => new TextSampleBatch(model.OpenBatchStream(device), prompt => CheckTokens(prompt, "prompt"));

    public TextLoss CrossEntropy(IReadOnlyList<int> tokens)
    {
        CheckTokens(tokens, nameof(tokens));
        if (tokens.Count < 2) throw new ArgumentException("Cross-entropy needs at least two tokens (the first is only context).", nameof(tokens));
        var (nats, count) = model.Score(tokens.Select(t => (long)t).ToArray(), device);
        return new TextLoss(nats / count, count);
    }

    public void Dispose() => model.Dispose();

    /// <summary>Loads <paramref name="weights"/> into <paramref name="model"/> (built from the config), refusing weights of another shape.</summary>
    public static LanguageModel Load(string family, LanguageModule model, Stream weights, Device device)
    {
        try
        {
            Training.WeightsFile.Load(model, weights);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.to(device).eval();
        return new LanguageModel(family, model, device);
    }

    /// <summary>
    /// Yields each token as soon as it is picked; the model's state lives in the stream. A batch of one row: the
    /// same code as <see cref="OpenBatch"/>, so a sequence samples the same tokens alone or batched.
    /// </summary>
    internal static IEnumerable<int> Stream(LanguageModule model, IReadOnlyList<int> prompt, int maxNewTokens, TokenSampler sampler, Device device)
    {
        if (maxNewTokens == 0) yield break;
        using var stream = model.OpenBatchStream(device);
        stream.Add(0, prompt);
        for (var i = 0; i < maxNewTokens; i++)
        {
            var token = sampler.Pick(stream.Logits()[0]);
            yield return token;
            if (i + 1 < maxNewTokens) stream.Append(0, token);
        }
    }

    private void CheckTokens(IReadOnlyList<int> tokens, string name)
    {
        if (tokens.Count == 0) throw new ArgumentException("Needs at least one token.", name);
        foreach (var t in tokens)
            if (t < 0 || t >= VocabularySize) throw new ArgumentOutOfRangeException(name, t, $"Token id {t} is outside the vocabulary [0, {VocabularySize}).");
    }
}
